"""Two writers drafting the programme's summary report at once, for the numbering tests."""

import threading
from datetime import UTC, date, datetime


def draft_reports_concurrently(engine, days: list[date]) -> list[BaseException]:
    """Draft one report version per day, the days split between two threads; their errors."""
    from models.kernel.database import write_session
    from models.kernel.lookups import get_programme
    from services.drafting import draft_programme_report_in

    errors: list[BaseException] = []

    def writer(mine: list[date]) -> None:
        try:
            for day in mine:
                with write_session(engine) as session:
                    programme = get_programme(session, "HP-2023-PILOT")
                    draft_programme_report_in(session, programme, "vi", day, datetime.now(UTC))
        except BaseException as exc:  # returned to the test, which asserts there are none
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(days[i::2],)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors

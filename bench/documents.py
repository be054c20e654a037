"""Draft the survey documents of the synthetic national programme (part of `make bench`).

Target (issue #5): at least 100 Word documents per second on a 2-core machine, for the three
survey documents of 3,355 units (10,065 files), numbered, written and registered.
"""

import time
from datetime import date


def survey_documents(settings) -> list[tuple[str, str]]:
    """Time `docs generate --phase survey` over every unit, then again with nothing changed."""
    from flows.documents import generate_documents
    from models.documents.types import types_of_phase

    types = [t.key for t in types_of_phase("survey")]
    figures = []
    for label in ("draft survey documents, 3,355 units x 3", "  again, nothing changed"):
        t = time.perf_counter()
        result = generate_documents("VN-NATIONAL", date(2026, 1, 5), types, "vi")
        took = time.perf_counter() - t
        made = result["new"] + result["unchanged"]
        figures.append(
            (
                f"{label} (flow time)",
                f"{took:.2f} s, {made / took:.0f} documents/s "
                f"({result['new']} new, {result['unchanged']} unchanged)",
            )
        )
    files = list(settings.documents_dir.rglob("*.docx"))
    size = sum(f.stat().st_size for f in files) / 1024 / 1024
    figures.append(("  Word files on disk", f"{len(files)} ({size:.0f} MB)"))
    return figures

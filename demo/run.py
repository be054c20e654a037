"""The worked example (`make demo`): the Hải Phòng 2023 pilot, loaded, replayed and audited.

It runs in its own home, var/demo/ (wiped at each run), so it never mixes with real data.
The facts it records are MADE UP (see demo/replay.py); the units, their parents and the
pilot's window are from Plan 61/KH-UBND.
"""

import os
import shutil
import sys
import time
from datetime import date

from rich.console import Console

from config import CONFIG_DIR, PROJECT_ROOT
from config.settings import get_settings

PILOT = CONFIG_DIR / "programmes" / "haiphong-2023-pilot.yaml"
EXPERTS = CONFIG_DIR / "programmes" / "haiphong-2023-pilot-experts.csv"
FIRST, LAST = date(2023, 3, 6), date(2023, 8, 31)
HOME = PROJECT_ROOT / "var" / "demo"
DOCUMENTS = PROJECT_ROOT / "var" / "documents"

console = Console(highlight=False)
MADE_UP = "Dữ liệu minh họa (made up): các mức đánh giá và nhiệm vụ trong báo cáo này là giả định."


def run(*args: str) -> None:
    """Run one rollout command as a coordinator would type it; stop on failure."""
    from cli.app import app

    console.rule(f"[bold]$ rollout {' '.join(args)}")
    started = time.perf_counter()
    code = app(list(args), standalone_mode=False)
    if code:
        sys.exit(code)
    console.print(f"[dim]({time.perf_counter() - started:.1f} s)[/]")


def replay() -> None:
    """Every working day of the pilot: record that day's (made-up) facts, then sweep."""
    from adapters.prefect_runtime import configure_prefect, flow_settings
    from demo.replay import CODE, Replay
    from flows.phases import daily_sweep
    from services.resources import database

    configure_prefect(get_settings())
    console.rule("[bold]Replaying 06/03/2023 - 31/08/2023: facts recorded, then a daily sweep")
    story = Replay(database(), HOME)
    cal = story.calendar()
    week = {"facts": 0, "opened": 0, "closed": 0, "overdue": 0, "drafted": 0, "messages": 0}
    started = time.perf_counter()
    with flow_settings():
        day = FIRST
        while day <= LAST:
            week["facts"] += story.record_day(day)
            result = daily_sweep(CODE, day)
            week["messages"] += result["reminders"]["sent"]
            for counts in result["phases"].values():
                for key in ("opened", "closed", "overdue", "drafted"):
                    week[key] += counts[key]
            story.schedule_opened(cal)
            following = cal.shift(day, 1)
            if following.isocalendar()[1] != day.isocalendar()[1] or following > LAST:
                console.print(
                    f"to {day:%d/%m/%Y}: {week['facts']:>2} facts; phases {week['opened']:>2} "
                    f"opened, {week['closed']:>2} closed, {week['overdue']:>2} overdue; "
                    f"{week['drafted']:>2} documents drafted; {week['messages']:>2} e-mails"
                )
                week = dict.fromkeys(week, 0)
            day = following
    console.print(f"[dim]{time.perf_counter() - started:.0f} s for the replay[/]")


def show_outbox() -> None:
    """Count the replay's e-mails in the file outbox and print one escalation, decoded."""
    from email import message_from_bytes, policy

    outbox = get_settings().outbox_dir
    files = sorted(outbox.rglob("*.eml"))
    console.rule(f"[bold]{len(files)} reminder e-mails in {outbox.relative_to(PROJECT_ROOT)}")
    for path in files:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if "chậm tiến độ" in str(message["Subject"]) and "vanphong" in str(message["To"]):
            console.print(f"[dim]{path.relative_to(PROJECT_ROOT)}[/]")
            console.print(f"To: {message['To']}\nSubject: {message['Subject']}\n")
            console.print(message.get_body(preferencelist=("plain",)).get_content())
            break


def main() -> None:
    """Load the pilot, replay it, and show what coordinators and auditors would see."""
    shutil.rmtree(HOME, ignore_errors=True)
    shutil.rmtree(DOCUMENTS, ignore_errors=True)
    os.environ["ROLLOUT_HOME"] = str(HOME)
    os.environ["ROLLOUT_DOCUMENTS"] = str(DOCUMENTS)
    os.environ.setdefault("ROLLOUT_ACTOR", "Chi cục TĐC Hải Phòng (minh họa)")
    get_settings.cache_clear()
    run("init", str(PILOT.relative_to(PROJECT_ROOT)), "--as-of", "2023-03-01")
    # Three trainers (who also guide) and two verifiers, made up: their sessions planned, then
    # one trainer drops out from 02/05/2023 and only their sessions move.
    run("experts", "load", str(EXPERTS.relative_to(PROJECT_ROOT)))
    run("experts", "plan", "--as-of", "2023-03-01")
    run("experts", "show", "HP-CG03")
    run("experts", "plan", "--as-of", "2023-03-01", "--without", "HP-CG03", "--from", "2023-05-02")
    run("experts", "show", "HP-CG03")
    run("show", "HP-DANGLAM", "--as-of", "2023-03-01")
    replay()
    run("status", "--as-of", "2023-05-15", "--unit", "HP-TIENLANG")
    run("show", "HP-THUYNGUYEN", "--as-of", "2023-08-31")
    run("show", "HP-CAUTRE", "--as-of", "2023-08-31")
    run("audit", "report", "--as-of", "2023-08-31")
    run("audit", "report", "--as-of", "2023-08-31", "--format", "html")
    # The phase flows drafted each phase's documents as units opened it; the reports drafted
    # then had no ratings yet: draft the reports again at the end, with the summary report.
    reports = ("assessment_report", "results_report", "programme_report")
    run("docs", "generate", "--as-of", "2023-08-31", *[a for t in reports for a in ("--type", t)])
    # HP-DANGLAM's action programme was edited after its submission was drafted: draft it again,
    # with HTML previews of that unit's documents (0.4 s each, so one unit's only).
    types = ("action_submission", "action_decision", "assessment_report", "results_report")
    run(
        "docs",
        "generate",
        "--unit",
        "HP-DANGLAM",
        "--as-of",
        "2023-08-31",
        "--html",
        *[a for t in types for a in ("--type", t)],
    )
    run("docs", "list", "--unit", "HP-DANGLAM")
    run("assess", "score", "--as-of", "2023-08-31")
    run("assess", "report", "--as-of", "2023-08-31", "--note", MADE_UP)
    run("actions", "list", "--unit", "HP-DANGLAM", "--as-of", "2023-08-31")
    run("audit", "verify")
    show_outbox()
    console.print(
        f"\nThe demo's database is {HOME / 'rollout.db'}; to look around:\n"
        f"  ROLLOUT_HOME={HOME.relative_to(PROJECT_ROOT)} .venv/bin/rollout status "
        "--as-of 2023-06-15"
        f"\nThe documents are under {DOCUMENTS.relative_to(PROJECT_ROOT)}/ (Word; HP-DANGLAM's "
        "with HTML previews); the self-assessment report with its heat map is under "
        f"{(HOME / 'reports').relative_to(PROJECT_ROOT)}/."
        "\nAll facts recorded in the replay are made up for illustration."
    )


if __name__ == "__main__":
    main()

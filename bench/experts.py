"""Time an expert plan of the synthetic national programme (`make bench-experts`).

3,355 units and 150 experts (per province two trainers who also guide and one verifier; 48
who work anywhere). Target on a 2-core machine: a plan within 60 s of flow time. Figures: the
plan's late working days against the fewest any plan could have (models/experts/bound.py) and
the gap; the makespan (first to last session day, in working days) against a simple lower
bound (expert-days needed / expert-days available per working day); and the same for first-fit
by parts and for the whole country at once. Runs in a scratch ROLLOUT_HOME.
"""

import csv
import os
import tempfile
import time
from datetime import date
from math import ceil
from pathlib import Path

PROVINCES = 34


def write_experts(path: Path) -> Path:
    """150 made-up experts: 102 tied to a province, 48 who work anywhere."""
    rows = []
    for p in range(PROVINCES):
        region = f"P{p:02d}"
        for n in (1, 2):
            rows.append((f"{region}-T{n}", "training;guidance", region, 5 - (n == 2)))
        rows.append((f"{region}-V1", "verification", region, 4))
    for n in range(48):
        skills = ("guidance;verification", "training;guidance", "verification")[n % 3]
        rows.append((f"VN-E{n:02d}", skills, "", 5))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "email", "skills", "regions", "days_per_week"])
        for code, skills, region, days in rows:
            writer.writerow([code, f"Chuyên gia {code} (made up)", "", skills, region, days])
    return path


def main() -> None:
    """Load the national programme and its experts, then time the solver and the baseline."""
    scratch = Path(tempfile.mkdtemp(prefix="rollout-bench-experts-"))
    os.environ["ROLLOUT_HOME"] = str(scratch / "var")
    from adapters.prefect_runtime import configure_prefect, flow_settings
    from bench.generate import generate
    from config.settings import get_settings
    from flows.experts import plan_experts
    from flows.plan import init_programme
    from services.experts import load_experts_file

    get_settings.cache_clear()
    configure_prefect(get_settings())
    programme = generate(scratch / "programme")
    as_of = date(2026, 1, 2)
    figures: list[tuple[str, str]] = []
    with flow_settings():
        t = time.perf_counter()
        init_programme(str(programme), as_of)
        figures.append(("init+plan, 3,355 units (includes the server's start)", _s(t)))
        load_experts_file(programme="VN-NATIONAL", path=write_experts(scratch / "experts.csv"))
        t = time.perf_counter()
        result = plan_experts("VN-NATIONAL", as_of)
        figures.append(("expert plan, 150 experts, 34 parts (flow time)", _s(t)))
    figures.append(
        (
            "solver",
            f"{result['status']} ({result['solver']}): {result['placed']} sessions, "
            f"{result['late_days']} working days late in all",
        )
    )
    figures.append(
        (
            "lower bound on lateness (capacity relaxation), gap",
            f"{result['late_bound']} working days, gap {result['late_gap']:.1%}",
        )
    )
    figures += _against_baseline(as_of)
    for name, value in figures:
        print(f"{name:<58} {value}")


def _against_baseline(as_of: date) -> list[tuple[str, str]]:
    """The stored plan's makespan, the first-fit plan's, and the capacity lower bound."""
    from models.experts.first_fit import first_fit
    from models.experts.planner import plan_work
    from models.experts.replan import with_bookings
    from models.experts.store import previous_assignments
    from models.kernel.database import read_session
    from models.kernel.lookups import get_programme
    from services.resources import database

    with read_session(database()) as session:
        programme = get_programme(session, "VN-NATIONAL")
        work = plan_work(session, programme, as_of, 45, fresh=True)
        stored = list(previous_assignments(session, programme).values())
    cal, sessions = work.calendar, list(work.sessions)
    t = time.perf_counter()
    booked, greedy = {}, []
    for part in work.parts:
        plan = first_fit(list(part.sessions), list(work.experts), cal, work.until, booked)
        greedy.append(plan)
        booked = with_bookings(booked, plan, cal)
    greedy_time = _s(t)
    t = time.perf_counter()
    whole = first_fit(sessions, list(work.experts), cal, work.until)
    whole_time = _s(t)
    first = min(s.earliest for s in sessions)
    needed = sum(s.days * s.experts for s in sessions)
    per_day = sum(e.days_per_week for e in work.experts) / 5
    bound = ceil(needed / per_day)

    def makespan(assignments) -> int:
        return cal.working_days_between(first, max(a.end for a in assignments)) + 1

    late = sum(p.late_days for p in greedy)
    return [
        ("first-fit baseline (same parts, same order)", f"{greedy_time}, {late} days late"),
        ("first-fit of the whole country at once", f"{whole_time}, {whole.late_days} days late"),
        ("makespan: solver plan", f"{makespan(stored)} working days"),
        ("makespan: first-fit plan", f"{makespan([a for p in greedy for a in p.assignments])} d"),
        ("makespan: first-fit of the whole country", f"{makespan(whole.assignments)} d"),
        ("makespan lower bound (expert-days / per working day)", f"{bound} working days"),
        ("expert-days needed / available per working day", f"{needed} / {per_day:.0f}"),
    ]


def _s(t: float) -> str:
    return f"{time.perf_counter() - t:.1f} s"


if __name__ == "__main__":
    main()

"""Experts and their sessions: the file is validated like the roster, and the CP-SAT plan
keeps every hard rule on generated programmes and proves its optimum on a known case."""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from models.experts.bound import lateness_bound
from models.experts.experts import Expert, load_experts
from models.experts.first_fit import first_fit
from models.experts.scheduling import Plan, Session, plan_sessions
from models.kernel.calendar import WorkingCalendar
from models.kernel.problems import InputError

CAL = WorkingCalendar()
MONDAY = date(2023, 3, 6)
UNTIL = date(2023, 6, 30)


def trainer(code: str, **changes) -> Expert:
    return Expert(code, f"Chuyên gia {code} (made up)", None, frozenset({"training"}), **changes)


def test_a_known_small_case_reaches_its_proven_optimum():
    """One trainer, three two-day classes all wished for Monday 06/03: Mon-Tue, Wed-Thu, and
    the third waits for the next Monday (a class never straddles a weekend): 0 + 2 + 5 days."""
    sessions = [
        Session(f"class-{i}", "training", "HP", (f"U{i}",), 2, MONDAY, MONDAY) for i in (1, 2, 3)
    ]
    plan = plan_sessions(sessions, [trainer("T1")], CAL, UNTIL)
    assert plan.status == "optimal" and plan.gap == 0 and plan.objective == plan.bound
    assert plan.late_days == 7 and plan.busiest == 6
    starts = sorted(a.start for a in plan.assignments)
    assert starts == [MONDAY, date(2023, 3, 8), date(2023, 3, 13)]


def test_two_trainers_share_the_load():
    sessions = [
        Session(f"class-{i}", "training", "HP", (f"U{i}",), 2, MONDAY, MONDAY) for i in range(4)
    ]
    plan = plan_sessions(sessions, [trainer("T1"), trainer("T2")], CAL, UNTIL)
    assert plan.status == "optimal" and plan.late_days == 4  # two pairs: 0, 0, 2, 2
    assert Counter(e for a in plan.assignments for e in a.experts) == {"T1": 2, "T2": 2}


def test_the_weekly_limit_sends_a_class_to_the_next_week():
    """A trainer who works two days a week: of three one-day classes wished for Monday 06/03,
    two are held that week and the third the next Monday, although the week has free days;
    a day already booked that week leaves room for one."""
    sessions = [
        Session(f"class-{i}", "training", "HP", (f"U{i}",), 1, MONDAY, MONDAY) for i in (1, 2, 3)
    ]
    plan = plan_sessions(sessions, [trainer("T1", days_per_week=2)], CAL, UNTIL)
    assert plan.status == "optimal" and plan.late_days == 0 + 1 + 5
    assert sorted(a.start for a in plan.assignments)[-1] == date(2023, 3, 13)
    booked = {"T1": frozenset({date(2023, 3, 10)})}
    plan = plan_sessions(sessions, [trainer("T1", days_per_week=2)], CAL, UNTIL, booked=booked)
    assert plan.status == "optimal"
    starts = sorted(a.start for a in plan.assignments)
    assert starts == [MONDAY, date(2023, 3, 13), date(2023, 3, 14)]


def test_the_capacity_bound_counts_what_a_week_cannot_hold():
    """The same three classes: the relaxation sees the week hold two and the third wait for
    the next Monday (5 working days), forgetting that Tuesday is a day late: 5 of the real 6.
    With a second trainer both fit the week and the bound is 0; with none, every class is
    past the horizon."""
    sessions = [
        Session(f"class-{i}", "training", "HP", (f"U{i}",), 1, MONDAY, MONDAY) for i in (1, 2, 3)
    ]
    one = [trainer("T1", days_per_week=2)]
    assert lateness_bound(sessions, one, CAL, UNTIL) == 5
    assert lateness_bound(sessions, [*one, trainer("T2", days_per_week=2)], CAL, UNTIL) == 0
    nobody = lateness_bound(sessions, [], CAL, date(2023, 3, 10))
    assert nobody == 3 * 5  # each at least past the last of the five days


def test_nothing_to_place_and_no_one_able_are_said_plainly():
    assert plan_sessions([], [], CAL, UNTIL).status == "optimal"
    guidance = Session("guide-HP-HAIAN", "guidance", "HP", ("HP-HAIAN",), 2, MONDAY, MONDAY)
    plan = plan_sessions([guidance], [trainer("T1")], CAL, UNTIL)
    assert plan.status == "infeasible"
    assert "guide-HP-HAIAN: needs 1 expert(s) with the skill guidance in HP" in plan.reason


@pytest.mark.parametrize("seed", range(6))
def test_every_hard_rule_holds_on_generated_programmes(seed):
    rng = random.Random(seed)
    regions = ["HP", "QN", "TB"]
    experts = []
    for i in range(rng.randint(4, 7)):
        skills = frozenset(rng.sample(["training", "guidance", "verification"], rng.randint(1, 3)))
        off = {MONDAY + timedelta(days=rng.randint(0, 40)) for _ in range(rng.randint(0, 6))}
        experts.append(
            Expert(
                f"E{i}",
                f"Expert {i} (made up)",
                None,
                skills,
                frozenset(rng.sample(regions, rng.randint(0, 2))),
                rng.choice([2, 3, 5]),
                frozenset(off),
            )
        )
    for skill in ("training", "guidance", "verification"):  # someone can do each, anywhere
        experts.append(Expert(f"ALL-{skill}", "made up", None, frozenset({skill}), frozenset(), 5))
    sessions = []
    for u in range(rng.randint(3, 6)):
        region, unit = rng.choice(regions), f"U{u}"
        earliest = MONDAY + timedelta(days=rng.randint(0, 10))
        guide = Session(
            f"guide-{unit}", "guidance", region, (unit,), rng.randint(1, 3), earliest, earliest
        )
        verify = Session(
            f"verify-{unit}",
            "verification",
            region,
            (unit,),
            1,
            earliest,
            earliest,
            after=guide.key,
            not_with=guide.key,
        )
        sessions += [guide, verify]
    for c in range(rng.randint(1, 3)):
        region = rng.choice(regions)
        sessions.append(
            Session(
                f"class-{c}",
                "training",
                region,
                ("U0", "U1"),
                rng.randint(1, 3),
                MONDAY,
                MONDAY,
                experts=rng.choice([1, 2]),
            )
        )
    booked = {"ALL-training": frozenset(working_days(MONDAY, MONDAY + timedelta(days=8)))}
    plan = plan_sessions(sessions, experts, CAL, UNTIL, seconds=5, booked=booked)
    assert plan.status in ("optimal", "feasible"), plan.reason
    assert plan.bound <= plan.objective
    check_hard_rules(plan, sessions, experts, booked)
    greedy = first_fit(sessions, experts, CAL, UNTIL, booked)
    check_hard_rules(greedy, sessions, experts, booked)
    assert plan.late_days <= greedy.late_days  # the solver starts from the greedy plan
    assert lateness_bound(sessions, experts, CAL, UNTIL, booked) <= plan.late_days


def check_hard_rules(
    plan: Plan, sessions: list[Session], experts: list[Expert], booked: dict | None = None
) -> None:
    """What the module promises, checked on the plan alone (around days already `booked`)."""
    by_key = {s.key: s for s in sessions}
    by_code = {e.code: e for e in experts}
    placed = {a.session: a for a in plan.assignments}
    assert set(placed) == set(by_key)
    busy: dict[str, list[date]] = defaultdict(list)
    for a in plan.assignments:
        s = by_key[a.session]
        days = working_days(a.start, a.end)
        assert len(days) == s.days and all(CAL.is_working_day(d) for d in (a.start, a.end))
        assert a.start >= s.earliest
        assert a.start.isocalendar()[:2] == a.end.isocalendar()[:2]  # within one week
        assert len(a.experts) == len(set(a.experts)) == s.experts
        for code in a.experts:
            e = by_code[code]
            assert s.skill in e.skills and e.works_in_any(s.places) and code not in s.avoid
            assert not set(days) & e.unavailable
            assert not set(days) & (booked or {}).get(code, frozenset())
            busy[code] += days
        if s.after:
            assert a.start > placed[s.after].end
        if s.not_with:
            assert not set(a.experts) & set(placed[s.not_with].experts)
    for code, days in busy.items():
        assert len(days) == len(set(days)), f"{code} is in two places on one day"
        days = days + list((booked or {}).get(code, ()))
        per_week = Counter(d.isocalendar()[:2] for d in days)
        assert max(per_week.values()) <= by_code[code].days_per_week


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day = CAL.shift(day, 1)
    return days


# -- the experts file -----------------------------------------------------------------------------
HEADER = "code,name,email,skills,regions,days_per_week,unavailable\n"


def test_an_experts_file_is_read_with_its_days_off(tmp_path):
    path = tmp_path / "experts.csv"
    path.write_text(
        HEADER + "GV01,Trần Thị Bình (made up),binh@example.vn,training;guidance,HP;QN,3,"
        "2023-04-03..2023-04-05;2023-05-02\n",
        encoding="utf-8",
    )
    (expert,) = load_experts(path)
    assert expert.skills == {"training", "guidance"} and expert.regions == {"HP", "QN"}
    assert expert.days_per_week == 3 and len(expert.unavailable) == 4
    assert expert.works_in_any(frozenset({"HP"})) and not expert.works_in_any(frozenset({"TB"}))


def test_a_bad_experts_file_lists_every_problem_with_line_and_field(tmp_path):
    path = tmp_path / "experts.csv"
    path.write_text(
        HEADER
        + "GV01,Trần Thị Bình,not-an-email,training,HP,7,2023-04-31\n"
        + "GV02,,b@example.vn,teaching,HP,,\n"
        + "GV01,Lê Văn C,c@example.vn,guidance,,2,2023-05-09..2023-05-01\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        load_experts(path)
    shown = raised.value.render()
    for expected in (
        f"{path}:2: email: 'not-an-email' is not an e-mail address",
        f"{path}:2: days_per_week: '7': a whole number of days, 1 to 5",
        f"{path}:2: unavailable: '2023-04-31': write YYYY-MM-DD",
        f"{path}:3: name: empty",
        f"{path}:3: skills: teaching: give one or more of training, guidance, verification",
        f"{path}:4: unavailable: '2023-05-09..2023-05-01': the range ends before it starts",
    ):
        assert expected in shown, shown

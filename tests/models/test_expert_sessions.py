"""Sessions made from the plan, replanning that moves only what it must, parts per province,
and how many experts a date needs."""

from datetime import date, timedelta

from models.experts.experts import Expert
from models.experts.need import experts_needed
from models.experts.parts import combine, split_by_province
from models.experts.replan import session_days, split_kept
from models.experts.scheduling import Plan, Session, plan_sessions
from models.experts.sessions import UnitWindows, build_sessions, wave_rules
from models.kernel.calendar import WorkingCalendar
from tests.models.test_experts import check_hard_rules

CAL = WorkingCalendar()
MONDAY = date(2023, 3, 6)
UNTIL = date(2023, 9, 29)


def unit(code: str, wave: str = "W1", parent: str = "HP-HAIAN", province: str = "HP"):
    training = (MONDAY, CAL.shift(MONDAY, 14))
    opens = CAL.shift(training[1], 1)
    return UnitWindows(code, wave, parent, province, training, (opens, CAL.shift(opens, 19)))


def expert(code: str, *skills: str, regions=(), per_week: int = 5, off=()) -> Expert:
    return Expert(
        code,
        f"{code} (made up)",
        None,
        frozenset(skills),
        frozenset(regions),
        per_week,
        frozenset(off),
    )


def test_classes_gather_units_of_one_parent_up_to_the_class_size_set_per_wave():
    units = [unit(f"U{i}") for i in range(7)] + [unit("V1", parent="HP-KIENTHUY")]
    units += [unit(f"W{i}", wave="W2") for i in range(4)]
    settings = {"class_size": 3, "waves": {"W2": {"class_size": 5, "training_days": 2}}}
    sessions = build_sessions(units, settings, CAL, notice_days=3)
    classes = [s for s in sessions if s.skill == "training"]
    assert [c.units for c in classes] == [
        ("U0", "U1", "U2"),
        ("U3", "U4", "U5"),
        ("U6",),
        ("V1",),
        ("W0", "W1", "W2", "W3"),
    ]
    assert classes[-1].days == 2 and classes[0].days == 1
    assert all(c.earliest == CAL.shift(MONDAY, 3) for c in classes)  # the invitation first
    assert classes[0].places == {"HP-HAIAN", "HP"}  # an expert of the parent or the province
    guidance = {s.units[0]: s for s in sessions if s.skill == "guidance"}
    verification = [s for s in sessions if s.skill == "verification"]
    assert len(guidance) == len(verification) == 12
    for v in verification:
        g = guidance[v.units[0]]
        assert v.after == v.not_with == g.key
        assert v.target <= unit("X").self_assessment[1]  # ends by the phase's due date
    assert wave_rules(settings, "W2").group_by == "parent"  # the shipped default stays


def test_a_leave_moves_only_the_sessions_it_must():
    units = [unit(f"U{i}") for i in range(6)]
    sessions = build_sessions(units, {"class_size": 2}, CAL, notice_days=3)
    experts = [
        expert("T1", "training", "guidance"),
        expert("T2", "training", "guidance"),
        expert("V1", "verification"),
        expert("V2", "verification"),
    ]
    first = plan_sessions(sessions, experts, CAL, UNTIL, seconds=5)
    check_hard_rules(first, sessions, experts)
    previous = {a.session: a for a in first.assignments}
    t1_days = {d for a in first.assignments if "T1" in a.experts for d in session_days(a, CAL)}
    leave = frozenset(sorted(t1_days)[:2])  # T1 falls ill on their first two session days
    experts[0] = expert("T1", "training", "guidance", off=leave)

    replan = split_kept(sessions, previous, experts, MONDAY, CAL)
    moved = {s.key for s in replan.to_place}
    touched = {
        a.session
        for a in first.assignments
        if "T1" in a.experts and set(session_days(a, CAL)) & leave
    }
    followers = {s.key for s in sessions if s.after in touched}
    assert touched and touched <= moved <= touched | followers
    second = plan_sessions(list(replan.to_place), experts, CAL, UNTIL, 5, booked=replan.booked)
    assert second.status in ("optimal", "feasible")
    after = {a.session: a for a in (*replan.kept, *second.assignments)}
    for key, a in previous.items():
        if key not in moved:
            assert after[key] == a
    check_hard_rules(Plan("feasible", tuple(after.values()), 0, 0, 0, 0), sessions, experts)


def test_a_session_already_begun_stays_as_it_was_held():
    sessions = build_sessions([unit("U0")], {}, CAL, notice_days=3)
    experts = [expert("T1", "training", "guidance"), expert("V1", "verification")]
    first = plan_sessions(sessions, experts, CAL, UNTIL, seconds=5)
    held = {a.session: a for a in first.assignments}
    class_day = held["training:1:HP-HAIAN:1"].start
    replan = split_kept(sessions, held, [], class_day + timedelta(days=1), CAL, fresh=True)
    assert [a.session for a in replan.kept] == ["training:1:HP-HAIAN:1"]
    assert {s.key for s in replan.to_place} == {"guidance:U0", "verification:U0"}


def test_parts_follow_provinces_and_add_up():
    sessions = [
        Session("a", "guidance", "D1", ("U1",), 1, MONDAY, MONDAY, within=frozenset({"QN"})),
        Session("b", "guidance", "D2", ("U2",), 1, MONDAY, MONDAY, within=frozenset({"HP"})),
        Session("c", "guidance", "D3", ("U3",), 1, MONDAY, MONDAY, within=frozenset({"HP"})),
    ]
    parts = split_by_province(sessions)
    assert [(p.name, len(p.sessions)) for p in parts] == [("HP", 2), ("QN", 1)]
    experts = [expert("G1", "guidance")]
    plans = [plan_sessions(list(p.sessions), experts, CAL, UNTIL, 2) for p in parts]
    assert combine(plans).late_days == sum(p.late_days for p in plans)


def test_the_experts_a_date_needs_with_the_bound_proved():
    """Ten one-day guidance visits open Monday 06/03, all due by Friday 10/03: 10 expert-days
    in a week of 5 days need 2 experts (the bound) and 2 suffice."""
    sessions = [
        Session(f"g{i}", "guidance", "HP", (f"U{i}",), 1, MONDAY, MONDAY) for i in range(10)
    ]
    [need] = experts_needed(sessions, [], ("guidance",), CAL, date(2023, 3, 10))
    assert (need.need, need.lower_bound, need.expert_days) == (2, 2, 10)
    [tight] = experts_needed(sessions, [], ("guidance",), CAL, date(2023, 3, 7))
    assert tight.lower_bound == 5 and tight.need == 5
    [never] = experts_needed(sessions, [], ("guidance",), CAL, date(2023, 3, 3))
    assert never.need is None and "cannot be held by 03/03/2023" in never.note

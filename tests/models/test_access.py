"""Roles and scopes: who reaches which unit (pure rules, no database)."""

from models.access.roles import Person, Role, lineage, may_change, reaches, scope_problem

PARENTS = {"HP": None, "HP-HAIAN": "HP", "HP-DANGLAM": "HP-HAIAN", "QN-HALONG": "QN", "QN": None}


def person(role: Role, *scope: str) -> Person:
    return Person(1, "P", "a@example.org", None, role, scope)


def test_a_unit_user_reaches_its_own_unit_only_not_its_children():
    district = person(Role.UNIT, "HP-HAIAN")
    assert reaches(district, "HP-HAIAN", PARENTS)
    assert not reaches(district, "HP-DANGLAM", PARENTS)
    assert not reaches(person(Role.UNIT, "HP-DANGLAM"), "HP-HAIAN", PARENTS)


def test_a_provincial_coordinator_reaches_the_province_and_nothing_else():
    provincial = person(Role.COORDINATOR, "HP")
    assert reaches(provincial, "HP-DANGLAM", PARENTS) and reaches(provincial, "HP", PARENTS)
    assert not reaches(provincial, "QN-HALONG", PARENTS)
    assert reaches(person(Role.COORDINATOR), "QN-HALONG", PARENTS)  # programme-wide


def test_a_verifier_reaches_the_assigned_units_and_their_communes():
    verifier = person(Role.VERIFIER, "HP-HAIAN", "QN-HALONG")
    assert [u for u in PARENTS if reaches(verifier, u, PARENTS)] == [
        "HP-HAIAN",
        "HP-DANGLAM",
        "QN-HALONG",
    ]


def test_scopes_that_do_not_fit_the_role_are_refused():
    assert "exactly one" in scope_problem("unit", [])
    assert "exactly one" in scope_problem("unit", ["A", "B"])
    assert "assigned" in scope_problem("verifier", [])
    assert "not a role" in scope_problem("admin", [])
    assert scope_problem("coordinator", []) is None and scope_problem("auditor", ["HP"]) is None


def test_only_the_roles_that_may_change_something_do():
    assert may_change(person(Role.UNIT, "X"), "submit")
    assert not may_change(person(Role.UNIT, "X"), "review")
    assert may_change(person(Role.VERIFIER, "X"), "review")
    assert not any(may_change(person(Role.AUDITOR), w) for w in ("submit", "review", "coordinate"))


def test_lineage_stops_at_a_cycle():
    assert lineage("A", {"A": "B", "B": "A"}) == ["A", "B"]

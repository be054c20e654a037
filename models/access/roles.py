"""Roles and scopes: who may see and change which units. Pure rules, no database."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a signed-in person is to a programme."""

    COORDINATOR = "coordinator"  # the programme, or the provinces / parent units in scope
    UNIT = "unit"  # its own unit only
    VERIFIER = "verifier"  # the units assigned (by unit or parent code)
    AUDITOR = "auditor"  # reads the units in scope, changes nothing


ROLES = tuple(r.value for r in Role)


@dataclass(frozen=True)
class Person:
    """A signed-in user as the pages and services see it (detached from the database)."""

    id: int
    programme: str
    email: str
    name: str | None
    role: Role
    scope: tuple[str, ...]

    @property
    def actor(self) -> str:
        """How the audit trail names this person: e-mail and role (never the server's login)."""
        return f"{self.email} ({self.role.value})"

    @property
    def display(self) -> str:
        """The name to greet, else the e-mail."""
        return self.name or self.email


def scope_problem(role: str, scope: list[str]) -> str | None:
    """Why `scope` does not fit `role`, or None: a unit user has exactly one unit, a verifier
    at least one assigned unit or parent; coordinators and auditors may have none (all)."""
    if role not in ROLES:
        return f"{role!r} is not a role; use one of {', '.join(ROLES)}"
    if role == Role.UNIT and len(scope) != 1:
        return "a unit's user needs exactly one --unit"
    if role == Role.VERIFIER and not scope:
        return "a verifier needs the units assigned: --unit or --province, repeated as needed"
    return None


def lineage(code: str, parents: Mapping[str, str | None]) -> list[str]:
    """The unit's code, then its parent's, up to the top of the roster (cycles stop)."""
    found: list[str] = []
    while code and code not in found:
        found.append(code)
        code = parents.get(code) or ""
    return found


def reaches(person: Person, unit: str, parents: Mapping[str, str | None]) -> bool:
    """Whether `person` may see `unit`: its own unit for a unit user; otherwise the whole
    programme when the scope is empty, or any unit whose code or ancestor is in the scope."""
    if person.role == Role.UNIT:
        return person.scope == (unit,)
    if not person.scope:
        return True
    return any(code in person.scope for code in lineage(unit, parents))


def may_change(person: Person, what: str) -> bool:
    """Whether the role may do `what`: 'submit' (a unit's own work), 'review' (confirm or send
    back an assessment), 'coordinate' (record facts, manage users)."""
    allowed = {
        "submit": {Role.UNIT, Role.COORDINATOR},
        "review": {Role.VERIFIER, Role.COORDINATOR},
        "coordinate": {Role.COORDINATOR},
    }
    return person.role in allowed.get(what, set())

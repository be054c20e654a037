"""The state tables checked against the audit trail: replaying the events must give the phase
runs' statuses and the evidence (decision numbers, files, voids) the tables hold.

An edit made in the tables behind the engine's back leaves the chain intact; this is what
catches it. Ratings are not replayed yet.
"""

import json

from sqlalchemy import select
from sqlmodel import Session

from models.kernel.tables import AuditEvent, Evidence, PhaseRun, Programme, Unit

_STATUS_AFTER = {
    "phase.opened": {"open"},
    "phase.overdue": {"overdue"},
    "phase.closed": {"done"},
    "phase.reopened": {"open", "overdue"},  # against the window in force that day
    "phase.reverted": {"planned"},
}


def state_differences(session: Session) -> list[str]:
    """What the tables hold that the events do not say (or the reverse), each named."""
    statuses: dict[str, set[str]] = {}
    evidence: dict[int, dict] = {}
    actions = [*_STATUS_AFTER, "evidence.recorded"]
    for action, subject, payload in session.execute(
        select(AuditEvent.action, AuditEvent.subject, AuditEvent.payload)
        .where(AuditEvent.action.in_(actions))
        .order_by(AuditEvent.seq)
    ):
        data = json.loads(payload)
        if action == "evidence.recorded":
            evidence[data["id"]] = {
                "decision": data.get("decision"),
                "sha256": data.get("sha256"),
                "void": False,
            }
            continue
        statuses[subject] = _STATUS_AFTER[action]
        for voided in data.get("voided_evidence", []) if action == "phase.reopened" else []:
            if voided in evidence:
                evidence[voided]["void"] = True
    problems = []
    runs = session.execute(
        select(Programme.code, Unit.code, PhaseRun.phase, PhaseRun.status)
        .join(Unit, Unit.id == PhaseRun.unit_id)
        .join(Programme, Programme.id == Unit.programme_id)
        .order_by(Programme.code, Unit.code, PhaseRun.seq)
    )
    for programme, unit, phase, status in runs:
        subject = f"{programme}/{unit}/{phase}"
        expected = statuses.get(subject, {"planned"})
        if status not in expected:
            problems.append(
                f"phase run {subject} is {status!r} in the table, but the audit trail says "
                f"{' or '.join(sorted(expected))}: changed behind the engine's back"
            )
    held = session.execute(
        select(Evidence.id, Evidence.decision_number, Evidence.sha256, Evidence.void)
    ).all()
    for row in held:
        trail = evidence.pop(row.id, None)
        if trail is None:
            problems.append(f"evidence {row.id} is in the table but was never recorded")
            continue
        for field, value in (("decision", row.decision_number), ("sha256", row.sha256)):
            if trail[field] != value:
                problems.append(
                    f"evidence {row.id}: its {field} is {value!r} in the table, "
                    f"{trail[field]!r} in the audit trail"
                )
        if trail["void"] != bool(row.void):
            problems.append(f"evidence {row.id}: voided or restored behind the engine's back")
    problems += [f"evidence {i} was recorded but is gone from the table" for i in evidence]
    return problems

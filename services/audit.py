"""The audit trail as auditors ask for it: verify the chain (against heads kept elsewhere and
the state tables), and the report of every unit and phase with its evidence."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from config.settings import get_settings
from models.audit.chain import chain_head, verify_chain, verify_heads
from models.audit.report import audit_rows
from models.audit.state import state_differences
from models.kernel.database import read_session
from models.kernel.lookups import get_programme
from models.kernel.tables import AuditEvent
from services.resources import read_database


@dataclass(frozen=True)
class ChainCheck:
    """What verifying the audit chain found: its problems, its length and its newest head."""

    problems: tuple[str, ...]
    events: int
    head: str  # SEQ:HASH, or 'none'


def check_chain(*, kept: list) -> ChainCheck:
    """Recompute the chain; name events changed, deleted or inserted, heads kept elsewhere that
    no longer match, and state tables that differ from what the events say."""
    with read_session(read_database()) as session:
        problems = verify_chain(session) + verify_heads(session, kept) + state_differences(session)
        count = session.scalar(select(func.count()).select_from(AuditEvent))
        newest = chain_head(session)
    head = f"{newest[0]}:{newest[1]}" if newest else "none"
    return ChainCheck(tuple(str(p) for p in problems), count, head)


def write_audit_report(
    *, programme: str | None, as_of: date, fmt: str, output: Path | None
) -> tuple[Path, int]:
    """For every unit and phase: opened, due, done, how late, on what evidence, by whom; the
    file written and how many phase runs it lists."""
    from adapters.reports import write_report

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        rows = audit_rows(session, as_of, found.code)
        title, code = found.title, found.code
    path = output or get_settings().home / "reports" / f"audit-{code}-{as_of}.{fmt}"
    write_report(rows, title, as_of, fmt, path)
    return path, len(rows)

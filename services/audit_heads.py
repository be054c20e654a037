"""The heads of the audit chain, written down outside the database after each sweep.

An auditor copies `ROLLOUT_HOME/audit/heads.txt` (or receives it) and later runs
`rollout audit verify --heads COPY`: an event deleted from the end, or a tail recomputed
after an edit, no longer matches a head written before it.
"""

from datetime import date

from config.settings import get_settings
from models.audit.chain import chain_head
from models.kernel.database import read_session
from services.resources import database

HEADER = "# rollout audit heads: DATE SEQ HASH, one line per sweep; keep a copy elsewhere\n"


def keep_head(as_of: date) -> str | None:
    """Append the chain's head to the heads file; returns the line written (None: no events)."""
    with read_session(database()) as session:
        head = chain_head(session)
    if head is None:
        return None
    path = get_settings().home / "audit" / "heads.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f"{as_of.isoformat()} {head[0]} {head[1]}\n"
    with path.open("a", encoding="utf-8") as fh:
        if fh.tell() == 0:
            fh.write(HEADER)
        fh.write(line)
    return line.strip()

"""An index of the reminder items not yet in a message, in place of the index of message ids.

Writing the digests looks for the items no message holds yet, per programme and recipient. With
only an index on message_id, SQLite read every item the programme ever had once per group of 250
recipients (14 times on the worst national day, and more as the programme's history grows). A
partial index holds just the unsent items, by programme and recipient: an item leaves it when its
digest is stored. Nothing looks items up by message, so the index of message ids goes (one index
less to keep on each of the worst day's 111,990 inserts and links). Messages are never deleted,
so no foreign-key check needs it either.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_UNSENT = sa.text("message_id IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_reminderitem_unsent",
        "reminderitem",
        ["programme_id", "recipient"],
        sqlite_where=_UNSENT,
        postgresql_where=_UNSENT,
    )
    op.drop_index("ix_reminderitem_message_id", table_name="reminderitem")


def downgrade() -> None:
    op.create_index("ix_reminderitem_message_id", "reminderitem", ["message_id"])
    op.drop_index("ix_reminderitem_unsent", table_name="reminderitem")

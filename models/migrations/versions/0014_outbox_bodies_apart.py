"""Outbox bodies apart from the messages' status rows.

SQLite rewrites a whole row on every update: a digest's bodies (~36 KB; 120 MB on the worst day)
were written again when the message was claimed and again when it was marked sent. Each
message's bodies move to `outboxbody`, one row per message, written once.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 17:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "outboxbody",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("body_text", _TEXT(), nullable=False),
        sa.Column("body_html", _TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["outboxmessage.id"]),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.execute(
        "INSERT INTO outboxbody (message_id, body_text, body_html) "
        "SELECT id, body_text, body_html FROM outboxmessage"
    )
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): no copy of the table, whose rows
    # other tables' foreign keys point to.
    op.drop_column("outboxmessage", "body_html")
    op.drop_column("outboxmessage", "body_text")


def downgrade() -> None:
    op.add_column(
        "outboxmessage", sa.Column("body_text", _TEXT(), nullable=False, server_default="")
    )
    op.add_column(
        "outboxmessage", sa.Column("body_html", _TEXT(), nullable=False, server_default="")
    )
    op.execute(
        "UPDATE outboxmessage SET "
        "body_text = (SELECT body_text FROM outboxbody WHERE message_id = outboxmessage.id), "
        "body_html = (SELECT body_html FROM outboxbody WHERE message_id = outboxmessage.id) "
        "WHERE id IN (SELECT message_id FROM outboxbody)"
    )
    op.drop_table("outboxbody")

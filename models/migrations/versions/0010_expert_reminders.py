"""Reminders of experts' sessions: the day of the last reminder sent for each session, so a
sweep run twice sends it once and a session moved by a new plan is announced again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expertsession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("expertsession", schema=None) as batch_op:
        batch_op.drop_column("reminded_on")

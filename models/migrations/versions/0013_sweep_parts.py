"""Sweep parts: what each part of a spread sweep did, for the sweep that started it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "sweeppart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), sa.ForeignKey("programme.id"), nullable=False),
        sa.Column("key", _TEXT(length=120), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_sweeppart_programme_id", "sweeppart", ["programme_id"])


def downgrade() -> None:
    op.drop_table("sweeppart")

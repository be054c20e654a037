"""Unit lineage: who succeeded whom, on which day, and whether the split was partial.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "unitlineage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), sa.ForeignKey("programme.id"), nullable=False),
        sa.Column("predecessor", _TEXT(length=64), nullable=False),
        sa.Column("successor", _TEXT(length=64), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("carries", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "predecessor", "successor"),
    )
    for column in ("programme_id", "predecessor", "successor"):
        op.create_index(f"ix_unitlineage_{column}", "unitlineage", [column])


def downgrade() -> None:
    op.drop_table("unitlineage")

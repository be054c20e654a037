"""Experts and their sessions: the experts file of a programme, the sessions the last expert
plan placed, and the programme's session rules (class size, days per session).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 22:52:16
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("days_per_week", sa.Integer(), nullable=False),
        sa.Column("unavailable", sa.JSON(), nullable=False),
        sa.Column("in_file", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_from", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "code"),
    )
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "expertsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("skill", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("experts", sa.JSON(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "key"),
    )
    with op.batch_alter_table("expertsession", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expertsession_programme_id"), ["programme_id"], unique=False
        )

    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sessions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_column("sessions")

    with op.batch_alter_table("expertsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expertsession_programme_id"))

    op.drop_table("expertsession")
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_programme_id"))

    op.drop_table("expert")

"""Drafts carry no number: the clerk numbers a document when it is registered after signing.

The per-issuer counters that numbered drafts go. Documents drafted before this revision lose
the number rollout gave them (no clerk gave it); the audit trail keeps what was written then.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 18:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE document SET number = NULL, number_symbol = NULL")
    with op.batch_alter_table("documentcounter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documentcounter_programme_id"))
    op.drop_table("documentcounter")


def downgrade() -> None:
    op.create_table(
        "documentcounter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("symbol", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programme.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "issuer", "symbol", "year"),
    )
    with op.batch_alter_table("documentcounter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documentcounter_programme_id"), ["programme_id"], unique=False
        )

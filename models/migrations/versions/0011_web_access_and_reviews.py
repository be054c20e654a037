"""The web application: its users (role and scope), single-use sign-in links, browser
sessions, and each unit's online self-assessment with its review loop.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "webuser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), sa.ForeignKey("programme.id"), nullable=False),
        sa.Column("email", _TEXT(length=254), nullable=False),
        sa.Column("name", _TEXT(), nullable=True),
        sa.Column("role", _TEXT(length=16), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", _TEXT(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "email"),
    )
    op.create_index("ix_webuser_programme_id", "webuser", ["programme_id"])
    op.create_index("ix_webuser_email", "webuser", ["email"])
    for table in ("signinlink", "websession"):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), sa.ForeignKey("webuser.id"), nullable=False),
            sa.Column("token_sha256", _TEXT(length=64), nullable=False),
            *(
                [sa.Column("csrf", _TEXT(length=64), nullable=False)]
                if table == "websession"
                else []
            ),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=False),
            sa.Column(
                "used_at" if table == "signinlink" else "ended_at", sa.DateTime(), nullable=True
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("token_sha256"),
        )
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])
    op.create_table(
        "assessmentreview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("state", _TEXT(length=20), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("updated_by", _TEXT(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "period"),
    )
    op.create_index("ix_assessmentreview_unit_id", "assessmentreview", ["unit_id"])


def downgrade() -> None:
    for table in ("assessmentreview", "websession", "signinlink", "webuser"):
        op.drop_table(table)

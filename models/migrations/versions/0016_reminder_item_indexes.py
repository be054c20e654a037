"""Reminder items keep only the indexes something reads.

Every reminder item (111,990 on the worst national day) was written into five indexes. Nothing
looks items up by programme, phase run or action item: digests find the unsent ones through
0015's partial index and reach the phase run and the item from the reminder; those rows are
never deleted, so no foreign-key check reads these indexes either. They go; the unique key and
the index of unsent items stay. (Were a programme, phase run or action item ever deleted, its
foreign-key check would read the reminder items whole: add the index back with that feature.)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 22:00:00
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_UNREAD = ("programme_id", "phase_run_id", "action_item_id")


def upgrade() -> None:
    for column in _UNREAD:
        op.drop_index(f"ix_reminderitem_{column}", table_name="reminderitem")


def downgrade() -> None:
    for column in _UNREAD:
        op.create_index(f"ix_reminderitem_{column}", "reminderitem", [column])

"""support_log: ix_support_log_team_day on (team_id, day, deleted_at)

The tallies and the workbook ask for the live logs (deleted_at IS NULL) of some teams over
some days: with deleted_at in the index, SQLite answers from the index alone instead of
reading every row it finds (bench/tallies.py, RESULTS.md "Tallies").

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 22:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_log", schema=None) as batch_op:
        batch_op.drop_index("ix_support_log_team_day")
        batch_op.create_index(
            "ix_support_log_team_day", ["team_id", "day", "deleted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("support_log", schema=None) as batch_op:
        batch_op.drop_index("ix_support_log_team_day")
        batch_op.create_index("ix_support_log_team_day", ["team_id", "day"], unique=False)

"""outbox progress: how many of a send's messages were delivered, and whose claim it is

parts_sent: a tally is two messages (its text, then its chart). A worker killed between
them, or a send that failed after its first message, used to leave a claim that a later try
sent whole again, so the group had the text twice. Rows so far: 0 (a try sends everything).

claimed_by: the lease of the leader that claimed it (storage/locks.py; "" on SQLite and for
rows so far): a claim whose leader is gone is taken again at once, not 5 minutes on.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "claimed_by",
                sqlmodel.sql.sqltypes.AutoString(length=60),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("parts_sent")

"""outbox parts sent: how many of a send's messages were delivered, recorded as each goes

A tally is two messages (its text, then its chart). A worker killed between them, or a send
that failed after its first message, used to leave a claim that a later try sent whole
again, so the group had the text twice. Rows so far: 0 (a try sends everything, as before).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
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


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("parts_sent")

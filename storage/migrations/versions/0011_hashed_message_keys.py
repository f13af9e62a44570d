"""message keys and senders as keyed hashes: the stored ones held chat ids, so they go

processed_message only serves redeliveries (minutes); support_log.message_key only stops a
redelivered message from logging twice. Both now hold keyed hashes of the platform's key and
the chat, so the old values (with chat ids in them) are removed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM processed_message"))
    op.execute(sa.text("UPDATE support_log SET message_key = NULL"))


def downgrade() -> None:
    pass  # the hashes cannot be turned back into chat ids, nor need to be

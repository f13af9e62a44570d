"""bot senders: who wrote to each bot in a month, as keyed hashes (plans count users)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_sender",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("bot", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("sender", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("platform", "bot", "month", "sender"),
    )


def downgrade() -> None:
    op.drop_table("bot_sender")

"""several bots per platform: the bot of each identity, group and send; usage and pauses

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BOT = sqlmodel.sql.sqltypes.AutoString(length=40)


def upgrade() -> None:
    for table in ("chat_identity", "group_chat", "outbox_message"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("bot", BOT, nullable=False, server_default=""))
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zalo_bot", BOT, nullable=True))
    op.create_table(
        "bot_usage",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("bot", BOT, nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "bot", "month", "kind"),
    )
    # Zalo's 403 is its own server error, not a block: chats once marked blocked for it get
    # their scheduled messages again (those old sends stay given up)
    op.execute(
        "UPDATE outbox_message SET status = 'failed', attempts = 3, "
        "error = 'zalo 403: a server error, not a block' "
        "WHERE platform = 'zalo' AND status = 'blocked'"
    )
    op.create_table(
        "bot_pause",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("bot", BOT, nullable=False),
        sa.Column("since", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("tried_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "bot"),
    )


def downgrade() -> None:
    op.drop_table("bot_pause")
    op.drop_table("bot_usage")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("zalo_bot")
    for table in ("outbox_message", "group_chat", "chat_identity"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("bot")

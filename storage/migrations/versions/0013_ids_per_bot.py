"""user and chat ids are each bot's own: unique per (platform, bot, id), conversations per bot

Zalo issues ids per bot, so the same id in two bots is two people (or two groups), and a
conversation's pending step belongs to the bot it was started in. Existing rows keep their
bot ("" for those of the unnamed bot); pending steps are kept as the unnamed bot's.

The unique constraints were created unnamed: PostgreSQL named them <table>_<columns>_key,
and the naming convention gives SQLite's (rebuilt by batch mode) the same names.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NAMES = {"uq": "%(table_name)s_%(column_0_N_name)s_key", "pk": "%(table_name)s_pkey"}
KEYED = {"chat_identity": "user_id", "group_chat": "chat_id"}  # table -> its id column
STATE = "conversation_state"


def _unique(table: str, columns: list[str]) -> str:
    return f"{table}_{'_'.join(columns)}_key"


def upgrade() -> None:
    for table, id_column in KEYED.items():
        with op.batch_alter_table(table, naming_convention=NAMES) as batch_op:
            batch_op.drop_constraint(_unique(table, ["platform", id_column]), type_="unique")
            new = ["platform", "bot", id_column]
            batch_op.create_unique_constraint(_unique(table, new), new)
    with op.batch_alter_table(STATE, naming_convention=NAMES) as batch_op:
        batch_op.add_column(
            sa.Column(
                "bot",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
        batch_op.drop_constraint(f"{STATE}_pkey", type_="primary")
        batch_op.create_primary_key(f"{STATE}_pkey", ["platform", "chat_id", "user_id", "bot"])


def downgrade() -> None:
    # only the unnamed bot's pending steps fit the old key; the others are dropped. An id
    # linked through two bots fails the old unique constraint: unlink one first.
    op.execute(sa.text(f"DELETE FROM {STATE} WHERE bot <> ''"))
    with op.batch_alter_table(STATE, naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint(f"{STATE}_pkey", type_="primary")
        batch_op.drop_column("bot")
        batch_op.create_primary_key(f"{STATE}_pkey", ["platform", "chat_id", "user_id"])
    for table, id_column in KEYED.items():
        with op.batch_alter_table(table, naming_convention=NAMES) as batch_op:
            new = ["platform", "bot", id_column]
            batch_op.drop_constraint(_unique(table, new), type_="unique")
            old = ["platform", id_column]
            batch_op.create_unique_constraint(_unique(table, old), old)

"""invite codes: wrong codes typed by each chat account, for the limit on guessing

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invite_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("who", sqlmodel.sql.sqltypes.AutoString(length=90), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invite_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_attempt_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_invite_attempt_who"), ["who"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invite_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_attempt_who"))
        batch_op.drop_index(batch_op.f("ix_invite_attempt_at"))

    op.drop_table("invite_attempt")

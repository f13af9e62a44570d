"""units (schools, offices) and the models they register; deadlines for teams or units

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 21:31:26.084556
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["ward.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ward_id", "name"),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_representative_id"), ["representative_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_unit_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "model_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("participants", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("results", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("budget", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registered_by"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("model_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_model_registration_unit_id"), ["unit_id"], unique=False
        )

    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "audience",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="teams",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("audience")

    with op.batch_alter_table("model_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_registration_unit_id"))

    op.drop_table("model_registration")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_ward_id"))
        batch_op.drop_index(batch_op.f("ix_unit_representative_id"))

    op.drop_table("unit")

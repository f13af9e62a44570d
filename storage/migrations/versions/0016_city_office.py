"""city office: a ward row of kind "city" holds the city's officers (role city)

Every ward so far is a ward ("ward"); the city's office is not one, and is left out of
every list of wards, the city's workbook and the dashboard's ranking.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ward", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="ward",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("ward", schema=None) as batch_op:
        batch_op.drop_column("kind")

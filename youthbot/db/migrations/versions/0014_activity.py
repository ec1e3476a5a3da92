"""activities people can attend: venue, description, end, organising group, online link; the
reminder one hour before; reports of activities that did not take place

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("venue", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("online_link", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("description", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("group_name", sa.String(length=80), nullable=True))
    with op.batch_alter_table("activity_joins", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("soon_reminded_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("activity_reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_held", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("not_held_reason", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activity_reports", schema=None) as batch_op:
        batch_op.drop_column("not_held_reason")
        batch_op.drop_column("not_held")
    with op.batch_alter_table("activity_joins", schema=None) as batch_op:
        batch_op.drop_column("soon_reminded_at")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("group_name")
        batch_op.drop_column("description")
        batch_op.drop_column("online_link")
        batch_op.drop_column("venue")
        batch_op.drop_column("ends_at")

"""emergency lines: admins' re-vetting of services, and review alerts sent once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_reviews",
        sa.Column("service_id", sa.String(length=24), nullable=False),
        sa.Column("vetted_on", sa.Date(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("vetted_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_service_reviews")),
    )
    op.create_table(
        "service_alerts",
        sa.Column("service_id", sa.String(length=24), nullable=False),
        sa.Column("alert", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "alert", name=op.f("pk_service_alerts")),
    )


def downgrade() -> None:
    op.drop_table("service_alerts")
    op.drop_table("service_reviews")

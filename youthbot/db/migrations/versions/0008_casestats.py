"""case figures: anonymous counters per month, and the first claim and reply of a case

Revision ID: 0008_casestats
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_casestats"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_figures",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=48), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "measure", "value", name=op.f("pk_case_figures")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_claimed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("first_reply_at")
        batch_op.drop_column("first_claimed_at")
    op.drop_table("case_figures")

"""privacy: the age band on cases, and the staff-chat posts of a case (History) to delete

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age_band", sa.String(length=8), nullable=True))
    op.create_table(
        "case_staff_posts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_staff_posts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_staff_posts")),
    )
    op.create_index(
        op.f("ix_case_staff_posts_case_id"), "case_staff_posts", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_case_staff_posts_case_id"), table_name="case_staff_posts")
    op.drop_table("case_staff_posts")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("age_band")

"""update order: each update's arrival and end, so one person's updates run in update-id order

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "update_arrivals",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_update_arrivals")),
    )
    with op.batch_alter_table("update_arrivals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_update_arrivals_arrived_at"), ["arrived_at"], unique=False
        )
        batch_op.create_index(
            "ix_update_arrivals_user_id_update_id", ["user_id", "update_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("update_arrivals", schema=None) as batch_op:
        batch_op.drop_index("ix_update_arrivals_user_id_update_id")
        batch_op.drop_index(batch_op.f("ix_update_arrivals_arrived_at"))
    op.drop_table("update_arrivals")

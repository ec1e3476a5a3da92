"""quick exit holds the conversation: users.held_since, held_messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "held_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("markup", sa.JSON(), nullable=True),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_held_messages_user_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_messages")),
    )
    with op.batch_alter_table("held_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_messages_held_at"), ["held_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_held_messages_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("held_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_messages_user_id"))
        batch_op.drop_index(batch_op.f("ix_held_messages_held_at"))
    op.drop_table("held_messages")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("held_since")

"""casework: flags and blocks on accounts, admins' wording of canned replies, teams' staff
members, and a case's team and assignee

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("assigned_to", sa.BigInteger(), nullable=True))
    op.create_table(
        "account_flags",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_number", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("flagged_by", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_flags")),
    )
    op.create_index(op.f("ix_account_flags_user_id"), "account_flags", ["user_id"], unique=False)
    op.create_table(
        "account_blocks",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_number", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("blocked_by", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_account_blocks")),
    )
    op.create_table(
        "canned_overrides",
        sa.Column("reply_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("set_by", sa.BigInteger(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reply_id", "language", name=op.f("pk_canned_overrides")),
    )
    op.create_table(
        "staff_members",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("team", sa.String(length=24), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "team", name=op.f("pk_staff_members")),
    )


def downgrade() -> None:
    op.drop_table("staff_members")
    op.drop_table("canned_overrides")
    op.drop_table("account_blocks")
    op.drop_index(op.f("ix_account_flags_user_id"), table_name="account_flags")
    op.drop_table("account_flags")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("assigned_to")
        batch_op.drop_column("team")

"""reach: targeted and scheduled announcements (audience, time, buttons), opinion polls

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_announcements_scheduled_for"), ["scheduled_for"], unique=False
        )
    op.create_table(
        "polls",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("announcement_id", sa.BigInteger(), nullable=True),
        sa.Column("results_announcement_id", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    op.create_table(
        "poll_responders",
        sa.Column("poll_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_responders_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_poll_responders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", "user_id", name=op.f("pk_poll_responders")),
    )
    op.create_table(
        "poll_counts",
        sa.Column("poll_id", sa.BigInteger(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_counts_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "poll_id", "option", "region", "age_band", name=op.f("pk_poll_counts")
        ),
    )


def downgrade() -> None:
    op.drop_table("poll_counts")
    op.drop_table("poll_responders")
    op.drop_table("polls")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcements_scheduled_for"))
        batch_op.drop_column("buttons")
        batch_op.drop_column("scheduled_for")
        batch_op.drop_column("audience")

"""quiz counters in shards: answers at the same moment do not queue on one row

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The figures so far stay in shard 0; new answers spread over the shards.
    with op.batch_alter_table("quiz_question_stats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shard", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint("pk_quiz_question_stats", type_="primary")
        batch_op.create_primary_key(
            "pk_quiz_question_stats", ["quiz_id", "question_id", "shard"]
        )
    with op.batch_alter_table("quiz_question_stats", schema=None) as batch_op:
        batch_op.alter_column("shard", server_default=None)


def downgrade() -> None:
    # Every question's shards added up into one row again: no answer is lost.
    stats = sa.table(
        "quiz_question_stats",
        sa.column("quiz_id", sa.String),
        sa.column("question_id", sa.String),
        sa.column("shard", sa.Integer),
        sa.column("answers", sa.Integer),
        sa.column("correct", sa.Integer),
    )
    connection = op.get_bind()
    totals = connection.execute(
        sa.select(
            stats.c.quiz_id,
            stats.c.question_id,
            sa.func.sum(stats.c.answers),
            sa.func.sum(stats.c.correct),
        ).group_by(stats.c.quiz_id, stats.c.question_id)
    ).all()
    connection.execute(stats.delete())
    with op.batch_alter_table("quiz_question_stats", schema=None) as batch_op:
        batch_op.drop_constraint("pk_quiz_question_stats", type_="primary")
        batch_op.drop_column("shard")
        batch_op.create_primary_key("pk_quiz_question_stats", ["quiz_id", "question_id"])
    if totals:
        op.bulk_insert(
            stats,  # the rows name no shard: the column is gone
            [
                {"quiz_id": q, "question_id": k, "answers": int(a), "correct": int(c)}
                for q, k, a, c in totals
            ],
        )

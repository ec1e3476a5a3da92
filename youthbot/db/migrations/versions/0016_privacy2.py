"""privacy2: the notice version last shown to a person; private group quizzes (the run's
mode, and each poll's anonymous counts)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_version", sa.Integer(), nullable=True))
    # Whoever agreed to a notice has seen it: a newer one is shown to them again.
    op.execute("UPDATE users SET notice_version = consent_version")
    # Anonymous people's quizzes are no longer stored at all (not even while in progress).
    op.execute(
        "DELETE FROM quiz_attempts WHERE user_id IN "
        "(SELECT id FROM users WHERE age_band = 'u14' OR consent_version IS NULL)"
    )
    with op.batch_alter_table("quiz_group_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("named", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("quiz_group_polls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answers", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("correct_answers", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz_group_polls", schema=None) as batch_op:
        batch_op.drop_column("correct_answers")
        batch_op.drop_column("answers")
    with op.batch_alter_table("quiz_group_runs", schema=None) as batch_op:
        batch_op.drop_column("named")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("notice_version")

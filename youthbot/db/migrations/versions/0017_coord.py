"""coordination: several roles per person, staff handles, review snapshots, quiz people

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

Every role stored in `users.role` becomes a row of `person_roles` (the column stays, as the
highest role held). Finished quiz attempts still in the database are counted once into
`quiz_people_stats` (anonymous people's attempts were never kept, so they are not in it).
"""

from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

users = sa.table(
    "users", sa.column("id", sa.BigInteger), sa.column("role", sa.String),
    sa.column("region", sa.String), sa.column("age_band", sa.String),
)  # fmt: skip
person_roles = sa.table(
    "person_roles", sa.column("user_id", sa.BigInteger), sa.column("role", sa.String),
    sa.column("granted_at", sa.DateTime(timezone=True)),
)  # fmt: skip
attempts = sa.table(
    "quiz_attempts", sa.column("id", sa.Integer), sa.column("user_id", sa.BigInteger),
    sa.column("quiz_id", sa.String), sa.column("status", sa.String),
    sa.column("retry", sa.Boolean),
)  # fmt: skip
people_stats = sa.table(
    "quiz_people_stats", sa.column("quiz_id", sa.String), sa.column("attempt", sa.String),
    sa.column("region", sa.String), sa.column("age_band", sa.String),
    sa.column("people", sa.Integer),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "person_roles",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_person_roles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_person_roles")),
    )  # fmt: skip
    op.create_table(
        "staff_handles",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("handle", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_staff_handles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_handles")),
    )  # fmt: skip
    op.create_table(
        "activity_review_snapshots",
        sa.Column("activity_id", sa.BigInteger(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"],
            name=op.f("fk_activity_review_snapshots_activity_id_activities"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_activity_review_snapshots")),
    )  # fmt: skip
    op.create_table(
        "quiz_people_stats",
        sa.Column("quiz_id", sa.String(length=24), nullable=False),
        sa.Column("attempt", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "quiz_id", "attempt", "region", "age_band", name=op.f("pk_quiz_people_stats")
        ),
    )
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retry", sa.Boolean(), server_default="0", nullable=False))
    with op.batch_alter_table("quiz_question_stats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_answers", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("first_correct", sa.Integer(), server_default="0", nullable=False)
        )

    connection = op.get_bind()
    now = datetime.now(UTC)
    held = connection.execute(
        sa.select(users.c.id, users.c.role).where(users.c.role != "young")
    ).all()
    if held:
        op.bulk_insert(
            person_roles, [{"user_id": i, "role": r, "granted_at": now} for i, r in held]
        )
    finished = connection.execute(
        sa.select(attempts.c.id, attempts.c.user_id, attempts.c.quiz_id, users.c.region,
                  users.c.age_band)
        .select_from(attempts.join(users, users.c.id == attempts.c.user_id))
        .where(attempts.c.status == "finished")
        .order_by(attempts.c.id)
    ).all()  # fmt: skip
    seen: set[tuple[int, str]] = set()
    counts: Counter = Counter()
    for _id, user_id, quiz_id, region, age_band in finished:
        kind = "retry" if (user_id, quiz_id) in seen else "first"
        seen.add((user_id, quiz_id))
        counts[(quiz_id, kind, region or "", age_band or "")] += 1
    if counts:
        op.bulk_insert(
            people_stats,
            [
                {"quiz_id": q, "attempt": k, "region": r, "age_band": a, "people": n}
                for (q, k, r, a), n in counts.items()
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz_question_stats", schema=None) as batch_op:
        batch_op.drop_column("first_correct")
        batch_op.drop_column("first_answers")
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_column("retry")
    op.drop_table("quiz_people_stats")
    op.drop_table("activity_review_snapshots")
    op.drop_table("staff_handles")
    op.drop_table("person_roles")

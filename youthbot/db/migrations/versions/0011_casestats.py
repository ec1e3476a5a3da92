"""case figures: anonymous counters per month, and the first claim and reply of a case

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

The cases that exist already are counted once, here, as the bot would have counted them.
"""

from collections import Counter
from datetime import UTC, date

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# A copy of core/case_counts.TIME_BUCKETS as it is today (a migration must not change when
# the code does).
BUCKETS = (
    1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240,
    300, 360, 480, 600, 720, 960, 1440, 2160, 2880, 4320, 5760, 7200, 10080, 14400, 20160,
    30240, 43200,
)  # fmt: skip
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer), sa.column("user_id", sa.BigInteger),
    sa.column("topic", sa.String), sa.column("urgent", sa.Boolean),
    sa.column("for_whom", sa.String), sa.column("country", sa.String),
    sa.column("region", sa.String), sa.column("status", sa.String),
    sa.column("outcome", sa.String), sa.column("feedback", sa.String),
    sa.column("opened_at", sa.DateTime), sa.column("claimed_at", sa.DateTime),
    sa.column("closed_at", sa.DateTime), sa.column("first_claimed_at", sa.DateTime),
    sa.column("first_reply_at", sa.DateTime),
)  # fmt: skip
messages = sa.table(
    "case_messages", sa.column("case_id", sa.Integer), sa.column("sender", sa.String),
    sa.column("at", sa.DateTime),
)  # fmt: skip
users = sa.table("users", sa.column("id", sa.BigInteger), sa.column("age_band", sa.String))
figures = sa.table(
    "case_figures", sa.column("month", sa.Date), sa.column("measure", sa.String),
    sa.column("value", sa.String), sa.column("count", sa.Integer),
)  # fmt: skip


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
    _count_existing_cases()


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("first_reply_at")
        batch_op.drop_column("first_claimed_at")
    op.drop_table("case_figures")


def _utc(moment):
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _bucket(start, end) -> str:
    minutes = max(0.0, (_utc(end) - _utc(start)).total_seconds() / 60)
    return next((str(edge) for edge in BUCKETS if minutes <= edge), "over")


def _count_existing_cases() -> None:
    """Count the cases opened before the counters existed, as the bot would have (the claim
    time is the last claim's: a hand-over before this version cleared the first)."""
    conn = op.get_bind()
    first_reply = (
        sa.select(sa.func.min(messages.c.at))
        .where(messages.c.case_id == cases.c.id, messages.c.sender == "staff")
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(cases, users.c.age_band, first_reply.label("replied")).select_from(
            cases.outerjoin(users, users.c.id == cases.c.user_id)
        )
    ).all()
    counts: Counter = Counter()
    for case in rows:
        opened = _utc(case.opened_at)
        month = date(opened.year, opened.month, 1)
        country = case.country or "-"
        for measure, value in (
            ("cases", "all"), ("topic", case.topic), ("country", country),
            ("region", f"{country}/{case.region or '-'}"),
            ("urgency", "urgent" if case.urgent else "normal"),
            ("age", case.age_band or "-"), ("whom", case.for_whom),
        ):  # fmt: skip
            counts[month, measure, value] += 1
        if case.claimed_at is not None:
            counts[month, "claim", _bucket(case.opened_at, case.claimed_at)] += 1
        if case.replied is not None:
            counts[month, "reply", _bucket(case.opened_at, case.replied)] += 1
        if case.status in ("closed", "withdrawn"):
            counts[month, "outcome", case.outcome or case.status] += 1
            if case.outcome and case.closed_at is not None:
                counts[month, "close", _bucket(case.opened_at, case.closed_at)] += 1
        if case.feedback:
            counts[month, "feedback", case.feedback] += 1
    conn.execute(
        cases.update().values(first_claimed_at=cases.c.claimed_at, first_reply_at=first_reply)
    )
    if counts:
        op.bulk_insert(
            figures,
            [{"month": m, "measure": k, "value": v[:48], "count": n}
             for (m, k, v), n in counts.items()],
        )  # fmt: skip

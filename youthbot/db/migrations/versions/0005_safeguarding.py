"""safeguarding: message ids tracked for quick exit, danger notices

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('danger_notices',
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('shown_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_danger_notices'))
    )
    with op.batch_alter_table('danger_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_danger_notices_shown_at'), ['shown_at'], unique=False)

    op.create_table('tracked_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_messages'))
    )
    with op.batch_alter_table('tracked_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_messages_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracked_messages_chat_id'), ['chat_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tracked_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracked_messages_chat_id'))
        batch_op.drop_index(batch_op.f('ix_tracked_messages_at'))

    op.drop_table('tracked_messages')
    with op.batch_alter_table('danger_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_danger_notices_shown_at'))

    op.drop_table('danger_notices')

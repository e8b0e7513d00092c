"""message transcripts; menu attempt on calls

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 20:06:52.325377
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TRANSCRIPT_STATUS = sa.Enum('pending', 'done', 'no_model', 'failed', name='transcriptstatus')


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), nullable=False,
                                      server_default='0'))
    # PostgreSQL needs the enum type before a column can use it (a no-op on SQLite).
    TRANSCRIPT_STATUS.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transcript', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('transcript_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('transcript_status', TRANSCRIPT_STATUS, nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('transcript_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('transcript_next_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('transcript_error', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_messages_transcript_status'), ['transcript_status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_transcript_status'))
        batch_op.drop_column('transcript_error')
        batch_op.drop_column('transcript_next_at')
        batch_op.drop_column('transcript_attempts')
        batch_op.drop_column('transcript_status')
        batch_op.drop_column('transcript_confidence')
        batch_op.drop_column('transcript')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('attempt')
    TRANSCRIPT_STATUS.drop(op.get_bind(), checkfirst=True)


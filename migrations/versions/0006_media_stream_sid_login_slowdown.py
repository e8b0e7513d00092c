"""one media stream per call; login failures per account and address replace the lockout

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 21:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media_stream_sid', sa.String(length=64), nullable=True))
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.create_index('ix_login_failures_account_address_at',
                              ['account', 'address', 'at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_account_address_at')
        batch_op.drop_column('account')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('media_stream_sid')

"""callers' spoken names at booking are transcribed; messages carry the model's urgency

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_status', sa.String(length=16), nullable=False,
                                      server_default='none'))
        batch_op.add_column(sa.Column('name_attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('name_next_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_appointments_name_status', ['name_status'], unique=False)
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('urgent')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_name_status')
        batch_op.drop_column('name_next_at')
        batch_op.drop_column('name_attempts')
        batch_op.drop_column('name_status')

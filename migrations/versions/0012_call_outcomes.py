"""how each call ended (outcome, first intent, last step), kept for the owner's figures;
an appointment's note and the history of its changes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('first_intent', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('last_step', sa.String(length=100), nullable=True))
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('history', sa.Text(), nullable=False,
                                      server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('history')
        batch_op.drop_column('note')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('last_step')
        batch_op.drop_column('first_intent')
        batch_op.drop_column('outcome')

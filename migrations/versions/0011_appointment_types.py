"""appointment types: each appointment keeps its type and the buffer it was booked with,
and availability reads where its blocked time ends from the covering index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_type', sa.String(length=64),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('buffer_minutes', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('block_end_s', sa.BigInteger(), nullable=False,
                                      server_default='0'))
    # What is booked keeps the buffer its agenda had: the same time stays blocked.
    op.execute("UPDATE appointments SET buffer_minutes = (SELECT agendas.buffer_minutes "
               "FROM agendas WHERE agendas.id = appointments.agenda_id)")
    op.execute("UPDATE appointments SET block_end_s = end_s + 60 * buffer_minutes")
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_agenda_span')
        batch_op.create_index('ix_appointments_agenda_block',
                              ['agenda_id', 'start_s', 'block_end_s', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_agenda_block')
        batch_op.create_index('ix_appointments_agenda_span',
                              ['agenda_id', 'start_s', 'end_s', 'status'], unique=False)
        batch_op.drop_column('block_end_s')
        batch_op.drop_column('buffer_minutes')
        batch_op.drop_column('appointment_type')

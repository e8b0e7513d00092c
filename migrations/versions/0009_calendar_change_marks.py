"""calendar change marks: a linked calendar's sync-token or ctag at its last full read,
and when that was (busy times are checked every 30 seconds, read again when changed)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caldav_sync_mark', sa.String(length=300),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('caldav_read_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.drop_column('caldav_read_at')
        batch_op.drop_column('caldav_sync_mark')

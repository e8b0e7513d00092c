"""busy times from a published iCalendar feed (Google, Outlook, iCloud secret address),
stored encrypted on the agenda

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('busy_feed_url', sa.String(length=3000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.drop_column('busy_feed_url')

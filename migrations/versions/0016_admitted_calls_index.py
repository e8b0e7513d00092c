"""admitted calls index: the calls answered with a script, by business and start, so the
per-minute call limit is checked from the index alone

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 22:10:00

Every incoming call asks whether the business admitted its limit of calls in the last
minute (`calls.limit_reached`). Counting them through `ix_calls_log` cost a read of
each call's row for `script_version`; this partial index holds only admitted calls,
so the check reads index entries alone, at most the limit's number of them.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ADMITTED = sa.text('script_version IS NOT NULL')
# script_version too: SQLite checks the condition on the index entry, not the row.
_COLUMNS = ['tenant_id', 'started_at', 'script_version']


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index('ix_calls_admitted', _COLUMNS, unique=False,
                              sqlite_where=_ADMITTED, postgresql_where=_ADMITTED)


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_admitted')

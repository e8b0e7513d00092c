"""redundant tenant indexes: drop ix_calls_tenant_id and ix_messages_tenant_id, whose
column leads other indexes of their tables

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 08:00:00

Every incoming call inserts a row in `calls`, every recording one in `messages`, and each
index of the table takes a B-tree insert and, on SQLite, one more page in the WAL at the
commit, while Twilio waits for the answer. `ix_calls_tenant_id` is the first column of
`ix_calls_log` (and of three more), `ix_messages_tenant_id` the first of
`ix_messages_inbox` and `ix_messages_tenant_created`: any lookup by the business alone
(a query, or a foreign key check when a business is deleted) is served by those as well.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_tenant_id')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_tenant_id')


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_tenant_id', ['tenant_id'], unique=False)
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index('ix_calls_tenant_id', ['tenant_id'], unique=False)

"""fewer indexes written per webhook: the stored replies keyed by call and key, the call
log served by the figures' index, the message workers' queues one index each

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:45:00

Each index of a table takes a B-tree insert for every row, and on SQLite one more page
in the WAL at the commit, while Twilio waits for the answer. Every webhook stores its
reply; every incoming call inserts a call, every recording a message.

- `webhook_replies`: a unique `key` and an index on `call_sid` become one unique index
  on (`call_sid`, `key`). A key hashes the call's SID with the request
  (`twilio.parameters.replay_key`; a stream's key names the call too), so a key
  belongs to one call and unique per call is as unique; each lookup names the call, and
  a call's replies (`calls.recent_replies`, erasing a call) read the index's first
  column. One B-tree insert less on every webhook.
- `calls`: `ix_calls_log` (business, start) is the start of `ix_calls_figures`, which
  serves the call log as well: only calls started in the same microsecond are left to a
  sort by id.
- `messages`: the fetch queue's two single indexes (`fetch_status`, `next_fetch_at`)
  become one on both, as its query reads them; the transcript queue's
  (`transcript_status`) becomes one on (`transcript_status`, `fetch_status`,
  `created_at`), as its query reads them (with two statuses asked for, the last column
  cannot give its order: it sorts the few messages waiting; with it, SQLite prefers the
  call's own index for "does this call wait for a transcript"), and `created_at` alone
  goes: every other query of messages by date names the business first
  (`ix_messages_tenant_created`, `ix_messages_inbox`). Two B-tree inserts less for each message. SQLite's plans get
  better on the way: the transcript queue read every fetched message (by
  `fetch_status`) and now reads only those waiting; whether a call's messages wait for
  a transcript read every waiting message and now reads the call's.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_replies', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_replies_call_key', ['call_sid', 'key'],
                              unique=True)
        batch_op.drop_index('ix_webhook_replies_key')
        batch_op.drop_index('ix_webhook_replies_call_sid')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_log')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_fetch_queue', ['fetch_status', 'next_fetch_at'],
                              unique=False)
        batch_op.create_index('ix_messages_transcript_queue',
                              ['transcript_status', 'fetch_status', 'created_at'],
                              unique=False)
        batch_op.drop_index('ix_messages_fetch_status')
        batch_op.drop_index('ix_messages_next_fetch_at')
        batch_op.drop_index('ix_messages_transcript_status')
        batch_op.drop_index('ix_messages_created_at')


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_messages_transcript_status', ['transcript_status'],
                              unique=False)
        batch_op.create_index('ix_messages_next_fetch_at', ['next_fetch_at'], unique=False)
        batch_op.create_index('ix_messages_fetch_status', ['fetch_status'], unique=False)
        batch_op.drop_index('ix_messages_transcript_queue')
        batch_op.drop_index('ix_messages_fetch_queue')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index('ix_calls_log', ['tenant_id', 'started_at'], unique=False)
    with op.batch_alter_table('webhook_replies', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_replies_call_sid', ['call_sid'], unique=False)
        batch_op.create_index('ix_webhook_replies_key', ['key'], unique=True)
        batch_op.drop_index('ix_webhook_replies_call_key')

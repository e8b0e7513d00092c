"""outcomes told apart: a call that cancelled, moved or only read back an appointment is
no longer "booked", and a transfer nobody took is "missed" (calls.outcomes)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 15:00:00

The ended calls' outcomes are read again from their timelines with the current rules, in
SQL (the kinds of their events), so that the dashboard's figures of the past are the
same as those of new calls. Downgrade folds them back into the older outcomes.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has(kind: str) -> str:
    return ("EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = calls.id "
            f"AND e.kind = '{kind}')")


_MISSED = ("EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = calls.id AND e.kind IN "
           "('transfer_failed', 'transfer_late', 'transfer_unanswered', "
           "'transfer_declined'))")


def upgrade() -> None:
    booked = _has("booked")
    moved = _has("moved")
    cancelled = _has("cancelled")
    op.execute(f"UPDATE calls SET outcome = 'moved' WHERE outcome = 'booked' "
               f"AND NOT {booked} AND {moved}")
    op.execute(f"UPDATE calls SET outcome = 'cancelled' WHERE outcome = 'booked' "
               f"AND NOT {booked} AND NOT {moved} AND {cancelled}")
    op.execute(f"UPDATE calls SET outcome = 'answered' WHERE outcome = 'booked' "
               f"AND NOT {booked} AND NOT {moved} AND NOT {cancelled}")  # kept
    op.execute(f"UPDATE calls SET outcome = 'missed' WHERE outcome IN "
               f"('message', 'answered', 'abandoned') AND {_MISSED}")


def downgrade() -> None:
    op.execute("UPDATE calls SET outcome = 'booked' WHERE outcome IN ('moved', 'cancelled')")
    op.execute(f"UPDATE calls SET outcome = CASE WHEN {_has('message_recorded')} "
               "THEN 'message' ELSE 'abandoned' END WHERE outcome = 'missed'")

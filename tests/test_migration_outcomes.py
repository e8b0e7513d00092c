"""Migration 0014: the outcomes kept on ended calls read again with the current rules (a
cancellation is not a booking, a transfer nobody took is missed), and folded back on a
downgrade; on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from receptionist.db import make_engine
from receptionist.migrations_runner import alembic_config, upgrade

AT = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
# (outcome kept before 0014, event kinds, outcome after)
CALLS = [
    ("booked", ["choice", "booked"], "booked"),
    ("booked", ["choice", "appointment_found", "cancelled"], "cancelled"),
    ("booked", ["choice", "appointment_found", "moved"], "moved"),
    ("booked", ["choice", "appointment_found", "kept"], "answered"),
    ("message", ["choice", "transfer", "transfer_failed", "message_recorded"], "missed"),
    ("abandoned", ["choice", "transfer", "transfer_late"], "missed"),
    ("message", ["choice", "message_recorded"], "message"),
    ("transferred", ["transfer", "transfer_failed", "transfer_completed"], "transferred"),
    (None, ["enter"], None),
]


def _outcomes(engine: sa.Engine) -> list[str | None]:
    with engine.connect() as conn:
        calls = sa.Table("calls", sa.MetaData(), autoload_with=conn)
        return list(conn.execute(sa.select(calls.c.outcome).order_by(calls.c.id)).scalars())


def test_outcomes_are_read_again_and_folded_back(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0013")
    engine = make_engine(empty_database_url)
    with engine.begin() as conn:
        meta = sa.MetaData()
        calls = sa.Table("calls", meta, autoload_with=conn)
        events = sa.Table("call_events", meta, autoload_with=conn)
        for index, (outcome, kinds, _) in enumerate(CALLS):
            key = conn.execute(calls.insert().values(
                call_sid=f"CA{index:032d}", from_number="+15550000009",
                to_number="+15005550006", started_at=AT, status="completed", seq=0,
                attempt=0, outcome=outcome)).inserted_primary_key
            assert key is not None
            for kind in kinds:
                conn.execute(events.insert().values(call_id=key[0], at=AT, kind=kind,
                                                    fields={}))
    upgrade(empty_database_url)
    assert _outcomes(engine) == [after for _, _, after in CALLS]
    command.downgrade(alembic_config(empty_database_url), "0013")
    assert _outcomes(engine) == ["booked", "booked", "booked", "answered", "message",
                                 "abandoned", "message", "transferred", None]
    engine.dispose()

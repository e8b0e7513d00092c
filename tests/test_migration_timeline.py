"""Migration 0013: timeline rows written as prose become typed fields (and come back as
text on a downgrade), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from receptionist.calls.event_text import describe
from receptionist.calls.events import EventFields, Ranked, Reason, load_fields
from receptionist.db import make_engine
from receptionist.migrations_runner import alembic_config, upgrade

AT = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
URGENT = "a cleaning, it's urgent"
QUOTES = 'he said "hi", it\'s me \\o/'

# (kind, detail) as the code wrote them before 0013, and the fields they become. Each of
# these reads back (calls.event_text) as the very text it was.
CURRENT: list[tuple[str, str, EventFields]] = [
    ("call_started", "script v3", EventFields(script_version=3)),
    ("speech", "listening", EventFields()),
    ("enter", "menu", EventFields(step_kind="menu")),
    ("prompt", "attempt 1", EventFields(attempt=1)),
    ("understood", f"heard={URGENT!r} band=confirm intent=urgent "
                   "confidence=0.61 heard_confidence=0.35 next=urgent:0.70 book:0.10",
     EventFields(heard=URGENT, band="confirm", intent="urgent",
                 confidence=0.61, heard_confidence=0.35,
                 alternatives=(Ranked(intent="urgent", probability=0.7),
                               Ranked(intent="book", probability=0.1)))),
    ("understood", "heard='hmm' band=reprompt intent= confidence=0.00 next=",
     EventFields(heard="hmm", band="reprompt", intent="", confidence=0.0, alternatives=())),
    ("choice", "intent=message digit=2 via=keypad",
     EventFields(intent="message", digit="2", via="keypad")),
    ("choice", "intent=transfer via=speech-key", EventFields(intent="transfer",
                                                             via="speech-key")),
    ("confirmed", "intent=book", EventFields(intent="book")),
    ("invalid_key", "digit=9", EventFields(digit="9")),
    ("no_input", "digit=", EventFields(digit="")),
    ("no_match", "after 3 attempts", EventFields(attempt=3)),
    ("invalid_speech", "heard='euh'", EventFields(heard="euh")),
    ("invalid_speech", f"heard={QUOTES!r}", EventFields(heard=QUOTES)),
    ("end", "the caller said goodbye", EventFields(reason=Reason.goodbye)),
    ("hours", "closed", EventFields(state="closed")),
    ("record", "max 120s", EventFields(max_s=120)),
    ("message_recorded", "6s recording RE123", EventFields(duration_s=6, recording="RE123")),
    ("message_absent", "recording RE9 absent", EventFields(recording="RE9")),
    ("message_absent", "caller left no audio", EventFields(reason=Reason.no_audio)),
    ("status", "completed", EventFields(status="completed")),
    ("status_ignored", "late 'ringing' after 'completed'",
     EventFields(status="ringing", previous_status="completed")),
    ("status_timeout", "no final status from Twilio after 4:15:00",
     EventFields(duration_s=15300)),
    ("rejected", "over the limit of 2 new calls per minute",
     EventFields(reason=Reason.rate_limit, limit=2)),
    ("rejected", "unknown number", EventFields(reason=Reason.unknown_number)),
    ("stale_callback", "seq 3 != 4", EventFields(seq=3, expected_seq=4)),
    ("screened_out", "blocked number +15550000001",
     EventFields(reason=Reason.blocked, number="+15550000001")),
    ("challenge", "caller ID failed (TN-Validation-Failed-A)",
     EventFields(verdict="failed", stir_verstat="TN-Validation-Failed-A")),
    ("challenge", "caller ID missing (no StirVerstat)", EventFields(verdict="missing")),
    ("challenge_failed", "key '1'", EventFields(digit="1")),
    ("challenge_missed", "no key", EventFields()),
    ("booking_wish", "type=cleaning who=-", EventFields(type="cleaning")),
    ("booking_unavailable", "no agenda for Want(type='cleaning', who='martin'): fallback",
     EventFields(reason=Reason.no_agenda, type="cleaning", who="martin")),
    ("type_chosen", "type=cleaning heard='a cleaning please'",
     EventFields(type="cleaning", heard="a cleaning please")),
    ("who_chosen", "who=martin digit=2", EventFields(who="martin", digit="2")),
    ("time_asked", "heard='friday morning' found=2", EventFields(heard="friday morning",
                                                                 found=2)),
    ("booked", "appointment 5 at 2026-11-05T14:00:00+00:00 agenda=martin type=cleaning",
     EventFields(appointment=5, at=datetime(2026, 11, 5, 14, tzinfo=UTC), agenda="martin",
                 type="cleaning")),
    ("moved", "appointment 6 at 2026-11-06T15:30:00+00:00",
     EventFields(appointment=6, at=datetime(2026, 11, 6, 15, 30, tzinfo=UTC))),
    ("cancelled", "appointment 5", EventFields(appointment=5)),
    ("no_appointment", "none for +15550000002", EventFields(number="+15550000002")),
    ("no_appointment", "none for unknown", EventFields()),
    ("transfer", "dialing +15555550101, +15555550102 (screened)",
     EventFields(numbers=("+15555550101", "+15555550102"), screened=True)),
    ("transfer_skipped", "not urgent: a message instead", EventFields(only_if="urgent")),
    ("transfer_failed", "no-answer", EventFields(status="no-answer")),
    ("transfer_failed", "declined by +33600000001",
     EventFields(reason=Reason.declined, number="+33600000001")),
    ("transfer_failed", "answered by +3360 but no key pressed (voicemail?)",
     EventFields(reason=Reason.silent, number="+3360")),
    ("transfer_failed", "nobody takes calls now (holiday)",
     EventFields(reason=Reason.nobody_available, state="holiday")),
    ("transfer_failed", "unknown status 'weird'",
     EventFields(reason=Reason.unknown_status, status="weird")),
    ("transfer_completed", "talked 95s with +15555550103",
     EventFields(duration_s=95, number="+15555550103")),
    ("transfer_announced", "to +33600000002 again", EventFields(number="+33600000002",
                                                                attempt=2)),
    ("transfer_unanswered", "no key from +3360", EventFields(number="+3360")),
    ("recording_status", "RE77: failed", EventFields(recording="RE77", status="failed")),
    ("hangup", "", EventFields()),
]

# Texts that do not fully fit a format: the facts readers need, and the text as a note.
PARTIAL: list[tuple[str, str, EventFields]] = [
    ("choice", "intent=book via=speech heard='I want to book' score=0.93",
     EventFields(intent="book", via="speech", heard="I want to book",
                 note="intent=book via=speech heard='I want to book' score=0.93")),
    ("offer", "Mon 06 10:00 main, Mon 06 10:30 main",
     EventFields(note="Mon 06 10:00 main, Mon 06 10:30 main")),
    ("slot_chosen", "Mon 06 10:00 digit=1", EventFields(digit="1",
                                                        note="Mon 06 10:00 digit=1")),
    ("slot_taken", "the slot is no longer free", EventFields(note="the slot is no longer free")),
    ("a_retired_kind", "something", EventFields(note="something")),
    ("understood", "heard='x' band=route intent=book confidence=0.50 next=book:high",
     EventFields(heard="x", band="route", intent="book",
                 note="heard='x' band=route intent=book confidence=0.50 next=book:high")),
    ("choice", "intent=book via=carrier-pigeon",
     EventFields(intent="book", note="intent=book via=carrier-pigeon")),
]


def _insert(conn: sa.Connection, statement: sa.Insert) -> int:
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def _old_database(url: str) -> tuple[sa.Engine, list[int]]:
    """A database at 0012 with one call whose events are the samples above."""
    upgrade(url, "0012")
    engine = make_engine(url)
    with engine.begin() as conn:
        meta = sa.MetaData()
        calls = sa.Table("calls", meta, autoload_with=conn)
        events = sa.Table("call_events", meta, autoload_with=conn)
        call_id = _insert(conn, calls.insert().values(
            call_sid="CA" + "7" * 32, from_number="+15550000009", to_number="+15005550006",
            started_at=AT, status="completed", seq=0, attempt=0))
        ids = [_insert(conn, events.insert().values(
            call_id=call_id, at=AT, step="menu", kind=kind, detail=detail))
            for kind, detail, _ in CURRENT + PARTIAL]
    return engine, ids


def _column(engine: sa.Engine, name: str, ids: list[int]) -> list[object]:
    with engine.connect() as conn:
        events = sa.Table("call_events", sa.MetaData(), autoload_with=conn)
        rows = dict(conn.execute(sa.select(events.c.id, events.c[name])).all())
    return [rows[i] for i in ids]


def test_old_rows_become_fields_and_read_as_they_did(empty_database_url: str) -> None:
    engine, ids = _old_database(empty_database_url)
    upgrade(empty_database_url)
    stored = [load_fields(value) for value in _column(engine, "fields", ids)]
    samples = CURRENT + PARTIAL
    assert [(kind, fields) for fields, (kind, _, _) in zip(stored, samples, strict=True)] == [
        (kind, fields) for kind, _, fields in samples]
    assert [describe(kind, fields) for fields, (kind, _, _) in zip(
        stored, samples, strict=True)] == [detail for _, detail, _ in samples]
    engine.dispose()


def test_downgrade_writes_the_fields_back_as_text(empty_database_url: str) -> None:
    engine, ids = _old_database(empty_database_url)
    upgrade(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "0012")
    details = dict(zip([kind + " " + detail for kind, detail, _ in CURRENT + PARTIAL],
                       _column(engine, "detail", ids), strict=True))
    # What the older readers looked for is there: intent=, via=, heard='…', band=.
    assert details["choice intent=message digit=2 via=keypad"] == (
        "intent=message via=keypad digit=2")
    understood = details[f"understood {CURRENT[4][1]}"]
    assert isinstance(understood, str)
    assert understood.startswith(f"heard={URGENT!r} band=confirm intent=urgent confidence=0.61")
    assert details["transfer_completed talked 95s with +15555550103"] == (
        "duration_s=95 number=+15555550103")
    assert details["offer Mon 06 10:00 main, Mon 06 10:30 main"] == (
        "Mon 06 10:00 main, Mon 06 10:30 main")
    assert details["hangup "] == ""
    # And up again: the facts readers use are still there.
    upgrade(empty_database_url)
    choice = load_fields(_column(engine, "fields", ids)[6])
    assert (choice.intent, choice.via, choice.digit) == ("message", "keypad", "2")
    engine.dispose()

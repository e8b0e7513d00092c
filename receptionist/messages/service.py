"""Messages left by callers: created from Twilio's recording callbacks, idempotently."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import JSON, bindparam, exists, func, or_, type_coerce
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind
from receptionist.calls.models import Call, CallEvent
from receptionist.direct_statements import Direct
from receptionist.messages.models import FetchStatus, Message
from receptionist.orm_rows import RowMaker, hold_written

log = logging.getLogger(__name__)


# Adds one event to the call's timeline: (kind, step, fields).
Log = Callable[[EventKind, str | None, EventFields], None]


@dataclass(frozen=True)
class RecordingInfo:
    """A recording as the provider reported it; `duration_s` None: its length was not
    reported (the recording is kept, its length comes with a later report)."""

    sid: str
    url: str
    duration_s: int | None


def store_recording(session: Session, *, call: Call, info: RecordingInfo,
                    now: datetime, log: Log | None = None) -> Message | None:
    """Create the message for a recording (once per RecordingSid). A zero-length recording
    is not a message: it is logged on the call instead. Returns None in that case. A
    length reported after the message was made without one is kept on it.

    `log`: where the new message's timeline event goes instead of its own INSERT (a
    call flow's `FlowContext.log`, which writes the request's events in one statement)."""
    assert call.id is not None
    if not info.url or (info.duration_s is not None and info.duration_s <= 0):
        if not _reported_absent(session, call_id=call.id, recording_sid=info.sid):
            calls.add_event(session, call_id=call.id, at=now, step=call.current_step,
                            kind=EventKind.message_absent,
                            fields=EventFields(recording=info.sid))
        return None
    if call.tenant_id is None:
        return _known(session, info)
    message = _NEW_MESSAGE.new(tenant_id=call.tenant_id, call_id=call.id,
                               recording_sid=info.sid, caller=call.from_number,
                               created_at=now, duration_s=info.duration_s or 0,
                               recording_url=info.url, next_fetch_at=now)
    message_id = _insert_unless_known(session, message, call_id=call.id)
    if message_id is None:  # stored already (a retry, the other callback), or said absent
        return _known(session, info)
    message.id = message_id
    hold_written(session, message)  # the row as inserted: no SELECT to read it back
    fields = EventFields(duration_s=info.duration_s, recording=info.sid)
    if log is not None:
        log(EventKind.message_recorded, call.current_step, fields)
    else:
        calls.add_event(session, call_id=call.id, at=now, step=call.current_step,
                        kind=EventKind.message_recorded, fields=fields)
    return message


def _insert_unless_known(session: Session, message: Message, *, call_id: int) -> int | None:
    """Insert `message` unless its recording has a message already or was reported
    absent on the call: its new id, or None. One statement (INSERT … SELECT … WHERE NOT
    EXISTS … ON CONFLICT DO NOTHING RETURNING), not a lookup of each, a savepoint and the
    INSERT: each recording callback runs it while the caller waits, and on PostgreSQL
    each statement is a round trip. Two callbacks for one recording at once: the second
    waits for the first's row (the unique recording SID), then inserts nothing."""
    params = {f"v_{key}": getattr(message, key) for key in _INSERTED}
    params.update(call_id=call_id, sid=message.recording_sid)
    connection = session.connection()  # Core: the ORM's execute cost more than the row
    inserted = _insert_message(connection.dialect.name).run(connection, params).fetchone()
    return None if inserted is None else int(inserted[0])


# A message's object in ~4 µs instead of ~55 (`Message(...)`), on every recording.
_NEW_MESSAGE = RowMaker(Message)


_INSERTED = [column.key for column in Message.__table__.columns  # type: ignore[attr-defined]
             if column.key != "id"]


@cache
def _insert_message(dialect: str) -> Direct:
    """`_insert_unless_known`'s statement, built once per dialect (the values and the
    call's id are its parameters)."""
    table = Message.__table__  # type: ignore[attr-defined]
    values = select(*(bindparam(f"v_{key}", type_=table.c[key].type) for key in _INSERTED)
                    ).where(~exists(_ABSENT_EVENT_ROW))
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return Direct(insert(table).from_select(_INSERTED, values)
                  .on_conflict_do_nothing(index_elements=["recording_sid"])
                  .returning(table.c.id))


def _known(session: Session, info: RecordingInfo) -> Message | None:
    """The message already made for this recording (its length kept if it had none), or
    None: the recording was reported absent."""
    existing = session.exec(_MESSAGE_BY_RECORDING, params={"sid": info.sid}).first()
    if existing is not None and not existing.duration_s and info.duration_s:
        existing.duration_s = info.duration_s
        session.add(existing)
    return existing


def _reported_absent(session: Session, *, call_id: int, recording_sid: str) -> bool:
    return session.connection().execute(_ABSENT_EVENT, {
        "call_id": call_id, "sid": recording_sid}).first() is not None


# Built once: each recording callback runs them.
_MESSAGE_BY_RECORDING = select(Message).where(Message.recording_sid == bindparam("sid"))
_ABSENT_EVENT_ROW = select(CallEvent.id).where(
    CallEvent.call_id == bindparam("call_id"), CallEvent.kind == EventKind.message_absent.value,
    type_coerce(col(CallEvent.fields), JSON)["recording"].as_string() == bindparam("sid"))
_ABSENT_EVENT = _ABSENT_EVENT_ROW.limit(1)


def discard_absent(session: Session, *, call: Call, recording_sid: str, now: datetime) -> None:
    """Twilio says the recording is silent and was not kept: no message, but a log entry."""
    assert call.id is not None
    message = session.exec(select(Message).where(Message.recording_sid == recording_sid)).first()
    if message is not None and message.fetch_status != FetchStatus.fetched:
        session.delete(message)
    if not _reported_absent(session, call_id=call.id, recording_sid=recording_sid):
        calls.add_event(session, call_id=call.id, at=now, step=call.current_step,
                        kind=EventKind.message_absent,
                        fields=EventFields(recording=recording_sid))


def list_messages(session: Session, *, tenant_id: int, limit: int, offset: int = 0
                  ) -> list[tuple[Message, str]]:
    """A business's messages with their call's SID, newest first."""
    rows = session.exec(
        select(Message, Call.call_sid).join(Call, col(Call.id) == Message.call_id)
        .where(Message.tenant_id == tenant_id)
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(limit).offset(offset)).all()
    return [(message, sid) for message, sid in rows]


def inbox(session: Session, *, tenant_id: int, status: str = "new", text: str = "",
          start: datetime | None = None, stop: datetime | None = None, limit: int,
          offset: int = 0) -> list[Message]:
    """The owner's inbox: `status` new, handled or all; `text` in the caller's number or
    the transcript, whatever its case (on PostgreSQL too); received in [start, stop).
    Newest first."""
    query = select(Message).where(Message.tenant_id == tenant_id)
    if status != "all":
        query = query.where(col(Message.handled).is_(status == "handled"))
    if text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(col(Message.caller).ilike(like),
                                col(Message.transcript).ilike(like)))
    if start is not None:
        query = query.where(col(Message.created_at) >= start)
    if stop is not None:
        query = query.where(col(Message.created_at) < stop)
    return list(session.exec(query.order_by(col(Message.created_at).desc(),
                                            col(Message.id).desc())
                             .limit(limit).offset(offset)).all())


def messages_of_call(session: Session, *, call_id: int) -> list[Message]:
    return list(session.exec(select(Message).where(Message.call_id == call_id)).all())


def count_unhandled(session: Session, *, tenant_id: int) -> int:
    return session.exec(select(func.count()).select_from(Message).where(
        Message.tenant_id == tenant_id, col(Message.handled).is_(False))).one()

"""Call log and webhook replay store (no HTTP here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    bindparam,
    case,
    delete,
    func,
    insert,
    inspect,
    literal_column,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from receptionist.calls import outcomes
from receptionist.calls.events import NO_FIELDS, EventFields, EventKind
from receptionist.calls.models import Call, CallEvent, WebhookReply
from receptionist.db import WriteConflict
from receptionist.direct_statements import Direct
from receptionist.orm_rows import RowMaker, RowReader, hold_written

# Twilio's CallStatus values; the last five end a call. "timed-out" is ours: Twilio never
# sent the final status (see close_stale_calls).
# "rejected": turned away by us (over the business's call rate), not a Twilio status.
TERMINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled",
                               "timed-out", "rejected"})
# Twilio ends any call after 4 hours; a call still open well after that lost its callback.
CALL_TIMEOUT = timedelta(hours=4, minutes=15)
KNOWN_STATUSES = TERMINAL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}


# Statements on every webhook's path are built once: building and keying a statement costs
# SQLAlchemy more than running it on SQLite (see bench/webhooks.py).
_CALL_BY_SID = RowReader(Call, col(Call.call_sid) == bindparam("sid"))
_CLAIM_STEP = Direct(update(Call).where(Call.id == bindparam("call_id"),  # type: ignore[arg-type]
                                         Call.seq == bindparam("expected"))  # type: ignore[arg-type]
                      .values(seq=bindparam("claimed")))
# A webhook's first statement: its stored answer, with its call's row (`stored_reply`).
# One row always: the call's columns are NULL for a call not seen yet.
_REPLY_AND_CALL = Direct(
    select(select(WebhookReply.twiml).where(WebhookReply.call_sid == bindparam("sid"),
                                            WebhookReply.key == bindparam("key"))
           .scalar_subquery().label("twiml"), *_CALL_BY_SID.columns)
    .select_from(select(literal_column("1").label("one")).subquery("one").outerjoin(
        Call.__table__, col(Call.call_sid) == bindparam("sid"))))  # type: ignore[attr-defined]
_CALL_ID = [column.key for column in _CALL_BY_SID.columns].index("id")
# The session's info: the call read by `stored_reply` in this transaction, waiting for
# the transaction's first `get_call`.
_READ_AHEAD = "receptionist.call_read_ahead"
_INSERT_REPLY = Direct(insert(WebhookReply.__table__),  # type: ignore[attr-defined]
                       keys=("key", "call_sid", "twiml", "created_at"))


def get_call(session: Session, *, call_sid: str) -> Call | None:
    """The call, as `select(Call)` gives it (every webhook reads its call first: read by
    `orm_rows.RowReader`, at less than half the ORM query's cost). The transaction's
    first one takes the row `stored_reply` read with the stored answer, unless something
    new waits to be written (the ORM's query would write it first, and could find it)."""
    ahead = session.info.pop(_READ_AHEAD, None)
    if (ahead is not None and ahead[0] is session.get_transaction() and ahead[1] == call_sid
            and not session.new):
        session._autoflush()  # what else changed, written here as the query would
        return ahead[2]  # type: ignore[no-any-return]
    return _CALL_BY_SID.first(session, {"sid": call_sid})


def open_call(session: Session, *, call_sid: str, tenant_id: int | None, from_number: str,
              to_number: str, script_version: int | None, now: datetime) -> Call:
    """The call's row, created on its first webhook (a second /voice reuses it). A new row
    is only added to the session: it is inserted with its final state when flushed."""
    call = get_call(session, call_sid=call_sid)
    if call is None:
        call = new_call(session, call_sid=call_sid, tenant_id=tenant_id,
                        from_number=from_number, to_number=to_number,
                        script_version=script_version, now=now)
    return call


def new_call(session: Session, *, call_sid: str, tenant_id: int | None, from_number: str,
             to_number: str, script_version: int | None, now: datetime) -> Call:
    """A call row known not to exist yet (added to the session, inserted when flushed)."""
    call = _NEW_CALL.new(call_sid=call_sid, tenant_id=tenant_id, from_number=from_number,
                         to_number=to_number, script_version=script_version, started_at=now)
    session.add(call)
    return call


def write_call(session: Session, call: Call) -> None:
    """Write what changed on `call` with one Core statement: its INSERT when it is new,
    else an UPDATE of the columns changed since it was read or last written.

    Every webhook ends by writing its call (`call_flows.context.FlowContext.finish`); the
    ORM's flush of that one row cost about half of a webhook's own CPU (bench
    `profile_webhooks`). The object stays the session's row, marked as written, as a
    flush leaves it: a rollback sends a new call back to transient and expires a read
    one. A call held by another session is refused before anything is written (as
    `session.add` refuses it)."""
    state = inspect(call)
    if state.session_id is not None and state.session_id != session.hash_key:
        raise InvalidRequestError(f"call {call.call_sid} is held by another session")
    if state.key is None:  # new (a flush has not inserted it yet)
        values = {key: getattr(call, key) for key in _CALL_COLUMNS}
        call.id = _INSERT_CALL.run(session.connection(), values).rows[0][0]
        hold_written(session, call)
        return
    old = state.committed_state
    changed = tuple(sorted(key for key in old if key in _CALL_COLUMN_SET
                           and state.dict.get(key) != old[key]))
    claimed_from = state.info.pop(_CLAIMED_FROM, None)  # `claim_step` on SQLite
    if changed:
        values = {f"v_{key}": state.dict[key] for key in changed}
        values["call_id"] = call.id
        # Guarded unless the claim was written already (a flush in the flow wrote it).
        if claimed_from is None or "seq" not in changed or old["seq"] != claimed_from:
            _update_call(changed).run(session.connection(), values)  # no autoflush
        else:
            values["claimed_from"] = claimed_from
            if _update_call(changed, guarded=True).run(session.connection(),
                                                       values).rowcount != 1:
                raise WriteConflict(f"call {call.call_sid}: step {claimed_from} was "
                                    "claimed by another writer")
    state._commit_all(state.dict, session.identity_map)  # what a flush does after
    session._register_altered([state])  # a rollback expires it, as after a flush


_CALL_TABLE = Call.__table__  # type: ignore[attr-defined]
_CALL_COLUMNS = [c.key for c in _CALL_TABLE.columns if c.key != "id"]
_CALL_COLUMN_SET = frozenset(_CALL_COLUMNS)
_INSERT_CALL = Direct(insert(_CALL_TABLE).returning(_CALL_TABLE.c.id), keys=_CALL_COLUMNS)
_CALL_UPDATES: dict[tuple[tuple[str, ...], bool], Direct] = {}
# A call's state info: the sequence its step was claimed from, not written yet.
_CLAIMED_FROM = "receptionist.claimed_from"
# A new call's object in ~5 µs instead of ~60 (`Call(...)`), on every incoming call.
_NEW_CALL = RowMaker(Call)


def _update_call(columns: tuple[str, ...], *, guarded: bool = False) -> Direct:
    """The UPDATE of these columns of one call, built once per set of columns (a flow
    changes a few sets over and over: the step, its sequence, what it listens for);
    `guarded`: only while its sequence is still `claimed_from`."""
    statement = _CALL_UPDATES.get((columns, guarded))
    if statement is None:
        where = [_CALL_TABLE.c.id == bindparam("call_id")]
        if guarded:
            where.append(_CALL_TABLE.c.seq == bindparam("claimed_from"))
        statement = _CALL_UPDATES[columns, guarded] = Direct(
            update(_CALL_TABLE).where(*where)
            .values({key: bindparam(f"v_{key}") for key in columns}))
    return statement


def claim_step(session: Session, *, call: Call, seq: int) -> bool:
    """Compare-and-set on the call's sequence: True for the first callback answering the
    waiting step, False for a late or duplicate one (keypad and speech racing, say).

    On PostgreSQL the row is claimed at once: a concurrent duplicate waits on the row's
    lock here, before it does anything. On SQLite the claim is written with the call's
    other changes by the UPDATE that ends the webhook (`write_call`), guarded by the
    sequence read: there the webhook holds the process's write lock from before it
    read the call, so it read what the row holds. That saves a statement on every
    menu key and recording. Should another process have claimed the step
    meanwhile, the guarded UPDATE changes nothing and `write_call` raises
    `WriteConflict`: nothing of the request is kept."""
    if session.get_bind().dialect.name == "sqlite":
        if call.seq != seq:
            return False
        call.seq = seq + 1
        inspect(call).info[_CLAIMED_FROM] = seq
        return True
    result = _CLAIM_STEP.run(session.connection(),
                             {"call_id": call.id, "expected": seq, "claimed": seq + 1})
    if result.rowcount != 1:
        return False
    # The row says so already: the object learns it without a second UPDATE at flush.
    set_committed_value(call, "seq", seq + 1)
    return True


def apply_status(session: Session, *, call: Call, status: str, duration_s: int | None,
                 now: datetime) -> bool:
    """Record a status callback. Returns False when it is stale (an earlier status arriving
    after the call already ended) and was ignored."""
    if call.id is None:
        session.flush()
    assert call.id is not None
    if call.status in TERMINAL_STATUSES and status not in TERMINAL_STATUSES:
        add_event(session, call_id=call.id, at=now, kind=EventKind.status_ignored,
                  fields=EventFields(status=status, previous_status=call.status))
        return False
    if call.status in TERMINAL_STATUSES and status in TERMINAL_STATUSES and call.ended_at:
        return False
    call.status = status
    if status in TERMINAL_STATUSES:
        call.ended_at = now
        if duration_s is not None:
            call.duration_s = duration_s
    session.add(call)
    add_event(session, call_id=call.id, at=now, kind=EventKind.status,
              fields=EventFields(status=status))
    return True


def add_event(session: Session, *, call_id: int, at: datetime, kind: EventKind,
              fields: EventFields = NO_FIELDS, step: str | None = None) -> None:
    """Add one event to a call's timeline (outside a flow: flows log through
    call_flows.context, which writes a request's events in one statement). Inserted at
    once with a Core statement: a timeline row is never read back as an object here, and
    its ORM flush cost a webhook more than the INSERT."""
    INSERT_EVENT.run(session.connection(), {"call_id": call_id, "at": at, "step": step,
                                            "kind": kind.value, "fields": fields})


# A timeline row (call_flows.context writes a request's events with it too).
INSERT_EVENT = Direct(insert(CallEvent.__table__),  # type: ignore[attr-defined]
                      keys=("call_id", "at", "step", "kind", "fields"))


def call_events(session: Session, *, call: Call) -> list[CallEvent]:
    return list(session.exec(select(CallEvent).where(CallEvent.call_id == call.id)
                             .order_by(CallEvent.id)).all())  # type: ignore[arg-type]


def words_since_prompt(session: Session, *, call: Call) -> CallEvent | None:
    """Words the media stream heard since the call's latest prompt that answered nothing
    there (EventKind.words_ignored, the call's latest event), or None."""
    latest = session.exec(select(CallEvent).where(CallEvent.call_id == call.id)
                          .order_by(col(CallEvent.id).desc()).limit(1)).first()
    return latest if latest is not None and latest.kind == EventKind.words_ignored else None


def has_event(session: Session, *, call: Call, kind: EventKind) -> bool:
    return session.execute(select(CallEvent.id).where(
        CallEvent.call_id == call.id, CallEvent.kind == kind).limit(1)).first() is not None


def stored_reply(session: Session, *, call_sid: str, key: str) -> str | None:
    """The answer stored under `key` for this call (`save_reply`), or None.

    Every webhook asks this first, then reads its call: the same statement reads the
    call's row, and the transaction's first `get_call` takes it from here: one
    statement where it took two (on PostgreSQL, one round trip less)."""
    row = _REPLY_AND_CALL.first(session.connection(), {"sid": call_sid, "key": key})
    assert row is not None  # one row, whether or not anything matched
    if row[0] is not None:
        return str(row[0])
    values = row[1:]
    call = None if values[_CALL_ID] is None else _CALL_BY_SID.held(session, values)
    session.info[_READ_AHEAD] = (session.get_transaction(), call_sid, call)
    return None


_RECENT_REPLIES = (select(WebhookReply.twiml)
                   .where(WebhookReply.call_sid == bindparam("call_sid"))
                   .order_by(col(WebhookReply.id).desc()).limit(bindparam("limit")))


def recent_replies(session: Session, *, call_sid: str, limit: int = 20) -> list[str]:
    """The call's stored webhook answers, newest first."""
    rows = session.connection().execute(_RECENT_REPLIES, {"call_sid": call_sid,
                                                          "limit": limit})
    return [str(row[0]) for row in rows]


def save_reply(session: Session, *, key: str, call_sid: str, twiml: str,
               now: datetime) -> str:
    """Store the answer with the side effects (same transaction). If a concurrent replay
    stored one first, its answer wins and this one must be rolled back by the caller."""
    try:
        _INSERT_REPLY.run(session.connection(), {"key": key, "call_sid": call_sid,
                                                 "twiml": twiml, "created_at": now})
    except IntegrityError:
        raise DuplicateWebhook(key) from None
    return twiml


# Twilio retries a webhook within seconds; a day of replies is a wide margin.
REPLY_RETENTION = timedelta(days=1)


def prune_replies(session: Session, *, now: datetime) -> int:
    """Forget stored webhook answers older than REPLY_RETENTION; returns how many."""
    result = session.connection().execute(
        delete(WebhookReply.__table__).where(  # type: ignore[attr-defined]
            col(WebhookReply.created_at) < now - REPLY_RETENTION))
    return int(result.rowcount)


class DuplicateWebhook(Exception):
    """The same webhook was answered concurrently; use the stored answer."""


def close_stale_calls(session: Session, *, now: datetime) -> list[Call]:
    """Mark as ended the calls whose final status callback never came."""
    stale = list(session.execute(select(Call).where(
        col(Call.status).not_in(TERMINAL_STATUSES),
        col(Call.started_at) < now - CALL_TIMEOUT)).scalars())
    for call in stale:
        assert call.id is not None
        call.status, call.ended_at = "timed-out", now
        session.add(call)
        add_event(session, call_id=call.id, at=now, kind=EventKind.status_timeout,
                  fields=EventFields(duration_s=int(CALL_TIMEOUT.total_seconds())))
    return stale


def limit_reached(session: Session, *, tenant_id: int, since: datetime, limit: int) -> bool:
    """Whether `limit` calls of the business were answered with its script since `since`
    (the rate limit: shared by every web instance because it is read from the database).

    It looks for the `limit`-th newest of them in `ix_calls_admitted` rather than
    counting them all: a busy minute costs at most `limit` index entries, never a read
    of the table. Measured with 3,000 calls in the minute: counting through the call
    log's index read every row, ~520 µs; this, ~26 µs with a limit of 60."""
    return _LIMITTH_ADMITTED.run(
        session.connection(), {"tenant_id": tenant_id, "since": since, "skip": limit - 1}
    ).fetchone() is not None


_LIMITTH_ADMITTED = Direct(select(Call.id).where(Call.tenant_id == bindparam("tenant_id"),
                                                  col(Call.started_at) >= bindparam("since"),
                                                  col(Call.script_version).is_not(None))
                            .order_by(col(Call.started_at).desc()).limit(1)
                            .offset(bindparam("skip")))


def list_calls(session: Session, *, tenant_id: int, limit: int, offset: int = 0) -> list[Call]:
    """A business's calls, newest first (the call log)."""
    return list(session.exec(select(Call).where(Call.tenant_id == tenant_id)
                             .order_by(col(Call.started_at).desc(), col(Call.id).desc())
                             .limit(limit).offset(offset)).all())


def tenant_call(session: Session, *, tenant_id: int, call_sid: str) -> Call | None:
    """The call, if it is this business's."""
    call = get_call(session, call_sid=call_sid)
    return call if call is not None and call.tenant_id == tenant_id else None


def record_outcome(session: Session, *, call: Call, screened: bool) -> outcomes.Timeline:
    """Read the ended call's timeline and keep its outcome, first intent and last step on
    the call row (what the dashboard counts)."""
    timeline = outcomes.read(((e.kind, e.step, e.fields) for e in call_events(
        session, call=call)), screened=screened)
    call.outcome = timeline.outcome
    call.first_intent = (timeline.intent or "")[:40] or None
    call.last_step = timeline.last_step
    session.add(call)
    return timeline


class CallGroup(NamedTuple):
    """Calls of one period alike in what the dashboard counts (see `outcome_counts`)."""

    period: int
    outcome: str | None  # None: still going (ended False), or ended before outcomes
    intent: str | None  # the first thing asked for
    ended: bool
    screening: str | None  # blocked, anonymous, spam, passed, challenged
    hung_up_at: str | None  # the last step of a call hung up before anything was done
    calls: int


def outcome_counts(session: Session, *, tenant_id: int, bounds: Sequence[datetime]
                   ) -> list[CallGroup]:
    """The business's calls started in each period [bounds[i], bounds[i + 1]) (local
    days, say), grouped by the database in one pass over an index that holds every
    column grouped (ix_calls_figures), so that 100,000 calls cost no Python per call
    and no read of the table."""
    utc = [bound.astimezone(UTC) for bound in bounds]
    started = col(Call.started_at)
    period = _period_of(started, utc, 0, len(utc) - 1)
    ended = col(Call.ended_at).is_not(None)
    hung_up_at = case((col(Call.outcome) == "abandoned", col(Call.last_step)), else_=None)
    grouped: tuple[Any, ...] = (period, col(Call.outcome), col(Call.first_intent), ended,
                                col(Call.screening), hung_up_at)
    columns: tuple[Any, ...] = (*grouped, func.count())
    rows = session.execute(select(*columns).where(
        col(Call.tenant_id) == tenant_id, started >= utc[0], started < utc[-1])
        .group_by(*grouped)).all()
    return [CallGroup(int(index), outcome, intent, bool(done), screening, step, int(count))
            for index, outcome, intent, done, screening, step, count in rows]


def _period_of(started: Any, utc: Sequence[datetime], low: int, high: int) -> Any:
    """The index i of [utc[i], utc[i + 1]) holding `started`, for low <= i < high, as
    nested CASEs that halve the periods at each level: a row costs log2(periods)
    comparisons, not one per period (a month of days is five, not thirty)."""
    if high - low == 1:
        return literal_column(str(low))
    middle = (low + high) // 2
    return case((started < utc[middle], _period_of(started, utc, low, middle)),
                else_=_period_of(started, utc, middle, high))


def _window(since: datetime, until: datetime | None) -> list[ColumnElement[bool]]:
    """The calls started in [since, until) (until None: up to now)."""
    bounds = [col(Call.started_at) >= since.astimezone(UTC)]
    if until is not None:
        bounds.append(col(Call.started_at) < until.astimezone(UTC))
    return bounds


def stuck_counts(session: Session, *, tenant_id: int, since: datetime,
                 until: datetime | None = None) -> list[tuple[str, str, int]]:
    """(event kind, step, count) of the "stuck" signals (calls.outcomes.STUCK) in the
    business's calls started in [since, until)."""
    rows = session.execute(select(col(CallEvent.kind), col(CallEvent.step), func.count())
                           .join(Call, col(Call.id) == CallEvent.call_id).where(
        col(Call.tenant_id) == tenant_id, *_window(since, until),
        col(CallEvent.kind).in_(tuple(outcomes.STUCK)), col(CallEvent.step).is_not(None))
        .group_by(col(CallEvent.kind), col(CallEvent.step))).all()
    return [(kind, step, int(count)) for kind, step, count in rows]


def choice_intents(session: Session, *, tenant_id: int, since: datetime,
                   until: datetime | None = None) -> list[str]:
    """The intent of each menu choice made in the business's calls started in [since,
    until) (read from the events' JSON by the database)."""
    intent = type_coerce(col(CallEvent.fields), JSON)["intent"].as_string()
    rows = session.execute(select(intent).join(
        Call, col(Call.id) == CallEvent.call_id).where(
        col(Call.tenant_id) == tenant_id, *_window(since, until),
        col(CallEvent.kind) == EventKind.choice.value)).scalars()
    return [str(value) for value in rows if value]

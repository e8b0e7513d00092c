"""the call timeline as data: each event's facts as JSON (`fields`) instead of prose
(`detail`); old rows converted

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 10:00:00

The text that events carried is parsed here, once, by the formats the code wrote (the
only place that reads it). A row in the current format converts to fields alone; a row
whose text does not fully fit its format (an older version's wording) keeps the facts
found in it and its whole text as `note`, which the admin pages show as before; a row
nothing can be read from keeps its text as `note`. Nothing is lost.

Downgrade writes the fields back as `name=value` text (the note as it was), which the
older readers (`intent=…`, `heard='…'`, `via=…`) still understand.
"""
import ast
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
Fields = dict[str, Any]

_HEARD = r"""(?P<heard>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_VIA = frozenset({"keypad", "speech", "speech-key", "confirmed"})
_BAND = frozenset({"route", "confirm", "reprompt"})
_DIAL_STATUSES = frozenset({"busy", "no-answer", "failed", "canceled"})


def _said(text: str) -> str | None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _dash(text: str) -> str | None:
    return None if text in ("", "-") else text


def _understood(m: re.Match[str]) -> Fields:
    alternatives = []
    for item in m["next"].split():
        intent, _, probability = item.rpartition(":")
        alternatives.append({"intent": intent, "probability": float(probability)})
    fields: Fields = {"heard": _said(m["heard"]), "band": m["band"], "intent": m["intent"],
                      "confidence": float(m["confidence"]), "alternatives": alternatives}
    if m["ear"] is not None:
        fields["heard_confidence"] = float(m["ear"])
    return fields


def _chosen(name: str) -> Callable[[re.Match[str]], Fields]:
    def convert(m: re.Match[str]) -> Fields:
        fields: Fields = {name: m["value"]}
        if m["digit"] is not None:
            fields["digit"] = m["digit"]
        else:
            fields["heard"] = _said(m["heard"])
        return fields
    return convert


def _status_timeout(m: re.Match[str]) -> Fields:
    hours, minutes, seconds = (int(part) for part in m.groups())
    return {"duration_s": hours * 3600 + minutes * 60 + seconds}


def _transfer_failed(m: re.Match[str]) -> Fields:
    if m["state"] is not None:
        return {"reason": "nobody_available", "state": m["state"]}
    if m["declined"] is not None:
        return {"reason": "declined", "number": m["declined"]}
    if m["silent"] is not None:
        return {"reason": "silent", "number": m["silent"]}
    if m["not_taken"] is not None:
        return {"reason": "not_taken"}
    if m["unknown"] is not None:
        status = _said(m["unknown"])
        return {"reason": "unknown_status", "status": status} if status is not None else {}
    return {"status": m["status"]}


# kind -> [(the whole text, its fields)]: the formats written up to this revision.
_FORMATS: dict[str, list[tuple[str, Callable[[re.Match[str]], Fields]]]] = {
    "call_started": [(r"script v(\d+)", lambda m: {"script_version": int(m[1])}),
                     (r"script vNone", lambda m: {})],
    "status": [(r"([a-z-]+)", lambda m: {"status": m[1]})],
    "status_ignored": [(r"late '([^']*)' after '([^']*)'",
                        lambda m: {"status": m[1], "previous_status": m[2]})],
    "status_timeout": [(r"no final status from Twilio after (\d+):(\d\d):(\d\d)",
                        _status_timeout)],
    "rejected": [(r"unknown number", lambda m: {"reason": "unknown_number"}),
                 (r"the tenant has no published script", lambda m: {"reason": "no_script"}),
                 (r"over the limit of (\d+) new calls per minute",
                  lambda m: {"reason": "rate_limit", "limit": int(m[1])})],
    "stale_callback": [(r"challenge already answered",
                        lambda m: {"reason": "challenge_answered"}),
                       (r"seq (\d+) != (\d+)",
                        lambda m: {"seq": int(m[1]), "expected_seq": int(m[2])})],
    "speech": [(r"listening", lambda m: {})],
    "fallback": [(r"message taken by the fallback flow, imported", lambda m: {})],
    "recording_status": [(r"(\S+): (.+)", lambda m: {"recording": m[1], "status": m[2]})],
    "screened_out": [(r"anonymous caller refused", lambda m: {"reason": "anonymous"}),
                     (r"blocked number (.*)",
                      lambda m: {"reason": "blocked", "number": m[1]})],
    "challenge": [(r"caller ID (\w+) \((.*)\)", lambda m: {
        "verdict": m[1], **({} if m[2] == "no StirVerstat" else {"stir_verstat": m[2]})})],
    "challenge_missed": [(r"no key", lambda m: {}),
                         (r"key ('.*')", lambda m: {"digit": _said(m[1])})],
    "enter": [(r"(\w+)", lambda m: {"step_kind": m[1]})],
    "end": [(r"the caller said goodbye", lambda m: {"reason": "goodbye"})],
    "hours": [(r"(open|closed|holiday)", lambda m: {"state": m[1]})],
    "invalid_key": [(r"digit=(\S*)", lambda m: {"digit": m[1]})],
    "no_match": [(r"after (\d+) attempts", lambda m: {"attempt": int(m[1])})],
    "prompt": [(r"attempt (\d+)", lambda m: {"attempt": int(m[1])})],
    "understood": [(rf"heard={_HEARD} band=(?P<band>\w+) intent=(?P<intent>\w*) "
                    r"confidence=(?P<confidence>\d+\.\d+)"
                    r"(?: heard_confidence=(?P<ear>\d+\.\d+))? next=(?P<next>.*)",
                    _understood)],
    "choice": [(r"intent=(\w+)(?: digit=(\S+))? via=([\w-]+)", lambda m: {
        "intent": m[1], "via": m[3], **({"digit": m[2]} if m[2] is not None else {})})],
    "confirm_asked": [(r"intent=(\w+)", lambda m: {"intent": m[1]})],
    "invalid_speech": [(rf"heard={_HEARD}", lambda m: {"heard": _said(m["heard"])})],
    "speech_busy": [(r"asked for the keypad", lambda m: {})],
    "record": [(r"max (\d+)s", lambda m: {"max_s": int(m[1])})],
    "message_recorded": [(r"(\d+)s recording (\S+)",
                          lambda m: {"duration_s": int(m[1]), "recording": m[2]})],
    "message_absent": [(r"caller left no audio", lambda m: {"reason": "no_audio"}),
                       (r"recording (\S+) absent", lambda m: {"recording": m[1]})],
    "booking_refused": [(r"not a known caller: fallback",
                         lambda m: {"reason": "unknown_caller"}),
                        (r"type (\S+) is not booked by phone",
                         lambda m: {"reason": "not_by_phone", "type": m[1]})],
    "booking_wish": [(r"type=(\S+) who=(\S+)", lambda m: {
        k: v for k, v in (("type", _dash(m[1])), ("who", _dash(m[2]))) if v})],
    "booking_unavailable": [
        (r"agenda gone: fallback", lambda m: {"reason": "agenda_gone"}),
        (r"practitioner gone: offer again", lambda m: {"reason": "practitioner_gone"}),
        (r"no agenda for Want\(type='([^']*)', who='([^']*)'\): fallback", lambda m: {
            "reason": "no_agenda",
            **{k: v for k, v in (("type", m[1]), ("who", m[2])) if v}})],
    "ask_who": [(r"type=(\S+)", lambda m: {"type": m[1]} if _dash(m[1]) else {})],
    "type_chosen": [(rf"type=(?P<value>\S*) (?:digit=(?P<digit>\S*)|heard={_HEARD})",
                     _chosen("type"))],
    "who_chosen": [(rf"who=(?P<value>\S*) (?:digit=(?P<digit>\S*)|heard={_HEARD})",
                    _chosen("who"))],
    "time_asked": [(rf"heard={_HEARD} found=(\d+)",
                    lambda m: {"heard": _said(m["heard"]), "found": int(m[2])})],
    "no_slot": [(r"fallback", lambda m: {})],
    "booked": [(r"appointment (\d+) at (\S+)(?: agenda=(\S+))?(?: type=(\S+))?", lambda m: {
        "appointment": int(m[1]), "at": m[2],
        **{k: v for k, v in (("agenda", m[3]), ("type", m[4])) if v}})],
    "name_recorded": [(r"appointment (\d+)", lambda m: {"appointment": int(m[1])})],
    "no_appointment": [(r"appointment gone", lambda m: {"reason": "appointment_gone"}),
                       (r"none for unknown", lambda m: {}),
                       (r"none for (.+)", lambda m: {"number": m[1]})],
    "transfer": [(r"dialing (.+?)( \(screened\))?", lambda m: {
        "numbers": m[1].split(", "), **({"screened": True} if m[2] else {})})],
    "transfer_skipped": [(r"not (\w+): a message instead", lambda m: {"only_if": m[1]})],
    "transfer_failed": [(r"nobody takes calls now \((?P<state>\w+)\)"
                         r"|declined by (?P<declined>.+)"
                         r"|answered by (?P<silent>.+) but no key pressed \(voicemail\?\)"
                         r"|(?P<not_taken>answered but not taken)"
                         r"|unknown status (?P<unknown>'.*')"
                         rf"|(?P<status>{'|'.join(sorted(_DIAL_STATUSES))})",
                         _transfer_failed)],
    "transfer_completed": [(r"talked (\d+)s(?: with (.+))?", lambda m: {
        "duration_s": int(m[1]), **({"number": m[2]} if m[2] else {})})],
    "transfer_late": [(r"the caller is no longer waiting", lambda m: {"reason": "caller_gone"})],
    "transfer_announced": [(r"to (.+?)( again)?", lambda m: {
        "number": m[1], "attempt": 2 if m[2] else 1})],
    "transfer_accepted": [(r"by (.+)", lambda m: {"number": m[1]})],
    "transfer_unanswered": [(r"no key from (.+)", lambda m: {"number": m[1]})],
}
for _same, _as in (("challenge_failed", "challenge_missed"), ("no_input", "invalid_key"),
                   ("confirmed", "confirm_asked"), ("confirm_refused", "confirm_asked"),
                   ("moved", "booked"), ("appointment_found", "name_recorded"),
                   ("cancelled", "name_recorded"), ("kept", "name_recorded"),
                   ("transfer_declined", "transfer_accepted")):
    _FORMATS[_same] = _FORMATS[_as]
_COMPILED = {kind: [(re.compile(pattern), convert) for pattern, convert in formats]
             for kind, formats in _FORMATS.items()}

# Older wordings (a choice with `heard=… score=…`, say): the facts readers use, found
# anywhere in the text, kept beside the whole text.
_ANYWHERE = {"intent": re.compile(r"\bintent=(\w+)"), "via": re.compile(r"\bvia=([\w-]+)"),
             "digit": re.compile(r"\bdigit=(\S+)"), "band": re.compile(r"\bband=(\w+)")}
_HEARD_ANYWHERE = re.compile(rf"\bheard={_HEARD}")


def _valid(fields: Fields) -> bool:
    return (fields.get("via") in _VIA | {None} and fields.get("band") in _BAND | {None}
            and ("heard" not in fields or fields["heard"] is not None))


def fields_of(kind: str, detail: str) -> Fields:
    """The fields of an event stored as (kind, detail) text."""
    if not detail:
        return {}
    for pattern, convert in _COMPILED.get(kind, []):
        match = pattern.fullmatch(detail)
        if match is not None:
            try:
                fields = convert(match)
            except ValueError:  # a number that is not one: read what can be, below
                break
            if _valid(fields):
                return fields
    found: Fields = {name: m[1] for name, pattern in _ANYWHERE.items()
                     if (m := pattern.search(detail))}
    if (heard := _HEARD_ANYWHERE.search(detail)) and (said := _said(heard["heard"])):
        found["heard"] = said
    if found.get("via") not in _VIA:
        found.pop("via", None)
    if found.get("band") not in _BAND:
        found.pop("band", None)
    return {**found, "note": detail}


def text_of(fields: Fields) -> str:
    """Downgrade: the fields as one line of `name=value` (an unread row's note as is)."""
    if "note" in fields:
        return str(fields["note"])[:1000]
    parts = []
    # `next=` last, as the menu wrote it.
    for name, value in sorted(fields.items(), key=lambda item: item[0] == "alternatives"):
        if name == "heard":
            parts.append(f"heard={value!r}")
        elif name == "alternatives":
            parts.append("next=" + " ".join(f"{a['intent']}:{a['probability']:.2f}"
                                            for a in value))
        elif isinstance(value, list):
            parts.append(f"{name}={','.join(str(v) for v in value)}")
        else:
            parts.append(f"{name}={value}")
    return " ".join(parts)[:1000]


_EVENTS = sa.table("call_events", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                   sa.column("detail", sa.String), sa.column("fields", sa.JSON))


def _rows(columns: Sequence[sa.ColumnElement[Any]]) -> Iterator[list[sa.Row[Any]]]:
    """The events in batches of BATCH, by id (keyset: no long-running cursor)."""
    bind, last = op.get_bind(), 0
    while True:
        batch = list(bind.execute(sa.select(_EVENTS.c.id, *columns)
                                  .where(_EVENTS.c.id > last)
                                  .order_by(_EVENTS.c.id).limit(BATCH)))
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def upgrade() -> None:
    with op.batch_alter_table('call_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fields', sa.JSON(), nullable=False,
                                      server_default='{}'))
    update = (_EVENTS.update().where(_EVENTS.c.id == sa.bindparam("row_id"))
              .values(fields=sa.bindparam("row_fields", type_=sa.JSON)))
    for batch in _rows([_EVENTS.c.kind, _EVENTS.c.detail]):
        changes = [{"row_id": row_id, "row_fields": fields}
                   for row_id, kind, detail in batch if (fields := fields_of(kind, detail))]
        if changes:
            op.get_bind().execute(update, changes)
    with op.batch_alter_table('call_events', schema=None) as batch_op:
        batch_op.drop_column('detail')


def downgrade() -> None:
    with op.batch_alter_table('call_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.String(length=1000), nullable=False,
                                      server_default=''))
    update = (_EVENTS.update().where(_EVENTS.c.id == sa.bindparam("row_id"))
              .values(detail=sa.bindparam("row_detail")))
    for batch in _rows([_EVENTS.c.fields]):
        changes = [{"row_id": row_id, "row_detail": text_of(fields)}
                   for row_id, fields in batch if fields]
        if changes:
            op.get_bind().execute(update, changes)
    with op.batch_alter_table('call_events', schema=None) as batch_op:
        batch_op.alter_column('detail', server_default=None)
        batch_op.drop_column('fields')

"""Call log: one row per Twilio call, the path of steps it took, and replayable replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from receptionist.calls.events import NO_FIELDS, EventFields, FieldsJSON
from receptionist.clock import utcnow


class Call(SQLModel, table=True):
    __tablename__ = "calls"
    # The dashboard's figures group a range of calls by what this index holds, so SQLite
    # reads no row of the table. It also serves the call log (one business's calls,
    # newest first): calls started in the same microsecond, the only ones its order
    # leaves to a sort by id, are few.
    __table_args__ = (Index("ix_calls_figures", "tenant_id", "started_at", "outcome",
                            "first_intent", "ended_at", "last_step", "screening"),
                      # A caller's earlier calls (returning callers, known numbers).
                      Index("ix_calls_caller", "tenant_id", "from_number"),
                      # The calls answered with a script, by start: the rate limit counts
                      # a minute of them from this index alone (calls.limit_reached;
                      # SQLite checks the condition on the index's own script_version).
                      Index("ix_calls_admitted", "tenant_id", "started_at", "script_version",
                            sqlite_where=text("script_version IS NOT NULL"),
                            postgresql_where=text("script_version IS NOT NULL")))

    id: int | None = Field(default=None, primary_key=True)
    call_sid: str = Field(unique=True, index=True, max_length=64)
    # Looked up by business through the indexes above, which it leads (no index of its own:
    # one more B-tree to write on every incoming call).
    tenant_id: int | None = Field(default=None, foreign_key="tenants.id")
    from_number: str = Field(default="", max_length=64)
    to_number: str = Field(default="", max_length=64)
    script_version: int | None = None
    started_at: datetime = Field(default_factory=utcnow, index=True)
    ended_at: datetime | None = None
    status: str = Field(default="in-progress", max_length=32)
    duration_s: int | None = None
    current_step: str | None = Field(default=None, max_length=100)
    # Bumped every time a step that waits for the caller is rendered; callbacks carry the
    # value they were issued with, so a late or out-of-order callback is recognised.
    seq: int = 0
    attempt: int = 0  # of the menu the call waits at (speech needs it for retries)
    # What the waiting prompt listens for (call_flows.listening.ListenFor as JSON): its
    # options and where a spoken answer goes, so that speech answers as the keypad does.
    step_data: str | None = Field(default=None, sa_type=Text)
    # The one media stream (Twilio streamSid) accepted for this call: a second is refused.
    media_stream_sid: str | None = Field(default=None, max_length=64)
    # Twilio's STIR/SHAKEN verdict on the caller ID (`StirVerstat`), when it sent one.
    stir_verstat: str | None = Field(default=None, max_length=64)
    # Why the call was stopped or questioned before the script: blocked, anonymous,
    # challenged (waiting for the key), passed (pressed it), spam (did not).
    screening: str | None = Field(default=None, max_length=16)
    # The screened transfer's answer from the person rung: "SEQ:accepted|declined|silent:
    # NUMBER" (SEQ: the step's sequence number when it dialed).
    transfer_answer: str | None = Field(default=None, max_length=120)
    # How it ended (calls.outcomes), the first thing the caller asked for, and the last
    # step they were in: set when the call ends, for the owner's figures.
    outcome: str | None = Field(default=None, max_length=16)
    first_intent: str | None = Field(default=None, max_length=40)
    last_step: str | None = Field(default=None, max_length=100)


class CallEvent(SQLModel, table=True):
    """One entry of a call's timeline: a step entered, a key pressed, a transfer result...
    `kind` holds a calls.events.EventKind value and `fields` its typed facts (JSON)."""

    __tablename__ = "call_events"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="calls.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    step: str | None = Field(default=None, max_length=100)
    kind: str = Field(max_length=40)
    fields: EventFields = Field(default=NO_FIELDS, sa_type=FieldsJSON, nullable=False,
                                sa_column_kwargs={"server_default": "{}"})


class WebhookReply(SQLModel, table=True):
    """The TwiML answered to one webhook request, keyed by a hash of URL and form.

    Twilio retries a webhook that timed out; answering the retry from here makes every
    webhook idempotent (same answer, no second side effect).
    """

    __tablename__ = "webhook_replies"
    __table_args__ = (Index("ix_webhook_replies_call_key", "call_sid", "key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    # Unique per call (`ix_webhook_replies_call_key`): a key hashes the call's SID with
    # the request, and each lookup names the call. One index serves the lookups and a
    # call's replies (`recent_replies`), where a unique key and a call index took two
    # B-tree inserts on every webhook.
    key: str = Field(max_length=64)
    call_sid: str = Field(max_length=64)
    twiml: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)

"""Voice messages left by callers, and the state of fetching their recordings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow


class FetchStatus(StrEnum):
    pending = "pending"
    fetched = "fetched"
    failed = "failed"  # gave up after the configured attempts; the row and URL remain


class TranscriptStatus(StrEnum):
    pending = "pending"  # waiting for the audio, or for its turn
    done = "done"
    no_model = "no_model"  # no speech model for the language yet: retried when one appears
    failed = "failed"  # gave up after the configured attempts; the message is intact


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    # The inbox: one business's messages, new or handled, newest first.
    __table_args__ = (Index("ix_messages_inbox", "tenant_id", "handled", "created_at"),
                      Index("ix_messages_tenant_created", "tenant_id", "created_at"),
                      # The workers' queues: recordings due for fetching, by when
                      # (messages.recordings), and fetched recordings waiting for their
                      # transcript (messages.transcripts, which sorts the few waiting by
                      # age: its two statuses keep the index from giving that order).
                      # One index each, not one per column (migration 0018).
                      Index("ix_messages_fetch_queue", "fetch_status", "next_fetch_at"),
                      Index("ix_messages_transcript_queue", "transcript_status",
                            "fetch_status", "created_at"))

    id: int | None = Field(default=None, primary_key=True)
    # Looked up by business through the two indexes above, which it leads.
    tenant_id: int = Field(foreign_key="tenants.id")
    call_id: int = Field(foreign_key="calls.id", index=True)
    recording_sid: str = Field(unique=True, index=True, max_length=64)
    caller: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    duration_s: int = 0
    recording_url: str = Field(max_length=1000)
    audio_path: str | None = Field(default=None, max_length=1000)
    fetch_status: FetchStatus = Field(default=FetchStatus.pending, max_length=16)
    fetch_attempts: int = 0
    next_fetch_at: datetime | None = Field(default_factory=utcnow)
    fetch_error: str = Field(default="", max_length=1000)
    handled: bool = False
    transcript: str | None = Field(default=None, sa_type=Text)
    transcript_confidence: float | None = None
    transcript_status: TranscriptStatus = Field(default=TranscriptStatus.pending,
                                                max_length=16)
    transcript_attempts: int = 0
    transcript_next_at: datetime | None = None
    transcript_error: str = Field(default="", max_length=1000)
    # Whether the transcript asks for urgent help (the intent model, set with the
    # transcript by the worker); None: not known (no transcript yet).
    urgent: bool | None = None

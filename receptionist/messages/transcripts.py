"""Offline transcripts of recorded messages, made by the worker in the background.

The same engine as live routing, with its full vocabulary (not a menu grammar). The
message exists and is complete without a transcript; a failure only schedules a retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import or_
from sqlmodel import Session, col, select

from receptionist.db import JobDeps
from receptionist.leases import claim_row, retry_after
from receptionist.messages.models import FetchStatus, Message, TranscriptStatus
from receptionist.speech.audio import AudioError, read_wav
from receptionist.speech.recognizer import ModelUnavailable, Recognizer, recognize
from receptionist.tenants.models import Tenant

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=10)
# Decoding failed (a corrupt file, the engine gone): 2 min, 4 min, 8 min… (leases.retry_after).
FIRST_RETRY = timedelta(minutes=2)
LONGEST_RETRY = timedelta(hours=1)


class TranscriptionDeps(JobDeps, Protocol):
    """What transcription needs (the runtime provides it)."""

    @property
    def recognizer(self) -> Recognizer: ...


def _due(session: Session, now: datetime, limit: int) -> list[tuple[Message, str]]:
    rows = session.exec(
        select(Message, Tenant.language).join(Tenant)
        .where(Message.fetch_status == FetchStatus.fetched,
               col(Message.transcript_status).in_([TranscriptStatus.pending,
                                                   TranscriptStatus.no_model]),
               or_(col(Message.transcript_next_at).is_(None),
                   col(Message.transcript_next_at) <= now))
        .order_by(col(Message.created_at)).limit(limit)
    ).all()
    return [(message, language) for message, language in rows]


Judge = Callable[[str, str], bool]  # (transcript, language) -> urgent?


def transcribe_due(rt: TranscriptionDeps, *, limit: int = 5, urgency: Judge | None = None
                   ) -> int:
    """Transcribe messages whose audio is stored; returns how many got a transcript.
    `urgency` (the worker passes understanding.urgency) flags the message with it.

    Each message is claimed in a transaction of its own, decoded with none open, and its
    outcome stored in another: decoding takes seconds, writers never wait for it."""
    now = rt.clock()
    done = 0
    with rt.database.session() as session:
        due = _due(session, now, limit)
    for message, language in due:
        if message.transcript_status == TranscriptStatus.no_model and not (
                rt.recognizer.supports(language)):
            continue  # still no model: nothing to try
        # The retry time read with the row guards the claim: another worker that took the
        # row meanwhile has moved it.
        with rt.database.write_transaction() as session:
            won = claim_row(session, Message, message.id, col(Message.transcript_next_at),
                            message.transcript_next_at, now + LEASE)
        if won:
            done += _transcribe(rt, message, language, now, urgency)
    return done


def _transcribe(rt: TranscriptionDeps, message: Message, language: str, now: datetime,
                urgency: Judge | None = None) -> int:
    try:
        samples, rate = read_wav(Path(message.audio_path or ""))
        heard = recognize(rt.recognizer, samples, rate, language=language, phrases=None)
    except ModelUnavailable as exc:
        with rt.database.write_transaction() as session:
            row = session.get(Message, message.id)
            if row is not None:
                row.transcript_status = TranscriptStatus.no_model
                row.transcript_error = str(exc)[:1000]
                row.transcript_next_at = None
                session.add(row)
        return 0
    except (AudioError, OSError, RuntimeError) as exc:
        with rt.database.write_transaction() as session:
            row = session.get(Message, message.id)
            if row is not None:
                row.transcript_attempts += 1
                row.transcript_error = str(exc)[:1000]
                if row.transcript_attempts >= MAX_ATTEMPTS:
                    row.transcript_status = TranscriptStatus.failed
                    row.transcript_next_at = None
                    log.error("gave up transcribing message %s: %s", row.id, exc)
                else:
                    row.transcript_next_at = now + retry_after(
                        row.transcript_attempts, first=FIRST_RETRY, longest=LONGEST_RETRY)
                session.add(row)
        return 0
    urgent = urgency(heard.transcript, language) if urgency is not None else None
    with rt.database.write_transaction() as session:
        row = session.get(Message, message.id)
        if row is None:
            return 0  # erased while it was being decoded
        row.transcript = heard.transcript
        if urgent is not None:
            row.urgent = urgent
        row.transcript_confidence = round(heard.confidence, 3)
        row.transcript_status = TranscriptStatus.done
        row.transcript_error = ""
        row.transcript_next_at = None
        session.add(row)
    return 1

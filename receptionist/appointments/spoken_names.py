"""Callers' spoken names at booking ("After the beep, please say your name"), transcribed
offline in the background so that the agenda, the owner's summary and the admin UI show
"Jane Doe" rather than only a number. The recording stays where it was (playable); the
appointment is complete without a transcript, and a failure only schedules a retry.

A name the caller or the owner typed (API, admin) is never overwritten.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import or_
from sqlmodel import Session, col, select

from receptionist.appointments.models import Appointment, NameStatus
from receptionist.config import Settings
from receptionist.leases import claim_row
from receptionist.messages.recordings import (
    FetchError,
    RecordingSource,
    retry_delay,
    write_atomically,
)
from receptionist.messages.transcripts import TranscriptionDeps
from receptionist.speech.audio import AudioError, read_wav
from receptionist.speech.recognizer import ModelUnavailable, recognize
from receptionist.tenants.models import Tenant

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=10)
MAX_NAME_CHARS = 80
DUE = (NameStatus.pending, NameStatus.no_model)


class NameDeps(TranscriptionDeps, Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def telephony(self) -> RecordingSource: ...


def spoken_name(transcript: str) -> str:
    """A transcript as a name: "jane doe" -> "Jane Doe" (bounded, tidy spaces)."""
    words = transcript.split()
    return " ".join(w[:1].upper() + w[1:] for w in words)[:MAX_NAME_CHARS]


def transcribe_names_due(rt: NameDeps, *, limit: int = 5) -> int:
    """Transcribe the spoken names whose time has come; returns how many got one. Each is
    claimed in a transaction of its own, downloaded and decoded with none open, and its
    outcome stored in another."""
    now = rt.clock()
    done = 0
    with rt.database.session() as session:
        due = session.exec(
            select(Appointment, Tenant.language).join(Tenant)
            .where(col(Appointment.name_status).in_(DUE),
                   col(Appointment.name_recording_url).is_not(None),
                   or_(col(Appointment.name_next_at).is_(None),
                       col(Appointment.name_next_at) <= now))
            .order_by(col(Appointment.id)).limit(limit)).all()
    for appointment, language in due:
        if appointment.name_status == NameStatus.no_model and not rt.recognizer.supports(language):
            continue
        with rt.database.write_transaction() as session:
            won = claim_row(session, Appointment, appointment.id,
                            col(Appointment.name_next_at), appointment.name_next_at,
                            now + LEASE)
        if won:
            done += _transcribe(rt, appointment, language, now)
    return done


def _still_due(session: Session, appointment: Appointment) -> Appointment | None:
    """The row again, in the transaction that records an outcome; None if it no longer
    waits for its name (deleted, or erased meanwhile: privacy anonymises it)."""
    row = session.get(Appointment, appointment.id)
    return row if row is not None and row.name_status in DUE else None


def _transcribe(rt: NameDeps, appointment: Appointment, language: str,
                now: datetime) -> int:
    try:
        audio = rt.telephony.download_recording(appointment.name_recording_url or "")
        path = (rt.settings.recordings_dir / str(appointment.tenant_id)
                / f"name-{appointment.id}.wav")
        write_atomically(path, audio)
        samples, rate = read_wav(Path(path))
        heard = recognize(rt.recognizer, samples, rate, language=language, phrases=None)
    except ModelUnavailable:
        with rt.database.write_transaction() as session:
            row = _still_due(session, appointment)
            if row is not None:
                row.name_attempts += 1
                row.name_status = NameStatus.no_model
                row.name_next_at = None
                session.add(row)
        return 0
    except (FetchError, AudioError, OSError, RuntimeError) as exc:
        with rt.database.write_transaction() as session:
            row = _still_due(session, appointment)
            if row is not None:
                row.name_attempts += 1
                if row.name_attempts >= MAX_ATTEMPTS:
                    row.name_status = NameStatus.failed
                    row.name_next_at = None
                    log.error("gave up transcribing the name of appointment %s: %s",
                              row.id, exc)
                else:
                    row.name_next_at = now + retry_delay(row.name_attempts)
                session.add(row)
        return 0
    name = spoken_name(heard.transcript)
    with rt.database.write_transaction() as session:
        row = _still_due(session, appointment)
        if row is None:
            return 0
        row.name_attempts += 1
        # Read in this transaction: a name the owner typed meanwhile is kept.
        if name and not row.caller_name:
            row.caller_name = name
        row.name_status = NameStatus.done if name else NameStatus.failed
        row.name_next_at = None
        session.add(row)
    return 1 if name else 0

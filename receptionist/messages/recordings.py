"""Fetching message recordings from Twilio into local storage, with retries.

A message row exists before its audio: fetching is retried with exponential backoff, and
when it finally gives up the row (with Twilio's URL) stays, marked `failed`.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.config import Settings
from receptionist.messages.models import FetchStatus, Message

log = logging.getLogger(__name__)
# While one worker fetches a recording, others leave it alone for this long.
LEASE = timedelta(minutes=2)
BASE_DELAY_S = 30
MAX_DELAY_S = 3600


class FetchError(RuntimeError):
    pass


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(BASE_DELAY_S * 2 ** max(attempts - 1, 0), MAX_DELAY_S))


def media_url(recording_url: str) -> str:
    """Twilio's RecordingUrl has no extension; `.wav` asks for the WAV rendition."""
    last = recording_url.rsplit("/", 1)[-1]
    return recording_url if "." in last else recording_url + ".wav"


# The path of a recording on Twilio's REST API; the host is always TWILIO_API_BASE.
_RECORDING_PATH = re.compile(r"^/2010-04-01/Accounts/AC[0-9A-Za-z]{8,62}/Recordings/"
                             r"RE[0-9A-Za-z]{8,62}(\.wav)?$")


def api_url(settings: Settings, recording_url: str) -> str:
    """The recording's WAV on TWILIO_API_BASE. The account's credentials go only there:
    whatever host a RecordingUrl names (a forged one, say) is not asked."""
    path = urlsplit(recording_url).path
    if not _RECORDING_PATH.match(path):
        raise FetchError(f"not a Twilio recording URL: {recording_url[:200]!r}")
    return media_url(settings.twilio_api_base + path)


class RecordingSource(Protocol):
    """Where recordings come from (`twilio.rest.TwilioRest`)."""

    def download_recording(self, recording_url: str) -> bytes:
        """The recording's WAV bytes. Raises FetchError."""
        ...


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _claim(session: Session, message: Message, now: datetime) -> bool:
    result = session.execute(
        update(Message).where(
            Message.id == message.id,  # type: ignore[arg-type]
            Message.fetch_status == FetchStatus.pending,  # type: ignore[arg-type]
            Message.next_fetch_at == message.next_fetch_at,  # type: ignore[arg-type]
        ).values(next_fetch_at=now + LEASE)
    )
    session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def fetch_due_recordings(settings: Settings, engine: Engine, *, now: datetime,
                         source: RecordingSource, limit: int = 20) -> int:
    """Fetch every pending recording whose retry time has come. Returns how many were
    stored. Each message is claimed first, so several workers never fetch the same one."""
    stored = 0
    with Session(engine, expire_on_commit=False) as session:
        due = session.exec(
            select(Message).where(Message.fetch_status == FetchStatus.pending,
                                  Message.next_fetch_at <= now)  # type: ignore[operator]
            .order_by(Message.next_fetch_at).limit(limit)  # type: ignore[arg-type]
        ).all()
        for message in due:
            if _claim(session, message, now):
                stored += fetch_one(settings, source, session, message, now=now)
    return stored


def fetch_one(settings: Settings, source: RecordingSource, session: Session,
              message: Message, *, now: datetime) -> int:
    message.fetch_attempts += 1
    try:
        audio = source.download_recording(message.recording_url)
        path = (settings.recordings_dir / str(message.tenant_id)
                / f"{message.recording_sid}.wav")
        write_atomically(path, audio)
    except (FetchError, OSError) as exc:
        message.fetch_error = str(exc)[:1000]
        if message.fetch_attempts >= settings.recording_fetch_max_attempts:
            message.fetch_status = FetchStatus.failed
            message.next_fetch_at = None
            log.error("gave up fetching recording %s after %d attempts: %s",
                      message.recording_sid, message.fetch_attempts, exc)
        else:
            message.next_fetch_at = now + retry_delay(message.fetch_attempts)
            log.warning("fetching recording %s failed (attempt %d), retry at %s: %s",
                        message.recording_sid, message.fetch_attempts,
                        message.next_fetch_at, exc)
        session.add(message)
        session.commit()
        return 0
    message.audio_path = str(path)
    message.fetch_status = FetchStatus.fetched
    message.fetch_error = ""
    message.next_fetch_at = None
    session.add(message)
    session.commit()
    return 1

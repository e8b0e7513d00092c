"""Fetching message recordings from the telephony provider into local storage, with retries.

A message row exists before its audio: fetching is retried with exponential backoff, and
when it finally gives up the row (with the provider's URL) stays, marked `failed`. What a
recording URL looks like and where its audio is downloaded from is the provider's business
(`RecordingSource`, the adapter's REST client).

A recording made on this server (a call carried by a two-way media stream records the
caller itself: nothing is stored at the provider) is written where a fetched message's
audio goes, `RECORDINGS_DIR/<business>/<sid>.wav`, and named by a URL of ours
(`stream_recording_url`): the rest of the pipeline (messages, spoken names, the fallback
spool) treats it like any other, and its "download" reads the file back.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlmodel import Session, col, select

from receptionist.config import Settings
from receptionist.db import Database
from receptionist.leases import claim_row, retry_after
from receptionist.messages.models import FetchStatus, Message

log = logging.getLogger(__name__)
# While one worker fetches a recording, others leave it alone for this long.
LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


class FetchError(RuntimeError):
    pass


def retry_delay(attempts: int) -> timedelta:
    """After a failed fetch (or a spoken name's decoding): 30 s, 1 min, 2 min… at most 1 h."""
    return retry_after(attempts, first=FIRST_RETRY, longest=LONGEST_RETRY)


class RecordingSource(Protocol):
    """Where recordings come from: the provider's REST client (`Runtime.telephony`)."""

    def download_recording(self, recording_url: str) -> bytes:
        """The WAV bytes of the recording the provider named `recording_url` (a URL it
        sent us, read and checked by the provider's adapter). Raises FetchError."""
        ...


STREAM_RECORDINGS = "/twilio/stream-recordings/"
_STREAM_RECORDING = re.compile(r"^(\d{1,12})/(RE[0-9a-f]{32})$")


def stream_recording_url(settings: Settings, tenant_id: int, sid: str) -> str:
    """How a recording made on this server is named (a URL, as the provider's are)."""
    if not _STREAM_RECORDING.match(f"{tenant_id}/{sid}"):
        raise ValueError(f"not a stream recording: {tenant_id}/{sid}")
    return f"{settings.public_base_url}{STREAM_RECORDINGS}{tenant_id}/{sid}"


def stream_recording_path(settings: Settings, recording_url: str) -> Path | None:
    """Where the recording `recording_url` names was written on this server; None when it
    is not one of ours (the provider's, or anything else: nothing else is read)."""
    prefix = settings.public_base_url + STREAM_RECORDINGS
    if not recording_url.startswith(prefix):
        return None
    found = _STREAM_RECORDING.match(recording_url[len(prefix):])
    if found is None:
        return None
    return settings.recordings_dir / found.group(1) / f"{found.group(2)}.wav"


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
    """Take the message for this worker (its retry time, as read, and its status guard the
    UPDATE: `leases.claim_row`)."""
    return claim_row(session, Message, message.id, col(Message.next_fetch_at),
                     message.next_fetch_at, now + LEASE,
                     col(Message.fetch_status) == FetchStatus.pending)


def fetch_due_recordings(settings: Settings, database: Database, *, now: datetime,
                         source: RecordingSource, limit: int = 20) -> int:
    """Fetch every pending recording whose retry time has come. Returns how many were
    stored. Each message is claimed first (a transaction of its own), so several workers
    never fetch the same one; the download runs with no transaction open, and its outcome
    is stored in another."""
    stored = 0
    with database.session() as session:
        due = session.exec(
            select(Message).where(Message.fetch_status == FetchStatus.pending,
                                  Message.next_fetch_at <= now)  # type: ignore[operator]
            .order_by(Message.next_fetch_at).limit(limit)  # type: ignore[arg-type]
        ).all()
    for message in due:
        with database.write_transaction() as session:
            won = _claim(session, message, now)
        if won:
            stored += fetch_one(settings, source, database, message, now=now)
    return stored


def fetch_one(settings: Settings, source: RecordingSource, database: Database,
              message: Message, *, now: datetime) -> int:
    try:
        audio = source.download_recording(message.recording_url)
        path = (settings.recordings_dir / str(message.tenant_id)
                / f"{message.recording_sid}.wav")
        write_atomically(path, audio)
    except (FetchError, OSError) as exc:
        with database.write_transaction() as session:
            row = session.get(Message, message.id)
            if row is not None:
                row.fetch_attempts += 1
                row.fetch_error = str(exc)[:1000]
                if row.fetch_attempts >= settings.recording_fetch_max_attempts:
                    row.fetch_status = FetchStatus.failed
                    row.next_fetch_at = None
                    log.error("gave up fetching recording %s after %d attempts: %s",
                              row.recording_sid, row.fetch_attempts, exc)
                else:
                    row.next_fetch_at = now + retry_delay(row.fetch_attempts)
                    log.warning("fetching recording %s failed (attempt %d), retry at %s: %s",
                                row.recording_sid, row.fetch_attempts, row.next_fetch_at,
                                exc)
                session.add(row)
        return 0
    with database.write_transaction() as session:
        row = session.get(Message, message.id)
        if row is not None:
            row.fetch_attempts += 1
            row.audio_path = str(path)
            row.fetch_status = FetchStatus.fetched
            row.fetch_error = ""
            row.next_fetch_at = None
            session.add(row)
    if row is None:  # erased while it was being fetched: its audio goes too
        path.unlink(missing_ok=True)
        return 0
    return 1

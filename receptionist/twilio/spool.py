"""Messages taken while the database was unreachable: written to disk, imported later.

The fallback flow (twilio/fallback.py) never touches the database. When the caller has
left a message, its recording reference (Twilio keeps the audio) is written to
SPOOL_DIR as one JSON file per recording, atomically. Once the database answers again,
`import_spool` turns each file into the call and message the normal flow would have
stored (the worker then downloads and transcribes it, and the owner gets a summary), and
only then deletes the file: a crash in between imports it again, and the RecordingSid
(unique) makes the second import a no-op.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from receptionist.calls import service as calls
from receptionist.calls.events import EventKind
from receptionist.db import Database
from receptionist.messages import service as messages
from receptionist.messages.recordings import write_atomically
from receptionist.notifications import service as notifications
from receptionist.tenants import service as tenants

log = logging.getLogger(__name__)
SID = re.compile(r"^[A-Za-z0-9]{2,64}$")


@dataclass(frozen=True)
class SpooledMessage:
    call_sid: str
    from_number: str
    to_number: str
    recording_sid: str
    recording_url: str
    duration_s: int | None  # None: Twilio did not report it
    received_at: str  # ISO 8601, UTC

    @classmethod
    def load(cls, path: Path) -> SpooledMessage:
        data = json.loads(path.read_text("utf-8"))
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def spool(folder: Path, message: SpooledMessage) -> Path:
    """Write the message's reference to disk (durably) before the caller is thanked."""
    if not SID.match(message.recording_sid):
        raise ValueError(f"not a recording SID: {message.recording_sid!r}")
    path = folder / f"{message.recording_sid}.json"
    write_atomically(path, json.dumps(asdict(message)).encode())
    return path


def pending(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def import_one(session: Session, item: SpooledMessage, *, now: datetime) -> bool:
    """Store the spooled message as the normal flow would have. False when the number
    routes to no business (the file is then set aside, not deleted)."""
    route = tenants.route_number(session, number=item.to_number)
    if route is None:
        return False
    received = datetime.fromisoformat(item.received_at)
    call = calls.open_call(session, call_sid=item.call_sid, tenant_id=route.tenant_id,
                           from_number=item.from_number, to_number=item.to_number,
                           script_version=route.active_version, now=received)
    if call.tenant_id is None:
        call.tenant_id = route.tenant_id
    session.flush()
    assert call.id is not None
    info = messages.RecordingInfo(sid=item.recording_sid, url=item.recording_url,
                                  duration_s=item.duration_s)
    message = messages.store_recording(session, call=call, info=info, now=received)
    if message is not None:
        calls.add_event(session, call_id=call.id, at=now, kind=EventKind.fallback)
        notifications.queue_late_summary(session, tenant_id=route.tenant_id, call_id=call.id,
                                         now=now)
    return True


def import_spool(database: Database, folder: Path, *, now: datetime) -> int:
    """Import every spooled message; returns how many were imported. Raises if the
    database is still unreachable (the files stay for the next attempt)."""
    imported = 0
    for path in pending(folder):
        try:
            item = SpooledMessage.load(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("unreadable spool file %s set aside: %s", path, exc)
            _set_aside(path, "unreadable")
            continue
        with database.write_transaction() as session:
            routed = import_one(session, item, now=now)
        if routed:
            path.unlink(missing_ok=True)
            imported += 1
            log.info("imported message %s of call %s from the fallback spool",
                     item.recording_sid, item.call_sid)
        else:
            log.error("spooled message %s: %s routes to no business; set aside",
                      item.recording_sid, item.to_number)
            _set_aside(path, "unroutable")
    return imported


def _set_aside(path: Path, reason: str) -> None:
    target = path.parent / reason / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    path.replace(target)

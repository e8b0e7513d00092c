"""What the provider reports about a call outside its steps, provider-neutral: the call's
status (its end notifies the business) and a recording's status. Nothing is said back:
these callbacks answer with no actions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from receptionist.call_flows.desk import Desk
from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind
from receptionist.messages import service as messages
from receptionist.notifications import service as notifications
from receptionist.tenants import service as tenants

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallStatus:
    """The call's status as reported (`calls.apply_status`'s vocabulary), its duration,
    and its numbers (the call may be unknown: a status before the incoming call)."""

    call_sid: str
    status: str
    duration_s: int | None
    from_number: str
    to_number: str


def recording_status(desk: Desk, session: Session, *, call_sid: str,
                     recording_sid: str | None, info: messages.RecordingInfo | None,
                     status: str) -> None:
    """A recording's status: "completed" keeps it as a message, "absent" discards it
    (nothing was said), anything else is noted in the call's timeline."""
    call = calls.get_call(session, call_sid=call_sid)
    if call is None or info is None:
        log.warning("recording status for unknown call %s / recording %s", call_sid,
                    recording_sid)
        return
    now = desk.now()
    if status == "absent":
        messages.discard_absent(session, call=call, recording_sid=info.sid, now=now)
    elif status == "completed":
        messages.store_recording(session, call=call, info=info, now=now)
    else:
        assert call.id is not None
        calls.add_event(session, call_id=call.id, at=now, kind=EventKind.recording_status,
                        fields=EventFields(recording=info.sid, status=status))


def call_status(desk: Desk, session: Session, report: CallStatus) -> None:
    now = desk.now()
    call = calls.get_call(session, call_sid=report.call_sid)
    if call is None:
        # Out of order (status before the incoming call) or a call we never answered:
        # log it anyway.
        route = tenants.route_number(session, number=report.to_number)
        call = calls.open_call(session, call_sid=report.call_sid,
                               tenant_id=route.tenant_id if route else None,
                               from_number=report.from_number, to_number=report.to_number,
                               script_version=None, now=now)
    was_live = call.status not in calls.TERMINAL_STATUSES
    applied = calls.apply_status(session, call=call, status=report.status,
                                 duration_s=report.duration_s, now=now)
    if applied and was_live and call.status in calls.TERMINAL_STATUSES:
        notifications.call_ended(session, call=call, now=now)

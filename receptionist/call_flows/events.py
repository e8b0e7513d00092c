"""What resumes a call waiting at a step: the caller's answer as the provider reported it
(a key, a recording, the outcome of a transfer, a booking dialogue's answer)."""

from __future__ import annotations

from dataclasses import dataclass

from receptionist.messages.models import Message
from receptionist.messages.service import RecordingInfo


@dataclass(frozen=True)
class KeyPressed:
    """A key (or none: `digits` empty) at a menu, or what the caller `said` there;
    `confirm`: the intent the menu asked the caller to confirm."""

    digits: str
    attempt: int
    said: str | None = None
    confirm: str | None = None
    heard: float | None = None  # the speech engine's confidence in `said` (None: typed)
    # Speech was heard but not decoded (recognition saturated): ask for the keypad.
    keypad: bool = False


@dataclass(frozen=True)
class Recorded:
    recording: RecordingInfo
    # The message made of it, when the webhook stored it already (else the step does).
    message: Message | None = None


@dataclass(frozen=True)
class NoRecording:
    pass


@dataclass(frozen=True)
class DialResult:
    """A <Dial> ended: the provider's status, and where it was in the step's ring groups.
    `answer`: what the person rung pressed at the screening announcement (accepted,
    declined, silent; None when nobody reached it) and `by`, their number. `bridged`:
    whether the caller was connected to them (None: the provider did not say)."""

    status: str
    duration: int | None
    group: int = 0
    ring: int = 0
    answer: str | None = None
    by: str = ""
    bridged: bool | None = None


@dataclass(frozen=True)
class BookingAnswer:
    """An answer in the booking dialogue (`book`, `manage_booking`): which stage asked,
    the key (typed or spoken), and the state the stage put in its callback."""

    stage: str
    digits: str
    attempt: int
    slots: str = ""
    slot: int | None = None
    appointment_id: int | None = None
    recording_url: str | None = None
    said: str | None = None  # words instead of a key (a day or time at an offer)
    type: str = ""  # what is being booked (book.Want)
    who: str = ""
    seats: str = ""  # whose time each offered slot is (agenda slugs, as `slots`)
    seat: str = ""  # whose time the slot being confirmed is
    wish: str = ""  # the day and part of the day asked for (when.TimeWish.encode)


Event = KeyPressed | Recorded | NoRecording | DialResult | BookingAnswer

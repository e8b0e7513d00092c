"""The call-script schema: what operators write in YAML, validated before it is stored.

Structural checks are pydantic's; the graph checks (every `goto` names a step, no digit used
twice in a menu...) run after, with the location of the offending field so that
`call_flows.loader` can report the YAML line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from receptionist.catalog_text import Refused, said
from receptionist.contacts.models import E164
from receptionist.i18n import N_
from receptionist.voice import catalog
from receptionist.weekly_hours import DAYS, OpeningRange, parse_range

Language = Literal["en-US", "fr-FR"]
MAX_STEPS = 500  # far beyond any real receptionist; bounds the work of one check
STEP_ID = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Holiday(_Strict):
    date: dt.date
    name: str = ""


class StepBase(_Strict):
    """Fields every step may have. `say`-like text is spoken before the step acts."""


class SayStep(StepBase):
    kind: Literal["say"]
    text: str = Field(min_length=1, max_length=2000)
    next: str


class HoursStep(StepBase):
    kind: Literal["hours"]
    open: str
    closed: str
    holiday: str | None = None  # defaults to `closed`


INTENT = r"^[a-z][a-z0-9_]{0,39}$"
Sentences = Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=200)]


def _not_blank(sentences: list[str]) -> list[str]:
    if any(not p.strip() for p in sentences):
        raise Refused(N_("script.problem.empty_string"))
    return sentences


class MenuChoice(_Strict):
    intent: str = Field(pattern=INTENT)
    digit: str | None = Field(default=None, pattern=r"^[0-9*#]$")
    phrases: Sentences = Field(default_factory=list)  # menu words (the recogniser's hints)
    # Whole sentences callers say for this choice; the intent model learns from them,
    # beside the built-in examples of a built-in intent (book, message, hours…).
    examples: Sentences = Field(default_factory=list)
    # Said when confirming: "You'd like to {label}, is that right?"
    label: str | None = Field(default=None, min_length=1, max_length=200)
    goto: str

    _phrases_not_blank = field_validator("phrases", "examples")(_not_blank)


class FaqEntry(_Strict):
    """A question the receptionist answers at any menu ("Where are you?"), then asks
    "Anything else?" (or goes to `next`)."""

    # A built-in intent (`location`, `hours`…) lends its examples; default: faq_<n>.
    intent: str | None = Field(default=None, pattern=INTENT)
    questions: Sentences = Field(default_factory=list)
    answer: str = Field(min_length=1, max_length=2000)
    label: str | None = Field(default=None, min_length=1, max_length=200)
    next: str | None = None

    _questions_not_blank = field_validator("questions")(_not_blank)


class Understanding(_Strict):
    """Per-script bands: route at or above `route`, confirm at or above `confirm`."""

    route: float = Field(default=0.60, gt=0, le=1)
    confirm: float = Field(default=0.30, gt=0, le=1)


class CallerScreening(_Strict):
    """Who is let in before the script starts. `challenge`: which unknown callers must
    press `challenge_key` first (robocalls cannot): `failed` STIR/SHAKEN attestation only,
    `unverified` (failed or missing), or `off`. Blocked numbers are always refused."""

    challenge: Literal["off", "failed", "unverified"] = "failed"
    challenge_key: str = Field(default="5", pattern=r"^[0-9]$")
    reject_anonymous: bool = False


class MenuStep(StepBase):
    kind: Literal["menu"]
    prompt: str = Field(min_length=1, max_length=2000)
    choices: list[MenuChoice] = Field(min_length=1, max_length=12)
    timeout: int = Field(default=6, ge=1, le=60)
    retries: int = Field(default=2, ge=0, le=5)
    reprompt: str | None = None  # said before the prompt on a retry
    no_match: str


class MessageStep(StepBase):
    kind: Literal["message"]
    prompt: str = Field(min_length=1, max_length=2000)
    max_length: int = Field(default=120, ge=5, le=3600)
    finish_key: str = Field(default="#", pattern=r"^[0-9*#]{1,12}$")
    silence_timeout: int = Field(default=5, ge=1, le=60)
    thanks: str | None = None
    next: str


Phone = Annotated[str, Field(pattern=E164)]
Ring = Literal["in_order", "all_at_once"]
When = Literal["open", "closed", "holiday", "always"]
# What a transfer's `announce` may name (call_flows.announce fills them in; the syntax is
# text_fields').
ANNOUNCE_FIELDS = frozenset({"business", "caller", "caller_name", "number", "reason", "said",
                             "urgent"})
# What a `say` text may name.
SAY_FIELDS = frozenset({"opening_hours", "caller_name"})


def _always() -> list[When]:
    return ["always"]


def _number_list(value: object) -> object:
    if isinstance(value, str):
        raise Refused(N_("script.problem.number_list"))
    return value


class RingGroup(_Strict):
    """Who takes transferred calls at some times: `numbers` rung in order (`seconds` each)
    or all at once (`seconds` for all)."""

    when: list[When] = Field(default_factory=_always, min_length=1)
    numbers: list[Phone] = Field(min_length=1, max_length=10)
    ring: Ring = "in_order"
    seconds: int | None = Field(default=None, ge=5, le=120)  # default: the step's timeout

    @field_validator("when", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    _numbers_listed = field_validator("numbers", mode="before")(_number_list)


class TransferStep(StepBase):
    kind: Literal["transfer"]
    # Who to ring: one `number`, a group of `numbers`, or `targets` by time of day.
    number: Phone | None = None
    numbers: list[Phone] | None = Field(default=None, min_length=1, max_length=10)
    ring: Ring = "in_order"
    targets: list[RingGroup] | None = Field(default=None, min_length=1, max_length=10)
    prompt: str | None = None
    timeout: int = Field(default=20, ge=5, le=120)  # seconds of ringing per number
    # Screening: the person answering hears `announce` (who, why, how urgent) and takes
    # the call with `accept_key`; any other key or none sends the caller to `fallback`.
    screen: bool = True
    announce: str | None = Field(default=None, min_length=1, max_length=1000)
    accept_key: str = Field(default="1", pattern=r"^[0-9]$")
    decline_key: str = Field(default="2", pattern=r"^[0-9]$")
    # The number the person answering sees: the caller's, or the business's own.
    caller_id: Literal["caller", "business"] = "caller"
    # Only transfer urgent calls (or callers the business knows); others go to
    # `unqualified` (default: `fallback`).
    only_if: Literal["urgent", "known_caller"] | None = None
    unqualified: str | None = None
    fallback: str  # nobody took the call: busy / no answer / declined / nobody on duty
    next: str | None = None  # after a completed conversation; default: the call ends

    _numbers_listed = field_validator("numbers", mode="before")(_number_list)

    def groups(self) -> list[RingGroup]:
        """Who the step rings, as ring groups (`number` and `numbers` are one group)."""
        if self.targets is not None:
            return self.targets
        numbers = self.numbers if self.numbers is not None else (
            [self.number] if self.number else [])
        return [RingGroup(numbers=numbers, ring=self.ring)] if numbers else []


class BookStep(StepBase):
    kind: Literal["book"]
    # The agenda booked when the script has no `booking.practitioners`.
    agenda: str = Field(default="main", min_length=1, max_length=64)
    # Fix the appointment type or the practitioner (ids under `booking`); when not fixed,
    # the caller is asked (unless their request already said it, or there is one).
    type: str | None = Field(default=None, pattern=STEP_ID)
    practitioner: str | None = Field(default=None, pattern=STEP_ID)
    fallback: str  # no free slot in the horizon, no agenda, or the caller gave up
    next: str | None = None
    ask_name: bool = True  # record the caller's name after booking
    timeout: int = Field(default=6, ge=1, le=30)


class ManageBookingStep(StepBase):
    kind: Literal["manage_booking"]
    fallback: str  # no upcoming appointment for the caller's number, or they gave up
    next: str | None = None
    timeout: int = Field(default=6, ge=1, le=30)


class HangupStep(StepBase):
    kind: Literal["hangup"]
    text: str | None = None


# The kinds above, in the order errors list them (call_flows.registry has one per kind).
STEP_KINDS = ("say", "hours", "menu", "message", "transfer", "book", "manage_booking",
              "hangup")

Step = Annotated[
    SayStep | HoursStep | MenuStep | MessageStep | TransferStep | BookStep | ManageBookingStep
    | HangupStep,
    Field(discriminator="kind"),
]


def parse_weekly(value: object) -> object:
    """{"mon": ["09:00-12:00", "14:00-18:00"], "tue": "09:00-17:00"} -> parsed ranges."""
    if not isinstance(value, dict):
        return value
    parsed: dict[str, list[OpeningRange]] = {}
    for day, ranges in value.items():
        if day not in DAYS:
            raise Refused(N_("script.problem.unknown_day"), day=str(day), days=", ".join(DAYS))
        if isinstance(ranges, str):
            ranges = [ranges]
        if not isinstance(ranges, list):
            raise Refused(N_("script.problem.day_not_list"), day=day)
        try:
            parsed[day] = [parse_range(str(r)) for r in ranges]
        except ValueError as exc:
            raise Refused(N_("script.problem.day_range"), day=day, reason=said(exc)) from None
    return parsed


Weekly = dict[str, list[OpeningRange]]
MAX_PRACTITIONERS = 30
MAX_TYPES = 30


class Practitioner(_Strict):
    """A person (or room, or resource) callers book with. Their time is the agenda of the
    same id, created when the script is published; `hours` are their working hours
    (default: the business's), applied to that agenda when the script changes them."""

    name: str = Field(min_length=1, max_length=200)  # as the receptionist says it
    phrases: Sentences = Field(default_factory=list)  # what callers call them
    digit: str | None = Field(default=None, pattern=r"^[1-8]$")
    hours: Weekly | None = None

    _phrases_not_blank = field_validator("phrases")(_not_blank)

    @field_validator("hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: object) -> object:
        return parse_weekly(value)


class AppointmentType(_Strict):
    """A kind of appointment: how long it takes, who offers it, and whether callers may
    book it by phone (`by_phone: false`: `instead` is said, then the step's fallback)."""

    name: str = Field(min_length=1, max_length=200)  # "a cleaning", « un détartrage »
    phrases: Sentences = Field(default_factory=list)
    examples: Sentences = Field(default_factory=list)
    digit: str | None = Field(default=None, pattern=r"^[1-8]$")
    minutes: int = Field(ge=5, le=720)
    buffer: int = Field(default=0, ge=0, le=240)
    practitioners: list[str] | None = Field(default=None, min_length=1,
                                            max_length=MAX_PRACTITIONERS)
    notice_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 30)
    horizon_days: int | None = Field(default=None, ge=1, le=366)
    by_phone: bool = True
    instead: str | None = Field(default=None, min_length=1, max_length=1000)

    _phrases_not_blank = field_validator("phrases", "examples")(_not_blank)


class Booking(_Strict):
    """Who callers book with, what they book, and the owner's rules for phone bookings."""

    practitioners: dict[str, Practitioner] = Field(default_factory=dict,
                                                   max_length=MAX_PRACTITIONERS)
    types: dict[str, AppointmentType] = Field(default_factory=dict, max_length=MAX_TYPES)
    # At most this many appointments per caller (by number) on one day.
    max_per_caller_per_day: int | None = Field(default=None, ge=1, le=20)
    # Only callers the business knows (its contacts, or who booked before) book by phone.
    known_callers_only: bool = False


class Script(_Strict):
    business: str = Field(min_length=1, max_length=200)
    timezone: str
    language: Language
    # A Twilio <Say> voice (Polly.Lea, alice…) or the local one: `local[:VOICE[+variant]]`.
    voice: str | None = Field(default=None, max_length=64,
                              pattern=r"^[A-Za-z][A-Za-z0-9._:/+-]{0,63}$")
    # How the call is carried: `twiml` (a webhook per turn, the provider's or our prompts
    # played by it) or `stream` (one two-way media stream for the whole call: our local
    # voice, keys and words heard on it, barge-in; where it cannot, the call stays on twiml).
    transport: Literal["twiml", "stream"] = "twiml"
    hours: dict[str, list[OpeningRange]] = Field(default_factory=dict)
    holidays: list[Holiday] = Field(default_factory=list)
    start: str
    main_menu: str | None = None  # the menu `route` and speech use; default: first menu
    faq: list[FaqEntry] = Field(default_factory=list, max_length=100)
    understanding: Understanding = Field(default_factory=Understanding)
    # Said once before the first recording of a call (a message, a spoken name).
    recording_notice: str | None = Field(default=None, min_length=1, max_length=1000)
    callers: CallerScreening = Field(default_factory=CallerScreening)
    booking: Booking = Field(default_factory=Booking)
    steps: dict[str, Step] = Field(min_length=1, max_length=MAX_STEPS)

    @property
    def prompt_voice(self) -> str | None:
        """The voice its prompts are spoken in: `voice`, except that a script carried by
        the stream transport always speaks in a local one (`local`: the best installed for
        its language, unless `voice` names one), since Twilio's voices cannot speak into
        the stream."""
        if self.transport == "stream" and not catalog.is_local(self.voice):
            return "local"
        return self.voice

    @field_validator("voice")
    @classmethod
    def _voice_name(cls, value: str | None) -> str | None:
        if value is not None and value.startswith("local"):
            catalog.parse(value)  # raises a script problem (VoiceProblem)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise Refused(N_("script.problem.unknown_timezone"), zone=value) from None
        return value

    @field_validator("hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: object) -> object:
        return parse_weekly(value)

    @field_validator("holidays", mode="before")
    @classmethod
    def _holiday_shorthand(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"date": h} if not isinstance(h, dict) else h for h in value]
        return value

    @field_validator("steps")
    @classmethod
    def _step_ids(cls, steps: dict[str, Step]) -> dict[str, Step]:
        for step_id in steps:
            if not re.match(STEP_ID, step_id):
                raise Refused(N_("script.problem.step_id"), id=step_id)
        return steps

    def menu_step_id(self) -> str | None:
        if self.main_menu:
            return self.main_menu
        return next((sid for sid, s in self.steps.items() if isinstance(s, MenuStep)), None)

    def main_menu_step(self) -> MenuStep | None:
        step_id = self.menu_step_id()
        step = self.steps.get(step_id) if step_id else None
        return step if isinstance(step, MenuStep) else None


Loc = tuple[str | int, ...]

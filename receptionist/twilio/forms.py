"""Reading Twilio's webhook requests: form decoding, field validation."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, TypeVar
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from receptionist.call_flows.gatekeeper import Attestation, CallerId
from receptionist.twilio import caller_ids, recording_urls
from receptionist.twilio import parameters as documented

FORM_TYPE = "application/x-www-form-urlencoded"


async def read_form(request: Request) -> list[tuple[str, str]]:
    """The urlencoded body as (key, value) pairs; 415 / 400 for bad bodies. Its size was
    bounded while it streamed, for every route alike (receptionist.request_guards)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise HTTPException(415, f"expected {FORM_TYPE}, got {content_type or 'no body type'}")
    body = await request.body()
    try:
        text = body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, max_num_fields=200,
                         errors="strict", strict_parsing=bool(text))
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, f"body is not a valid urlencoded form: {exc}") from None


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


# An optional field: Twilio sends a blank value for "none".
BlankAsNone = BeforeValidator(_blank_to_none)
CallSid = Annotated[str, Field(alias="CallSid", pattern=r"^CA[0-9A-Za-z]{8,62}$")]
Phone = Annotated[str, Field(max_length=64, pattern=r"^[\x20-\x7e]*$")]
# The caller (`From`): a number, `client:…`, `sip:…`, or a hidden caller in any of Twilio's
# forms (`twilio.caller_ids`), never refused for its length (a SIP URI can be long).
Caller = Annotated[str, Field(pattern=r"^[\x20-\x7e]*$", max_length=2000),
                   AfterValidator(caller_ids.caller_number)]
# <Gather>'s keys (`Digits`; our <Gather> takes one key, `w` is a pause in sent digits).
Keys = Annotated[str, Field(max_length=32, pattern=r"^[0-9*#w]*$")]
# <Record>'s `Digits`: the key that ended the recording, or `hangup` when the caller hung up
# (https://www.twilio.com/docs/voice/twiml/record, the action's request parameters).
RECORD_HANG_UP = "hangup"


class TwilioForm(BaseModel):
    """Known fields are validated; the other fields Twilio documents for the route are
    ignored, and a name it never sends there is refused (`twilio.parameters`)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)
    DOCUMENTED: ClassVar[frozenset[str]] = documented.COMMON
    call_sid: CallSid

    def event(self) -> tuple[str, ...]:
        """What tells this request apart from another one Twilio sends to the same URL of
        the same call (beyond the URL itself): nothing, for most routes."""
        return ()


class VoiceForm(TwilioForm):
    from_number: Caller = Field(default="", alias="From")
    to_number: Annotated[Phone, Field(alias="To", min_length=1)]
    # STIR/SHAKEN: TN-Validation-Passed-A…, TN-Validation-Failed-…, No-TN-Validation.
    stir_verstat: Annotated[str | None, BlankAsNone] = Field(
        default=None, alias="StirVerstat", max_length=64, pattern=r"^[A-Za-z0-9-]*$")

    def caller_id(self) -> CallerId:
        return CallerId(attestation(self.stir_verstat), self.stir_verstat)


def attestation(stir_verstat: str | None) -> Attestation:
    """Twilio's verdict: TN-Validation-Passed-A/B/C, TN-Validation-Failed-A/B/C,
    No-TN-Validation (or nothing: the call carried no identity)."""
    if stir_verstat and stir_verstat.startswith("TN-Validation-Passed"):
        return "passed"
    if stir_verstat and stir_verstat.startswith("TN-Validation-Failed"):
        return "failed"
    return "missing"


def _clip_speech(value: object) -> object:
    """A transcript is the caller's words: kept to its first 1,000 characters (a sentence
    is a few dozen), never refused for its length."""
    return value[:1000] if isinstance(value, str) else value


Speech = Annotated[str | None, BeforeValidator(_clip_speech), BlankAsNone]


class MenuForm(TwilioForm):
    DOCUMENTED = documented.COMMON | documented.GATHER
    digits: Keys = Field(default="", alias="Digits")
    # What the caller said, as text (Twilio's field for a speech <Gather>; our simulator
    # and tools send typed speech in it).
    speech: Speech = Field(default=None, alias="SpeechResult")
    # Twilio's confidence in SpeechResult (a speech <Gather>); typed speech has none.
    speech_confidence: Annotated[float | None, BlankAsNone] = Field(
        default=None, alias="Confidence", ge=0.0, le=1.0)


class RecordedForm(TwilioForm):
    DOCUMENTED = documented.COMMON | documented.RECORD
    recording_sid: Annotated[str | None, BlankAsNone] = Field(
        default=None, alias="RecordingSid", pattern=r"^RE[0-9A-Za-z]{8,62}$")
    recording_url: Annotated[str | None, BlankAsNone] = Field(
        default=None, alias="RecordingUrl", max_length=1000, pattern=r"^https?://\S+$")
    recording_duration: Annotated[int | None, BlankAsNone] = Field(
        default=None, alias="RecordingDuration", ge=-1, le=86400)

    @model_validator(mode="before")
    @classmethod
    def _sid_from_url(cls, data: object) -> object:
        """A recording reported without its SID is the one its URL names."""
        if isinstance(data, dict) and not data.get("RecordingSid"):
            sid = recording_urls.sid_of(str(data.get("RecordingUrl") or ""))
            if sid is not None:
                return {**data, "RecordingSid": sid}
        return data


class RecordingStatusForm(RecordedForm):
    DOCUMENTED = documented.COMMON | documented.RECORDING_STATUS
    recording_status: str = Field(alias="RecordingStatus", max_length=32)

    def event(self) -> tuple[str, ...]:
        return (self.recording_sid or "", self.recording_status)


class DialForm(TwilioForm):
    DOCUMENTED = documented.COMMON | documented.DIAL
    dial_status: str = Field(default="", alias="DialCallStatus", max_length=32)
    dial_duration: Annotated[int | None, BlankAsNone] = Field(
        default=None, alias="DialCallDuration", ge=0, le=864000)
    # Whether the caller was connected to the person dialed ("true" / "false"; None: not
    # sent, as before Twilio added it).
    bridged: Annotated[bool | None, BlankAsNone] = Field(default=None, alias="DialBridged")


class ScreenForm(TwilioForm):
    """The leg of the person a call is transferred to (its own CallSid)."""

    DOCUMENTED = documented.COMMON | documented.GATHER

    to_number: Phone = Field(default="", alias="To")
    digits: Keys = Field(default="", alias="Digits")


class StatusForm(TwilioForm):
    DOCUMENTED = documented.COMMON | documented.STATUS
    call_status: Literal["queued", "initiated", "ringing", "in-progress", "completed", "busy",
                         "failed", "no-answer", "canceled"] = Field(alias="CallStatus")
    call_duration: Annotated[int | None, BlankAsNone] = Field(
        default=None, alias="CallDuration", ge=0, le=864000)
    from_number: Caller = Field(default="", alias="From")
    to_number: Phone = Field(default="", alias="To")

    def event(self) -> tuple[str, ...]:
        return (self.call_status,)


class StepQuery(BaseModel):
    """The query string our own TwiML put on a callback URL."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    step: str = Field(max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    attempt: int = Field(default=0, ge=0, le=10)
    seq: int | None = Field(default=None, ge=0, le=2**31 - 1)
    # What the caller said at this prompt (a media-stream redirect, see call_flows.listening).
    said: Annotated[str | None, BeforeValidator(_clip_speech)] = Field(default=None)
    confirm: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,39}$")
    heard: float | None = Field(default=None, ge=0.0, le=1.0)  # the engine's confidence
    keypad: bool = False  # speech could not be decoded in time: ask for the keypad


class DialQuery(StepQuery):
    """Where a transfer's <Dial> was in the step's ring groups."""

    group: int = Field(default=0, ge=0, le=20)
    ring: int = Field(default=0, ge=0, le=20)


class ScreenQuery(StepQuery):
    """The screening announcement on the leg of the person rung: the caller's call."""

    parent: str = Field(pattern=r"^CA[0-9A-Za-z]{8,62}$")


class ChallengeQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    attempt: int = Field(default=0, ge=0, le=1)


class ResumeQuery(BaseModel):
    """A call leaving its two-way stream: how many verbs of its latest document the
    stream runner carried out already."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    skip: int = Field(default=0, ge=0, le=100)


class BookQuery(StepQuery):
    """The booking dialogue's own state, carried by its callback URLs."""

    stage: Literal["type", "who", "offer", "confirm", "name", "manage"]
    slots: str = Field(default="", max_length=200, pattern=r"^(\d{9,11}(,\d{9,11}){0,8})?$")
    # What is being booked (call_flows.booking.choice.Want): an appointment type, with whom
    # ("*": whoever is free first), and whose time each offered slot is (`seats`, `seat`).
    type: str = Field(default="", max_length=64, pattern=r"^([a-z][a-z0-9_-]*)?$")
    who: str = Field(default="", max_length=64, pattern=r"^(\*|[a-z][a-z0-9_-]*)?$")
    seats: str = Field(default="", max_length=600,
                       pattern=r"^([a-z][a-z0-9_-]{0,63}(,[a-z][a-z0-9_-]{0,63}){0,8})?$")
    seat: str = Field(default="", max_length=64, pattern=r"^([a-z][a-z0-9_-]*)?$")
    slot: int | None = Field(default=None, ge=0, le=10**11)
    appointment: int | None = Field(default=None, ge=1, le=2**31 - 1)  # moved or managed
    pressed: str | None = Field(default=None, pattern=r"^[0-9]$")  # said instead of pressed
    # The day and part of the day the caller asked for (understanding.when.TimeWish.encode).
    wish: str = Field(default="", max_length=40, pattern=(
        r"^((\d{4}-\d{2}-\d{2})?~(\d{4}-\d{2}-\d{2})?(~(\d{2}:\d{2})?){3})?$"))


class BookForm(RecordedForm):
    """The booking dialogue's callback: a <Gather>'s answer, or the <Record> of the
    caller's name (whose `Digits` is the key that ended it, or `hangup`)."""

    DOCUMENTED = documented.COMMON | documented.GATHER | documented.RECORD
    digits: str = Field(default="", alias="Digits", max_length=32,
                        pattern=rf"^([0-9*#w]*|{RECORD_HANG_UP})$")
    speech: Speech = Field(default=None, alias="SpeechResult")

    def key(self) -> str:
        """The key the caller pressed ("" for none; hanging up is not a key)."""
        return "" if self.digits == RECORD_HANG_UP else self.digits[:1]


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: dict[str, str]) -> M:
    """Validate or answer 400 with every problem in plain words."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in exc.errors()
        )
        raise HTTPException(400, f"invalid Twilio request: {problems}") from None


def parse_or_none(model: type[M], data: dict[str, str]) -> M | None:
    """The form if it validates as `model`, else None (the fallback flow's best effort)."""
    try:
        return model.model_validate(data)
    except ValidationError:
        return None

"""Plays Twilio's role against our webhooks: signs requests, follows the TwiML we return.

Used by the test suite (tests/twilio_sim.py adds test-only parts), by
`receptionist simulate` (an interactive call in the terminal) and by the benchmarks.
Only what our TwiML uses is implemented: Say, Play, Pause, Gather (dtmf), Record, Dial
(with <Number url>: the announcement runs on the leg of the person rung, who presses a key
or stays silent like a voicemail), Redirect, Hangup, Reject; each request carries the form
fields Twilio sends (`StirVerstat` on the incoming call). A caller's speech is
streamed as audio when a media stream is open (tests), else typed: sent as text in the
<Gather>'s answer (`SpeechResult`), as the CLI's simulate and the admin test call do.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

from receptionist.twilio import simulated_recordings as kept

MAX_REQUESTS_PER_CALL = 200


class SimulationError(RuntimeError):
    """The app answered something Twilio could not follow (or the caller ran out of input)."""


@dataclass(frozen=True)
class Heard:
    verb: str  # Say or Play
    text: str
    language: str = ""


@dataclass(frozen=True)
class Recording:
    """What the caller leaves at a <Record>: `seconds` of audio (0 = silence), ended with
    `finish_key`, or by hanging up (`hangup`, which Twilio sends as the action's Digits).
    `words`: what the caller says (its audio is made when the simulator keeps recordings,
    `TwilioSim.recordings`; its length is then the audio's)."""

    seconds: int
    finish_key: str = "#"
    words: str = ""


class HttpPoster(Protocol):
    """What reaches the app: an httpx.Client with base_url, or a Starlette TestClient."""

    def post(self, url: str, *, data: dict[str, str], headers: dict[str, str]) -> Any: ...


@dataclass(frozen=True)
class Spoken:
    """What the caller says (instead of pressing keys) while a <Gather> waits."""

    text: str


class MediaStreams(Protocol):
    """Plays the media-stream side of Twilio: opens the WebSocket a <Start><Stream> names,
    streams the caller's speech, and reports the REST redirect the app made in return."""

    def open(self, call: SimulatedCall, url: str, parameters: dict[str, str]) -> None: ...

    def speak(self, call: SimulatedCall, text: str) -> str | None:
        """Stream `text` as the caller's audio; the URL the app redirected the call to,
        or None when it did not (no match)."""

    def close(self, call: SimulatedCall) -> None: ...


class Conversations(Protocol):
    """Plays Twilio's side of a two-way media stream (`<Connect><Stream>`): opens the
    WebSocket, plays what the app sends, asks the caller whenever the app waits for them
    and sends their keys (`dtmf`) and speech (`media`)."""

    def carry(self, call: SimulatedCall, url: str, parameters: dict[str, str]) -> str | None:
        """Carry the call over the stream until it ends: the URL the app moved the call
        to (REST update), or None when the stream just ended (the caller hung up, the
        app dropped it: Twilio goes on with the next verb)."""


class Caller(Protocol):
    """The person on the phone: asked for input whenever the TwiML waits for some."""

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        """Digits for a <Gather> ("" = no input, None = hang up), or speech."""

    def record(self, prompt: list[Heard]) -> Recording | None:
        """A message for a <Record> (None = hang up before recording)."""

    def dial_result(self, number: str) -> str:
        """The DialCallStatus of a <Dial>: completed, busy, no-answer, failed."""

    def screen(self, number: str, announcement: list[Heard]) -> str:
        """What the person who answered a screened transfer presses after hearing the
        announcement ("" = nothing, as a voicemail greeting would)."""


# Scripted caller actions, for tests and benchmarks.
@dataclass(frozen=True)
class Press:
    digits: str


@dataclass(frozen=True)
class NoInput:
    pass


@dataclass(frozen=True)
class LeaveMessage:
    """At a <Record>: speak for `seconds` (or say `words`), then press the finish key, or
    hang up."""

    seconds: int = 5
    hang_up: bool = False
    words: str = ""


@dataclass(frozen=True)
class StaySilent:
    """At a <Record>: say nothing (Twilio falls through without calling the action)."""


@dataclass(frozen=True)
class HangUp:
    pass


@dataclass(frozen=True)
class Speak:
    """At a <Gather>: say this instead of pressing a key (needs media streams)."""

    text: str


@dataclass(frozen=True)
class DialOutcome:
    """How a <Dial> ends. `completed`: someone picked up (the `answered_by`-th number);
    when the transfer is screened they press `key` after the announcement ("" = silence:
    a voicemail picked up)."""

    status: str  # completed, busy, no-answer, failed, canceled
    seconds: int = 30
    key: str = "1"
    answered_by: int = 0


Action = Press | NoInput | LeaveMessage | StaySilent | HangUp | DialOutcome | Speak


class ScriptedCaller:
    """Answers from a list of actions, in order; running out is an error."""

    def __init__(self, actions: Iterable[Action]) -> None:
        self.actions = list(actions)
        self.dial_seconds = 0
        self.dial_key = "1"
        self.answered_by = 0

    def _next(self, where: str) -> Action:
        if not self.actions:
            raise SimulationError(f"the scripted caller has no action left for {where}")
        return self.actions.pop(0)

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        action = self._next("a <Gather>")
        if isinstance(action, Press):
            return action.digits
        if isinstance(action, Speak):
            return Spoken(action.text)
        if isinstance(action, NoInput):
            return ""
        if isinstance(action, HangUp):
            return None
        raise SimulationError(f"expected a key press, the script has {action}")

    def record(self, prompt: list[Heard]) -> Recording | None:
        action = self._next("a <Record>")
        if isinstance(action, LeaveMessage):
            return Recording(action.seconds, "hangup" if action.hang_up else "#",
                             action.words)
        if isinstance(action, StaySilent):
            return Recording(0)
        if isinstance(action, HangUp):
            return None
        raise SimulationError(f"expected a message, the script has {action}")

    def dial_result(self, number: str) -> str:
        action = self._next("a <Dial>")
        if not isinstance(action, DialOutcome):
            raise SimulationError(f"expected a dial outcome, the script has {action}")
        self.dial_seconds = action.seconds
        self.dial_key = action.key
        self.answered_by = action.answered_by
        return action.status

    def screen(self, number: str, announcement: list[Heard]) -> str:
        return self.dial_key


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@dataclass
class Exchange:
    url: str
    form: dict[str, str]
    status_code: int
    body: str


@dataclass(frozen=True)
class DialAttempt:
    """One <Dial> as Twilio received it."""

    numbers: tuple[str, ...]
    timeout: int
    caller_id: str | None
    screened: bool


@dataclass
class SimulatedCall:
    sim: TwilioSim
    caller: Caller
    to: str
    from_: str
    call_sid: str = field(default_factory=lambda: new_sid("CA"))
    heard: list[Heard] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    recordings: list[tuple[str, int]] = field(default_factory=list)  # (RecordingSid, seconds)
    ended: bool = False
    seconds: int = 0
    stream: tuple[str, dict[str, str]] | None = None  # (url, parameters) of <Start><Stream>
    voice_path: str = "/twilio/voice"  # or the number's fallback URL
    # Called with each webhook's path before it is sent (tests inject faults with it).
    before_post: Callable[[str], None] | None = None
    # Twilio's STIR/SHAKEN verdict on the caller ID (None: not sent).
    stir_verstat: str | None = "TN-Validation-Passed-A"
    dials: list[DialAttempt] = field(default_factory=list)
    # What the people rung heard (screening announcements), in order.
    callee_heard: list[Heard] = field(default_factory=list)
    rejected: bool = False
    # The caller's language, for the words they say at a <Record> (a prompt's own
    # `language` attribute wins).
    language: str = "en-US"

    @property
    def said(self) -> str:
        """Everything the caller heard, as one text (for assertions)."""
        return " ".join(h.text for h in self.heard)

    def base_form(self) -> dict[str, str]:
        return {
            "CallSid": self.call_sid, "AccountSid": self.sim.account_sid, "From": self.from_,
            "To": self.to, "Caller": self.from_, "Called": self.to, "CallStatus": "in-progress",
            "Direction": "inbound", "ApiVersion": "2010-04-01",
            **({"StirVerstat": self.stir_verstat} if self.stir_verstat else {}),
        }

    def request(self, url: str, extra: dict[str, str] | None = None) -> str:
        if len(self.exchanges) >= MAX_REQUESTS_PER_CALL:
            raise SimulationError("too many webhook requests for one call (a loop?)")
        form = {**self.base_form(), **(extra or {})}
        if self.before_post is not None:
            self.before_post(url.removeprefix(self.sim.public_base))
        response = self.sim.post(url, form)
        self.exchanges.append(Exchange(url, form, response.status_code, response.text))
        if response.status_code != 200:
            raise SimulationError(f"{url} answered {response.status_code}: {response.text}")
        return str(response.text)

    def run(self) -> SimulatedCall:
        """Place the call and follow the TwiML until it ends."""
        try:
            document: str | None = self.request(self.sim.public_url(self.voice_path))
            while document is not None and not self.ended:
                document = self.follow(document)
            self.finish()
        finally:  # a failed call must not leave its media stream open
            if self.stream is not None and self.sim.media is not None:
                self.sim.media.close(self)
        return self

    def finish(self, status: str = "completed") -> None:
        if self.exchanges and self.exchanges[-1].url.endswith("/twilio/status"):
            return
        self.ended = True
        if self.stream is not None and self.sim.media is not None:
            self.sim.media.close(self)
        if self.rejected:
            status = "busy"  # <Reject reason="busy">: the call was never answered
        self.request(self.sim.public_url("/twilio/status"),
                     {"CallStatus": status, "CallDuration": str(self.seconds)})

    def follow(self, document: str) -> str | None:
        """Execute one TwiML document; returns the next document, or None when it ends."""
        try:
            root = ET.fromstring(document)
        except ET.ParseError as exc:
            raise SimulationError(f"not XML: {exc}: {document[:200]}") from None
        if root.tag != "Response":
            raise SimulationError(f"root element is {root.tag}, not Response")
        for verb in root:
            outcome = self.execute(verb)
            if outcome is not _CONTINUE:
                return outcome if isinstance(outcome, str) else None
        return None

    def _speak(self, verb: ET.Element) -> None:
        text = (verb.text or "").strip()
        self.heard.append(Heard(verb.tag, text, verb.get("language", "")))
        self.seconds += max(1, len(text) // 15)

    def execute(self, verb: ET.Element) -> str | object | None:
        tag = verb.tag
        if tag in ("Say", "Play"):
            self._speak(verb)
            return _CONTINUE
        if tag == "Pause":
            self.seconds += int(verb.get("length", "1"))
            return _CONTINUE
        if tag == "Hangup":
            self.ended = True
            return None
        if tag == "Reject":
            self.ended = self.rejected = True
            return None
        if tag == "Start":
            for noun in verb:
                if noun.tag != "Stream":
                    raise SimulationError(f"unsupported <Start><{noun.tag}>")
                url = noun.get("url", "")
                if "?" in url:
                    raise SimulationError("Twilio strips query strings from stream URLs")
                params = {p.get("name", ""): p.get("value", "") for p in noun
                          if p.tag == "Parameter"}
                self.stream = (url, params)
                if self.sim.media is not None:
                    self.sim.media.open(self, url, params)
            return _CONTINUE
        if tag == "Redirect":
            return self.request(self._absolute(verb.text or ""))
        if tag == "Connect":
            return self._connect(verb)
        if tag == "Gather":
            return self._gather(verb)
        if tag == "Record":
            return self._record(verb)
        if tag == "Dial":
            return self._dial(verb)
        raise SimulationError(f"unsupported TwiML verb <{tag}>")

    def _connect(self, verb: ET.Element) -> str | object | None:
        streams = [noun for noun in verb if noun.tag == "Stream"]
        if len(streams) != 1 or len(verb) != 1:
            raise SimulationError("only <Connect><Stream> is simulated")
        url = streams[0].get("url", "")
        params = {p.get("name", ""): p.get("value", "") for p in streams[0]
                  if p.tag == "Parameter"}
        if self.sim.conversations is None:
            # No player for the stream (the terminal's typed calls): as when a stream
            # cannot connect, Twilio goes on with the next verb (ours: resume over TwiML).
            return _CONTINUE
        moved = self.sim.conversations.carry(self, url, params)
        if self.ended:
            return None
        return _CONTINUE if moved is None else self.request(moved)

    def _gather(self, verb: ET.Element) -> str | object | None:
        heard_before = len(self.heard)
        for nested in verb:
            if nested.tag not in ("Say", "Play", "Pause"):
                raise SimulationError(f"<{nested.tag}> is not allowed inside <Gather>")
            self.execute(nested)
        if verb.get("input", "dtmf") != "dtmf":
            raise SimulationError("only keypad <Gather> is simulated")
        answer = self.caller.press(self.heard[heard_before:])
        if answer is None:
            self.ended = True
            return None
        if isinstance(answer, Spoken):
            if self.stream is None or self.sim.media is None:
                # Typed speech: the words reach the prompt's callback as text, in the
                # field Twilio uses for what a caller said (SpeechResult).
                self.seconds += 2
                return self.request(self._absolute(verb.get("action", "")),
                                    {"Digits": "", "SpeechResult": answer.text})
            redirect = self.sim.media.speak(self, answer.text)
            if redirect is not None:  # the app moved the live call (REST update)
                return self.request(redirect)
            answer = ""  # not an answer: the <Gather> times out as with silence
        digits = answer
        self.seconds += int(verb.get("timeout", "5")) if digits == "" else 1
        if digits == "" and verb.get("actionOnEmptyResult") != "true":
            return _CONTINUE
        return self.request(self._absolute(verb.get("action", "")), {"Digits": digits})

    def _record(self, verb: ET.Element) -> str | object | None:
        outcome = self.caller.record(self.heard[-3:])
        max_length = int(verb.get("maxLength", "3600"))
        recording_sid = new_sid("RE")
        status_url = verb.get("recordingStatusCallback")
        if outcome is None or outcome.seconds <= 0:
            # Silence: Twilio keeps no recording, skips the action and goes on with the
            # next verb; the status callback (if asked for) says "absent".
            if status_url and "absent" in verb.get("recordingStatusCallbackEvent", ""):
                self.request(self._absolute(status_url), {
                    "RecordingSid": recording_sid, "RecordingStatus": "absent",
                    "RecordingDuration": "0", "RecordingUrl": ""})
            if outcome is None:
                self.ended = True
                return None
            self.seconds += int(verb.get("timeout", "5"))
            return _CONTINUE
        seconds = min(self.sim.keep_recording(recording_sid, outcome,
                                              self._language()), max_length)
        self.seconds += seconds
        url = self.sim.recording_url(recording_sid)
        self.recordings.append((recording_sid, seconds))
        self.sim.recording_made(recording_sid, seconds)
        fields = {"RecordingSid": recording_sid, "RecordingUrl": url,
                  "RecordingDuration": str(seconds), "Digits": outcome.finish_key}
        document = self.request(self._absolute(verb.get("action", "")), fields)
        if status_url:
            self.request(self._absolute(status_url), {
                "RecordingSid": recording_sid, "RecordingUrl": url,
                "RecordingDuration": str(seconds), "RecordingStatus": "completed"})
        if outcome.finish_key == "hangup":  # the call is over: the answer is not followed
            self.ended = True
            return None
        return document

    def _language(self) -> str:
        """The language of the last prompt that said one, else the caller's."""
        for heard in reversed(self.heard):
            if heard.language:
                return heard.language
        return self.language

    def _dial(self, verb: ET.Element) -> str | object | None:
        nouns = [(n.text or "").strip() for n in verb if n.tag == "Number"]
        urls = [n.get("url") for n in verb if n.tag == "Number"]
        if not nouns:
            nouns, urls = [(verb.text or "").strip()], [None]
        timeout = int(verb.get("timeout", "30"))
        self.dials.append(DialAttempt(tuple(nouns), timeout, verb.get("callerId"),
                                      any(urls)))
        status = self.caller.dial_result(", ".join(nouns))
        talked = getattr(self.caller, "dial_seconds", 0) if status == "completed" else 0
        if status == "completed":
            index = min(max(getattr(self.caller, "answered_by", 0), 0), len(nouns) - 1)
            url = urls[index]
            if url is not None and not self._screen_leg(nouns[index], url):
                talked = 0  # the person rung (or their voicemail) hung up before bridging
        self.seconds += talked or timeout
        action = verb.get("action")
        if action is None:
            return _CONTINUE
        fields = {"DialCallStatus": status, "DialCallSid": new_sid("CA"),
                  "DialBridged": "true" if talked else "false"}
        if status == "completed":
            fields["DialCallDuration"] = str(talked)
        return self.request(self._absolute(action), fields)

    def _screen_leg(self, number: str, url: str) -> bool:
        """Run a <Number url> on the leg of the person rung, as Twilio does once they
        answer: True when its TwiML ends without hanging up (the calls are connected)."""
        child = new_sid("CA")
        form = {"CallSid": child, "AccountSid": self.sim.account_sid, "From": self.from_,
                "To": number, "Called": number, "ParentCallSid": self.call_sid,
                "Direction": "outbound-dial", "CallStatus": "in-progress",
                "ApiVersion": "2010-04-01"}
        document: str | None = self._leg_request(self._absolute(url), form)
        while document is not None:
            root = ET.fromstring(document)
            following: str | None = None
            for verb in root:
                if verb.tag in ("Say", "Play"):
                    self.callee_heard.append(Heard(verb.tag, (verb.text or "").strip(),
                                                   verb.get("language", "")))
                elif verb.tag == "Hangup":
                    return False
                elif verb.tag == "Gather":
                    start = len(self.callee_heard)
                    for nested in verb:
                        self.callee_heard.append(Heard(nested.tag, (nested.text or "").strip(),
                                                       nested.get("language", "")))
                    key = self.caller.screen(number, self.callee_heard[start:])
                    if key == "" and verb.get("actionOnEmptyResult") != "true":
                        continue
                    following = self._leg_request(self._absolute(verb.get("action", "")),
                                                  {**form, "Digits": key})
                    break
                elif verb.tag != "Pause":
                    raise SimulationError(f"<{verb.tag}> on the leg of the person rung")
            if following is None:
                return True
            document = following
        return True

    def _leg_request(self, url: str, form: dict[str, str]) -> str:
        if len(self.exchanges) >= MAX_REQUESTS_PER_CALL:
            raise SimulationError("too many webhook requests for one call (a loop?)")
        response = self.sim.post(url, form)
        self.exchanges.append(Exchange(url, form, response.status_code, response.text))
        if response.status_code != 200:
            raise SimulationError(f"{url} answered {response.status_code}: {response.text}")
        return str(response.text)

    def _absolute(self, url: str) -> str:
        url = url.strip()
        if not url:
            raise SimulationError("TwiML names an empty URL")
        if url.startswith("/"):
            return self.sim.public_base + url
        return url


_CONTINUE = object()


@dataclass
class TwilioSim:
    """Signs and sends Twilio's requests. `http` reaches the app (a TestClient works);
    `public_base` is PUBLIC_BASE_URL, which signatures and our TwiML URLs use."""

    http: HttpPoster
    public_base: str
    auth_token: str
    account_sid: str = "AC" + "0" * 32
    recordings_base: str = "https://api.twilio.com"
    on_recording: Callable[[str, int], None] | None = None
    media: MediaStreams | None = None
    conversations: Conversations | None = None
    # Where recordings are kept as audio (dev mode: the stand-in for Twilio's REST API
    # serves them from there, twilio/dev_twilio.py); None: no audio is made.
    recordings: Path | None = None

    def __post_init__(self) -> None:
        self.public_base = self.public_base.rstrip("/")
        self.validator = RequestValidator(self.auth_token)

    def public_url(self, path: str) -> str:
        return self.public_base + path

    def sign(self, url: str, form: dict[str, str]) -> str:
        return str(self.validator.compute_signature(url, form))

    def post(self, url: str, form: dict[str, str], *, signature: str | None = None) -> Any:
        if not url.startswith(self.public_base + "/"):
            raise SimulationError(f"TwiML points outside the app: {url}")
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"X-Twilio-Signature": signature if signature is not None
                   else self.sign(url, form)}
        return self.http.post(target, data=form, headers=headers)

    def recording_url(self, recording_sid: str) -> str:
        return (f"{self.recordings_base}/2010-04-01/Accounts/{self.account_sid}"
                f"/Recordings/{recording_sid}")

    def keep_recording(self, recording_sid: str, recording: Recording, language: str) -> int:
        """Make and keep the recording's audio (when `recordings` says where): the
        caller's words in the local voice, else its seconds of a quiet line. Returns its
        length in seconds."""
        if self.recordings is None:
            return recording.seconds
        audio = (kept.spoken(recording.words, language) if recording.words.strip()
                 else kept.quiet(recording.seconds))
        kept.keep(self.recordings, recording_sid, audio)
        return kept.seconds_of(audio)

    def recording_made(self, recording_sid: str, seconds: int) -> None:
        if self.on_recording is not None:
            self.on_recording(recording_sid, seconds)

    def call(self, to: str, actions: Iterable[Action] = (), *, from_: str = "+15551230001",
             caller: Caller | None = None, voice_path: str = "/twilio/voice",
             before_post: Callable[[str], None] | None = None,
             stir_verstat: str | None = "TN-Validation-Passed-A") -> SimulatedCall:
        """Place a whole call, following our TwiML, answered by `caller` or `actions`."""
        who = caller if caller is not None else ScriptedCaller(actions)
        return SimulatedCall(self, who, to=to, from_=from_, voice_path=voice_path,
                             before_post=before_post, stir_verstat=stir_verstat).run()

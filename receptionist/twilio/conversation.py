"""The stream transport: a call carried by one two-way media stream (`<Connect><Stream>`),
the script's `transport: stream`.

Twilio opens our WebSocket for the whole call. The runner carries out the call's TwiML
documents itself, the way Twilio would, on that stream:
- `<Say>` and `<Play>`: our local voice's audio, sent as `media` messages a sentence at
  a time, each followed by a `mark` that Twilio echoes once it has played it;
  `<Pause>`: silence;
- `<Gather>`: the caller's keys arrive as `dtmf` messages and their words are heard by
  `call_flows.hearing` on the same stream; the answer (or the timeout, counted in the
  caller's audio frames after the prompt was played and after their speech, so on
  Twilio's clock, not ours) is answered in this process (`callbacks.in_process`, stored
  like a webhook's);
- barge-in: the caller's voice over a <Gather>'s prompt pauses it (`barge_in`: `clear`,
  Twilio drops the audio not yet played), words that answer are carried out, and if
  nothing answers the prompt goes on as soon as that is known (`barge_in.Pause`), from a
  gap between words where it was cut (`playhead`); a key stops it;
- `<Record>`: recorded here from the stream (`stream_recording`: a beep, the caller's
  audio until the finish key, silence, the longest length or hanging up), written to
  RECORDINGS_DIR and answered in this process: no recording is made at Twilio;
- `<Redirect>`: answered in this process too;
- `<Dial>`, `<Hangup>`, the end of a document: handed back to Twilio, which the REST API
  moves to `/twilio/resume?skip=N` (the rest of the document as TwiML); the stream ends
  there and the call goes on with the TwiML transport (after a transfer, back on a new
  stream when a question or a message follows: `resuming.back_on_stream`).

If the stream drops or this process dies, Twilio goes on with the TwiML after
`<Connect>`: a `<Redirect>` to `/twilio/resume`, which replays the call's latest
document from the database on any instance (the caller hears the prompt again).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from receptionist.call_flows.actions import Callback
from receptionist.call_flows.hearing import Hearing
from receptionist.call_flows.schema import Script
from receptionist.messages.recordings import stream_recording_url, write_atomically
from receptionist.runtime import Runtime
from receptionist.speech.audio import PHONE_RATE, resample, ulaw_encode
from receptionist.speech.process_pool import SpeechUnavailable
from receptionist.speech.recognizer import ModelUnavailable
from receptionist.twilio import (
    barge_in,
    callbacks,
    fallback,
    playhead,
    rest,
    stream_recording,
    stream_token,
    twiml,
    webhooks,
)
from receptionist.twilio.forms import RECORD_HANG_UP
from receptionist.twilio.media import POLICY_VIOLATION, admit
from receptionist.twilio.signature import is_valid, validator_for
from receptionist.voice import speaking
from receptionist.voice.text_prep.prepare import for_speech

log = logging.getLogger(__name__)
router = APIRouter(prefix="/twilio")

FRAME_BYTES = 160  # 20 ms of 8 kHz μ-law: how Twilio frames the caller's audio
FRAMES_PER_S = 50
BATCH_BYTES = 800  # the caller's audio goes to the recognizer 100 ms at a time
SEND_BYTES = 1600  # our voice goes out 200 ms per message
MAX_MESSAGE_BYTES = 64 * 1024
ULAW_SILENCE = b"\xff"
# The mark after a <Gather>'s prompts: once it is played, the runner waits (its name
# says how long, in seconds of the caller's audio: "gather-5-12").
GATHER_MARK = "gather-"
# The mark after a <Record>'s beep: the recording starts once it is played ("record-5-13":
# the seconds of silence that end it).
RECORD_MARK = "record-"
# Once the stream ends, the runner may still store what it was recording this long.
STOP_GRACE_S = 30.0
# A caller still speaking when a <Gather> times out is heard out this long at most (a
# line whose noise passes for speech must not hold the call forever).
HEARD_OUT_S = 15
# <Record>'s finishOnKey when the verb names none (Twilio's default: any key).
ANY_KEY = "1234567890*#"


class Ended(Exception):
    """The stream ended (the caller hung up, or Twilio moved the call)."""


@dataclass(frozen=True)
class Key:
    digit: str


@dataclass(frozen=True)
class Answer:
    """Words that answered the prompt (`call_flows.hearing`): its callback."""

    callback: Callback


@dataclass(frozen=True)
class Marked:
    name: str


@dataclass(frozen=True)
class Frames:
    """More of the caller's audio arrived (the stream's clock moved)."""


@dataclass(frozen=True)
class Stopped:
    pass


@dataclass(frozen=True)
class Onset:
    """The caller started speaking over a prompt at a <Gather> (`barge_in`), at this frame
    of the stream."""

    at: int


@dataclass(frozen=True)
class Read:
    """What the caller said over a paused prompt, read so far (`barge_in.Pause.read`)."""

    pause: barge_in.Pause
    number: int
    answers: bool | None


@dataclass(frozen=True)
class Unanswered:
    """An utterance of the caller's ended, and it answered nothing."""


Event = Key | Answer | Marked | Frames | Stopped | Onset | Read | Unanswered


@dataclass(frozen=True)
class Line:
    """The call as the stream's `start` names it, and what its callbacks' forms carry."""

    call_sid: str
    stream_sid: str
    account_sid: str
    from_number: str
    to_number: str
    tenant_id: int | None = None


def ulaw_of_wav(data: bytes) -> bytes:
    """The samples of a μ-law WAV file (our prompts: `voice.prompts.ulaw_wav`)."""
    position = 12
    while position + 8 <= len(data):
        chunk, size = data[position:position + 4], int.from_bytes(data[position + 4:position + 8],
                                                                 "little")
        if chunk == b"data":
            return data[position + 8:position + 8 + size]
        position += 8 + size + (size % 2)
    raise ValueError("no audio in the prompt file")


class Conversation:
    """One call on its two-way stream: what comes in (`on_message`) and the runner that
    carries out the call's documents (`run`)."""

    def __init__(self, rt: Runtime, websocket: WebSocket, line: Line, script: Script) -> None:
        self.rt = rt
        self.websocket = websocket
        self.line = line
        self.script = script
        self.hearing: Hearing | None = (
            Hearing(rt.database, lambda: rt.recognition, line.call_sid, script, rt.clock)
            if rt.recognizer.supports(script.language) else None)
        self.events: asyncio.Queue[Event] = asyncio.Queue()
        self.frames = 0  # the caller's audio frames received: the stream's clock
        self.pending = bytearray()
        self.marks = 0
        self.unplayed: set[str] = set()  # marks sent, not yet echoed
        self.gathering = False  # keys count only while a <Gather> waits
        self.take: stream_recording.Take | None = None  # a <Record> in progress
        self.armed: tuple[str, stream_recording.Take] | None = None  # …after this mark
        self.onset: barge_in.Onset | None = None  # the caller's voice over a prompt
        self.pieces: list[tuple[str, bytes]] = []  # a <Gather>'s prompts: (mark, audio)
        self.played: list[str] = []  # marks Twilio echoed, in order
        self.paused: list[tuple[str, bytes]] | None = None  # cut by the caller's voice
        self.pause: barge_in.Pause | None = None  # …and when it goes on
        self.playhead = playhead.Playhead()  # where Twilio is in playing our voice
        self.replayed = 0  # samples of the cut piece played again at the last resume
        self.voice = rt.prompts.voice(script.prompt_voice or "local", script.language)

    # -- what Twilio sends ------------------------------------------------------------

    async def on_message(self, event: dict[str, object]) -> None:
        kind = event.get("event")
        if kind == "media":
            await self._media(event)
        elif kind == "dtmf":
            dtmf = event.get("dtmf")
            digit = dtmf.get("digit") if isinstance(dtmf, dict) else None
            if isinstance(digit, str) and len(digit) == 1 and digit in "0123456789*#":
                self.events.put_nowait(Key(digit))
        elif kind == "mark":
            mark = event.get("mark")
            name = mark.get("name") if isinstance(mark, dict) else None
            if isinstance(name, str):
                self.played.append(name)
                self.playhead.echoed(name, self.frames)
                if self.armed is not None and self.armed[0] == name:
                    self.take, self.armed = self.armed[1], None
                self.events.put_nowait(Marked(name))
        elif kind == "stop":
            self.events.put_nowait(Stopped())

    async def _media(self, event: dict[str, object]) -> None:
        media = event.get("media")
        payload = media.get("payload") if isinstance(media, dict) else None
        if not isinstance(payload, str):
            return
        try:
            audio = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            log.warning("conversation: payload is not base64")
            return
        if self.take is not None:  # a message is not an answer: not heard, recorded
            self.take.add(audio)
            self.pending.clear()
        else:
            self.pending += audio
            # Where the caller's voice starts (over a prompt: barge-in) and stops (a
            # <Gather> times out only after they are quiet).
            if (self.onset is not None and self.gathering and self.onset.add(audio)
                    and self.unplayed and self.paused is None):
                self.events.put_nowait(Onset(self.frames + max(1, len(audio) // FRAME_BYTES)))
        if len(self.pending) >= BATCH_BYTES:
            batch = bytes(self.pending)
            self.pending.clear()
            await self._hear(batch)
        # Counted once heard: words that answer come before the time they were said in.
        self.frames += max(1, len(audio) // FRAME_BYTES)
        self.events.put_nowait(Frames())  # the stream's clock moved

    async def _hear(self, batch: bytes) -> None:
        if self.hearing is None:
            return
        ignored = self.hearing.ignored
        try:
            callback = await self.hearing.feed(batch)
            if callback is not None:
                self.events.put_nowait(Answer(callback))
            elif self.hearing.ignored > ignored:
                self.events.put_nowait(Unanswered())
            else:
                await self._read_over_pause()
        except (ModelUnavailable, SpeechUnavailable) as exc:
            log.warning("call %s: speech off, keypad only: %s", self.line.call_sid, exc)
            self.hearing.close()
            self.hearing = None

    async def _read_over_pause(self) -> None:
        """Once a caller who paused the prompt is quiet, what they said so far is read
        (the prompt goes on as soon as it answers nothing: `barge_in.Pause`). Asked here,
        after the audio it reads, since a recognizer stream takes one request at a time."""
        pause = self.pause
        if pause is None or self.onset is None or self.hearing is None:
            return
        pause.heard(self.onset.quiet_s)
        number = pause.read_now()
        if number is not None:
            answers = await self.hearing.answers_so_far()
            self.events.put_nowait(Read(pause, number, answers))

    def close(self) -> None:
        if self.hearing is not None:
            self.hearing.close()

    # -- the runner -------------------------------------------------------------------

    async def run(self) -> None:
        """Carry out the call's latest document, then each answer's, until the call is
        handed back to Twilio or the stream ends."""
        document = await self.rt.database.run(self._latest, urgent=True)
        windows = await run_in_threadpool(barge_in.detector)
        if windows is not None:
            self.onset = barge_in.Onset(windows)
        try:
            while document is not None:
                document = await self._document(document)
        except Ended:
            return
        await self.websocket.close()

    def _latest(self) -> str | None:
        with self.rt.database.call_session() as session:
            return webhooks.latest_document(session, self.line.call_sid)

    async def _document(self, document: str) -> str | None:
        """Carry out one document; the next one (an answer's), or None once handed back."""
        verbs = list(ET.fromstring(document))
        for index, verb in enumerate(verbs):
            if verb.tag in ("Say", "Play", "Pause"):
                event = await self._play([verb])
                if isinstance(event, Answer):
                    return await self._request(self._url(event.callback), {})
            elif verb.tag == "Start":
                continue  # the caller's audio is on this stream already
            elif verb.tag == "Gather":
                return await self._gather(verb)
            elif verb.tag == "Redirect" and verb.text:
                return await self._request(verb.text.strip(), {})
            elif verb.tag == "Record" and self.line.tenant_id is not None:
                recorded = await self._record(verb)
                if recorded is not NOTHING_RECORDED:
                    return recorded if isinstance(recorded, str) else None
                # Nothing but silence: no recording, on with the next verb (as Twilio).
            else:  # <Dial>, <Hangup>, <Reject>: Twilio's
                await self._hand_off(index)
                return None
        await self._hand_off(len(verbs))  # the end of a document: Twilio hangs up
        return None

    async def _gather(self, verb: ET.Element) -> str | None:
        action = verb.get("action", "")
        timeout = int(verb.get("timeout", "5"))
        self.gathering = True
        self.pieces, self.paused, self.played = [], None, []
        if self.onset is not None:
            self.onset.reset()
        try:
            event = await self._play(list(verb), last_mark=f"{GATHER_MARK}{timeout}-")
            if event is None:
                event = await self._listen(timeout)
        finally:
            self.gathering = False
            self.pieces, self.paused, self.pause = [], None, None
        if isinstance(event, Key):
            return await self._request(action, {"Digits": event.digit})
        if isinstance(event, Answer):
            return await self._request(self._url(event.callback), {})
        return await self._request(action, {})  # nothing: actionOnEmptyResult

    async def _record(self, verb: ET.Element) -> str | object | None:
        """Carry out a <Record> on the stream: the action's document (None: the call is
        over or handed back), or NOTHING_RECORDED."""
        timeout = int(verb.get("timeout", "5"))
        detector = await run_in_threadpool(stream_recording.speech_windows)
        take = stream_recording.Take(detector, timeout, int(verb.get("maxLength", "3600")))
        if verb.get("playBeep", "true") == "true":
            await self._send_audio(BEEP)
        # The recording starts once the beep is played, as Twilio's: when its mark comes
        # back, on the receiving side (`on_message`), so no audio after it is missed.
        # Armed before the mark is sent: its echo may be read before the send returns.
        self.marks += 1
        mark = f"{RECORD_MARK}{timeout}-{self.marks}"
        self.armed = (mark, take)
        self.unplayed.add(mark)
        self.playhead.sent(mark, self.frames)
        try:
            await self._send({"event": "mark", "streamSid": self.line.stream_sid,
                              "mark": {"name": mark}})
            while self.unplayed:
                self._answering(await self.events.get())
            key = await self._recording(take, verb.get("finishOnKey", ANY_KEY))
        finally:
            self.take, self.armed = None, None
        audio = take.trimmed()
        if not audio:
            status = verb.get("recordingStatusCallback")
            if status and "absent" in verb.get("recordingStatusCallbackEvent", ""):
                await self._request(status, {"RecordingSid": _new_recording_sid(),
                                             "RecordingStatus": "absent",
                                             "RecordingDuration": "0", "RecordingUrl": ""})
            if key == RECORD_HANG_UP:
                raise Ended
            return NOTHING_RECORDED
        fields = await self._keep(audio)
        if key:
            fields["Digits"] = key
        document = await self._recorded(verb.get("action", ""), fields)
        if key == RECORD_HANG_UP:  # Twilio requests the action, follows nothing
            raise Ended
        return document

    async def _recording(self, take: stream_recording.Take, finish: str) -> str | None:
        """Until the recording ends: the key that ended it, `hangup`, or None (silence or
        the longest length)."""
        while not take.done:
            event = await self.events.get()
            if isinstance(event, Stopped):
                return RECORD_HANG_UP
            if isinstance(event, Marked):
                self.unplayed.discard(event.name)
            elif isinstance(event, Key) and event.digit in finish:
                return event.digit
        return None

    async def _keep(self, audio: bytes) -> dict[str, str]:
        """Write the recording where the business's recordings are; its callback fields."""
        assert self.line.tenant_id is not None
        sid = _new_recording_sid()
        url = stream_recording_url(self.rt.settings, self.line.tenant_id, sid)
        path = self.rt.settings.recordings_dir / str(self.line.tenant_id) / f"{sid}.wav"
        await run_in_threadpool(write_atomically, path, stream_recording.wav_of(audio))
        return {"RecordingSid": sid, "RecordingUrl": url,
                "RecordingDuration": str(stream_recording.seconds(audio))}

    async def _recorded(self, action: str, fields: dict[str, str]) -> str | None:
        """The <Record>'s action, answered here. Should that fail, the recording is
        spooled for the fallback import (twilio/spool.py), never lost, and the call is
        handed back to Twilio."""
        try:
            document = await self.rt.database.run(
                partial(callbacks.in_process, self.rt, action, self._form(fields)),
                urgent=True)
        except Exception:
            log.exception("call %s: storing recording %s failed; spooled",
                          self.line.call_sid, fields["RecordingSid"])
            await run_in_threadpool(partial(
                fallback.keep_recording, self.rt.settings.spool_dir,
                call_sid=self.line.call_sid, from_number=self.line.from_number,
                to_number=self.line.to_number, recording_sid=fields["RecordingSid"],
                recording_url=fields["RecordingUrl"],
                duration_s=int(fields["RecordingDuration"])))
            await self._hand_off(0, wait=False)
            return None
        if document is None:  # not one of ours to answer: Twilio's
            await self._move(action)
        return document

    async def _listen(self, timeout_s: int) -> Event | None:
        """A key or an answer at a <Gather>: while its prompts play (the caller's voice
        over them pauses them, `barge_in`), then within `timeout_s` of the caller's audio
        after they were played; None: nothing. A caller still speaking is not timed out
        (Twilio's keypad <Gather> would be, mid-sentence): the time runs from the end of
        their speech, so a long answer is heard out."""
        until: int | None = None
        while True:
            if until is None and not self.unplayed and self.paused is None:
                until = self.frames + timeout_s * FRAMES_PER_S
            if until is not None and self.frames >= until and (
                    not self._spoke_within(timeout_s)
                    or self.frames >= until + HEARD_OUT_S * FRAMES_PER_S):
                return None
            event = self._answering(await self.events.get())
            if isinstance(event, Onset):
                await self._pause(event.at)
                until = None
            elif event is not None:
                return await self._cleared(event) if self.unplayed else event
            elif self.pause is not None and self.onset is not None:
                self.pause.heard(self.onset.quiet_s)
                if self.pause.goes_on():
                    await self._resume()

    def _spoke_within(self, seconds: int) -> bool:
        """Whether the caller's voice was heard in the last `seconds` of their audio (to
        the detector's window)."""
        return self.onset is not None and not self.onset.quiet_for(seconds)

    async def _pause(self, at: int) -> None:
        """The caller speaks over the prompt (from frame `at`): it stops (`clear`), and
        what Twilio had not played yet is kept to go on with if what they say answers
        nothing, the piece it was in from a gap between words before where it was."""
        await self._send({"event": "clear", "streamSid": self.line.stream_sid})
        played = set(self.played)
        self.paused = [(name, audio) for name, audio in self.pieces if name not in played]
        if self.paused:
            name, audio = self.paused[0]
            position = self.playhead.position(name, at)
            cut = playhead.resume_point(audio, position)
            self.paused[0] = (name, audio[cut:])
            self.replayed = 0 if position is None else min(position, len(audio)) - cut
        self.playhead.clear()
        self.unplayed.clear()  # Twilio echoes the cleared marks: they were not played
        self.pause = barge_in.Pause(hears=self.hearing is not None)

    async def _resume(self) -> None:
        """Nothing answered: the prompt goes on where it was paused."""
        assert self.paused is not None and self.onset is not None
        log.debug("call %s: the prompt goes on after %.2f s of quiet (%s), %d ms again",
                  self.line.call_sid, self.onset.quiet_s, self.pause,
                  self.replayed // (PHONE_RATE // 1000))
        rest, self.paused, self.pause = self.paused, None, None
        self.onset.reset()
        for name, audio in rest:  # new marks: the old ones came back with the `clear`
            await self._out(audio, name.rstrip("0123456789"))

    async def _play(self, prompts: list[ET.Element], last_mark: str = "") -> Event | None:
        """Send `prompts`' audio, each followed by a mark (the last one named after
        `last_mark`), without waiting for Twilio to play it; a key (at a <Gather>) or an
        answer meanwhile stops them (`clear`) and is returned."""
        for prompt in prompts:
            async for audio in self._audio_of(prompt):
                event = self._interruption()
                if isinstance(event, Onset):
                    await self._pause(event.at)
                elif event is not None:
                    return await self._cleared(event)
                await self._out(audio, "")
        if last_mark or not prompts:
            await self._out(b"", last_mark)
        return None

    async def _out(self, audio: bytes, prefix: str) -> None:
        """One piece of a prompt and its mark: sent, or kept while the prompt is paused
        (`_resume` sends it); a <Gather>'s pieces are remembered to resume them."""
        self.marks += 1
        name = f"{prefix}{self.marks}"
        if self.gathering:
            self.pieces.append((name, audio))
        if self.paused is not None:
            self.paused.append((name, audio))
            return
        await self._send_audio(audio)
        self.unplayed.add(name)
        self.playhead.sent(name, self.frames)
        await self._send({"event": "mark", "streamSid": self.line.stream_sid,
                          "mark": {"name": name}})

    def _answering(self, event: Event) -> Event | None:
        """`event` if it answers (words, or a key while a <Gather> waits) or starts to
        (the caller's voice over a <Gather>'s prompt); a mark is noted as played, the end
        of the stream ends the runner."""
        if isinstance(event, Stopped):
            raise Ended
        if isinstance(event, Marked):
            self.unplayed.discard(event.name)
        elif isinstance(event, Read):
            if event.pause is self.pause:
                event.pause.read(event.number, event.answers)
        elif isinstance(event, Unanswered):
            if self.pause is not None and self.onset is not None:
                self.pause.ended_unanswered(self.onset.quiet_s)
        elif isinstance(event, Answer) or (self.gathering and (
                isinstance(event, Key) or (isinstance(event, Onset) and self.unplayed))):
            return event
        return None

    def _interruption(self) -> Event | None:
        """The first answer waiting in the queue (the rest of the queue is read: marks
        noted, the stream's clock ticks and keys outside a <Gather> dropped)."""
        found: Event | None = None
        while not self.events.empty():
            event = self._answering(self.events.get_nowait())
            if found is None:
                found = event
        return found

    async def _cleared(self, event: Event) -> Event:
        """Barge-in: Twilio drops what it has not played yet."""
        if self.unplayed or self.paused is None:
            await self._send({"event": "clear", "streamSid": self.line.stream_sid})
        self.unplayed.clear()
        self.playhead.clear()
        self.paused, self.pause = None, None
        return event

    async def _audio_of(self, prompt: ET.Element) -> AsyncIterator[bytes]:
        """The prompt's μ-law audio, in pieces as they are ready (a Say sentence by
        sentence), each rendered off the event loop."""
        if prompt.tag == "Pause":
            yield ULAW_SILENCE * (PHONE_RATE * int(prompt.get("length", "1")))
        elif prompt.tag == "Play" and prompt.text:
            yield await run_in_threadpool(self._prompt_audio, prompt.text.strip())
        elif prompt.tag == "Say" and prompt.text and self.voice is not None:
            sentences = speaking.chunks(self.voice, for_speech(prompt.text,
                                                               self.script.language))
            rate = speaking.sample_rate(self.voice)
            while piece := await run_in_threadpool(_next_ulaw, sentences, rate):
                yield piece

    def _prompt_audio(self, url: str) -> bytes:
        name = url.rsplit("/", 1)[-1].removesuffix(".wav")
        path = self.rt.prompts.serving(name)
        if path is None:
            log.warning("call %s: prompt %s not served any more", self.line.call_sid, name)
            return b""
        return ulaw_of_wav(path.read_bytes())

    async def _send_audio(self, audio: bytes) -> None:
        if not audio:
            return
        for start in range(0, len(audio), SEND_BYTES):
            await self._send({"event": "media", "streamSid": self.line.stream_sid,
                              "media": {"payload": base64.b64encode(
                                  audio[start:start + SEND_BYTES]).decode()}})

    async def _send(self, message: dict[str, object]) -> None:
        try:
            await self.websocket.send_text(json.dumps(message))
        except (WebSocketDisconnect, RuntimeError):
            raise Ended from None

    def _url(self, callback: Callback) -> str:
        return twiml.url_for(self.rt.settings.public_base_url)(callback)

    def _form(self, extra: dict[str, str]) -> dict[str, str]:
        return {"CallSid": self.line.call_sid, "AccountSid": self.line.account_sid,
                "From": self.line.from_number, "To": self.line.to_number,
                "CallStatus": "in-progress", "Direction": "inbound",
                "ApiVersion": "2010-04-01", **extra}

    async def _request(self, url: str, extra: dict[str, str]) -> str | None:
        """The answer to our own callback, answered here (as Twilio would have fetched
        it); a URL that only Twilio can follow hands the call back to it."""
        try:
            document = await self.rt.database.run(
                partial(callbacks.in_process, self.rt, url, self._form(extra)), urgent=True)
        except Exception:
            # A bug or the database: Twilio takes over, through the TwiML path and its
            # fallback (the prompt is asked again, or a message is taken).
            log.exception("call %s: answering %s on the stream failed", self.line.call_sid,
                          url)
            await self._hand_off(0, wait=False)
            return None
        if document is None:
            await self._move(url)
            return None
        if self.hearing is not None:
            self.hearing.checked_at = 0.0  # the call moved on: read its prompt again
        return document

    async def _hand_off(self, skip: int, *, wait: bool = True) -> None:
        """Twilio carries out the rest of the latest document (from verb `skip`), once
        what we sent has been played."""
        while wait and self.unplayed:
            self._answering(await self.events.get())  # nothing answers now
        await self._move(f"{self.rt.settings.public_base_url}/twilio/resume?skip={skip}")

    async def _move(self, url: str) -> None:
        try:
            await self.rt.database.run_waiting(lambda: self.rt.telephony.redirect_call(
                call_sid=self.line.call_sid, url=url))
        except rest.TwilioRestError as exc:
            log.error("%s", exc)


NOTHING_RECORDED = object()
BEEP = stream_recording.beep()


def _new_recording_sid() -> str:
    """A recording of ours: shaped like Twilio's SIDs, 128 random bits."""
    return "RE" + uuid.uuid4().hex


def _next_ulaw(sentences: Iterator[speaking.Samples], rate: int) -> bytes:
    """The next sentence as 8 kHz μ-law (b"" when there is none)."""
    samples = next(sentences, None)
    if samples is None or not len(samples):
        return b""
    return ulaw_encode(resample(samples.astype(np.int16), rate, PHONE_RATE))


@router.websocket("/conversation")
async def conversation(websocket: WebSocket) -> None:
    rt: Runtime = websocket.app.state.runtime
    url = stream_token.stream_url(rt.settings.public_base_url, webhooks.CONVERSATION_PATH)
    if not is_valid(validator_for(rt.settings.twilio_auth_token), url=url, form=[],
                    signature=websocket.headers.get("x-twilio-signature")):
        log.warning("rejected unsigned conversation stream connection")
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    talk: Conversation | None = None
    runner: asyncio.Task[None] | None = None
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None or len(text) > MAX_MESSAGE_BYTES:
                continue
            try:
                event = json.loads(text)
                kind = event["event"]
            except (ValueError, KeyError, TypeError):
                log.warning("conversation: not a Twilio message: %.80r", text)
                continue
            if kind == "start" and talk is None:
                talk = await _start(rt, websocket, event)
                if talk is None:
                    return
                runner = asyncio.create_task(talk.run())
            elif talk is not None:
                await talk.on_message(event)
                if kind == "stop":
                    break
    except WebSocketDisconnect:
        pass
    finally:
        if talk is not None:
            talk.events.put_nowait(Stopped())  # a drop without `stop` ends it the same
        if runner is not None:
            # A recording in progress is still stored (the caller hung up to end it).
            await asyncio.wait({runner}, timeout=STOP_GRACE_S)
            if not runner.done():
                runner.cancel()
            try:
                await runner
            except (asyncio.CancelledError, Ended):
                pass
            except Exception:
                log.exception("conversation runner failed")
        if talk is not None:
            talk.close()
        # Done with what the caller left (a recording stored): the stream may close.
        with contextlib.suppress(RuntimeError):  # closed already
            await websocket.close()


async def _start(rt: Runtime, websocket: WebSocket, event: dict[str, object]
                 ) -> Conversation | None:
    admitted = await admit(rt, websocket, event, "conversation stream")
    if admitted is None:
        return None
    call = admitted.call
    line = Line(admitted.call_sid, admitted.stream_sid, admitted.account_sid,
                call.from_number, call.to_number, call.tenant_id)
    return Conversation(rt, websocket, line, admitted.script)

"""Twilio media streams: the caller's audio, forked by <Start><Stream>, routed by speech.

Twilio opens a WebSocket (signed like a webhook: X-Twilio-Signature over the wss URL) and
sends JSON messages: `connected`, `start` (streamSid, callSid, customParameters), `media`
(base64 μ-law, 8 kHz, 20 ms frames, the caller's `inbound` track), `stop`; `dtmf` and
`mark` (bidirectional streams only) are ignored. While the call waits at a prompt that
listens (call_flows.listening), `call_flows.hearing` hands the audio to a recognizer
hinted with its phrases; an utterance that answers the prompt redirects the live call
(Twilio's REST API) to the prompt's own callback with what was said, which the step makes
sense of and claims like a key press (the first answer counts).

The event loop only unwraps frames and batches the μ-law bytes: recognition runs in child
processes (speech.process_pool), database work and the REST call in the thread pool.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from functools import partial

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy import update
from sqlmodel import col

from receptionist.call_flows.desk import call_script
from receptionist.call_flows.hearing import Hearing
from receptionist.call_flows.schema import Script
from receptionist.calls import service as calls
from receptionist.calls.models import Call
from receptionist.runtime import Runtime
from receptionist.speech.process_pool import SpeechUnavailable
from receptionist.speech.recognizer import ModelUnavailable
from receptionist.twilio import rest, stream_token, twiml, webhooks
from receptionist.twilio.signature import is_valid, validator_for

log = logging.getLogger(__name__)
router = APIRouter(prefix="/twilio")

# Audio is handed to the recognizer in 100 ms batches (5 Twilio frames of 160 bytes).
BATCH_BYTES = 800
MAX_MESSAGE_BYTES = 64 * 1024
POLICY_VIOLATION = 1008
CALL_SID = re.compile(r"^CA[0-9A-Za-z]{8,62}$")
STREAM_SID = re.compile(r"^MZ[0-9A-Za-z]{8,62}$")


class MediaSession:
    """One call's media stream: its frames batched for `call_flows.hearing.Hearing`, and
    the callback speech answers a prompt with as our public URL."""

    def __init__(self, rt: Runtime, call_sid: str, script: Script) -> None:
        self.rt = rt
        self.call_sid = call_sid
        self.hearing = Hearing(rt.database, lambda: rt.recognition, call_sid, script,
                               rt.clock)
        self.pending = bytearray()
        self.frames = 0
        self.max_loop_ms = 0.0  # longest event-loop time spent on one message
        # When the latest audio was spoken (time.monotonic), from the media messages'
        # `timestamp` (ms since the stream began, on Twilio's clock): it tells the
        # recognition process how far behind the live call it is, however long our own
        # loop held the frames back. None: no timestamps, the time of receipt is used.
        self.zero: float | None = None
        self.spoken_at: float | None = None

    async def feed(self, ulaw: bytes, spoken_at: float | None = None) -> str | None:
        """Recognise a batch of 8 kHz μ-law audio; returns a URL to redirect the call to.
        `spoken_at`: when the end of the batch was spoken (time.monotonic)."""
        callback = await self.hearing.feed(ulaw, spoken_at)
        return None if callback is None else (
            twiml.url_for(self.rt.settings.public_base_url)(callback))

    def close(self) -> None:
        self.hearing.close()


def claim_stream(rt: Runtime, call_sid: str, stream_sid: str) -> tuple[Script, Call] | None:
    """Record this stream as the call's only one (a conditional UPDATE, so two sockets
    racing for one call cannot both win); the call's script and row, or None if refused.
    Also the two-way stream's (`conversation.py`)."""
    database = rt.database
    with database.call_session() as session:
        with database.write_transaction(session, urgent=True):
            claimed = session.execute(
                update(Call).where(col(Call.call_sid) == call_sid,
                                   col(Call.media_stream_sid).is_(None),
                                   col(Call.status).not_in(calls.TERMINAL_STATUSES))
                .values(media_stream_sid=stream_sid))
            won = claimed.rowcount == 1  # type: ignore[attr-defined]
        if not won:
            return None
        # Read after the commit, outside the lock: the script may have to be compiled.
        call = calls.get_call(session, call_sid=call_sid)
        script = None if call is None else call_script(webhooks.TwilioDesk(rt), session, call)
        return None if call is None or script is None else (script, call)


@router.websocket("/media")
async def media_stream(websocket: WebSocket) -> None:
    rt: Runtime = websocket.app.state.runtime
    url = stream_token.stream_url(rt.settings.public_base_url)
    if not is_valid(validator_for(rt.settings.twilio_auth_token), url=url, form=[],
                    signature=websocket.headers.get("x-twilio-signature")):
        log.warning("rejected unsigned media stream connection")
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    session: MediaSession | None = None
    try:
        while True:
            message = await websocket.receive()
            began = time.perf_counter()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                log.warning("media stream: binary frame ignored")
                continue
            if len(text) > MAX_MESSAGE_BYTES:
                log.warning("media stream: oversized message ignored")
                continue
            try:
                event = json.loads(text)
                kind = event["event"]
            except (ValueError, KeyError, TypeError):
                log.warning("media stream: not a Twilio message: %.80r", text)
                continue
            if kind == "start":
                session = await _start(rt, websocket, event)
                if session is None:
                    return
            elif kind == "media" and session is not None:
                session.frames += 1
                batch = _on_loop_part(session, event)
                # Everything above ran on the event loop; recognition does not.
                session.max_loop_ms = max(session.max_loop_ms,
                                          (time.perf_counter() - began) * 1000)
                if batch is not None:
                    await _recognise(rt, session, batch)
            elif kind == "stop":
                break
            elif kind not in ("connected", "mark", "dtmf", "media"):
                log.warning("media stream: unknown event %.40r", kind)
    except WebSocketDisconnect:
        pass
    finally:
        if session is not None:
            session.close()
            # Read by bench/speech.py: the event loop must never be held long by a frame.
            log.info("media stream %s closed: %d frames, max event-loop time per message "
                     "%.3f ms", session.call_sid, session.frames, session.max_loop_ms)


@dataclass(frozen=True)
class Admitted:
    """A stream let in for its call (`admit`)."""

    call_sid: str
    stream_sid: str
    account_sid: str
    script: Script
    call: Call


async def admit(rt: Runtime, websocket: WebSocket, event: dict[str, object], what: str
                ) -> Admitted | None:
    """The call a stream's `start` message names, if it brings that call's own unexpired
    token and the call has no stream yet (`claim_stream`); otherwise the socket is closed
    (a policy violation). `what`: the stream's kind, for the log. Both kinds of stream
    (this one-way fork, and the two-way `conversation.py`) are let in here."""
    start = event.get("start")
    params = start.get("customParameters") if isinstance(start, dict) else None
    call_sid = params.get("callSid") if isinstance(params, dict) else None
    if not isinstance(call_sid, str) or not CALL_SID.match(call_sid):
        log.warning("%s: start without a callSid parameter", what)
        await websocket.close(code=POLICY_VIOLATION)
        return None
    assert isinstance(start, dict) and isinstance(params, dict)
    if not stream_token.valid(rt.settings.secret_key, call_sid, params.get("token"),
                              rt.clock()):
        log.warning("%s for call %s refused: missing, wrong or expired token", what, call_sid)
        await websocket.close(code=POLICY_VIOLATION)
        return None
    stream_sid = start.get("streamSid")
    if not isinstance(stream_sid, str) or not STREAM_SID.match(stream_sid):
        stream_sid = "local-" + secrets.token_hex(8)
    claimed = await rt.database.run(partial(claim_stream, rt, call_sid, stream_sid),
                                    urgent=True)
    if claimed is None:
        log.warning("%s for call %s refused: unknown or ended call, or it has a stream "
                    "already", what, call_sid)
        await websocket.close(code=POLICY_VIOLATION)
        return None
    account_sid = start.get("accountSid")
    return Admitted(call_sid, stream_sid,
                    account_sid if isinstance(account_sid, str) and account_sid
                    else rt.settings.twilio_account_sid, *claimed)


async def _start(rt: Runtime, websocket: WebSocket, event: dict[str, object]
                 ) -> MediaSession | None:
    admitted = await admit(rt, websocket, event, "media stream")
    return None if admitted is None else MediaSession(rt, admitted.call_sid, admitted.script)


async def _recognise(rt: Runtime, session: MediaSession, batch: bytes) -> None:
    try:
        redirect = await session.feed(batch, session.spoken_at)
    except (ModelUnavailable, SpeechUnavailable) as exc:
        log.warning("call %s: speech off, keypad only: %s", session.call_sid, exc)
        session.close()
        return
    if redirect is not None:
        try:
            await rt.database.run_waiting(lambda: rt.telephony.redirect_call(
                call_sid=session.call_sid, url=redirect))
        except rest.TwilioRestError as exc:
            log.error("%s", exc)


def _spoken_at(session: MediaSession, media: dict[str, object]) -> float:
    """When this frame's audio was spoken: the stream's first frame sets Twilio's clock
    against ours, later ones are placed by their own timestamp (never in the future)."""
    now = time.monotonic()
    try:
        stamp = float(str(media.get("timestamp"))) / 1000
    except ValueError:
        return now
    if session.zero is None:
        session.zero = now - stamp
    return min(session.zero + stamp, now)


def _on_loop_part(session: MediaSession, event: dict[str, object]) -> bytes | None:
    """Unwrap one frame and batch it (cheap, on the event loop); a full batch goes to the
    recognition process."""
    media = event.get("media")
    payload = media.get("payload") if isinstance(media, dict) else None
    if not isinstance(payload, str):
        return None
    assert isinstance(media, dict)  # it holds a payload
    if media.get("track", "inbound") != "inbound":
        return None  # the call's other side (a stream of both tracks): not the caller
    try:
        audio = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        log.warning("media stream: payload is not base64")
        return None
    session.spoken_at = _spoken_at(session, media)
    session.pending += audio
    if len(session.pending) < BATCH_BYTES:
        return None
    batch = bytes(session.pending)
    session.pending.clear()
    return batch

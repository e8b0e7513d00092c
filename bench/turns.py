"""Turns: how long a caller waits between the end of what they say and our answer, with
1, 5 and 10 callers speaking at once (2 cores, whisper, one uvicorn process and its
recognition processes; `bench.speech`'s calls, espeak voices at the demo's menu).

The TwiML transport (today's): the media stream hears the caller; once the words are
decided the app redirects the live call through Twilio's REST API (the *decision*);
Twilio then fetches the prompt's callback and our TwiML answers (the *answer*, timed here
as Twilio would fetch it: signed, with the call's parameters). Both are measured from the
end of the caller's speech. Not measured, because not ours on loopback: Twilio's hop
from the REST update to the callback, and its text-to-speech before the first sound.

The two-way stream transport (`transport: stream`, `<Connect><Stream>`): each caller
opens the call's stream, hears the menu's prompt (our audio, then the <Gather>'s mark,
echoed at once), then speaks in real time (20 ms frames, then silence); the *answer* is
the first audio byte of our reply on the WebSocket, from the end of the caller's speech.
Its goals: p95 < 800 ms with one caller, < 1.2 s with five. Whether each turn was
understood (the menu's first choice or confirmation, by intent) and which were asked for
the keypad is read from the server's database afterwards.

    python -m bench.turns [--levels 1,5,10] [--engine whisper[,whisper:30]]
                          [--transports twiml,stream]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from twilio.request_validator import RequestValidator

from bench.speech import ACCOUNT, PUBLIC, TOKEN, Served, p50_p95, served

SILENCE = b"\xff" * 160
INTENTS = {"book": "book", "transfer": "transfer", "message": "message"}


@dataclass
class StreamOutcome:
    answers: list[float] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (CallSid, intent wanted)


async def stream_call(http: aiohttp.ClientSession, server: Served, frames: list[bytes],
                      wanted: str, outcome: StreamOutcome) -> None:
    validator = RequestValidator(TOKEN)
    sid = "CA" + secrets.token_hex(16)
    form = {"CallSid": sid, "From": "+15551230001", "To": server.number,
            "StirVerstat": "TN-Validation-Passed-A"}
    async with http.post(server.base + "/twilio/voice", data=form, headers={
            "X-Twilio-Signature": validator.compute_signature(PUBLIC + "/twilio/voice",
                                                              form)}) as response:
        twiml = await response.text()
    found = re.search(r'<Connect><Stream url="([^"]+)"', twiml)
    if found is None:
        raise RuntimeError(f"no <Connect><Stream> in the answer: {twiml[:300]}")
    parameters = dict(re.findall(r'<Parameter name="([^"]+)" value="([^"]*)"', twiml))
    stream_sid = "MZ" + secrets.token_hex(16)
    outcome.calls.append((sid, wanted))
    async with http.ws_connect(server.base.replace("http", "ws") + "/twilio/conversation",
                               headers={"X-Twilio-Signature": validator.compute_signature(
                                   found.group(1), {})}) as ws:
        await ws.send_str(json.dumps({"event": "start", "streamSid": stream_sid, "start": {
            "streamSid": stream_sid, "accountSid": ACCOUNT, "callSid": sid,
            "customParameters": parameters}}))
        waiting = asyncio.Event()  # the menu's <Gather> waits
        spoken_end: list[float] = []

        async def listen() -> None:
            async for message in ws:
                event = json.loads(message.data)
                if event["event"] == "mark":
                    await ws.send_str(json.dumps({"event": "mark", "streamSid": stream_sid,
                                                  "mark": event["mark"]}))
                    if event["mark"]["name"].startswith("gather-"):
                        waiting.set()
                elif event["event"] == "media" and spoken_end:
                    outcome.answers.append(max(time.monotonic() - spoken_end[0], 0.0))
                    return

        listener = asyncio.create_task(listen())
        start = time.monotonic()
        speaking = list(frames)
        for sent in range(50 * 30):  # at most 30 s of the caller's line
            if listener.done():
                break
            frame = speaking.pop(0) if waiting.is_set() and speaking else SILENCE
            if waiting.is_set() and not speaking and not spoken_end:
                spoken_end.append(time.monotonic())
            await ws.send_str(json.dumps({"event": "media", "streamSid": stream_sid,
                                          "media": {"timestamp": str(sent * 20),
                                                    "payload": base64.b64encode(frame).decode()}}))
            delay = start + (sent + 1) * 0.02 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await ws.send_str(json.dumps({"event": "stop", "streamSid": stream_sid}))
        listener.cancel()


def stream_level(server: Served, n: int) -> StreamOutcome:
    outcome = StreamOutcome()

    async def run() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            await asyncio.gather(*(stream_call(http, server, server.frames[i % 3],
                                               server.expected[i % 3], outcome)
                                   for i in range(n)))
    asyncio.run(run())
    return outcome


def understood(server: Served, calls: list[tuple[str, str]]) -> tuple[int, int]:
    """(turns understood as wanted, turns asked for the keypad), from the database."""
    assert server.database is not None
    right = keypad = 0
    with sqlite3.connect(server.database) as db:
        for sid, wanted in calls:
            rows = db.execute(
                "SELECT e.kind, e.fields FROM call_events e JOIN calls c ON c.id = e.call_id "
                "WHERE c.call_sid = ? ORDER BY e.id", (sid,)).fetchall()
            kinds = [kind for kind, _ in rows]
            keypad += "speech_busy" in kinds
            intents = [json.loads(f or "{}").get("intent") for kind, f in rows
                       if kind in ("choice", "confirm_asked")]
            right += bool(intents) and intents[0] == INTENTS.get(wanted, wanted)
    return right, keypad

STREAM_GOALS = {1: "p95 < 800 ms", 5: "p95 < 1,200 ms"}


def engine_rows(engine: str, tmp: Path, levels: list[int], transports: list[str]
                ) -> list[str]:
    rows = []
    if "twiml" in transports:
        with served(engine, tmp) as server:
            for n in levels:
                outcome = server.run(n, follow=True)
                decided, answered = p50_p95(outcome.latencies), p50_p95(outcome.answers)
                rows.append(f"| TwiML ({engine}) | {n} | {outcome.correct} / "
                            f"{outcome.calls} | {outcome.keypad} | {decided[0]:.0f} / "
                            f"{decided[1]:.0f} | {answered[0]:.0f} / {answered[1]:.0f} "
                            "| - |")
    if "stream" in transports:
        with served(engine, tmp, transport="stream") as server:
            stream_level(server, 2)  # warm: the recognition processes, the voice
            for n in levels:
                streamed = stream_level(server, n)
                right, keypad = understood(server, streamed.calls)
                answered = p50_p95(streamed.answers)
                rows.append(f"| stream ({engine}) | {n} | {right} / {n} | {keypad} "
                            f"| - | {answered[0]:.0f} / {answered[1]:.0f} "
                            f"| {STREAM_GOALS.get(n, '-')} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,5,10")
    parser.add_argument("--engine", default="whisper",
                        help="speech engines, comma-separated, each run in turn: an "
                             "engine, or whisper:N (WHISPER_MIN_WINDOW_S=N)")
    parser.add_argument("--transports", default="twiml,stream")
    args = parser.parse_args()
    transports = args.transports.split(",")
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is needed (make deps)")
    rows = []
    levels = [int(level) for level in args.levels.split(",")]
    for engine in args.engine.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp:
            rows += engine_rows(engine, Path(tmp), levels, transports)
    print(f"\nturns: end of the caller's speech -> our decision (TwiML: the REST redirect) "
          f"and our answer (TwiML: the callback's document fetched; stream: the first audio "
          f"byte of our reply), {os.cpu_count()} cores\n")
    print("| transport | callers | understood right | asked for keypad | decision p50 / p95 "
          "ms | answer p50 / p95 ms | stream goal |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

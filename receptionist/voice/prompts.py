"""Prompts spoken by a local voice (voice.catalog: Piper, SVOX Pico, espeak-ng) instead of
Twilio's <Say>.

A prompt is rendered once, offline, to an 8 kHz μ-law WAV (what a phone line carries),
cached on disk under a key nobody can compute without SECRET_KEY, and served for <Play>
under a public name that expires (voice.prompt_names). Rendering runs in one dedicated
thread: never on the event loop, never in a webhook. A webhook asking for a prompt not
rendered yet queues it and falls back to <Say> for that call.

The script's own words (menus, messages, hours) are cached in `script/` for good. A
personal prompt, whose text holds a caller's data (a name, a booking's time, the slots
offered), is kept in `caller/` only while a URL issued for it may be fetched: the sweep
(the worker's job, and the renderer thread when idle) deletes it SERVED_FOR after the
last one.

The text is prepared for speech (voice.text_prep: times, prices, phone numbers…) and
reaches every engine as data through its library (voice.espeak_lib, piper_engine,
pico_engine), never on a command line: a prompt such as `-f .env` is spoken as those
words, it cannot name a file for an engine to read (SECURITY.md).

A prompt's key holds the voice that speaks it (`local` resolved to, say,
`local:pico:fr-FR`), so installing a better voice renders the prompts again.
"""

from __future__ import annotations

import logging
import os
import queue
import struct
import tempfile
import threading
from pathlib import Path

from receptionist.clock import Clock, utcnow
from receptionist.i18n import N_
from receptionist.speech.audio import PHONE_RATE, resample, ulaw_encode
from receptionist.voice import catalog, speaking
from receptionist.voice.catalog import Voice, VoiceProblem, is_local
from receptionist.voice.prompt_names import SERVED_FOR, file_key, issue, key_of
from receptionist.voice.text_prep.prepare import for_speech

log = logging.getLogger(__name__)
__all__ = ["CALLER", "SCRIPT", "PromptCache", "is_local", "ulaw_wav"]
SCRIPT, CALLER = "script", "caller"  # the folders of script prompts and personal ones
# The renderer thread, idle this long, sweeps (for web processes run without the worker).
SWEEP_EVERY_S = 300.0


def ulaw_wav(data: bytes, rate: int = PHONE_RATE) -> bytes:
    """A WAV file of G.711 μ-law samples (format tag 7), mono."""
    fmt = struct.pack("<HHIIHHH", 7, 1, rate, rate, 1, 8, 0)
    fact = struct.pack("<I", len(data))
    pad = b"\0" if len(data) % 2 else b""
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"fact" + struct.pack("<I", len(fact)) + fact
            + b"data" + struct.pack("<I", len(data)) + data + pad)
    return b"RIFF" + struct.pack("<I", len(body)) + body


class PromptCache:
    def __init__(self, folder: Path, *, secret_key: str, clock: Clock = utcnow) -> None:
        self.folder = folder
        self._secret = secret_key
        self._clock = clock
        self._queue: queue.Queue[tuple[str, str, str, bool]] = queue.Queue()
        self._queued: set[tuple[str, bool]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._voices: dict[tuple[str, str], Voice | None] = {}

    def voice(self, voice: str, language: str) -> Voice | None:
        """The installed voice a script's `voice:` stands for (None: none can speak it, the
        call falls back to <Say>), chosen once per process."""
        if (voice, language) not in self._voices:
            try:
                self._voices[(voice, language)] = catalog.choose(voice, language)
            except VoiceProblem as exc:
                log.warning("no local voice for %s in %s: %s", voice, language, exc)
                self._voices[(voice, language)] = None
        return self._voices[(voice, language)]

    def forget_voices(self) -> None:
        """Choose again (a voice was installed)."""
        self._voices.clear()

    def key(self, text: str, voice: str, language: str) -> str:
        chosen = self.voice(voice, language)
        return file_key(self._secret, text, chosen.spec if chosen else voice, language)

    def path(self, key: str, *, personal: bool = False) -> Path:
        return self.folder / (CALLER if personal else SCRIPT) / f"{key}.wav"

    def ready(self, text: str, voice: str, language: str, *,
              personal: bool = False) -> str | None:
        """The public name of the rendered prompt (/twilio/prompts/<name>.wav), or None
        after queueing its rendering. `personal`: the text holds a caller's data."""
        if self.voice(voice, language) is None:
            return None
        key = self.key(text, voice, language)
        now = self._clock()
        path = self.path(key, personal=personal)
        try:
            if personal:  # kept SERVED_FOR after the last name issued for it
                _stamp(path, now.timestamp())
            if path.is_file():
                return issue(self._secret, key, now)
        except FileNotFoundError:  # swept meanwhile: rendered again
            pass
        with self._lock:
            if (key, personal) not in self._queued:
                self._queued.add((key, personal))
                self._queue.put((text, voice, language, personal))
                if self._thread is None:
                    self._thread = threading.Thread(target=self._work, name="prompt-renderer",
                                                    daemon=True)
                    self._thread.start()
        return None

    def serving(self, name: str) -> Path | None:
        """The file a public name stands for; None unless we issued the name, it has not
        expired and the prompt is still cached."""
        key = key_of(self._secret, name, self._clock())
        if key is None:
            return None
        for personal in (False, True):
            if (path := self.path(key, personal=personal)).is_file():
                return path
        return None

    def sweep(self) -> int:
        """Delete the personal prompts no issued name can reach any more, and the files of
        the cache's first layout (named by a plain hash of the text, which anyone could
        compute: some hold callers' names). Returns how many files went."""
        cutoff = (self._clock() - SERVED_FOR).timestamp()
        first_layout = [*self.folder.glob("*.wav"), *self.folder.glob(".part-*")]
        personal = self.folder / CALLER
        gone = 0
        for path in first_layout + (list(personal.iterdir()) if personal.is_dir() else []):
            try:
                if path.parent == self.folder or path.lstat().st_mtime < cutoff:
                    path.unlink()
                    gone += 1
            except FileNotFoundError:  # another process swept it
                pass
        return gone

    def prepare_script(self, texts: list[str], voice: str, language: str) -> int:
        """Queue the rendering of a script's own prompts (at publish: its first caller
        hears them in the local voice); returns how many were not rendered yet."""
        if not is_local(voice):
            return 0
        return sum(self.ready(text, voice, language) is None for text in texts)

    def wait_idle(self) -> None:
        """Block until every queued prompt is rendered (for start-up and tests)."""
        self._queue.join()

    def _work(self) -> None:
        while True:
            try:
                text, voice, language, personal = self._queue.get(timeout=SWEEP_EVERY_S)
            except queue.Empty:
                self._sweep_quietly()
                continue
            key = self.key(text, voice, language)
            try:
                self.render(text, voice, language, personal=personal)
            except Exception:  # the thread must outlive any one prompt
                log.exception("rendering prompt %s failed", key)
            finally:
                with self._lock:
                    self._queued.discard((key, personal))
                self._queue.task_done()

    def _sweep_quietly(self) -> None:
        try:
            self.sweep()
        except OSError:
            log.exception("sweeping the prompt cache %s failed", self.folder)

    def render(self, text: str, voice: str, language: str, *, personal: bool = False) -> Path:
        """Text -> 8 kHz μ-law WAV, written atomically into the cache."""
        key = self.key(text, voice, language)
        path = self.path(key, personal=personal)
        path.parent.mkdir(parents=True, exist_ok=True)
        chosen = self.voice(voice, language)
        if chosen is None:
            raise VoiceProblem(N_("script.problem.local_voice_missing"), voice=voice)
        samples, rate = speaking.speak(chosen, for_speech(text, language))
        if not len(samples):
            raise ValueError(f"the local voice produced no audio for prompt {key}")
        data = ulaw_wav(ulaw_encode(resample(samples, rate, PHONE_RATE)))
        fd, part = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        _stamp(Path(part), self._clock().timestamp())  # the sweep reads the cache's clock
        os.replace(part, path)
        return path


def _stamp(path: Path, timestamp: float) -> None:
    os.utime(path, (timestamp, timestamp))

"""libespeak-ng through ctypes, in its synchronous mode: text in, 16-bit samples out.

Why not the `espeak-ng` command: an operator's prompt text would be a command-line argument,
and a text such as `-f .env` makes espeak-ng read that file aloud (SECURITY.md). Here the
text is data handed to `espeak_Synth`, which has no options to inject.

Why not pyttsx3's espeak driver: it starts the library in its asynchronous mode and
collects samples from espeak's own thread through a polling loop; rendering 150 prompts in
a row here, one came back with no audio file (the loop ended before the samples were
written). The synchronous mode below returns only once every sample is in our hands.
Like the command, the library finds voices by identifier only (`roa/fr`), so languages
(`fr-fr`) are looked up in its voice list first.

The library keeps global state and is not thread-safe: every call holds `LOCK`.
"""

from __future__ import annotations

import ctypes
import threading

import numpy as np
import numpy.typing as npt

LOCK = threading.Lock()
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_RATE = 1  # espeakRATE: words per minute
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                   ctypes.c_void_p)


class EspeakUnavailable(RuntimeError):
    """libespeak-ng is not installed (Debian: espeak-ng / libespeak-ng1)."""


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_char_p),
                ("identifier", ctypes.c_char_p), ("gender", ctypes.c_ubyte),
                ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


class Espeak:
    """The process's one handle on libespeak-ng (see `get`)."""

    def __init__(self) -> None:
        try:  # by soname: ctypes.util.find_library would run ldconfig
            self._lib = ctypes.CDLL("libespeak-ng.so.1")
        except OSError as exc:
            raise EspeakUnavailable(f"libespeak-ng not found ({exc})") from None
        lib = self._lib
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint,
                                     ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                     ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        self.sample_rate = int(lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0))
        if self.sample_rate <= 0:
            raise EspeakUnavailable("libespeak-ng could not start (no voice data?)")
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._on_samples)  # kept alive with the handle
        lib.espeak_SetSynthCallback(self._callback)
        self.voices = self._voice_ids()

    def _on_samples(self, wav: ctypes._Pointer[ctypes.c_short], count: int,
                    _events: int | None) -> int:
        if count > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # go on

    def _voice_ids(self) -> dict[str, str]:
        """Identifier by identifier and by language (`fr-fr` -> `roa/fr`)."""
        found: dict[str, str] = {}
        listed = self._lib.espeak_ListVoices(None)
        index = 0
        while listed[index]:
            voice = listed[index].contents
            identifier = (voice.identifier or b"").decode()
            found.setdefault(identifier.lower(), identifier)
            # `languages`: (priority byte, name, NUL) repeated, ending with a zero byte.
            raw = ctypes.string_at(voice.languages, 200).split(b"\0\0")[0]
            for part in raw.split(b"\0"):
                if len(part) > 1:
                    found.setdefault(part[1:].decode(errors="replace").lower(), identifier)
            index += 1
        return found

    def voice_id(self, name: str) -> str:
        """espeak-ng's identifier for a language or voice name, keeping a `+variant`."""
        base, plus, variant = name.lower().partition("+")
        identifier = self.voices.get(base)
        if identifier is None:
            raise ValueError(f"espeak-ng has no voice {name!r}")
        return identifier + plus + variant

    def synthesize(self, text: str, *, voice: str, rate_wpm: int
                   ) -> npt.NDArray[np.int16]:
        """Mono 16-bit samples at `sample_rate` of `text` spoken as plain text."""
        data = text.encode() + b"\0"
        with LOCK:
            self._chunks = []
            if self._lib.espeak_SetVoiceByName(self.voice_id(voice).encode()) != 0:
                raise ValueError(f"espeak-ng refused voice {voice!r}")
            self._lib.espeak_SetParameter(_RATE, rate_wpm, 0)
            status = self._lib.espeak_Synth(data, len(data), 0, 0, 0,
                                            _CHARS_UTF8 | _ENDPAUSE, None, None)
            self._lib.espeak_Synchronize()
            chunks, self._chunks = self._chunks, []
        if status != 0:
            raise RuntimeError(f"espeak-ng failed to synthesize (status {status})")
        return np.frombuffer(b"".join(chunks), dtype=np.int16)


_espeak: Espeak | None = None


def get() -> Espeak:
    """The process's handle, created on first use (libespeak-ng initialises once)."""
    global _espeak
    with LOCK:
        if _espeak is None:
            _espeak = Espeak()
        return _espeak

"""pocketsphinx: the zero-download engine (its wheel bundles an en-US model).

It decodes freely with its language model, never with a grammar of the menu's phrases: a
grammar forces any sentence onto the closest phrase, and about a third of spoken
sentences were routed, confidently, to the wrong place that way. Free decoding of
telephone audio by this small model is poor, and its own scores say little, so every
transcript it makes reports the confidence WEAK: the menu confirms at best, never routes
on its word alone (call_flows.meaning.weigh_hearing)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from pocketsphinx import Decoder, Endpointer

from receptionist.i18n import lang_key
from receptionist.speech.audio import Samples
from receptionist.speech.recognizer import (
    ModelUnavailable,
    Recognition,
    recognize_by_streaming,
)

WEAK = 0.4


class PocketsphinxRecognizer:
    name = "pocketsphinx"
    sample_rate = 16000

    def __init__(self, max_decoders: int = 4) -> None:
        # A decoder costs ~0.5 s and ~95 MB to create (it loads the model), so there are
        # few of them, shared: a stream only holds its endpointer (voice activity
        # detection) and borrows a decoder for the few milliseconds an utterance takes.
        self._pool: list[Decoder] = []
        self._created = 0
        self._max = max_decoders
        self._available = threading.Condition()
        self._initial_cmn: str | None = None

    def supports(self, language: str) -> bool:
        return lang_key(language) == "en"

    def prewarm(self, languages: Sequence[str], count: int = 2) -> None:
        """Create decoders ahead of the first calls (at start-up)."""
        if not any(self.supports(language) for language in languages):
            return
        for _ in range(min(count, self._max)):
            with self._available:
                if self._created >= self._max:
                    return
                self._created += 1
            self._give_back(self._new_decoder())

    def _borrow(self) -> Decoder:
        with self._available:
            while not self._pool and self._created >= self._max:
                self._available.wait()
            if self._pool:
                return self._pool.pop()
            self._created += 1
        return self._new_decoder()

    def _new_decoder(self) -> Decoder:
        decoder = Decoder(samprate=self.sample_rate, loglevel="FATAL")
        if self._initial_cmn is None:
            self._initial_cmn = decoder.get_cmn(False)
        return decoder

    def _give_back(self, decoder: Decoder) -> None:
        with self._available:
            self._pool.append(decoder)
            self._available.notify()

    def _check(self, language: str) -> None:
        if not self.supports(language):
            raise ModelUnavailable(
                f"pocketsphinx has a model for en-US only, not {language}: install one "
                "(`receptionist models install whisper-base`, or a Vosk model)")

    def decode(self, speech: bytes) -> Recognition:
        """One utterance (16 kHz 16-bit PCM) with a pooled decoder, decoded freely."""
        decoder = self._borrow()
        try:
            # Every utterance starts from the model's initial cepstral mean, not from
            # whatever the previous caller on this shared decoder sounded like.
            if self._initial_cmn is not None:
                decoder.set_cmn(self._initial_cmn)
            decoder.start_utt()
            decoder.process_raw(speech, False, False)
            decoder.end_utt()
            hyp = decoder.hyp()
        finally:
            self._give_back(decoder)
        if hyp is None or not hyp.hypstr.strip():
            return Recognition("", 0.0)
        return Recognition(hyp.hypstr.strip(), WEAK)

    def recognize_whole(self, audio: Samples, *, language: str,
                        phrases: Sequence[str] | None) -> Recognition:
        """Streamed through the endpointer like a live call. (Batch mode over a whole
        recording was measured worse: short utterances give it too little audio to
        normalise on.)"""
        return recognize_by_streaming(self.stream(language=language, phrases=phrases),
                                      audio, self.sample_rate)

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> PocketsphinxStream:
        """`phrases` are not used (see the module docstring)."""
        self._check(language)
        return PocketsphinxStream(self)


class PocketsphinxStream:
    """Voice activity detection per call; decoding only for finished utterances."""

    def __init__(self, owner: PocketsphinxRecognizer) -> None:
        self._owner = owner
        self._endpointer = Endpointer(sample_rate=owner.sample_rate)
        self._pending = b""
        self._speech = bytearray()
        self._finished = False

    def accept(self, samples: Samples, *, decode: bool = True) -> Recognition | None:
        if self._finished:
            raise RuntimeError("stream already finished")
        self._pending += samples.astype("<i2").tobytes()
        size = self._endpointer.frame_bytes
        result: Recognition | None = None
        while len(self._pending) >= size:
            frame, self._pending = self._pending[:size], self._pending[size:]
            speech = self._endpointer.process(frame)
            if speech is None:
                continue
            self._speech += speech
            if not self._endpointer.in_speech:
                result = self._owner.decode(bytes(self._speech))
                self._speech.clear()
        return result

    def finish(self) -> Recognition | None:
        if self._finished:
            return None
        self._finished = True
        if self._endpointer.in_speech:
            tail = self._endpointer.end_stream(self._pending)
            if tail is not None:
                self._speech += tail
        if not self._speech:
            return None
        return self._owner.decode(bytes(self._speech))

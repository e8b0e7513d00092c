"""pocketsphinx: the zero-download engine (its wheel bundles an en-US model)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from pocketsphinx import Decoder, Endpointer

from receptionist.speech.audio import Samples
from receptionist.speech.intents import lang_key
from receptionist.speech.recognizer import (
    ModelUnavailable,
    Recognition,
    recognize_by_streaming,
)


class PocketsphinxRecognizer:
    name = "pocketsphinx"
    sample_rate = 16000

    def __init__(self) -> None:
        # Creating a decoder loads the model (~0.5 s); switching its grammar is ~0.5 ms.
        # Streams borrow decoders from this pool and give them back when finished.
        self._pool: list[Decoder] = []
        self._lock = threading.Lock()

    def supports(self, language: str) -> bool:
        return lang_key(language) == "en"

    def _borrow(self) -> Decoder:
        with self._lock:
            if self._pool:
                return self._pool.pop()
        return Decoder(samprate=self.sample_rate, loglevel="FATAL")

    def _give_back(self, decoder: Decoder) -> None:
        with self._lock:
            self._pool.append(decoder)

    def recognize_whole(self, audio: Samples, *, language: str,
                        phrases: Sequence[str] | None) -> Recognition:
        """Streamed through the endpointer like a live call. (Batch mode over a whole
        recording was measured worse: short utterances give it too little audio to
        normalise on.)"""
        return recognize_by_streaming(self.stream(language=language, phrases=phrases),
                                      audio, self.sample_rate)

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> PocketsphinxStream:
        return PocketsphinxStream(self, self._prepare(language, phrases))

    def _prepare(self, language: str, phrases: Sequence[str] | None) -> Decoder:
        """A pooled decoder searching `phrases` (or the whole language model)."""
        if not self.supports(language):
            raise ModelUnavailable(
                f"pocketsphinx has a model for en-US only, not {language}: unpack a Vosk model "
                "for it under VOSK_MODEL_DIR/<language> and set SPEECH_ENGINE=vosk")
        decoder = self._borrow()
        if phrases is None:
            decoder.activate_search("_default")
        else:
            known = [p for p in phrases
                     if all(decoder.lookup_word(w) is not None for w in p.split())]
            if not known:
                self._give_back(decoder)
                raise ModelUnavailable("none of the menu's phrases are in the en-US dictionary")
            alternatives = " | ".join(f"( {p} )" for p in known)
            decoder.add_jsgf_string("menu", "#JSGF V1.0;\ngrammar menu;\n"
                                    f"public <menu> = {alternatives} ;\n")
            decoder.activate_search("menu")
        return decoder


class PocketsphinxStream:
    def __init__(self, owner: PocketsphinxRecognizer, decoder: Decoder) -> None:
        self._owner = owner
        self._decoder: Decoder | None = decoder
        self._endpointer = Endpointer(sample_rate=owner.sample_rate)
        self._pending = b""
        self._in_utterance = False

    def _result(self) -> Recognition:
        assert self._decoder is not None
        self._decoder.end_utt()
        self._in_utterance = False
        hyp = self._decoder.hyp()
        if hyp is None or not hyp.hypstr.strip():
            return Recognition("", 0.0)
        return Recognition(hyp.hypstr.strip(), float(min(max(hyp.prob, 0.0), 1.0)))

    def accept(self, samples: Samples) -> Recognition | None:
        if self._decoder is None:
            raise RuntimeError("stream already finished")
        self._pending += samples.astype("<i2").tobytes()
        size = self._endpointer.frame_bytes
        result: Recognition | None = None
        while len(self._pending) >= size:
            frame, self._pending = self._pending[:size], self._pending[size:]
            was_in_speech = self._endpointer.in_speech
            speech = self._endpointer.process(frame)
            if speech is None:
                continue
            if not was_in_speech and not self._in_utterance:
                self._decoder.start_utt()
                self._in_utterance = True
            self._decoder.process_raw(speech, False, False)
            if not self._endpointer.in_speech:
                result = self._result()
        return result

    def finish(self) -> Recognition | None:
        if self._decoder is None:
            return None
        result = None
        if self._in_utterance:
            speech = self._endpointer.end_stream(self._pending)
            if speech is not None:
                self._decoder.process_raw(speech, False, False)
            result = self._result()
        decoder, self._decoder = self._decoder, None
        self._owner._give_back(decoder)
        return result



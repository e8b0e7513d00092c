"""faster-whisper (CTranslate2, int8 on the CPU): free transcripts in English and French.

Whisper hears whole sentences, not a menu's phrases: the transcript goes to the intent
model, which decides. It gets no hint by default: given the menu's phrases as its prompt,
whisper heard a lone "appointment" more surely, but it also wrote the hint's words for
what the caller did not say ("yup that's it" -> "up, message"), and on the evaluation
corpus that made wrong routes (1.3 %) for no more right ones (bench/speech_accuracy.py,
BENCH_WHISPER_HINT_UNDER). It has no streaming mode, so a live stream is cut into
utterances by Silero VAD (speech.vad) and each finished utterance is decoded at once.

What keeps it fast and honest on a phone line (measured, bench/speech_accuracy.py):
- beam search at temperature 0 only: no temperature fallback (which re-decodes a hard
  utterance several times, seconds of CPU), no conditioning on previous text;
- a token budget in proportion to the audio's length: a hallucinated repetition loop
  (base on espeak's French) stops there instead of running to 448 tokens;
- confidence = exp(mean log-probability) × (1 − P(no speech)), lowered for a transcript
  that repeats itself (compression ratio), so such output is confirmed or re-asked,
  never routed;
- a live utterance encoded in a window of its own length (at least MIN_WINDOW_S) rather
  than 30 s of padding, a third of the CPU, and again in 30 s when that first pass is
  unsure or says the sentence twice over (RECHECK_BELOW): lone short words are what a
  short window hears less surely.
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from receptionist.speech.audio import Samples
from receptionist.speech.engines.whisper_models import CATALOG, PREFERENCE
from receptionist.speech.recognizer import ModelUnavailable, Recognition

RATE = 16000
# Beam search: measured on the corpus, 4 beams hear ~10 points more sentences right than
# greedy decoding for about the same CPU (the encoder's fixed 30 s window dominates).
BEAM = 4
TOKENS_PER_SECOND = 6  # fast speech is ~3-4 words a second, ~1.3 tokens a word
MIN_TOKENS = 16
MAX_TOKENS = 200
REPETITIVE = 2.4  # gzip compression ratio above which whisper is looping
REPEATED_WORDS = 4  # a run this long said twice in a row is whisper looping (said_twice)
NO_SPEECH = 0.6
# Utterances shorter than this get the menu's phrases as a hint: none by default (see the
# module docstring); kept to measure it again with other models.
HINT_UNDER_S = 0.0
MAX_HINT_CHARS = 300  # whisper's prompt holds ~220 tokens; the hint stays well below
# Whisper's encoder reads a 30 s window, padded with silence, whatever the utterance's
# length: for a 2 s answer most of the CPU goes to encoding silence. CTranslate2 takes a
# shorter window; an utterance is encoded in one of at least MIN_WINDOW_S (and its own
# length plus WINDOW_MARGIN_S, in whole seconds, up to 30). FULL_WINDOW_S: as trained.
FULL_WINDOW_S = 30
FRAMES_PER_SECOND = 100  # whisper's log-Mel frames (10 ms hops)
LOGPROB_FLOOR = -1.0  # transcribe's log_prob_threshold: with NO_SPEECH, silence
MIN_WINDOW_S = 10
WINDOW_MARGIN_S = 1.0
# A short window hears sentences as well as the full one, and costs a third of the CPU,
# but lone short words ("yes", "no", a name) come out less sure: a Piper "yes" has
# confidence 0.72 in 30 s, 0.17 in 10 s (bench/speech_accuracy.py); and it can fill
# itself with the sentence said twice over. So a transcript from a shortened window less
# sure than this (words under bands.HEARD_ROUTE are confirmed, not acted on), or said
# twice, is decoded again in the full window, whose result stands: the fast pass decides
# what it hears surely, whisper as trained decides the rest.
RECHECK_BELOW = 0.5


def window_for(samples: int, min_window_s: int = MIN_WINDOW_S) -> int:
    """The encoder window (whole seconds) for an utterance of `samples` at 16 kHz."""
    needed = math.ceil(samples / RATE + WINDOW_MARGIN_S)
    return min(FULL_WINDOW_S, max(min_window_s, needed))


def hint_of(phrases: Sequence[str] | None) -> str | None:
    """The menu's phrases as whisper's prompt ("appointment, leave a message, …")."""
    if not phrases:
        return None
    hint = ""
    for phrase in dict.fromkeys(p.strip() for p in phrases if p.strip()):
        if len(hint) + len(phrase) + 2 > MAX_HINT_CHARS:
            break
        hint = f"{hint}, {phrase}" if hint else phrase
    return hint or None


def token_budget(samples: int) -> int:
    return int(min(MAX_TOKENS, MIN_TOKENS + TOKENS_PER_SECOND * samples / RATE))


def compression_ratio(text: str) -> float:
    data = text.encode()
    return len(data) / max(len(zlib.compress(data)), 1)


def loops(text: str) -> bool:
    """Whisper repeating itself: a high compression ratio, or one word three times in a
    row ("secrétaire, secrétaire, secrétaire")."""
    words = re.findall(r"\w+", text.lower())
    return compression_ratio(text) > REPETITIVE or any(
        words[i] == words[i + 1] == words[i + 2] for i in range(len(words) - 2))


def said_twice(text: str) -> bool:
    """A run of at least REPEATED_WORDS words followed by itself, the two making at least
    half the transcript ("can I talk to a real person? can I talk to a real person"):
    what a short window can give by filling itself, not a caller's stammer ("I need, I
    need a cleaning")."""
    words = re.findall(r"\w+", text.lower())
    for n in range(REPEATED_WORDS, len(words) // 2 + 1):
        if 4 * n < len(words):
            continue
        if any(words[i:i + n] == words[i + n:i + 2 * n] for i in range(len(words) - 2 * n + 1)):
            return True
    return False


def confidence_of(avg_logprob: float, no_speech_prob: float, text: str) -> float:
    confidence = math.exp(min(avg_logprob, 0.0)) * (1.0 - no_speech_prob)
    if loops(text):
        confidence *= 0.3
    return round(min(max(confidence, 0.0), 1.0), 3)


class WhisperRecognizer:
    name = "whisper"
    sample_rate = RATE

    def __init__(self, model_dirs: Mapping[str, Path], *, cpu_threads: int = 1,
                 beam_size: int = BEAM, hint_under_s: float = HINT_UNDER_S,
                 min_window_s: int = MIN_WINDOW_S,
                 recheck_below: float = RECHECK_BELOW) -> None:
        """`model_dirs`: catalog name (whisper-tiny-en, whisper-base) -> model folder."""
        self._beam = beam_size
        self._min_window_s = min_window_s
        self._recheck_below = recheck_below
        self._hint_under_s = hint_under_s
        self._dirs = {name: Path(path) for name, path in model_dirs.items()
                      if name in CATALOG}
        self._threads = cpu_threads
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def model_dirs(self) -> dict[str, Path]:
        return dict(self._dirs)

    @property
    def min_window_s(self) -> int:
        return self._min_window_s

    def model_name(self, language: str) -> str | None:
        """The installed model that hears `language` best (see PREFERENCE)."""
        lang = language.split("-")[0].lower()
        for name in PREFERENCE:
            if name in self._dirs and CATALOG[name].hears(lang):
                return name
        return None

    def supports(self, language: str) -> bool:
        return self.model_name(language) is not None

    def _model(self, language: str) -> tuple[Any, str]:
        name = self.model_name(language)
        if name is None:
            raise ModelUnavailable(f"no whisper model hears {language} (installed: "
                                   f"{', '.join(sorted(self._dirs)) or 'none'})")
        with self._lock:
            if name not in self._models:
                from faster_whisper import WhisperModel

                self._models[name] = WhisperModel(str(self._dirs[name]), device="cpu",
                                                  compute_type="int8",
                                                  cpu_threads=self._threads, num_workers=1)
            return self._models[name], language.split("-")[0].lower()

    def prewarm(self, languages: Sequence[str]) -> None:
        for language in set(languages):
            if self.supports(language):
                model, lang = self._model(language)
                # The first decode allocates CTranslate2's buffers: pay it now.
                self._decode(model, lang, np.zeros(RATE // 2, dtype=np.float32))
        if any(self.supports(language) for language in languages):
            from receptionist.speech.vad import Endpointer

            # Silero's ONNX session (about 0.5 s to load), which every stream's
            # end-of-speech detection shares: else the first caller who speaks waits.
            Endpointer().accept(np.zeros(RATE // 10, dtype=np.int16))

    def _decode(self, model: Any, lang: str, audio: npt.NDArray[np.float32],
                *, vad: bool = False, hint: str | None = None,
                window_s: int = FULL_WINDOW_S) -> Recognition:
        if window_s < FULL_WINDOW_S and not vad:
            return self._decode_in_window(model, lang, audio, hint=hint, window_s=window_s)
        segments, _info = model.transcribe(
            audio, language=lang, task="transcribe", beam_size=self._beam, best_of=1,
            initial_prompt=hint,
            temperature=0.0, condition_on_previous_text=False, without_timestamps=True,
            max_new_tokens=token_budget(audio.size), no_speech_threshold=NO_SPEECH,
            vad_filter=vad, vad_parameters={"min_silence_duration_ms": 500})
        texts, weights = [], []
        for segment in segments:
            # "Appointment." -> "Appointment": what was said, not how whisper writes it.
            text = segment.text.strip().rstrip(".,!?;:…").strip()
            if not text:
                continue
            texts.append(text)
            weights.append((len(text), confidence_of(segment.avg_logprob,
                                                     segment.no_speech_prob, text)))
        if not texts:
            return Recognition("", 0.0)
        total = sum(n for n, _ in weights)
        return Recognition(" ".join(texts), round(sum(n * c for n, c in weights) / total, 3))

    def _decode_in_window(self, model: Any, lang: str, audio: npt.NDArray[np.float32],
                          *, hint: str | None, window_s: int) -> Recognition:
        """One utterance encoded in a `window_s` window: what `WhisperModel.transcribe`
        does for one segment without timestamps (the same prompt, suppressed tokens,
        beam, token budget, no-speech rule and average log-probability), but its features
        padded to the window instead of 30 s, which `transcribe` always pads to."""
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        features = model.feature_extractor(audio)  # log-Mel of the audio alone
        frames = window_s * FRAMES_PER_SECOND
        features = features[:, :frames]
        features = np.pad(features, ((0, 0), (0, frames - features.shape[-1])))
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual,
                              task="transcribe", language=lang)
        previous = tokenizer.encode(" " + hint.strip()) if hint else []
        prompt = model.get_prompt(tokenizer, previous, without_timestamps=True)
        result = model.model.generate(
            model.encode(features), [prompt], beam_size=self._beam, patience=1,
            length_penalty=1, max_length=len(prompt) + token_budget(audio.size),
            return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)))[0]
        tokens = result.sequences_ids[0]
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if result.no_speech_prob > NO_SPEECH and avg_logprob < LOGPROB_FLOOR:
            return Recognition("", 0.0)  # what transcribe drops as silence
        text = tokenizer.decode(tokens).strip().rstrip(".,!?;:…").strip()
        if not text:
            return Recognition("", 0.0)
        return Recognition(text, confidence_of(avg_logprob, result.no_speech_prob, text))

    def decode(self, audio: npt.NDArray[np.float32], *, language: str,
               hint: str | None = None, recheck: bool = True) -> Recognition:
        """One utterance (float samples at 16 kHz); `hint`: words it is likely to hold,
        given to whisper for short utterances only (see HINT_UNDER_S). Encoded in a short
        window first, again in the full one when that is unsure (RECHECK_BELOW) unless
        `recheck` is False (a speculative read: the utterance's end decodes it again)."""
        model, lang = self._model(language)
        hint = hint if audio.size / RATE < self._hint_under_s else None
        window = window_for(audio.size, self._min_window_s)
        heard = self._decode(model, lang, audio, hint=hint, window_s=window)
        if recheck and window < FULL_WINDOW_S and (heard.confidence < self._recheck_below
                                       or said_twice(heard.transcript)):
            heard = self._decode(model, lang, audio, hint=hint, window_s=FULL_WINDOW_S)
        return heard

    def recognize_whole(self, audio: Samples, *, language: str,
                        phrases: Sequence[str] | None) -> Recognition:
        """A whole recording (a voicemail, `route --audio`): Silero VAD skips its
        silences; `phrases` are a hint on the same terms as live (HINT_UNDER_S)."""
        model, lang = self._model(language)
        short = audio.size / RATE < self._hint_under_s
        return self._decode(model, lang, audio.astype(np.float32) / 32768.0, vad=True,
                            hint=hint_of(phrases) if short else None)

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> WhisperStream:
        """`phrases` are a hint: whisper hears freely (the intent model decides)."""
        self._model(language)
        return WhisperStream(self, language, hint_of(phrases))


class WhisperStream:
    """Silero VAD per call; whisper decodes each utterance once it ends."""

    def __init__(self, owner: WhisperRecognizer, language: str, hint: str | None) -> None:
        from receptionist.speech.vad import Endpointer

        self._owner = owner
        self._language = language
        self._hint = hint
        self._endpointer = Endpointer()
        self._finished = False

    def _heard(self, utterances: list[npt.NDArray[np.float32]], decode: bool
               ) -> Recognition | None:
        if not utterances:
            return None
        if not decode:
            return Recognition("", 0.0, skipped=True)
        heard = [self._owner.decode(u, language=self._language, hint=self._hint)
                 for u in utterances]
        heard = [h for h in heard if h.transcript]
        if not heard:
            return Recognition("", 0.0)
        return Recognition(" ".join(h.transcript for h in heard),
                           min(h.confidence for h in heard))

    def accept(self, samples: Samples, *, decode: bool = True) -> Recognition | None:
        if self._finished:
            raise RuntimeError("stream already finished")
        return self._heard(self._endpointer.accept(samples), decode)

    def peek(self) -> Recognition:
        """What the utterance in progress says so far, decoded without ending it (an empty
        transcript: nothing is being said, or too little to be kept)."""
        speech = self._endpointer.so_far()
        if speech is None:
            return Recognition("", 0.0)
        # The short window only (a third of the full one's CPU): the caller waits on
        # this read, and the end of the utterance is decoded again, with its recheck.
        return self._owner.decode(speech, language=self._language, hint=self._hint,
                                  recheck=False)

    def finish(self) -> Recognition | None:
        if self._finished:
            return None
        self._finished = True
        last = self._endpointer.finish()
        return self._heard([last] if last is not None else [], True)

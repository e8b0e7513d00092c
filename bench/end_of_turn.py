"""End of turn on the phone line: our VAD's silence rule against an end-of-turn model,
Smart Turn v3.2 (Pipecat's, BSD-2, an ONNX file in the pipecat-ai wheel), on what callers
say. Its accuracy is reported to fall on 8 kHz audio: this measures it on ours first.

The corpus: the scripted callers' sentences of four words or more
(tests/data/dialogues/{en,fr}.yaml), spoken by each local voice, heard through the phone
channel (8 kHz μ-law with hiss, as `bench.voices` hears the voices) and, to show what
the channel costs, clean at 16 kHz. Each sentence gives two clips, each followed by the
200 ms of silence after which the model is asked (Pipecat's setting):
- complete: the whole sentence;
- incomplete: the sentence cut after a word near its middle, where whisper's word
  timestamps on the clean audio put it (the voice's prosody there is mid-sentence; a
  separately synthesized half would end like a sentence).

Per voice and line: the share of complete clips the model judges complete and of
incomplete ones it judges incomplete, its CPU time per decision, and two policies on the
same clips:
- the silence rule (ours, `speech.vad.Endpointer`): a turn ends 600 ms after the caller
  stops, so a caller who pauses 600 ms or more mid-sentence is cut off;
- Smart Turn as Pipecat runs it: after 200 ms of silence the model decides; "complete"
  ends the turn at once, "incomplete" waits for more speech, up to 3 s of silence.
Reported: how long after the caller stops a complete turn ends (p50 / p95), and the share
of sentences cut in the middle by a 400 ms and by a 1 s pause.

    python -m bench.end_of_turn [--per-language 60] [--voices piper,pico,espeak]
                                [--model PATH.onnx | --wheel pipecat_ai-1.14.0-py3-none-any.whl]

The model is read from `--model`, or extracted from the pipecat-ai wheel (`pip download
pipecat-ai==1.14.0 --no-deps -d DIR`; nothing else of the package is used) and checked
against its SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.dialogue_data import all_callers
from bench.dialogue_voices import VOICES, install_models
from bench.smart_turn_features import RATE, SECONDS, log_mel
from bench.voices import phone_line
from receptionist.speech.audio import Samples, resample
from receptionist.speech.engines import whisper_models

MODEL_MEMBER = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"
MODEL_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"
ASKED_AFTER_MS = 200  # Pipecat's VAD stop with Smart Turn: the model is asked then
GIVE_UP_MS = 3000  # Pipecat's stop_secs: "incomplete" waits this long for more speech
SILENCE_RULE_MS = 600  # speech.vad.Endpointer.end_silence_ms
VOICES_OF = {"en": ("piper", "pico", "espeak"), "fr": ("pico", "espeak")}
EARS = {"en": "whisper-tiny-en", "fr": "whisper-base"}


def model_bytes(model: Path | None, wheel: Path | None) -> bytes:
    if model is not None:
        data = model.read_bytes()
    elif wheel is not None:
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(MODEL_MEMBER)
    else:
        raise SystemExit("Smart Turn's model is needed: --model PATH.onnx, or --wheel PATH "
                         "to the pipecat-ai wheel (pip download pipecat-ai==1.14.0 --no-deps "
                         "-d DIR)")
    if hashlib.sha256(data).hexdigest() != MODEL_SHA256:
        raise SystemExit("not smart-turn-v3.2-cpu.onnx (SHA-256 differs)")
    return data


class SmartTurn:
    """The model as Pipecat runs it: the last 8 s of the turn (zero-padded in front),
    Whisper log-mel features, one single-threaded ONNX session; P(complete)."""

    def __init__(self, data: bytes) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session: Any = ort.InferenceSession(data, sess_options=options)

    def complete(self, samples: Samples) -> tuple[float, float]:
        """(P(complete), CPU ms) for 16 kHz int16 audio ending where the model is asked."""
        began = time.process_time()
        audio = samples.astype(np.float32) / 32768.0
        wanted = RATE * SECONDS
        audio = audio[-wanted:] if audio.size > wanted else np.pad(
            audio, (wanted - audio.size, 0))
        features = log_mel(audio)[None]
        probability = float(self.session.run(None, {"input_features": features})[0][0].item())
        return probability, (time.process_time() - began) * 1000


def sentences(language: str, count: int) -> list[str]:
    """The callers' sentences of four words or more, in file order, spread over it."""
    found: dict[str, None] = {}
    for caller in all_callers((language,)):
        for turn in caller.says:
            if len(turn.say.split()) >= 4:
                found.setdefault(turn.say, None)
    every = list(found)
    step = max(1, len(every) // count)
    return every[::step][:count]


def speech_end(samples: Samples) -> int:
    """The sample after the last 10 ms with sound in it (synthesized silence is trimmed)."""
    frame = RATE // 100
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 0.02 * 32768)
    if loud.size == 0:
        return samples.size
    return min(samples.size, (int(loud[-1]) // frame + 1) * frame)


def cut_point(ear: Any, clean: Samples, language: str) -> int | None:
    """Where to cut the sentence mid-way: after the word before its middle (whisper's word
    timestamps; between that word and the next when they leave a gap). None: too few
    words heard to cut."""
    segments, _ = ear.transcribe(clean.astype(np.float32) / 32768.0, language=language,
                                 word_timestamps=True, beam_size=1,
                                 condition_on_previous_text=False)
    words = [w for s in segments for w in (s.words or [])]
    if len(words) < 3:
        return None
    k = max(1, len(words) // 2 - 1)  # at least two words before the cut, one after
    end = min(words[k].end, words[k + 1].start) if words[k + 1].start > words[k].end - 0.05 \
        else words[k].end
    return int(end * RATE)


@dataclass
class Row:
    language: str
    voice: str
    line: str
    # (P(complete), the model's CPU ms) of each complete clip, and of each cut one
    complete: list[tuple[float, float]] = field(default_factory=list)
    incomplete: list[tuple[float, float]] = field(default_factory=list)

    def table_line(self) -> str:
        said_complete = [p > 0.5 for p, _ in self.complete]
        held = [p <= 0.5 for p, _ in self.incomplete]
        cpu = sorted(c for _, c in self.complete + self.incomplete)
        smart = sorted(ASKED_AFTER_MS + c if p > 0.5 else GIVE_UP_MS
                       for p, c in self.complete)
        cut = 100 * (1 - statistics.fmean(held)) if held else 0.0
        return (f"| {self.language} | {self.voice} | {self.line} | {len(self.complete)} / "
                f"{len(self.incomplete)} | {100 * statistics.fmean(said_complete):.0f} % "
                f"| {100 * statistics.fmean(held) if held else 0:.0f} % "
                f"| {_pct(cpu, 50):.0f} / {_pct(cpu, 95):.0f} "
                f"| {SILENCE_RULE_MS} / {SILENCE_RULE_MS} | {_pct(smart, 50):.0f} / "
                f"{_pct(smart, 95):.0f} | 0 % / {cut:.0f} % | 100 % / {cut:.0f} % |")


def _pct(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


HEADER = ("| lang | voice | line | clips complete / cut | complete judged complete "
          "| cut judged incomplete | model CPU ms p50 / p95 "
          "| complete turn ends after (ms, p50 / p95): silence rule | Smart Turn "
          "| cut mid-sentence by a 400 ms pause: silence rule / Smart Turn "
          "| by a 1 s pause: silence rule / Smart Turn |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def silence(line: str, seed: int) -> Samples:
    """200 ms of what the model hears once the caller stops: the line's hiss, or none."""
    quiet: npt.NDArray[np.int16] = np.zeros(RATE * ASKED_AFTER_MS // 1000, dtype=np.int16)
    return phone_line(quiet, RATE, seed) if line == "phone 8 kHz" else quiet


def measure(language: str, voice: str, texts: list[str], ear: Any, model: SmartTurn
            ) -> list[Row]:
    rows = {line: Row(language, voice, line) for line in ("phone 8 kHz", "clean 16 kHz")}
    speak = VOICES[voice]
    for seed, text in enumerate(texts):
        samples, rate = speak(text, language)
        clean = resample(samples, rate, RATE) if rate != RATE else samples
        end = speech_end(clean)
        cut = cut_point(ear, clean[:end], language)
        heard = {"clean 16 kHz": clean, "phone 8 kHz": phone_line(samples, rate, seed)}
        for line, audio in heard.items():
            row = rows[line]
            tail = silence(line, seed)
            row.complete.append(model.complete(np.concatenate([audio[:end], tail])))
            if cut is not None and cut < end:
                row.incomplete.append(model.complete(np.concatenate([audio[:cut], tail])))
    return list(rows.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-language", type=int, default=60)
    parser.add_argument("--voices", default="piper,pico,espeak")
    parser.add_argument("--languages", default="en,fr")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--wheel", type=Path)
    args = parser.parse_args()
    model = SmartTurn(model_bytes(args.model, args.wheel))
    chosen = set(args.voices.split(","))
    from faster_whisper import WhisperModel

    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="end-of-turn-") as tmp:
        for language in args.languages.split(","):
            root = install_models(Path(tmp), {language})
            found = whisper_models.found(root)
            ear = WhisperModel(str(found[EARS[language]]), device="cpu",
                               compute_type="int8", cpu_threads=2)
            texts = sentences(language, args.per_language)
            for voice in VOICES_OF[language]:
                if voice in chosen:
                    for row in measure(language, voice, texts, ear, model):
                        print(row.table_line(), flush=True)


if __name__ == "__main__":
    main()

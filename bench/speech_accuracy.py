"""How well each speech engine hears callers, measured through the understanding layer.

Sentences: every other line of tests/data/understanding/{en,fr}.tsv (the evaluation
corpus, written apart from the intent model's examples and never learnt from: ≥ 150 per
language, every intent and out-of-scope requests) and the voicemail-style messages of
tests/data/speech/messages_{en,fr}.txt. Each is synthesized by espeak-ng in several
voices and speeds, given a little line hiss, and sent through Twilio's 8 kHz μ-law
channel; then heard as a live call would be (the engine's stream, VAD end of speech, the
demo menu's phrases as the hint), and the transcript and the engine's confidence go to
the demo script's intent model and bands (as at a menu).

Per engine and language: right routes (direct or confirmed), wrong routes, confirm and
reprompt rates, out-of-scope sentences routed without asking, CPU seconds per second of
audio, p95 decode time of one utterance after its end of speech (one caller: the VAD's
end-of-speech wait comes on top), peak RSS, and the word error rate of the messages.
The baseline in the same run is the sentences as written (a perfect ear).
Decision latency under load (1, 5, 10 callers at once, a real server): bench/speech.py.

    python -m bench.speech_accuracy [--engines whisper-tiny-en,whisper-base,pocketsphinx]
                                    [--every 2] [--mistakes]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import word_distance
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.meaning import script_model, thresholds
from receptionist.demo import demo_script_text
from receptionist.speech.audio import Samples, read_wav, resample, ulaw_decode
from receptionist.speech.recognizer import Recognizer, recognize_by_streaming
from receptionist.twilio.frames import stream_frames
from receptionist.understanding.evaluation import Labelled, Report, evaluate, read_corpus
from receptionist.understanding.menu_grammar import menu_phrases

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "understanding"
MESSAGES = ROOT / "tests" / "data" / "speech"
SCRIPTS = {"en": "demo.yaml", "fr": "demo-fr.yaml"}
VOICES = {"en": [("en-us", 140), ("en-us+f3", 160), ("en-gb", 130), ("en-us+m3", 150)],
          "fr": [("fr", 140), ("fr+f3", 160), ("fr+m3", 130)]}
HISS = 40.0  # standard deviation of the line noise, in 16-bit sample units (≈ -58 dBFS)
# (label, engine, model, language, channel): channel "ulaw" is the phone line, "16k" the
# same speech without it (espeak's 16 kHz... resampled from its 22 kHz output).
RUNS = {
    "whisper-tiny-en": [("en", "ulaw")],
    "whisper-base": [("en", "ulaw"), ("fr", "ulaw"), ("fr", "16k")],
    "pocketsphinx": [("en", "ulaw")],
}


def synthesize(text: str, voice: str, speed: int, tmp: Path) -> tuple[Samples, int]:
    key = hashlib.sha256(f"{voice}|{speed}|{text}".encode()).hexdigest()[:20]
    path = tmp / f"{key}.wav"
    if not path.exists():
        # The text on standard input, never as an argument (SECURITY.md).
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path),
                        "--stdin"], input=text.encode(), check=True, capture_output=True)
    return read_wav(path)


def phone_line(samples: Samples, rate: int, seed: int, channel: str) -> Samples:
    """16 kHz samples as the recognizer gets them: through μ-law at 8 kHz with hiss, or
    (channel "16k") only resampled."""
    noisy = samples.astype(np.float64) + np.random.default_rng(seed).normal(
        0, HISS, samples.size)
    clipped = np.clip(noisy, -32768, 32767).astype(np.int16)
    if channel == "16k":
        return resample(clipped, rate, 16000)
    line = ulaw_decode(b"".join(stream_frames(clipped, rate)))
    return resample(line, 8000, 16000)


def build(name: str) -> Recognizer:
    if name == "pocketsphinx":
        from receptionist.speech.engines.pocketsphinx_engine import PocketsphinxRecognizer

        return PocketsphinxRecognizer()
    from receptionist.speech.engines import whisper_models
    from receptionist.speech.engines.whisper_engine import WhisperRecognizer

    found = whisper_models.found(ROOT / "data" / "models")
    if name not in found:
        raise SystemExit(f"{name} is not installed: receptionist models install {name}")
    # Compare settings against the defaults: BENCH_WHISPER_BEAM=1 (greedy),
    # BENCH_WHISPER_HINT_UNDER=2.0 (seconds of utterance below which the hint is given).
    options: dict[str, Any] = {}
    if beam := os.environ.get("BENCH_WHISPER_BEAM"):
        options["beam_size"] = int(beam)
    if under := os.environ.get("BENCH_WHISPER_HINT_UNDER"):
        options["hint_under_s"] = float(under)
    if window := os.environ.get("BENCH_WHISPER_MIN_WINDOW"):  # seconds; 30: as trained
        options["min_window_s"] = int(window)
    return WhisperRecognizer({name: found[name]}, **options)


_engines: dict[str, Recognizer] = {}


@dataclass(frozen=True)
class Heard:
    transcript: str
    confidence: float
    cpu_s: float
    wall_s: float
    audio_s: float


def hear(job: tuple[str, str, str, str, int, list[str], str]) -> tuple[Heard, int]:
    """One utterance, in a worker process: (what was heard, the worker's peak RSS KB)."""
    name, language, channel, text, index, phrases, tmp = job
    if name not in _engines:
        _engines[name] = build(name)
    engine = _engines[name]
    voice, speed = VOICES[language][index % len(VOICES[language])]
    samples, rate = synthesize(text, voice, speed, Path(tmp))
    audio = phone_line(samples, rate, index, channel)
    stream = engine.stream(language=language, phrases=phrases or None)
    cpu, wall = time.process_time(), time.perf_counter()
    heard = recognize_by_streaming(stream, audio, 16000)
    return (Heard(heard.transcript, heard.confidence, time.process_time() - cpu,
                  time.perf_counter() - wall, audio.size / 16000),
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def words(text: str) -> list[str]:
    return re.sub(r"[^\w' -]+", " ", text.lower()).replace("-", " ").split()


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(Levenshtein distance in words, reference length)."""
    ref = words(reference)
    return word_distance.word_errors(ref, words(hypothesis)), len(ref)


def read_messages(language: str) -> list[str]:
    path = MESSAGES / f"messages_{language}.txt"
    return [line.strip() for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def row(label: str, report: Report, heard: list[Heard], wer: float | None,
        rss_mb: float) -> str:
    audio = sum(h.audio_s for h in heard) or 1.0
    cpu = sum(h.cpu_s for h in heard)
    decode = f"{p95([h.wall_s for h in heard]) * 1000:.0f}" if heard else "-"
    oos = f"{report.out_of_scope_direct}/{report.out_of_scope}"
    return (f"| {label} | {report.total} | {report.rate(report.right):.1%} | "
            f"{report.rate(report.wrong):.1%} | {report.rate(report.confirmed):.1%} | "
            f"{report.rate(report.reprompted):.1%} | {oos} | "
            f"{cpu / audio if heard else 0:.2f} | {decode} | "
            f"{rss_mb:.0f} | {'-' if wer is None else f'{wer:.1%}'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(RUNS))
    parser.add_argument("--every", type=int, default=2, help="every Nth corpus sentence")
    parser.add_argument("--mistakes", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-speech-accuracy-")
    rows: list[str] = []
    mistakes: list[str] = []
    for language in ("en", "fr"):
        script = parse_script(demo_script_text(SCRIPTS[language]))
        menu = script.main_menu_step()
        assert menu is not None
        phrases = menu_phrases([(c.phrases, c.digit) for c in menu.choices], script.language)
        model, bands = script_model(script), thresholds(script)
        corpus: list[Labelled] = read_corpus(CORPUS / f"{language}.tsv")[::args.every]
        messages = read_messages(language)
        rows.append(row(f"{language} as written (baseline)",
                        evaluate(model, corpus, bands), [], None, 0))
        for name in args.engines.split(","):
            for run_language, channel in RUNS.get(name, []):
                if run_language != language:
                    continue
                jobs = [(name, language, channel, item.text, i, phrases, tmp)
                        for i, item in enumerate(corpus)]
                no_hint: list[str] = []
                message_jobs = [(name, language, channel, text, i, no_hint, tmp)
                                for i, text in enumerate(messages)]
                # Two worker processes (2 cores); each loads its engine once.
                with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
                    results = list(pool.map(hear, jobs + message_jobs))
                heard = [h for h, _ in results[:len(jobs)]]
                rss = max(r for _, r in results) / 1024
                report = evaluate(model, corpus, bands,
                                  heard=[(h.transcript, h.confidence) for h in heard])
                errors = [word_errors(text, h.transcript)
                          for text, (h, _) in zip(messages, results[len(jobs):], strict=True)]
                wer = sum(e for e, _ in errors) / max(sum(n for _, n in errors), 1)
                label = f"{language} {name}" + (" (16 kHz, no phone line)"
                                                 if channel == "16k" else "")
                rows.append(row(label, report, heard, wer, rss))
                for gold, decided, text, confidence in report.mistakes:
                    mistakes.append(f"{label}: {gold} -> {decided} ({confidence:.2f}) "
                                    f"said {text!r}")
                if args.mistakes:
                    for item, h in zip(corpus, heard, strict=True):
                        print(f"{label} | {item.intent} | {item.text} | {h.transcript} "
                              f"| {h.confidence:.2f}", file=sys.stderr)
    print("\nspeech accuracy: espeak-ng voices through 8 kHz μ-law with line hiss, heard as "
          "a live call (VAD end of speech), understood by the demo script's intent model "
          f"and bands; {os.cpu_count()} cores, 2 worker processes, 1 thread each\n")
    print("| engine | sentences | right | wrong | confirm | reprompt | "
          "out-of-scope routed unasked | CPU s / audio s | decode p95 ms | RSS MB | "
          "message WER |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for line in rows:
        print(line)
    if mistakes:
        print("\nwrong routes:")
        for line in mistakes:
            print("  " + line)


if __name__ == "__main__":
    main()

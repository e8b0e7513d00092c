"""Barge-in on the caller's voice (the stream transport, `twilio/barge_in.py`): how soon
after a caller starts speaking over a prompt it stops, and what "mm-hm"s and coughs do.

Each clip is heard as the app hears it on the stream: 1 s of line hiss, the clip through
the phone line (8 kHz, hiss, μ-law: `bench.dialogue_voices.phone_line`), then 2 s of hiss,
fed to `barge_in.Onset` 20 ms frame by frame, as Twilio sends them. Kinds of clips:
- answers: the first words of what callers answer at a prompt (the prompt must stop);
- backchannels: "mm-hm", "yeah", « d'accord »… (they pause it; it goes on once the caller
  is quiet `RESUME_S`, since they answer nothing: the pause is reported);
- coughs and clicks: bursts of shaped noise, 60 to 400 ms (nothing should happen).

The clip's speech starts at its first 10 ms above -40 dBFS in the clean synthesized audio;
"stops after" is the time from there to the frame at which the prompt is paused (the
`clear` is sent at once; Twilio's own hop is not on loopback). Goal: p95 < 250 ms.

    python -m bench.barge_in [--voices piper,pico,espeak]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from bench.dialogue_voices import VOICES, phone_line
from receptionist.speech.audio import PHONE_RATE, Samples, ulaw_encode
from receptionist.twilio import barge_in

ANSWERS = {
    "en": ["I'd like to book an appointment", "What time do you open tomorrow?",
           "Yes please", "The first one", "Can I talk to someone?", "No, Thursday",
           "I need to cancel my appointment", "Where are you located?",
           "Hi, I'm calling about my bill", "Two thirty would be great"],
    "fr": ["Je voudrais prendre rendez-vous", "Vous ouvrez à quelle heure demain ?",
           "Oui s'il vous plaît", "Le premier", "Je peux parler à quelqu'un ?",
           "Non, jeudi", "Je dois annuler mon rendez-vous", "Vous êtes où exactement ?",
           "Bonjour, j'appelle pour ma facture", "Quatorze heures trente, c'est parfait"],
}
BACKCHANNELS = {
    "en": ["mm-hm", "uh-huh", "yeah", "okay", "right", "sure"],
    "fr": ["mm", "oui oui", "d'accord", "ouais", "hm hm", "ah oui"],
}
BURSTS_MS = (60, 120, 250, 400)  # coughs and clicks
LEAD_S, TAIL_S = 1.0, 2.0
HISS = 40.0


def hiss(seconds: float, seed: int) -> Samples:
    noise = np.random.default_rng(seed).normal(0, HISS, int(PHONE_RATE * seconds))
    return noise.astype(np.int16)


def burst(ms: int, seed: int) -> Samples:
    """A cough or a click: noise, low-passed a little, with a fast attack and decay."""
    n = PHONE_RATE * ms // 1000
    noise = np.random.default_rng(seed).normal(0, 6000, n)
    noise = np.convolve(noise, np.ones(3) / 3, mode="same")
    envelope = np.minimum(1.0, np.linspace(0, 8, n)) * np.exp(-np.linspace(0, 3, n))
    shaped: Samples = (noise * envelope).astype(np.int16)
    return shaped


def speech_start(samples: Samples, rate: int) -> float:
    """Seconds to the first 10 ms above -40 dBFS (the clean clip)."""
    step = rate // 100
    for index in range(0, len(samples) - step, step):
        window = samples[index:index + step].astype(np.float64)
        if np.sqrt(np.mean(window ** 2)) > 32768 * 0.01:
            return index / rate
    return 0.0


def hear(clip: Samples, seed: int) -> tuple[float | None, float | None, float]:
    """(seconds into the stream when the prompt pauses, when it would go on; CPU s)."""
    stream = np.concatenate([hiss(LEAD_S, seed), clip, hiss(TAIL_S, seed + 1)])
    audio = ulaw_encode(stream)
    windows = barge_in.detector()
    if windows is None:
        raise SystemExit("Silero VAD is not installed (the `whisper` extra)")
    onset = barge_in.Onset(windows)
    paused = resumed = None
    cpu = time.process_time()
    for index in range(0, len(audio), 160):
        at = (index + 160) / PHONE_RATE
        if onset.add(audio[index:index + 160]) and paused is None:
            paused = at
        elif paused is not None and resumed is None and onset.quiet_s >= barge_in.RESUME_S:
            resumed = at
    return paused, resumed, time.process_time() - cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(voice: str, language: str,
            synthesize: Callable[[str, str], tuple[Samples, int]]) -> list[str]:
    rows = []
    cpu_total = audio_total = 0.0
    for kind, texts in (("answers", ANSWERS[language]),
                        ("backchannels", BACKCHANNELS[language])):
        delays, pauses, fired = [], [], 0
        for seed, text in enumerate(texts):
            samples, rate = synthesize(text, language)
            start = speech_start(samples, rate)
            clip = phone_line(samples, rate, seed=seed)
            paused, resumed, cpu = hear(clip, seed)
            cpu_total += cpu
            audio_total += LEAD_S + TAIL_S + len(clip) / PHONE_RATE
            if paused is not None:
                fired += 1
                delays.append((paused - LEAD_S - start) * 1000)
                if resumed is not None:
                    pauses.append(resumed - paused)
        stops = (f"{percentile(delays, 0.5):.0f} / {percentile(delays, 0.95):.0f}"
                 if delays else "-")
        # An answer stops it for good once understood; "goes on" is a backchannel's.
        gap = f"{statistics.median(pauses):.1f} s" if pauses and kind != "answers" else "-"
        rows.append(f"| {language} | {voice} | {kind} | {fired} / {len(texts)} | {stops} "
                    f"| {gap} |")
    if language == "en" or voice != "piper":
        fired = 0
        for seed, ms in enumerate(BURSTS_MS):
            clip = phone_line(burst(ms, seed), PHONE_RATE, seed=seed)
            fired += hear(clip, seed)[0] is not None
        rows.append(f"| {language} | - | coughs, clicks ({'/'.join(map(str, BURSTS_MS))} ms) "
                    f"| {fired} / {len(BURSTS_MS)} | - | - |")
    rows.append(f"| {language} | {voice} | (cost) | {cpu_total / audio_total * 1000:.1f} ms "
                f"CPU per s of audio | | |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voices", default="piper,pico,espeak")
    args = parser.parse_args(argv)
    print("| lang | voice | clips | pause the prompt | stops after p50 / p95 ms "
          "| prompt goes on after (median) |")
    print("|---|---|---|---|---|---|")
    for voice in args.voices.split(","):
        for language in ("en", "fr"):
            if voice == "piper" and language == "fr":
                continue
            for row in measure(voice, language, VOICES[voice]):
                print(row, flush=True)
    print(f"\nGoal: answers stop the prompt < 250 ms after the caller starts (p95); "
          f"backchannels pause it and it goes on {barge_in.RESUME_S:.1f} s after they "
          f"end; coughs and clicks do nothing.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Barge-in on the caller's voice (the stream transport, `twilio/barge_in.py`): how soon
after a caller starts speaking over a prompt it stops, what "mm-hm"s and coughs do, and
how long a backchannel leaves the prompt silent and how much of it is said again.

Each clip is heard as the app hears it on the stream: a prompt sentence plays from the
start (the same voice), 1 s in the caller starts the clip (after 1 s of line hiss; the
clip through the phone line: 8 kHz, hiss, μ-law, `bench.dialogue_voices.phone_line`),
then 2 s of hiss; fed to `barge_in.Onset` 20 ms frame by frame, as Twilio sends them,
and to the recognizer (whisper, in this process) 100 ms at a time, as
`twilio/conversation.py` does, with `barge_in.Pause` deciding when the prompt goes on.
Kinds of clips:
- answers: the first words of what callers answer at a prompt (the prompt must stop, and
  never go on over them: "went on over" counts those it would have);
- backchannels: "mm-hm", "yeah", « d'accord »… at a menu (they answer nothing: the
  prompt pauses, then goes on; "taken as answers" counts those it would not);
- coughs and clicks: bursts of shaped noise, 60 to 400 ms (nothing should happen).

The clip's speech starts at its first 10 ms above -40 dBFS in the clean synthesized audio;
"stops after" is the time from there to the frame at which the prompt is paused (the
`clear` is sent at once; Twilio's own hop is not on loopback). "Silent" is from the pause
to the frame the prompt goes on, plus the time the recognizer took to read the words
that let it (measured on this machine: the stream's frames go on meanwhile); "before" is
the rule it replaces (`RESUME_S` of quiet, whatever was said). "Again" is how much of the
sentence is said twice: from where it goes on (`playhead.resume_point`) to where it was
cut; before: from the sentence's start. Goals: answers stop the prompt < 250 ms after
the caller starts (p95); backchannels leave it silent well under a second and say little
again; coughs and clicks do nothing.

    python -m bench.barge_in [--voices piper,pico,espeak] [--models data/models]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.dialogue_voices import VOICES, phone_line
from receptionist.call_flows.booking.phrases import voice_choices
from receptionist.call_flows.listening import Ignore, ListenFor, SpokenOption
from receptionist.call_flows.listening import hear as means
from receptionist.speech.audio import PHONE_RATE, Samples, resample, ulaw_decode, ulaw_encode
from receptionist.speech.engines.whisper_engine import WhisperRecognizer, WhisperStream
from receptionist.twilio import barge_in, playhead

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
PROMPTS = {  # the sentence the caller speaks over, 1 s in
    "en": "To book an appointment, say book, or press one. For our opening hours, press two.",
    "fr": "Pour prendre rendez-vous, dites rendez-vous, ou tapez un. Pour nos horaires, "
          "tapez deux.",
}
MENU = {  # a main menu's choices: any other words are sent to it (`answer="said"`)
    "en": (("book", "1", ("book an appointment",)), ("hours", "2", ("opening hours",))),
    "fr": (("book", "1", ("prendre rendez-vous",)), ("hours", "2", ("horaires",))),
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


def menu(language: str) -> ListenFor:
    return ListenFor(answer="said", route="menu", options=tuple(
        SpokenOption(intent=intent, digit=digit, phrases=phrases)
        for intent, digit, phrases in MENU[language]))


def confirmation(language: str) -> ListenFor:
    """A yes / no question, where "yeah" answers."""
    return ListenFor(answer="said", route="menu", options=tuple(
        SpokenOption(intent=f"key{d}", digit=d, phrases=tuple(p))
        for d, p in voice_choices("confirm", language).items()))


@dataclass
class Heard:
    """One clip over a prompt, in the stream's seconds."""

    paused: float | None = None
    resumed: float | None = None  # the prompt went on (its read's decoding included)
    resumed_before: float | None = None  # …by the rule this replaces (`RESUME_S`)
    answered: float | None = None  # the end of the utterance answered (whisper's final)
    quiet: float = 0.0  # how long the caller had been quiet when it went on
    reading: float = 0.0  # of `resumed`, the recognizer's time (wall clock, this machine)
    cpu: float = 0.0


def hear(clip: Samples, seed: int, listen: ListenFor, language: str,
         recognizer: WhisperRecognizer) -> Heard:
    """The clip over a prompt, as `twilio/conversation.py` hears it."""
    stream_audio = np.concatenate([hiss(LEAD_S, seed), clip, hiss(TAIL_S, seed + 1)])
    audio = ulaw_encode(stream_audio)
    windows = barge_in.detector()
    if windows is None:
        raise SystemExit("Silero VAD is not installed (the `whisper` extra)")
    onset = barge_in.Onset(windows)
    words: WhisperStream = recognizer.stream(language=language, phrases=None)
    pause: barge_in.Pause | None = None
    late = 0.0  # the recognizer's time on the reads that decide
    heard = Heard()
    cpu = time.process_time()
    for index in range(0, len(audio), 160):
        at = (index + 160) / PHONE_RATE
        if onset.add(audio[index:index + 160]) and heard.paused is None:
            heard.paused, pause = at, barge_in.Pause(hears=True)
        if heard.paused is not None and heard.resumed_before is None and (
                onset.quiet_s >= barge_in.RESUME_S):
            heard.resumed_before = at
        if (index + 160) % 800 == 0:  # a batch for the recognizer
            batch = ulaw_decode(audio[index + 160 - 800:index + 160])
            started = time.perf_counter()
            final = words.accept(resample(batch, PHONE_RATE, recognizer.sample_rate))
            if final is not None and pause is not None and heard.resumed is None:
                if isinstance(means(listen, final.transcript, language, final.confidence),
                              Ignore):
                    pause.ended_unanswered(onset.quiet_s)
                    late = time.perf_counter() - started
                elif heard.answered is None:
                    heard.answered = at + time.perf_counter() - started
            if pause is not None and heard.resumed is None and heard.answered is None:
                pause.heard(onset.quiet_s)
                number = pause.read_now()
                if number is not None:
                    started = time.perf_counter()
                    so_far = words.peek()
                    late = time.perf_counter() - started
                    pause.read(number, not isinstance(means(
                        listen, so_far.transcript, language, so_far.confidence), Ignore))
        if pause is not None and heard.resumed is None and heard.answered is None:
            pause.heard(onset.quiet_s)
            if pause.goes_on():
                heard.resumed, heard.quiet = at + late, onset.quiet_s + late
                heard.reading = late
    heard.cpu = time.process_time() - cpu
    return heard


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def median(values: list[float], scale: float = 1.0) -> str:
    return f"{statistics.median(values) * scale:.2f}" if values else "-"


def measure(voice: str, language: str, synthesize: Callable[[str, str], tuple[Samples, int]],
            recognizer: WhisperRecognizer) -> list[str]:
    rows = []
    cpu_total = audio_total = 0.0
    prompt_samples, prompt_rate = synthesize(PROMPTS[language], language)
    prompt = ulaw_encode(resample(prompt_samples, prompt_rate, PHONE_RATE))
    for kind, texts in (("answers", ANSWERS[language]),
                        ("backchannels", BACKCHANNELS[language])):
        delays: list[float] = []
        silent, quiet, before, again, again_before = [], [], [], [], []
        fired = wrong = yes = over = 0
        for seed, text in enumerate(texts):
            samples, rate = synthesize(text, language)
            start = speech_start(samples, rate)
            clip = phone_line(samples, rate, seed=seed)
            heard = hear(clip, seed, menu(language), language, recognizer)
            cpu_total += heard.cpu
            audio_total += LEAD_S + TAIL_S + len(clip) / PHONE_RATE
            if heard.paused is None:
                continue
            fired += 1
            delays.append((heard.paused - LEAD_S - start) * 1000)
            if kind == "answers":
                # Went on over an answer: before the end of it was heard as one.
                wrong += heard.resumed is not None and (
                    heard.answered is None or heard.resumed < heard.answered)
                continue
            wrong += heard.answered is not None  # a backchannel taken for an answer
            if heard.resumed is not None:
                silent.append(heard.resumed - heard.paused)
                quiet.append(heard.quiet)
            if heard.resumed_before is not None:
                before.append(heard.resumed_before - heard.paused)
            cut = int(heard.paused * PHONE_RATE)
            again.append((cut - playhead.resume_point(prompt, cut)) / PHONE_RATE)
            again_before.append(cut / PHONE_RATE)
            # At a yes / no question the same words are a yes: never talked over.
            asked = hear(clip, seed, confirmation(language), language, recognizer)
            yes += asked.answered is not None
            over += asked.answered is not None and asked.resumed is not None and (
                asked.resumed < asked.answered)
        stops = (f"{percentile(delays, 0.5):.0f} / {percentile(delays, 0.95):.0f}"
                 if delays else "-")
        if kind == "answers":
            rows.append(f"| {language} | {voice} | answers | {fired} / {len(texts)} | {stops} "
                        f"| went on over {wrong} | - | - |")
        else:
            rows.append(
                f"| {language} | {voice} | backchannels | {fired} / {len(texts)} | {stops} "
                f"| {median(silent)} s, {median(quiet)} s after they stopped "
                f"(max {max(silent, default=float('nan')):.2f}; before {median(before)} s); "
                f"taken as answers {wrong}; at a yes/no question taken as yes {yes} / "
                f"{fired}, talked over {over} "
                f"| {median(again)} s (before {median(again_before)} s) |")
    if language == "en" or voice != "piper":
        fired = 0
        cough_silent = []
        for seed, ms in enumerate(BURSTS_MS):
            clip = phone_line(burst(ms, seed), PHONE_RATE, seed=seed)
            heard = hear(clip, seed, menu(language), language, recognizer)
            if heard.paused is not None:
                fired += 1
                if heard.resumed is not None:
                    cough_silent.append(heard.resumed - heard.paused)
        rows.append(f"| {language} | - | coughs, clicks ({'/'.join(map(str, BURSTS_MS))} ms) "
                    f"| {fired} / {len(BURSTS_MS)} | - | {median(cough_silent)} s | - |")
    rows.append(f"| {language} | {voice} | (cost) | {cpu_total / audio_total * 1000:.1f} ms "
                f"CPU per s of audio (Silero and whisper) | | | |")
    return rows


def recognizer_from(folder: Path) -> WhisperRecognizer:
    from receptionist.speech.engines import whisper_models

    found = whisper_models.found(folder)
    if "whisper-base" not in found:
        raise SystemExit(f"whisper base is not in {folder}: receptionist models install "
                         "whisper-base")
    return WhisperRecognizer(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voices", default="piper,pico,espeak")
    parser.add_argument("--models", type=Path,
                        default=Path(__file__).resolve().parent.parent / "data" / "models")
    args = parser.parse_args(argv)
    recognizer = recognizer_from(args.models)
    print("| lang | voice | clips | pause the prompt | stops after p50 / p95 ms "
          "| silent (median) | said again (median) |")
    print("|---|---|---|---|---|---|---|")
    for voice in args.voices.split(","):
        for language in ("en", "fr"):
            if voice == "piper" and language == "fr":
                continue
            for row in measure(voice, language, VOICES[voice], recognizer):
                print(row, flush=True)
    print(f"\nGoal: answers stop the prompt < 250 ms after the caller starts (p95) and it "
          f"never goes on over them; backchannels let it go on as soon as their words are "
          f"read as answering nothing ({barge_in.READ_AFTER_S:.2f} s of quiet, then the "
          f"read), from the gap between words before the cut; coughs and clicks do "
          f"nothing.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How well the local voices are understood on a phone line, and how fast they speak.

For each language and each installed local voice speaking it (Piper, SVOX Pico,
espeak-ng): every prompt of the demo scripts and 100 sentences generated from templates
(times, names, prices, dates, phone numbers), prepared for speech (voice.text_prep),
rendered, put through Twilio's 8 kHz μ-law channel with line hiss, and transcribed by
the project's recognizer for the language (whisper tiny.en in English, whisper base in
French: a stand-in for a caller's ear). Word error rate: both texts lowercased, without
punctuation, figures spelled out (voice.text_prep.numbers), so "9:30 a.m." and "nine
thirty a m" compare equal.

Speed, on this machine: real-time factor (rendering seconds per second of audio), CPU
seconds per minute of speech, and time to first audio of a 12-word sentence (p95 of 20;
the first sentence's audio, as a stream would play it).

    nice -n 10 python -m bench.voices [--sentences 100] [--models DIR] [--languages en,fr]
                                      [--voices local:pico:fr-FR,...] [--speed-only]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.word_distance import word_errors
from receptionist.call_flows.loader import parse_script
from receptionist.demo import demo_script_text
from receptionist.speech.audio import Samples, resample, ulaw_decode
from receptionist.speech.recognizer import Recognizer, recognize
from receptionist.twilio.frames import stream_frames
from receptionist.voice import catalog, speaking
from receptionist.voice.catalog import Voice
from receptionist.voice.text_prep.numbers import words as number_words
from receptionist.voice.text_prep.prepare import for_speech

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {"en": ("demo.yaml", "en-US"), "fr": ("demo-fr.yaml", "fr-FR")}
EARS = {"en": "whisper-tiny-en", "fr": "whisper-base"}
HISS = 40.0
GOAL_WER = 0.08
GOAL_FIRST_AUDIO_S = 0.150
FIRST_AUDIO_RUNS = 20
TWELVE_WORDS = {
    "en": "Your appointment with Doctor Martin is confirmed for Thursday morning at nine.",
    "fr": "Votre rendez-vous avec le docteur Martin est confirmé pour jeudi matin, merci.",
}
PROMPT_FIELDS = ("text", "prompt", "reprompt", "thanks", "answer", "confirm")


def demo_prompts(language: str) -> list[str]:
    """Every text a demo script says (its steps' prompts, its FAQ answers, its notice)."""
    script = parse_script(demo_script_text(SCRIPTS[language][0]))
    texts: list[str] = []
    for step in script.steps.values():
        for name in PROMPT_FIELDS:
            value = getattr(step, name, None)
            if isinstance(value, str) and value.strip():
                texts.append(value)
    texts += [entry.answer for entry in script.faq]
    if script.recording_notice:
        texts.append(script.recording_notice)
    return list(dict.fromkeys(t for t in texts if "{" not in t))


_EN = {
    "names": ["Martin", "Johnson", "Nguyen", "Garcia", "O'Brien", "Patel", "Kowalski",
              "Williams", "Okafor", "Lefebvre"],
    "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "months": ["January", "March", "April", "June", "September", "December"],
    "services": ["check-up", "cleaning", "filling", "consultation", "x-ray", "whitening"],
    "templates": [
        "Your appointment with Dr {name} is on {day} at {time}.",
        "The {service} costs ${price}.",
        "Please call us back on {phone}.",
        "We are open from {time} to {time2} on {day}.",
        "I can book you on {month} {ordinal} at {time}.",
        "Dr {name} has a free time on {day}, {month} {ordinal}.",
        "A {service} with Dr {name} is ${price} and takes {minutes} minutes.",
        "Your {service} is confirmed for {day} at {time}, see you then.",
        "We will send a reminder to {phone} the day before.",
        "The first available time is {day} at {time}, with Dr {name}.",
    ],
}
_FR = {
    "names": ["Martin", "Dubois", "Lefèvre", "Moreau", "Nguyen", "Girard", "Benali",
              "Rousseau", "Fontaine", "Mercier"],
    "days": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    "months": ["janvier", "mars", "avril", "juin", "septembre", "décembre"],
    "services": ["consultation", "détartrage", "contrôle", "radio", "soin", "blanchiment"],
    "templates": [
        "Votre rendez-vous avec le Dr {name} est {day} à {time}.",
        "Le tarif d'un {service} est de {price} €.",
        "Rappelez-nous au {phone}.",
        "Nous sommes ouverts de {time} à {time2} le {day}.",
        "Je peux vous proposer le {ordinal} {month} à {time}.",
        "Le Dr {name} a un créneau libre {day} {ordinal} {month}.",
        "Un {service} avec le Dr {name} coûte {price} € et dure {minutes} minutes.",
        "Votre {service} est confirmé pour {day} à {time}, à bientôt.",
        "Nous enverrons un rappel au {phone} la veille.",
        "Le premier créneau libre est {day} à {time}, avec le Dr {name}.",
    ],
}


def generated(language: str, count: int, seed: int = 7) -> list[str]:
    """`count` sentences from the language's templates, filled at random (fixed seed)."""
    data = _FR if language == "fr" else _EN
    rng = random.Random(seed)
    out = []
    for index in range(count):
        template = data["templates"][index % len(data["templates"])]
        hour, minute = rng.randint(8, 18), rng.choice([0, 15, 30, 45, 5])
        hour2 = min(hour + rng.randint(1, 4), 20)
        if language == "fr":
            time_, time2 = f"{hour} h {minute:02d}" if minute else f"{hour} h", f"{hour2} h"
            phone = "0" + str(rng.randint(1, 7)) + " " + " ".join(
                f"{rng.randint(10, 99)}" for _ in range(4))
            day_of_month = rng.randint(1, 28)
            ordinal = "1er" if day_of_month == 1 else str(day_of_month)
        else:
            half = "AM" if hour < 12 else "PM"
            h12 = hour if hour <= 12 else hour - 12
            time_ = f"{h12}:{minute:02d} {half}" if minute else f"{h12} {half}"
            h2 = hour2 if hour2 <= 12 else hour2 - 12
            time2 = f"{h2} {'AM' if hour2 < 12 else 'PM'}"
            phone = f"{rng.randint(201, 989)} 555 {rng.randint(0, 9999):04d}"
            day_of_month = rng.randint(1, 28)
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(
                day_of_month % 10 if day_of_month not in (11, 12, 13) else 0, "th")
            ordinal = f"{day_of_month}{suffix}"
        out.append(template.format(
            name=rng.choice(data["names"]), day=rng.choice(data["days"]),
            month=rng.choice(data["months"]), service=rng.choice(data["services"]),
            time=time_, time2=time2, phone=phone, ordinal=ordinal,
            price=rng.choice([45, 80, 120, 43, 60, 95, 150, 25]),
            minutes=rng.choice([15, 20, 30, 45, 60])))
    return out


def phone_line(samples: Samples, rate: int, seed: int) -> Samples:
    """16 kHz samples of what a caller hears: 8 kHz, hiss, μ-law (as Twilio carries it)."""
    narrow = resample(samples, rate, 8000) if rate != 8000 else samples
    noisy = narrow.astype(np.float64) + np.random.default_rng(seed).normal(0, HISS,
                                                                           narrow.size)
    clipped = np.clip(noisy, -32768, 32767).astype(np.int16)
    return resample(ulaw_decode(b"".join(stream_frames(clipped, 8000))), 8000, 16000)


def normalized(text: str, language: str) -> list[str]:
    """Words to compare: prepared for speech (prices, times…), figures spelled out, no
    punctuation, "a.m." as "a m", hyphens as spaces."""
    # whisper writes "1.15pm", "1230 PM": clock times all the same
    text = re.sub(r"\b(\d{1,2})[.]?(\d{2})\s?([AaPp]\.?[Mm])", r"\1:\2 \3", text)
    text = for_speech(text, language).lower()
    text = re.sub(r"\b([ap])\.\s?m\.?", r"\1 m", text)
    text = re.sub(r"\d+", lambda m: " " + number_words(int(m[0]), language) + " "
                  if len(m[0]) < 10 else m[0], text)
    return re.sub(r"[^\w' ]+", " ", text.replace("-", " ")).split()


@dataclass
class Measured:
    voice: Voice
    errors: int = 0
    words: int = 0
    render_s: float = 0.0
    cpu_s: float = 0.0
    audio_s: float = 0.0
    first_audio: list[float] = field(default_factory=list)
    worst: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def wer(self) -> float:
        return self.errors / max(self.words, 1)


def ear(language: str, models: Path) -> Recognizer:
    from receptionist.speech.engines import whisper_engine, whisper_models
    from receptionist.speech.engines.whisper_engine import WhisperRecognizer

    name = EARS[language]
    # The recognizer caps its tokens at 6 a second of audio (callers' short answers); a
    # French prompt needs more (the multilingual tokenizer cuts French words finer), and
    # this bench measures the voice, not that cap.
    whisper_engine.TOKENS_PER_SECOND = 12
    whisper_engine.MAX_TOKENS = 400
    found = whisper_models.found(models)
    if name not in found:
        raise SystemExit(f"{name} is not installed in {models}: "
                         f"receptionist models install {name}")
    return WhisperRecognizer({name: found[name]})


def first_audio_times(voice: Voice, language: str) -> list[float]:
    sentence = TWELVE_WORDS[language]
    times = []
    for _ in range(FIRST_AUDIO_RUNS):
        start = time.perf_counter()
        parts = speaking.chunks(voice, for_speech(sentence, language))
        next(parts)
        times.append(time.perf_counter() - start)
        for _rest in parts:
            pass
    return times


def measure(voice: Voice, language: str, texts: list[str], recognizer: Recognizer | None
            ) -> Measured:
    """`recognizer` None: speed only (no word error rate)."""
    result = Measured(voice)
    speaking.speak(voice, "Warm up.")  # loading a model is not rendering
    for index, text in enumerate(texts):
        prepared = for_speech(text, language)
        cpu, wall = time.process_time(), time.perf_counter()
        samples, rate = speaking.speak(voice, prepared)
        result.render_s += time.perf_counter() - wall
        result.cpu_s += time.process_time() - cpu
        result.audio_s += samples.size / rate
        if recognizer is None:
            continue
        heard = recognize(recognizer, phone_line(samples, rate, index), 16000,
                          language=language, phrases=None)
        reference = normalized(text, language)
        errors = word_errors(reference, normalized(heard.transcript, language))
        result.errors += errors
        result.words += len(reference)
        if errors:
            result.worst.append((errors, text, heard.transcript))
    result.first_audio = first_audio_times(voice, language)
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


HEADER = ("| language | voice | default | WER | RTF | CPU s / min of speech "
          "| first audio p95 (12 words) |\n|---|---|---|---|---|---|---|")


def table_row(language: str, is_default: bool, r: Measured, speed_only: bool) -> str:
    first = p95(r.first_audio)
    wer = "-" if speed_only else f"{r.wer:.1%}" + (
        "" if not is_default or r.wer <= GOAL_WER else " (goal ≤ 8 %)")
    return (f"| {language} | {r.voice.spec} | {'yes' if is_default else ''} | {wer} "
            f"| {r.render_s / max(r.audio_s, 1e-9):.3f} "
            f"| {60 * r.cpu_s / max(r.audio_s, 1e-9):.1f} "
            f"| {first * 1000:.0f} ms{'' if first < GOAL_FIRST_AUDIO_S else ' (goal < 150)'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--languages", default="en,fr")
    parser.add_argument("--models", type=Path, default=Path(
        os.environ.get("VOSK_MODEL_DIR", ROOT / "data" / "models")))
    parser.add_argument("--mistakes", action="store_true", help="print the worst sentences")
    parser.add_argument("--speed-only", action="store_true", help="no recognizer, no WER")
    parser.add_argument("--voices", default="", help="only these (local:pico:fr-FR,…)")
    args = parser.parse_args()
    rows = []
    installed = catalog.installed()
    for language in args.languages.split(","):
        locale = SCRIPTS[language][1]
        prompts = demo_prompts(language)
        texts = prompts + generated(language, args.sentences)
        recognizer = None if args.speed_only else ear(language, args.models)
        default = catalog.choose("local", locale, installed)
        voices = catalog.for_language(locale, installed)
        print(f"{language}: {len(prompts)} demo prompts + {args.sentences} generated "
              f"sentences, ear {EARS[language]}, default {default.spec}", flush=True)
        for voice in voices:
            if args.voices and voice.spec not in args.voices.split(","):
                continue
            result = measure(voice, language, texts, recognizer)
            rows.append((language, voice is default, result))
            print(table_row(language, voice is default, result, args.speed_only), flush=True)
            if args.mistakes:
                for errors, text, heard in sorted(result.worst, reverse=True)[:8]:
                    print(f"    {errors} | {text} | {heard}")
    print()
    print(HEADER)
    for language, is_default, result in rows:
        print(table_row(language, is_default, result, args.speed_only))


if __name__ == "__main__":
    main()

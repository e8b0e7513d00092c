"""Which local voices are installed, and which one speaks a script.

Engines, best first for a language: Piper (neural; the bundled `en_US-joe-medium` and
any voice installed into the voices folder, `voice_install.py`), SVOX Pico (en-US, en-GB,
fr-FR) and espeak-ng (every language, robotic: the last resort). A script says `local`
(the best installed for its language), `local:ENGINE` (that engine's best) or
`local:ENGINE:NAME` (that voice: `local:pico:fr-FR`, `local:piper:en_US-joe-medium`,
`local:espeak:fr-fr+f3`). The first syntax, `local:VOICE` with an espeak-ng voice
(`local:fr-fr+f3`), still means that espeak-ng voice.

The voices folder is the process's (`keep_voices_in`, set by the runtime and the CLI from
`Settings.voices_dir`), like the intent models' folder: the script checks run where no
runtime is passed down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from receptionist.catalog_text import Refused
from receptionist.i18n import N_
from receptionist.voice import espeak_lib, pico_engine, piper_engine
from receptionist.voice.piper_engine import PiperFiles

LOCAL = "local"
ENGINES = ("piper", "pico", "espeak")
PIPER_FOLDER = "piper"  # <voices folder>/piper/<name>/<name>.onnx(.json)
# `local`, `local:ENGINE`, `local:ENGINE:NAME` (a Piper voice file's name, a Pico locale,
# an espeak-ng language or identifier such as `roa/fr`, with a `+variant`).
VOICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+/-]{0,79}$")
LICENCES = {
    "piper": "piper-tts GPL-3.0-or-later; voice: see its model card",
    "pico": "SVOX Pico (py-nanotts) Apache-2.0",
    "espeak": "espeak-ng GPL-3.0-or-later",
}
# Bundled voices' own licences (the README says more).
VOICE_LICENCES = {
    "en_US-joe-medium": "MIT package, CC0 dataset; fine-tuned from lessac "
                        "(its dataset's licence restricts commercial use)",
}
# espeak-ng's voice for a locale when nothing else is named.
ESPEAK_DEFAULTS = {"en": "en-us", "fr": "fr-fr"}

_kept_in: Path | None = None
_found: dict[Path | None, list[Voice]] = {}


class VoiceProblem(Refused):
    """A script names a local voice that cannot speak (its message is a script problem)."""


@dataclass(frozen=True)
class Voice:
    engine: str
    name: str
    language: str  # a locale, "en-US"
    licence: str
    files: PiperFiles | None = None  # Piper's model and config

    @property
    def spec(self) -> str:
        """What a script's `voice:` says to pick exactly this voice."""
        return f"{LOCAL}:{self.engine}:{self.name}"

    @property
    def streams_sentences(self) -> bool:
        return self.engine == "piper"


def keep_voices_in(folder: Path | None) -> None:
    """Voices installed by `receptionist voices install` live in `folder`."""
    global _kept_in
    _kept_in = folder


def voices_folder() -> Path | None:
    return _kept_in


def is_local(voice: str | None) -> bool:
    return voice is not None and (voice == LOCAL or voice.startswith(LOCAL + ":"))


def parse(voice: str) -> tuple[str | None, str | None]:
    """(engine, name) of a `local[:ENGINE[:NAME]]` voice, None where not said.
    VoiceProblem for an engine we do not have or a name that cannot be a voice's."""
    parts = voice.split(":", 2)
    if parts[0] != LOCAL:
        raise VoiceProblem(N_("script.problem.local_voice"))
    engine = parts[1] if len(parts) > 1 else None
    name = parts[2] if len(parts) > 2 else None
    if len(parts) == 2 and engine not in ENGINES and VOICE_NAME.match(parts[1]) \
            and espeak_voice(parts[1]) is not None:
        return "espeak", parts[1]  # the first syntax, `local:fr-fr+f3`: espeak-ng's voices
    if engine is not None and engine not in ENGINES:
        raise VoiceProblem(N_("script.problem.local_voice_engine"), engine=engine[:40],
                           engines=", ".join(ENGINES))
    if name is not None and not VOICE_NAME.match(name):
        raise VoiceProblem(N_("script.problem.local_voice"))
    return engine, name


def piper_voices(folder: Path | None = None) -> list[Voice]:
    """The bundled Piper voices, then those installed in the voices folder."""
    found = [*piper_engine.bundled()]
    root = (folder or _kept_in)
    if root is not None and (root / PIPER_FOLDER).is_dir():
        for path in sorted((root / PIPER_FOLDER).iterdir()):
            model, config = path / f"{path.name}.onnx", path / f"{path.name}.onnx.json"
            if model.is_file() and config.is_file():
                found.append(PiperFiles(model, config))
    voices = []
    for files in found:
        try:
            language = piper_engine.language_of(files)
        except ValueError:
            continue  # a damaged config: not offered
        voices.append(Voice("piper", files.name, language,
                            VOICE_LICENCES.get(files.name, LICENCES["piper"]), files))
    return voices


def pico_voices() -> list[Voice]:
    if not pico_engine.available():
        return []
    return [Voice("pico", name, name, LICENCES["pico"]) for name in pico_engine.VOICES]


def espeak_voices() -> list[Voice]:
    """espeak-ng's default voice of each language we speak (any other of its voices may be
    named: `espeak_voice`)."""
    try:
        espeak_lib.get()
    except espeak_lib.EspeakUnavailable:
        return []
    return [Voice("espeak", name, f"{lang}-{name.split('-')[1].upper()}", LICENCES["espeak"])
            for lang, name in ESPEAK_DEFAULTS.items()]


def espeak_voice(name: str) -> Voice | None:
    """Any voice espeak-ng knows by language or identifier (`fr-be`, `roa/fr`, `+f3`)."""
    try:
        espeak = espeak_lib.get()
        espeak.voice_id(name)
    except (espeak_lib.EspeakUnavailable, ValueError):
        return None
    return Voice("espeak", name, name.split("+")[0], LICENCES["espeak"])


def installed(folder: Path | None = None) -> list[Voice]:
    """Every installed voice, engines best first (looked up once per folder: a voice
    installed by another process is seen after a restart, or `forget`)."""
    root = folder or _kept_in
    if root not in _found:
        _found[root] = [*piper_voices(root), *pico_voices(), *espeak_voices()]
    return list(_found[root])


def forget() -> None:
    _found.clear()


def _fit(voice: Voice, language: str) -> int:
    """2: the script's locale; 1: its language; 0: another language."""
    if voice.language.lower() == language.lower():
        return 2
    same = voice.language.split("-")[0].lower() == language.split("-")[0].lower()
    return 1 if same else 0


def for_language(language: str, voices: list[Voice]) -> list[Voice]:
    """The voices speaking `language`, best first: engines in order, then the exact locale
    before another country's (an en-GB voice still reads an en-US script)."""
    fitting = [v for v in voices if _fit(v, language)]
    return sorted(fitting, key=lambda v: (ENGINES.index(v.engine), -_fit(v, language)))


def choose(voice: str, language: str, voices: list[Voice] | None = None) -> Voice:
    """The voice speaking a script's `voice:` in `language`; VoiceProblem when none can."""
    engine, name = parse(voice)
    pool = installed() if voices is None else voices
    if engine == "espeak" and name is not None:
        match = [v for v in pool if v.engine == "espeak" and v.name == name]
        found = match[0] if match else espeak_voice(name) if voices is None else None
        if found is None:
            raise VoiceProblem(N_("script.problem.local_voice_missing"), voice=voice)
        return found
    if name is not None:
        for candidate in pool:
            if candidate.engine == engine and candidate.name == name:
                return candidate
        raise VoiceProblem(N_("script.problem.local_voice_missing"), voice=voice)
    fitting = [v for v in for_language(language, pool) if engine in (None, v.engine)]
    if not fitting:
        raise VoiceProblem(N_("script.problem.local_voice_none"), voice=voice,
                           locale=language)
    return fitting[0]

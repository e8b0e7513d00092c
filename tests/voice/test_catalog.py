"""Which voice speaks a script: `local` the best installed for its language, `local:ENGINE`
that engine's best, `local:ENGINE:NAME` that voice; the script check refuses an engine we
do not have and a voice not installed."""

from __future__ import annotations

import pytest

from receptionist.call_flows.loader import ScriptError, parse_script
from receptionist.demo import demo_script_text
from receptionist.voice import catalog
from receptionist.voice.catalog import Voice, VoiceProblem

JOE = Voice("piper", "en_US-joe-medium", "en-US", "")
SIWIS = Voice("piper", "fr_FR-siwis-medium", "fr-FR", "")
PICO = [Voice("pico", n, n, "") for n in ("en-US", "en-GB", "fr-FR")]
ESPEAK = [Voice("espeak", "en-us", "en-US", ""), Voice("espeak", "fr-fr", "fr-FR", "")]


def test_local_picks_piper_then_pico_then_espeak() -> None:
    everything = [JOE, SIWIS, *PICO, *ESPEAK]
    assert catalog.choose("local", "en-US", everything) == JOE
    assert catalog.choose("local", "fr-FR", everything) == SIWIS
    assert catalog.choose("local", "fr-FR", [JOE, *PICO, *ESPEAK]) == PICO[2]
    assert catalog.choose("local", "fr-FR", ESPEAK) == ESPEAK[1]
    # Another country's voice of the language still speaks; its own country's first.
    assert catalog.choose("local", "en-GB", [*PICO, *ESPEAK]) == PICO[1]
    assert catalog.choose("local", "en-CA", [*PICO, *ESPEAK]) == PICO[0]


def test_an_engine_or_a_voice_by_name() -> None:
    voices = [JOE, *PICO, *ESPEAK]
    assert catalog.choose("local:pico", "en-US", voices) == PICO[0]
    assert catalog.choose("local:espeak", "fr-FR", voices) == ESPEAK[1]
    assert catalog.choose("local:pico:en-GB", "en-US", voices) == PICO[1]
    assert catalog.choose("local:piper:en_US-joe-medium", "en-US", voices) == JOE


def test_what_cannot_speak_is_a_script_problem() -> None:
    voices = [JOE, *PICO, *ESPEAK]
    with pytest.raises(VoiceProblem) as missing:
        catalog.choose("local:piper:fr_FR-siwis-medium", "fr-FR", voices)
    assert missing.value.text.msgid == "script.problem.local_voice_missing"
    with pytest.raises(VoiceProblem) as none:
        catalog.choose("local:piper", "fr-FR", voices)
    assert none.value.text.msgid == "script.problem.local_voice_none"
    with pytest.raises(VoiceProblem) as engine:
        catalog.choose("local:festival:kal", "en-US", voices)
    assert engine.value.text.msgid == "script.problem.local_voice_engine"
    for odd in ("local:pico:../../etc", "local:pico:-f", "locals", "local:pico:a b"):
        with pytest.raises(VoiceProblem):
            catalog.parse(odd)


def test_espeak_names_any_of_its_voices() -> None:
    assert catalog.choose("local:espeak:fr-be", "fr-FR").name == "fr-be"
    assert catalog.choose("local:fr-fr+f3", "fr-FR").name == "fr-fr+f3"  # the first syntax
    with pytest.raises(VoiceProblem):
        catalog.choose("local:espeak:xx-nowhere", "fr-FR")


def _with_voice(voice: str) -> str:
    return demo_script_text("demo-fr.yaml").replace("language: fr-FR",
                                                      f"language: fr-FR\nvoice: {voice}")


def test_the_script_check_refuses_an_unknown_engine_or_a_missing_voice() -> None:
    assert parse_script(_with_voice("local")).voice == "local"
    assert parse_script(_with_voice("local:pico:fr-FR")).voice == "local:pico:fr-FR"
    with pytest.raises(ScriptError) as engine:
        parse_script(_with_voice("local:festival"))
    [problem] = engine.value.problems
    assert "festival" in str(problem) and problem.path == "voice" and problem.line
    text = _with_voice("local:festival")
    assert text.splitlines()[problem.line - 1] == "voice: local:festival"
    with pytest.raises(ScriptError) as missing:
        parse_script(_with_voice("local:piper:fr_FR-nobody-medium"))
    [problem] = missing.value.problems
    assert "fr_FR-nobody-medium" in str(problem) and "not installed" in str(problem)

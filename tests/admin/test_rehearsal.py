"""The warm-up's rehearsal: each language's calls once in the trial call's sandbox, on the
open-hours paths whatever the time, without a log line that looks like a real call."""

from __future__ import annotations

import logging

import pytest

from receptionist.admin.trial_call import (
    REHEARSAL_KEYS,
    _Rehearsing,
    always_open,
    rehearse,
    run_trial_call,
)
from receptionist.call_flows.loader import parse_script
from receptionist.config import Settings
from receptionist.demo import demo_script_text
from receptionist.weekly_hours import DAYS
from tests.conftest import FixedClock


def test_always_open_keeps_the_script_but_its_hours() -> None:
    text = demo_script_text("demo.yaml")
    opened = parse_script(always_open(text))
    original = parse_script(text)
    assert opened.steps == original.steps and opened.language == original.language
    assert set(opened.hours) == set(DAYS) and opened.hours != original.hours
    assert not opened.holidays


def test_the_rehearsal_takes_the_bookings_messages_and_transfers_paths(
        settings: Settings, clock: FixedClock) -> None:
    paths = {key: run_trial_call(settings, clock, slug="demo",
                                 yaml_text=always_open(demo_script_text("demo.yaml")),
                                 actions=[], caller="+15550000000",
                                 answering=_Rehearsing(key)).path for key in "012"}
    assert "transfer" in paths["0"] and "book" in paths["1"] and "message" in paths["2"]


def test_rehearse_runs_every_key_of_each_script_and_logs_no_call(
        settings: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    scripts = [("demo", demo_script_text("demo.yaml")),
               ("demo-fr", demo_script_text("demo-fr.yaml"))]
    assert rehearse(settings, clock, scripts) == 2 * len(REHEARSAL_KEYS)
    assert not [r for r in caplog.records if r.name.startswith("receptionist.notifications")]
    # The filter is gone: a real call's line is logged again.
    logging.getLogger("receptionist.notifications.service").info("a real call")
    assert caplog.records[-1].getMessage() == "a real call"

"""Process logging: text or JSON lines, LOG_LEVEL, the chatty libraries quiet."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from receptionist.config import Settings
from receptionist.log_format import JsonLines, configure


def test_json_lines_carry_the_extra_fields() -> None:
    record = logging.LogRecord("receptionist.x", logging.INFO, __file__, 1, "call %s: %s",
                               ("CA1", "booked"), None)
    record.outcome = "booked"
    record.duration_s = 42
    line = json.loads(JsonLines().format(record))
    assert line["message"] == "call CA1: booked" and line["level"] == "INFO"
    assert (line["outcome"], line["duration_s"], line["logger"]) == ("booked", 42,
                                                                    "receptionist.x")
    assert "args" not in line and "msg" not in line


def test_the_scheduler_is_quiet_unless_debugging(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO", "text")
    logging.getLogger("apscheduler.executors.default").info("Job executed successfully")
    logging.getLogger("receptionist.notifications.service").info("call CA1 demo: booked")
    err = capsys.readouterr().err
    assert "Job executed" not in err and "call CA1 demo: booked" in err
    configure("DEBUG", "json")
    logging.getLogger("apscheduler.executors.default").info("Job executed successfully")
    assert json.loads(capsys.readouterr().err.strip())["message"] == "Job executed successfully"


def test_settings_take_the_level_in_any_case() -> None:
    assert Settings(log_level="debug", log_format="json").log_level == "DEBUG"
    with pytest.raises(ValueError):
        Settings(log_level="chatty")


def test_its_handler_follows_stderr_and_leaves_others_in_place(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    other = logging.NullHandler()
    root.addHandler(other)
    borrowed = io.StringIO()
    monkeypatch.setattr(sys, "stderr", borrowed)  # a runner's stream while configuring
    configure("INFO", "text")
    configure("INFO", "text")
    monkeypatch.undo()
    borrowed.close()  # the runner is done with it
    logging.getLogger("receptionist.x").warning("after the runner")
    err = capsys.readouterr().err
    assert "after the runner" in err and "Logging error" not in err  # not a closed file
    ours = [h for h in root.handlers if type(h).__name__ == "_Stderr"]
    assert len(ours) == 1 and other in root.handlers
    root.removeHandler(other)

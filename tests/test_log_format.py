"""Process logging: text or JSON lines, LOG_LEVEL, the chatty libraries quiet."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from receptionist.config import Settings
from receptionist.log_format import CHATTY, JsonLines, configure


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in CHATTY}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


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

"""How the processes log: one format for the whole process (text, or one JSON object per
line for log collectors), the level from LOG_LEVEL, and the chatty libraries kept at
WARNING (the scheduler's "job executed" lines every few seconds, each HTTP request's
access line), so that one line per call and real problems stand out."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that say something at INFO several times a second or a call; WARNING and up
# still show. With LOG_LEVEL=DEBUG they speak again.
CHATTY = ("apscheduler", "uvicorn.access", "httpx", "httpcore", "caldav", "urllib3",
          "faster_whisper", "httpx2")  # httpx2: Starlette's test client (the demo's history)
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message", "asctime", "taskName"}


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record comes (as logging's last-resort
    handler does), so that a replaced stream (a test runner's) never leaves it writing
    to a closed file."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class JsonLines(logging.Formatter):
    """{"time", "level", "logger", "message", …the record's `extra` fields}."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        payload.update({key: value for key, value in record.__dict__.items()
                        if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    """Set up the root logger for the process: one handler of ours (configuring again
    replaces it; handlers others installed stay)."""
    handler = _Stderr()
    handler.setFormatter(JsonLines() if fmt == "json" else logging.Formatter(TEXT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in CHATTY:
        logging.getLogger(name).setLevel(quiet)

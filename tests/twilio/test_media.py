"""The media stream's part alone: batching, asking the flow what words mean, redirect URLs.
Recognition is replaced by transcripts we choose (the end-to-end tests hear real audio)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import pytest
from sqlmodel import Session

from receptionist.call_flows.listening import ListenFor, SpokenOption
from receptionist.call_flows.loader import parse_script
from receptionist.calls import service as calls
from receptionist.demo import demo_script_text
from receptionist.runtime import Runtime
from receptionist.speech.process_pool import Heard
from receptionist.speech.recognizer import Recognition
from receptionist.tenants.service import get_tenant
from receptionist.twilio.media import BATCH_BYTES, MediaSession
from tests.conftest import FixedClock

SID = "CA" + "8" * 32


class ScriptedStream:
    """Hears, for each batch, the next transcript of the script ("" = nothing yet)."""

    def __init__(self, said: list[str]) -> None:
        self.said = said
        self.closed = False

    async def accept(self, ulaw: bytes, *, spoken_at: float | None = None) -> Heard:
        text = self.said.pop(0) if self.said else ""
        return Heard(final=Recognition(text, 0.9) if text else None, partial="")

    def close(self) -> None:
        self.closed = True


class ScriptedPool:
    def __init__(self, said: list[str]) -> None:
        self.said = said
        self.opened: list[Sequence[str] | None] = []

    async def open(self, *, language: str, phrases: Sequence[str] | None) -> ScriptedStream:
        self.opened.append(phrases)
        return ScriptedStream(self.said)


def _waiting(session: Session, clock: FixedClock, listen: ListenFor, step: str) -> None:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=SID, tenant_id=demo.id, from_number="+1555",
                           to_number="+15005550006", script_version=1, now=clock())
    call.current_step, call.seq, call.step_data = step, 7, listen.dump()
    session.add(call)
    session.commit()


def _feed(runtime: Runtime, said: list[str]) -> tuple[str | None, ScriptedPool]:
    pool = ScriptedPool(said)
    runtime._recognition = pool  # type: ignore[assignment]
    media = MediaSession(runtime, SID, parse_script(demo_script_text("demo.yaml")))

    async def run() -> str | None:
        for _ in range(len(said) + 1):
            url = await media.feed(b"\xff" * BATCH_BYTES)
            if url is not None:
                return url
        return None
    return anyio.run(run), pool


MENU = ListenFor(answer="said", route="menu",
                 query=(("step", "main_menu"), ("attempt", 0), ("seq", 7)), options=(
                     SpokenOption(intent="book", digit="1", phrases=("appointment",)),
                     SpokenOption(intent="message", digit="2", phrases=("leave a message",))))


def test_an_utterance_at_a_menu_redirects_the_call_to_its_callback_with_the_words(
        session: Session, clock: FixedClock, runtime: Runtime) -> None:
    _waiting(session, clock, MENU, "main_menu")
    url, pool = _feed(runtime, ["", "I'd like to leave a message"])
    assert url is not None and urlsplit(url).path == "/twilio/menu"
    assert pool.opened and "leave a message" in (pool.opened[0] or [])
    query = parse_qs(urlsplit(url).query)
    assert (query["step"], query["seq"], query["said"]) == (
        ["main_menu"], ["7"], ["I'd like to leave a message"])
    session.expire_all()
    call = calls.get_call(session, call_sid=SID)
    # Nothing is claimed here: the menu's callback claims the prompt, like a key press.
    assert call is not None and (call.current_step, call.seq) == ("main_menu", 7)


def test_at_a_key_prompt_words_are_sent_as_the_key(
        session: Session, clock: FixedClock, runtime: Runtime) -> None:
    keys = ListenFor(answer="key", route="book", query=(("step", "book"), ("seq", 7),
                                                         ("stage", "confirm")),
                     options=(SpokenOption(intent="key1", digit="1", phrases=("yes",)),))
    _waiting(session, clock, keys, "book")
    url, _ = _feed(runtime, ["hmm", "yes"])
    assert url is not None and urlsplit(url).path == "/twilio/book"
    assert parse_qs(urlsplit(url).query)["pressed"] == ["1"]


def test_nothing_is_heard_where_nothing_listens(session: Session, clock: FixedClock,
                                                runtime: Runtime) -> None:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=SID, tenant_id=demo.id, from_number="+1555",
                           to_number="+15005550006", script_version=1, now=clock())
    call.current_step = "take_message"
    session.add(call)
    session.commit()
    url, pool = _feed(runtime, ["leave a message"])
    assert url is None and pool.opened == []


def test_how_far_behind_the_call_comes_from_twilios_timestamps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import time
    from types import SimpleNamespace

    from receptionist.twilio import media as media_module

    clock = iter([100.0, 100.02, 103.0, 103.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    session: Any = SimpleNamespace(zero=None)
    assert media_module._spoken_at(session, {"timestamp": "0"}) == 100.0
    assert media_module._spoken_at(session, {"timestamp": "20"}) == pytest.approx(100.02)
    # Our loop held the frames back: audio spoken at 100.5 s arrives at 103 s.
    assert media_module._spoken_at(session, {"timestamp": "500"}) == pytest.approx(100.5)
    assert media_module._spoken_at(session, {}) == 103.0  # no timestamp: now

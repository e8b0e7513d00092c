"""The warm-up a web process runs before /readyz says ready: its parts run off the event
loop, a failing one is reported and leaves the process serving, and the real parts load
what the first calls would otherwise pay for."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from receptionist import i18n, warm_up
from receptionist.call_flows.meaning import training_set
from receptionist.calls import service as calls_service
from receptionist.config import Settings
from receptionist.main import create_app
from receptionist.runtime import Runtime, Telephony
from receptionist.tenants.models import Tenant
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.understanding.intent_model import TrainingSet, model_for
from receptionist.warm_up import Part, WarmUp
from tests.conftest import DEMO_EN
from tests.twilio_sim import FakeTwilioApi, TestTwilioSim

WAIT_S = 120.0  # an Event's timeout: the test fails then instead of hanging forever


class Gate:
    """A part that loads only when the test opens the gate."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.entered = threading.Event()

    def load(self) -> None:
        self.entered.set()
        if not self.open.wait(WAIT_S):
            raise TimeoutError("the test never opened the gate")


def broken() -> None:
    raise OSError("no model folder")


@pytest.fixture
def gate() -> Iterator[Gate]:
    gate = Gate()
    yield gate
    gate.open.set()  # never leave a thread waiting


def test_readyz_says_starting_until_the_warm_up_has_finished(
        settings: Settings, runtime: Runtime, gate: Gate) -> None:
    warm = WarmUp([Part("speech", gate.load), Part("texts", lambda: None)])
    with TestClient(create_app(settings, runtime=runtime, warm_up=warm)) as client:
        assert gate.entered.wait(WAIT_S)
        starting = client.get("/readyz")
        assert starting.status_code == 503
        assert starting.json()["status"] == "starting"
        assert "speech" in starting.json()["loading"]
        # Liveness does not wait for the models.
        assert client.get("/healthz").status_code == 200
        gate.open.set()
        assert warm.done.wait(WAIT_S)
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "loaded": ["speech", "texts"], "failed": {},
                            "loading": []}


def test_the_app_starts_the_call_paths_threads_before_its_warm_up(
        settings: Settings, runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the first calls' burst, not during it (`Database.start_threads`)."""
    order: list[str] = []
    start_threads = runtime.database.start_threads

    def recorded() -> int:
        order.append("threads")
        return start_threads()

    monkeypatch.setattr(runtime.database, "start_threads", recorded)
    warm = WarmUp([Part("texts", lambda: order.append("warm-up"))])
    with TestClient(create_app(settings, runtime=runtime, warm_up=warm)):
        assert warm.done.wait(WAIT_S)
    assert order == ["threads", "warm-up"]


def test_a_part_that_fails_is_reported_and_the_process_keeps_serving(
        settings: Settings, runtime: Runtime, twilio_api: FakeTwilioApi) -> None:
    warm = WarmUp([Part("speech", broken),
                   Part("scripts", lambda: warm_up.load_scripts(runtime))])
    with TestClient(create_app(settings, runtime=runtime, warm_up=warm)) as client:
        assert warm.done.wait(WAIT_S)
        response = client.get("/readyz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ready" and body["loaded"] == ["scripts"]
        assert body["failed"] == {"speech": "OSError: no model folder"}
        sim = TestTwilioSim(http=client, public_base=settings.public_base_url,
                            auth_token=settings.twilio_auth_token,
                            account_sid=settings.twilio_account_sid,
                            recordings_base=twilio_api.base_url)
        call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(9)])
    assert "Thank you for calling Demo Dental Clinic." in call.said


def test_readyz_is_503_while_the_database_does_not_answer(tmp_path: Path) -> None:
    settings = Settings(receptionist_env="dev",
                        database_url=f"sqlite:///{tmp_path}/missing-dir/x.db")
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_an_app_without_a_warm_up_is_ready_at_once(client: TestClient) -> None:
    response = client.get("/readyz")
    assert (response.status_code, response.json()["status"]) == (200, "ready")


def test_the_warm_up_report_while_parts_load(gate: Gate) -> None:
    warm = WarmUp([Part("speech", gate.load), Part("scripts", broken)])
    assert not warm.ready
    warm.start()
    warm.start()  # once only
    assert gate.entered.wait(WAIT_S)
    assert "speech" in warm.report()["loading"] and not warm.ready  # type: ignore[operator]
    gate.open.set()
    assert warm.done.wait(WAIT_S)
    assert warm.report() == {"loaded": ["speech"], "failed": {"scripts": "OSError: no model "
                                                                          "folder"},
                             "loading": []}


def test_the_scripts_and_intent_models_parts_load_every_active_version(
        runtime: Runtime, session: Session) -> None:
    model_for.cache_clear()
    warm_up.load_scripts(runtime)
    active = {(t.id, t.active_version): t.slug for t in session.exec(select(Tenant)).all()
              if t.id is not None and t.active_version is not None}
    assert set(active.values()) >= {"demo", "demo-fr"}
    for key in active:
        assert runtime.scripts.get(*key, lambda: pytest.fail("not cached")).language
    warm_up.load_intent_models(runtime)
    scripts = [runtime.scripts.get(*key, lambda: "") for key in active]
    cached = model_for.cache_info().hits
    for script in scripts:
        model_for(training_set(script))  # what the first caller at a menu asks for
    for language in {s.language for s in scripts}:
        model_for(TrainingSet.of(language))  # the urgency check's built-in model
    assert model_for.cache_info().hits == cached + len(scripts) + len(
        {s.language for s in scripts})


def test_the_texts_part_reads_the_catalogs_and_locale_data_of_the_languages_in_use(
        runtime: Runtime) -> None:
    from babel import localedata

    i18n._texts.cache_clear()
    localedata._cache.clear()  # Babel's locale data, read from disk at first use
    localedata._dict_cache.clear()
    warm_up.load_texts(runtime)
    assert i18n._texts.cache_info().currsize == 2  # the demo's en-US and fr-FR
    assert {"en_US", "fr_FR"} <= set(localedata._cache)  # the booking offers' dates


def test_the_speech_part_starts_the_recognition_processes_with_their_models(
        settings: Settings, runtime: Runtime) -> None:
    rt = Runtime(settings=settings.model_copy(update={"speech_processes": 1}),
                 engine=runtime.database.engine)
    try:
        warm_up.start_recognition(rt)
        assert len(rt.recognition.pids()) == 1
        assert rt.recognition.languages == sorted(
            lang for lang in warm_up.languages_in_use(rt) if rt.recognizer.supports(lang))
        assert rt.recognition.languages  # the bundled model hears English
    finally:
        rt.recognition.close()


def test_for_runtime_names_every_part(runtime: Runtime) -> None:
    parts = [p.name for p in warm_up.for_runtime(runtime).parts]
    assert parts == ["speech", "database", "telephony", "scripts", "intent models", "texts",
                     "voices"]


class Prepared:
    """A telephony client that only counts `prepare`."""

    def __init__(self) -> None:
        self.prepared = 0

    def prepare(self) -> None:
        self.prepared += 1


def test_the_telephony_part_prepares_the_providers_client(settings: Settings,
                                                          runtime: Runtime) -> None:
    client = Prepared()
    rt = Runtime(settings=settings, engine=runtime.database.engine)
    rt.plug(lambda _settings: cast(Telephony, client))
    warm = warm_up.for_runtime(rt)
    part = next(p for p in warm.parts if p.name == "telephony")
    part.load()
    assert client.prepared == 1


def test_the_telephony_part_fails_clearly_without_a_provider(settings: Settings,
                                                             runtime: Runtime) -> None:
    """Only `create_app` plugs the client in: a warm-up run without it is reported."""
    rt = Runtime(settings=settings, engine=runtime.database.engine)
    warm = WarmUp([p for p in warm_up.for_runtime(rt).parts if p.name == "telephony"])
    warm.run()
    assert "no telephony provider" in str(warm.report()["failed"])


def test_the_database_part_fills_the_call_paths_connection_pool(runtime: Runtime) -> None:
    runtime.database.dispose()  # the call lane starts with no connection
    opened = warm_up.open_connections(runtime)
    pool = runtime.database.call_engine.pool
    assert opened == pool.size() >= 1  # type: ignore[attr-defined]
    assert pool.checkedin() == opened  # type: ignore[attr-defined]


def test_the_database_part_compiles_the_call_paths_statements(runtime: Runtime) -> None:
    """For the call path's engine and the other: a first call compiles nothing."""
    database = runtime.database
    database.dispose()  # engines anew: no statement compiled for them yet
    assert database.call_engine.dialect not in calls_service._REPLY_AND_CALL._plans
    warm_up.open_connections(runtime)
    for engine in (database.call_engine, database.engine):
        assert engine.dialect in calls_service._REPLY_AND_CALL._plans
        assert engine.dialect in calls_service._INSERT_REPLY._plans


def test_a_part_cut_short_by_the_shutdown_is_not_logged_as_a_fault(
        caplog: pytest.LogCaptureFixture) -> None:
    def closed_under_it() -> None:
        raise RuntimeError("1 of 1 recognition processes exited while loading their models")

    warm = warm_up.WarmUp([warm_up.Part("speech", closed_under_it)])
    warm.stop()
    with caplog.at_level(logging.INFO, logger="receptionist.warm_up"):
        warm.run()
    failed = warm.report()["failed"]
    assert warm.ready and isinstance(failed, dict) and "speech" in failed
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_settling_warm_up_freezes_what_it_loaded_before_saying_ready(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve`'s warm-up sets its heap aside from full collections (`settle_heap`) once
    every part has run and before the process says ready; tests' and embedders' do not."""
    order: list[str] = []
    monkeypatch.setattr(warm_up, "settle_heap", lambda: order.append("settled"))
    plain = WarmUp([Part("texts", lambda: order.append("texts"))])
    plain.run()
    assert order == ["texts"] and plain.ready
    order.clear()
    settling = WarmUp([Part("texts", lambda: order.append("texts"))], settles_heap=True)

    def settled() -> None:
        order.extend([f"ready={settling.ready}", "settled"])
    monkeypatch.setattr(warm_up, "settle_heap", settled)
    settling.run()
    assert order == ["texts", "ready=False", "settled"] and settling.ready


def test_settling_the_heap_freezes_it_after_a_last_collection() -> None:
    import gc
    import weakref

    class Node:
        pass

    node = Node()
    node.itself = node  # type: ignore[attr-defined]  # a cycle: only a collection frees it
    freed = weakref.ref(node)
    del node
    before = gc.get_freeze_count()
    try:
        warm_up.settle_heap()
        assert gc.get_freeze_count() > before
        assert freed() is None  # collected, not frozen for the life of the process
    finally:
        gc.unfreeze()  # the test process keeps collecting as before

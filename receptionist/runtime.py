"""What a running app holds: settings, database, clock, speech, HTTP clients, caches.

Built once by the entry points (app factory, CLI, worker) and handed down; services and jobs
take only the pieces they need (a `Database`, a clock, a client), never the whole runtime."""

from __future__ import annotations

import threading
from dataclasses import InitVar, dataclass, field
from typing import Annotated, Protocol

import urllib3
from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from receptionist.call_flows.loader import ScriptCache
from receptionist.clock import Clock, utcnow
from receptionist.config import Settings
from receptionist.db import Database, make_engine
from receptionist.messages.recordings import RecordingSource
from receptionist.notifications.sms import SmsSender
from receptionist.outbound import Policy
from receptionist.speech.engines.choice import build_recognizer, spec_of
from receptionist.speech.process_pool import RecognitionPool
from receptionist.speech.recognizer import Recognizer
from receptionist.understanding.intent_model import keep_models_in
from receptionist.voice.prompts import PromptCache


class Telephony(SmsSender, RecordingSource, Protocol):
    """What the service asks of its telephony provider's REST API."""

    def redirect_call(self, *, call_sid: str, url: str) -> None: ...
    def close(self) -> None: ...


@dataclass
class Runtime:
    settings: Settings
    engine: InitVar[Engine]  # held by `database`: swap `database.engine` to change it
    clock: Clock = utcnow
    # The speech engine; built from SPEECH_ENGINE on first use unless given.
    speech: Recognizer | None = None
    database: Database = field(init=False)
    scripts: ScriptCache = field(default_factory=ScriptCache, init=False)
    prompts: PromptCache = field(init=False)
    outbound: Policy = field(init=False)  # where owners' URLs may lead
    _recognition: RecognitionPool | None = field(default=None, init=False)
    # The telephony provider's REST client, plugged in by the entry points (it lives in
    # the provider's adapter, above this layer): see `twilio.rest.TwilioRest`.
    provider: Telephony | None = None
    _web_http: urllib3.PoolManager | None = field(default=None, init=False)
    _lazy_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    # Dialled number -> its business's language, learnt from answered calls: lets the
    # fallback flow speak one language when the database is down (else both).
    number_languages: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self, engine: Engine) -> None:
        self.prompts = PromptCache(self.settings.prompts_dir,
                                   secret_key=self.settings.secret_key,
                                   clock=lambda: self.clock())
        self.outbound = Policy.from_settings(self.settings)
        self.database = Database(engine)
        keep_models_in(self.settings.intent_model_dir)

    @property
    def recognizer(self) -> Recognizer:
        """The speech engine (SPEECH_ENGINE), built on first use."""
        if self.speech is None:
            self.speech = build_recognizer(self.settings)
        return self.speech

    @property
    def recognition(self) -> RecognitionPool:
        """Live recognition for media streams, in child processes running the same engine
        (started on first use, or by `serve` with the tenants' models preloaded)."""
        with self._lazy_lock:
            if self._recognition is None:
                self._recognition = RecognitionPool(
                    spec_of(self.recognizer), processes=self.settings.speech_processes,
                    behind_s=self.settings.speech_max_behind_s or None)
            return self._recognition

    @property
    def telephony(self) -> Telephony:
        """The provider's REST client (redirects, SMS, recordings)."""
        if self.provider is None:
            raise RuntimeError("no telephony provider plugged into this runtime")
        return self.provider

    @property
    def web_http(self) -> urllib3.PoolManager:
        """For owners' webhooks: no credentials of ours (redirects are not followed)."""
        with self._lazy_lock:
            if self._web_http is None:
                self._web_http = urllib3.PoolManager(num_pools=50, maxsize=16)
            return self._web_http

    def close(self) -> None:
        """Stop the recognition processes, close HTTP clients and the call path's
        database connections (app shutdown)."""
        with self._lazy_lock:
            pool, self._recognition = self._recognition, None
            client = self.provider  # it reconnects if used again
            web, self._web_http = self._web_http, None
        if pool is not None:
            pool.close()
        if client is not None:
            client.close()
        if web is not None:
            web.clear()
        self.database.dispose()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = utcnow) -> Runtime:
        engine = make_engine(settings.database_url, pool_size=settings.db_pool_size,
                             max_overflow=settings.db_max_overflow)
        return cls(settings=settings, engine=engine, clock=clock)


def runtime_of(request: Request) -> Runtime:
    """The app's runtime (set by the app factory)."""
    rt: Runtime = request.app.state.runtime
    return rt


async def _runtime_dependency(request: Request) -> Runtime:
    # async: FastAPI runs a plain function dependency in the thread pool.
    return runtime_of(request)


async def _clock_dependency(rt: Annotated[Runtime, Depends(_runtime_dependency)]) -> Clock:
    return rt.clock


RuntimeDep = Annotated[Runtime, Depends(_runtime_dependency)]
ClockDep = Annotated[Clock, Depends(_clock_dependency)]

"""What a running app holds: settings, database, clock, speech, HTTP clients, caches.

Built once by the entry points (app factory, CLI, worker) and handed down; services and jobs
take only the pieces they need (a `Database`, a clock, a client), never the whole runtime."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field
from typing import Protocol

import urllib3
from sqlalchemy.engine import Engine

from receptionist.call_flows.loader import ScriptCache
from receptionist.clock import Clock, utcnow
from receptionist.config import Settings
from receptionist.db import Database, make_engine
from receptionist.messages.recordings import RecordingSource
from receptionist.notifications.channel import SmsSender
from receptionist.outbound import Policy
from receptionist.speech.engines.choice import build_recognizer, spec_of
from receptionist.speech.process_pool import RecognitionPool
from receptionist.speech.recognizer import Recognizer
from receptionist.tenants.token_cache import TokenCache
from receptionist.understanding.intent_model import keep_models_in
from receptionist.voice.catalog import keep_voices_in
from receptionist.voice.prompts import PromptCache


class Telephony(SmsSender, RecordingSource, Protocol):
    """What the service asks of its telephony provider's REST API."""

    def redirect_call(self, *, call_sid: str, url: str) -> None: ...
    def prepare(self) -> None: ...
    def close(self) -> None: ...


@dataclass
class Runtime:
    settings: Settings
    engine: InitVar[Engine]  # held by `database`: swap `database.engine` to change it
    clock: Clock = utcnow
    database: Database = field(init=False)
    scripts: ScriptCache = field(default_factory=ScriptCache, init=False)
    prompts: PromptCache = field(init=False)
    outbound: Policy = field(init=False)  # where owners' URLs may lead
    api_tokens: TokenCache = field(default_factory=TokenCache, init=False)
    # Behind `recognizer` (set it to give one), `recognition` and `telephony`.
    _recognizer: Recognizer | None = field(default=None, init=False)
    _recognition: RecognitionPool | None = field(default=None, init=False)
    _telephony: Telephony | None = field(default=None, init=False)
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
        keep_voices_in(self.settings.voices_dir)

    @property
    def recognizer(self) -> Recognizer:
        """The speech engine (SPEECH_ENGINE), built on first use unless given."""
        if self._recognizer is None:
            self._recognizer = build_recognizer(self.settings)
        return self._recognizer

    @recognizer.setter
    def recognizer(self, engine: Recognizer) -> None:
        self._recognizer = engine

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
        if self._telephony is None:
            raise RuntimeError("no telephony provider plugged into this runtime")
        return self._telephony

    def plug(self, client: Callable[[Settings], Telephony]) -> Runtime:
        """Plug in the provider's REST client built from the settings, unless one is: the
        entry points do (it lives in the provider's adapter, above this layer): see
        `twilio.rest.plug`."""
        if self._telephony is None:
            self._telephony = client(self.settings)
        return self

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
            client = self._telephony  # it reconnects if used again
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


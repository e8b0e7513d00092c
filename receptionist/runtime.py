"""What a running app holds: settings, database engine, clock, Twilio validator."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import httpx
import urllib3
from sqlalchemy.engine import Engine
from twilio.request_validator import RequestValidator

from receptionist.call_flows.schema import Script
from receptionist.clock import Clock, utcnow
from receptionist.config import Settings
from receptionist.db import make_engine
from receptionist.outbound import Policy
from receptionist.speech.engines import build_recognizer, spec_of
from receptionist.speech.process_pool import RecognitionPool
from receptionist.speech.prompts import PromptCache
from receptionist.speech.recognizer import Recognizer


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock = utcnow
    # The speech engine; built from SPEECH_ENGINE on first use unless given.
    speech: Recognizer | None = None
    validator: RequestValidator = field(init=False)
    # Parsed scripts by (tenant id, version): versions are immutable, so never stale.
    scripts: dict[tuple[int, int], Script] = field(default_factory=dict, init=False)
    _write_lock: threading.Lock | None = field(default=None, init=False)
    prompts: PromptCache = field(init=False)
    outbound: Policy = field(init=False)  # where owners' URLs may lead
    _recognition: RecognitionPool | None = field(default=None, init=False)
    _twilio_http: httpx.Client | None = field(default=None, init=False)
    _web_http: urllib3.PoolManager | None = field(default=None, init=False)
    _lazy_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    # Dialled number -> its business's language, learnt from answered calls: lets the
    # fallback flow speak one language when the database is down (else both).
    number_languages: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.validator = RequestValidator(self.settings.twilio_auth_token)
        self.prompts = PromptCache(self.settings.prompts_dir)
        self.outbound = Policy.from_settings(self.settings)
        if self.engine.dialect.name == "sqlite":
            self._write_lock = threading.Lock()

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
                    spec_of(self.recognizer), processes=self.settings.speech_processes)
            return self._recognition

    @property
    def twilio_http(self) -> httpx.Client:
        """One HTTP client for Twilio's REST API: connections and TLS setup are reused."""
        with self._lazy_lock:
            if self._twilio_http is None:
                self._twilio_http = httpx.Client(
                    timeout=5.0, auth=(self.settings.twilio_account_sid,
                                       self.settings.twilio_auth_token))
            return self._twilio_http

    @property
    def web_http(self) -> urllib3.PoolManager:
        """For owners' webhooks: no credentials of ours (redirects are not followed)."""
        with self._lazy_lock:
            if self._web_http is None:
                self._web_http = urllib3.PoolManager(num_pools=50, maxsize=16)
            return self._web_http

    def close(self) -> None:
        """Stop the recognition processes and close HTTP clients (app shutdown)."""
        with self._lazy_lock:
            pool, self._recognition = self._recognition, None
            client, self._twilio_http = self._twilio_http, None
            web, self._web_http = self._web_http, None
        if pool is not None:
            pool.close()
        if client is not None:
            client.close()
        if web is not None:
            web.clear()

    def media_stream_url(self) -> str:
        base = self.settings.public_base_url
        return base.replace("https://", "wss://", 1).replace("http://", "ws://", 1) + (
            "/twilio/media")

    @property
    def inline_writes(self) -> bool:
        """Run webhook transactions on the event loop instead of the thread pool. On SQLite
        they are serialized by `writing()` anyway (one writer at a time), so a thread hop
        only adds latency and GIL hand-offs; they take a few milliseconds on local disk.
        PostgreSQL serves concurrent transactions, so there they go to the thread pool."""
        return self._write_lock is not None

    def writing(self) -> AbstractContextManager[object]:
        """Held around a webhook's transaction on SQLite. SQLite admits one writer at a
        time; threads that race for it back off in its busy handler with sleeps of up to
        100 ms, which wrecks tail latency. Queueing on a lock in-process is fair and
        immediate. Other processes (the worker) still meet SQLite's busy timeout."""
        return self._write_lock if self._write_lock is not None else nullcontext()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = utcnow) -> Runtime:
        engine = make_engine(settings.database_url, pool_size=settings.db_pool_size,
                             max_overflow=settings.db_max_overflow)
        return cls(settings=settings, engine=engine, clock=clock)

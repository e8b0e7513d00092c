"""Calls in plain words: the outcome and the line an owner reads for whole calls placed
by the Twilio simulator, in English and in French, with names from contacts and
bookings."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.admin.call_words import Retold, duration_words, retell, short_when
from receptionist.call_flows.publishing import active_script
from receptionist.calls.models import Call
from receptionist.contacts import service as contacts
from receptionist.contacts.models import Listed
from receptionist.messages.models import Message
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import (
    DialOutcome,
    HangUp,
    LeaveMessage,
    Press,
    Speak,
    StaySilent,
)
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio_sim import TestTwilioSim

BOOK: list[Press | StaySilent] = [*[Press("1")] * 5, StaySilent()]


def words(session: Session, call_sid: str, language: str = "en",
          slug: str = "demo") -> Retold:
    session.expire_all()
    tenant = get_tenant(session, slug=slug)
    assert tenant.id is not None
    call = session.execute(select(Call).where(col(Call.call_sid) == call_sid)).scalar_one()
    [retold] = retell(session, tenant_id=tenant.id, tz=ZoneInfo(tenant.timezone),
                      script=active_script(session, tenant=tenant)[1], calls=[call],
                      language=language)
    return retold


def test_booked_cancelled_moved(sim: TestTwilioSim, session: Session) -> None:
    booked = words(session, sim.call(DEMO_EN, BOOK, from_="+15550000001").call_sid)
    assert booked.outcome == "booked"
    assert booked.summary == "Booked a check-up, Tue, Nov 17, 11:00\u202fAM with Dr Martin"
    assert [a.id for a in booked.appointments] != []
    cancelled = words(session, sim.call(DEMO_EN, [Press("4"), Press("1")],
                                        from_="+15550000001").call_sid)
    assert cancelled.outcome == "cancelled"  # not "booked"
    assert cancelled.summary == "Cancelled a check-up, Tue, Nov 17, 11:00\u202fAM with Dr Martin"
    # The appointment it cancelled is linked (by the event, not by the call that booked).
    assert [a.id for a in cancelled.appointments] == [a.id for a in booked.appointments]
    sim.call(DEMO_EN, BOOK, from_="+15550000002")
    moved = words(session, sim.call(DEMO_EN, [Press("4"), Press("2"), Press("3"), Press("1")],
                                    from_="+15550000002").call_sid, "fr")
    assert moved.outcome == "moved"
    assert moved.summary == "A déplacé a check-up au mar. 17 nov., 12:00 avec Dr Martin"


def test_a_question_then_a_message_and_the_callers_name(sim: TestTwilioSim,
                                                        session: Session) -> None:
    sim.call(DEMO_EN, BOOK, from_="+15550000003")  # no name given when booking
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    contacts.save_contact(session, tenant_id=tenant.id, number="+15550000003",
                          name="Jane Doe", listed=Listed.none,
                          now=datetime(2026, 11, 1, tzinfo=UTC), by="t")
    session.commit()
    call = sim.call(DEMO_EN, [Speak("what are your prices?"), Press("2"), LeaveMessage(5)],
                    from_="+15550000003")
    retold = words(session, call.call_sid)
    assert (retold.outcome, retold.name) == ("message", "Jane Doe")
    assert retold.summary == "Wanted to know our prices, then left a message"
    assert [m.call_id for m in retold.messages] == [retold.call.id]
    # An urgent message says so.
    message = session.execute(select(Message)).scalars().one()
    message.urgent = True
    session.add(message)
    session.commit()
    assert words(session, call.call_sid).summary.endswith("then left an urgent message")


def test_a_transfer_nobody_took(sim: TestTwilioSim, session: Session) -> None:
    call = sim.call(DEMO_EN, [Press("0"), DialOutcome("no-answer"), LeaveMessage(5)])
    retold = words(session, call.call_sid)
    assert retold.outcome == "missed"
    assert retold.summary == "Asked for someone: no answer, then left a message"
    assert words(session, call.call_sid, "fr").summary == (
        "A demandé quelqu'un\u202f: pas de réponse, puis a laissé un message")
    taken = words(session, sim.call(
        DEMO_EN, [Press("0"), DialOutcome("completed", seconds=150, key="1")]).call_sid)
    assert (taken.outcome, taken.summary) == ("transferred",
                                              "Talked with someone for 3 minutes")


def test_hung_up(sim: TestTwilioSim, session: Session) -> None:
    greeting = words(session, sim.call(DEMO_EN, [HangUp()]).call_sid)
    assert (greeting.outcome, greeting.summary) == ("abandoned",
                                                    "Hung up during the greeting")
    booking = words(session, sim.call(DEMO_EN, [Press("1"), HangUp()]).call_sid, "fr")
    assert booking.summary == ("Voulait prendre rendez-vous, puis a raccroché pendant la "
                               "prise de rendez-vous")


def test_a_french_call_in_french_words(sim: TestTwilioSim, session: Session) -> None:
    call = sim.call(DEMO_FR, [Press("3"), HangUp()], from_="+33612345678")
    retold = words(session, call.call_sid, "fr", slug="demo-fr")
    assert (retold.outcome, retold.summary) == ("answered", "Voulait connaître nos horaires")


def test_a_call_still_going(session: Session) -> None:
    tenant = get_tenant(session, slug="demo")
    session.add(Call(call_sid="CA" + "9" * 32, tenant_id=tenant.id,
                     from_number="+15550000009", status="in-progress"))
    session.commit()
    retold = words(session, "CA" + "9" * 32)
    assert (retold.outcome, retold.summary, retold.ended) == ("in_progress", "In progress",
                                                              False)


def test_times_and_durations_in_each_language() -> None:
    moment = datetime(2026, 12, 4, 9, 5, tzinfo=ZoneInfo("Europe/Paris"))
    assert short_when("en", moment) == "Fri, Dec 4, 9:05\u202fAM"
    assert short_when("fr", moment) == "ven. 4 déc., 09:05"
    assert duration_words("en", 1) == "1 second" and duration_words("fr", 45) == "45 secondes"
    assert duration_words("en", 150) == "3 minutes" and duration_words("fr", None) == "—"

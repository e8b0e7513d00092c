"""Booking in a practice with several practitioners and appointment types, whole calls
in English and French: the caller chooses the type and the practitioner (or whoever is
free first) by key or in words, or says it all at once at the menu. The clock is Tuesday
2026-11-17 15:00 UTC (10:00 in New York, 16:00 in Paris)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from receptionist.appointments.models import Agenda, Appointment, SlotClaim
from receptionist.contacts import service as contacts
from receptionist.tenants import service as tenants
from receptionist.twilio.simulator import LeaveMessage, Press, Speak, StaySilent
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio.helpers import kinds, messages, path
from tests.twilio.practice import publish_practice
from tests.twilio_sim import TestTwilioSim

CALLER = "+15551230001"


def booked(engine: Engine) -> list[tuple[Appointment, str]]:
    with Session(engine) as session:
        rows = session.execute(select(Appointment, col(Agenda.slug)).join(
            Agenda, col(Agenda.id) == Appointment.agenda_id).order_by(col(Appointment.id)))
        return [(appointment, slug) for appointment, slug in rows.all()]


def test_type_and_anyone_by_key(sim: TestTwilioSim, engine: Engine) -> None:
    publish_practice(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Press("1"), Press("2"), Press("0"), Press("1"), Press("1"),
                              StaySilent()])
    said = call.said
    assert ("What kind of appointment would you like? For a check-up, press 1. For a "
            "cleaning, press 2. For a consultation, press 3. For an implant consultation, "
            "press 4.") in said
    assert ("Who would you like to see? For Dr Martin, press 1. For Sam Lee, our "
            "hygienist, press 2. For whoever is available first, press 0.") in said
    # Both offer cleanings from 11 (an hour's notice): the first free is named.
    assert "I can offer Tuesday, November 17th. At 11 AM with Dr Martin, press 1." not in said
    assert "A cleaning with" in said and "To confirm, press 1." in said
    [(appointment, slug)] = booked(engine)
    assert slug in ("martin", "lee") and appointment.appointment_type == "cleaning"
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)
    assert appointment.buffer_minutes == 10
    assert "Your appointment is booked for Tuesday, November 17th at 11 AM: a cleaning" in said
    with Session(engine) as session:  # 60 minutes and the 10 after: 14 units claimed
        assert len(session.exec(select(SlotClaim)).all()) == 14
    assert path(engine, call.call_sid)[-2:] == ["book", "goodbye"]


def test_anyone_offers_each_time_with_whoever_is_free(sim: TestTwilioSim,
                                                      engine: Engine) -> None:
    publish_practice(engine, DEMO_EN)
    first = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                               StaySilent()], from_="+15551230002")
    assert "A check-up with Dr Martin, Tuesday, November 17th at 11 AM." in first.said
    second = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("2"), Press("2"), Press("1"),
                                StaySilent()], from_="+15551230003")
    assert "A check-up with Dr Okafor, Tuesday, November 17th at 11:30 AM." in second.said
    # Each has one booking: whoever is free, Dr Martin first when both are.
    third = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("0"), Press("1"), Press("1"),
                               StaySilent()])
    assert ("I can offer Tuesday, November 17th. At 11 AM with Dr Okafor, press 1. At 11:30 "
            "AM with Dr Martin, press 2. At noon with Dr Martin, press 3." in third.said)
    assert [slug for _, slug in booked(engine)] == ["martin", "okafor", "okafor"]


def test_anyone_spreads_the_days_bookings(sim: TestTwilioSim, engine: Engine) -> None:
    """Three "anyone" check-ups: not all with the first practitioner."""
    publish_practice(engine, DEMO_EN)
    for index in range(3):
        sim.call(DEMO_EN, [Press("1"), Press("1"), Press("0"), Press("1"), Press("1"),
                           StaySilent()], from_=f"+1555123010{index}")
    slugs = [slug for _, slug in booked(engine)]
    assert slugs == ["martin", "okafor", "martin"]


def test_it_all_in_one_sentence_at_the_menu(sim: TestTwilioSim, engine: Engine) -> None:
    publish_practice(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Speak("I'd like to book a cleaning with doctor Martin on "
                                    "Friday"),
                              Press("2"), Press("1"), StaySilent()])
    said = call.said
    assert "What kind of appointment" not in said and "Who would you like" not in said
    assert "I can offer Friday, November 20th. At 9 AM, press 1. At 9:30 AM, press 2." in said
    [(appointment, slug)] = booked(engine)
    assert (slug, appointment.appointment_type) == ("martin", "cleaning")
    assert "booking_wish" in kinds(engine, call.call_sid)


def test_type_and_practitioner_in_words_at_their_prompts(sim: TestTwilioSim,
                                                        engine: Engine) -> None:
    publish_practice(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Press("1"), Speak("just a check-up please"),
                              Speak("doctor Okafor"), Speak("the first one"),
                              Speak("yes please"), StaySilent()])
    assert "A check-up with Dr Okafor, Tuesday, November 17th at 11 AM." in call.said
    [(appointment, slug)] = booked(engine)
    assert (slug, appointment.appointment_type) == ("okafor", "checkup")
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=30)


def test_a_practitioner_named_before_the_type_is_kept(sim: TestTwilioSim,
                                                      engine: Engine) -> None:
    """"I want to see Dr Okafor" at the menu, then the type: not asked "who" again."""
    publish_practice(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Speak("I want to book an appointment with doctor Okafor"),
                              Speak("a check-up"), Press("1"), Press("1"), StaySilent()])
    said = call.said
    assert "What kind of appointment would you like?" in said
    assert "Who would you like to see?" not in said
    assert "A check-up with Dr Okafor, Tuesday, November 17th at 11 AM." in said
    [(appointment, slug)] = booked(engine)
    assert (slug, appointment.appointment_type) == ("okafor", "checkup")


def test_a_practitioner_named_who_does_not_offer_the_type_is_asked_again(
        sim: TestTwilioSim, engine: Engine) -> None:
    """Sam Lee, the hygienist, does not do check-ups: the caller chooses who does."""
    publish_practice(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Speak("I want to book an appointment with Sam Lee"),
                              Speak("a check-up"), Press("2"), Press("1"), Press("1"),
                              StaySilent()])
    assert "Who would you like to see? For Dr Martin, press 1. For Dr Okafor" in call.said
    [(appointment, slug)] = booked(engine)
    assert (slug, appointment.appointment_type) == ("okafor", "checkup")


def test_another_practitioner_named_at_the_confirmation(sim: TestTwilioSim,
                                                         engine: Engine) -> None:
    """"No, I'd rather see Dr Okafor" when Dr Martin's time is read back: Dr Okafor's
    times, then hers booked; "yes, Dr Martin is fine" would have confirmed."""
    publish_practice(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"),
                              Speak("no, I'd rather see doctor Okafor"), Press("1"),
                              Press("1"), StaySilent()])
    said = call.said
    assert "A check-up with Dr Martin, Tuesday, November 17th at 11 AM." in said
    assert "A check-up with Dr Okafor, Tuesday, November 17th at 11 AM." in said
    [(appointment, slug)] = booked(engine)
    assert (slug, appointment.appointment_type) == ("okafor", "checkup")
    assert "who_chosen" in kinds(engine, call.call_sid)
    kept = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"),
                              Speak("yes, doctor Martin is fine"), StaySilent()],
                    from_="+15551230009")
    assert "Your appointment is booked for Tuesday, November 17th at 11 AM" in kept.said
    assert [slug for _, slug in booked(engine)] == ["okafor", "martin"]


def test_another_practitioner_named_at_an_offer_in_french(sim: TestTwilioSim,
                                                          engine: Engine) -> None:
    publish_practice(engine, DEMO_FR)
    call = sim.call(DEMO_FR, [Press("1"), Press("1"), Press("1"),
                              Speak("non, plutôt avec la docteure Okafor le matin"),
                              Press("1"), Press("1"), StaySilent()])
    [(appointment, slug)] = booked(engine)
    assert appointment.appointment_type == "controle"
    assert slug == "okafor", call.said
    # Dr Martin offered 5 pm; Dr Okafor works Monday and Tuesday mornings: her next one.
    assert ("Je peux vous proposer le lundi 23 novembre. À 9 h, tapez 1." in call.said
            and "Un contrôle avec la docteure Okafor, le lundi 23 novembre à 9 h." in call.said)


def test_a_type_not_booked_by_phone_takes_a_message(sim: TestTwilioSim,
                                                    engine: Engine) -> None:
    publish_practice(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Press("1"), Press("4"), LeaveMessage(4)])
    assert ("To book an implant consultation, please leave us a message and we will call "
            "you back to arrange it.") in call.said
    assert booked(engine) == [] and len(messages(engine)) == 1
    assert "booking_refused" in kinds(engine, call.call_sid)


def test_one_booking_per_caller_per_day(sim: TestTwilioSim, engine: Engine) -> None:
    publish_practice(engine, DEMO_EN, ("booking:\n", "booking:\n  max_per_caller_per_day: 1\n"))
    sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                       StaySilent()])
    again = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                               Press("1"), Press("1"), StaySilent()])
    assert ("You already have an appointment that day. I can offer Wednesday, November "
            "18th.") in again.said
    days = [a.starts_at.date().isoformat() for a, _ in booked(engine)]
    assert days == ["2026-11-17", "2026-11-18"]


def test_known_callers_only(sim: TestTwilioSim, engine: Engine, clock: FixedClock) -> None:
    publish_practice(engine, DEMO_EN, ("booking:\n", "booking:\n  known_callers_only: true\n"))
    stranger = sim.call(DEMO_EN, [Press("1"), LeaveMessage(4)])
    assert "Booking by phone is for our existing clients." in stranger.said
    with Session(engine) as session:
        tenant_id = tenants.get_tenant(session, slug="demo").id
        assert tenant_id is not None
        contacts.save_contact(session, tenant_id=tenant_id, number=CALLER, now=clock(),
                              by="test", name="Ada Client")
        session.commit()
    known = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                               StaySilent()])
    assert "What kind of appointment would you like?" in known.said
    assert len(booked(engine)) == 1


def test_french_practice_by_voice_and_by_key(sim: TestTwilioSim, engine: Engine) -> None:
    publish_practice(engine, DEMO_FR)
    by_voice = sim.call(DEMO_FR, [Press("1"), Speak("un détartrage avec le docteur Martin"),
                                  Speak("le premier"), Speak("oui"), StaySilent()],
                        from_="+33612345678")
    said = by_voice.said
    assert ("Quel type de rendez-vous souhaitez-vous\u202f? Pour un contrôle, tapez 1. Pour un "
            "détartrage, tapez 2.") in said
    assert "Un détartrage avec le docteur Martin, le mardi 17 novembre à 17 h." in said
    assert ("Votre rendez-vous est confirmé pour le mardi 17 novembre à 17 h\u202f: un détartrage "
            "avec le docteur Martin.") in said
    by_key = sim.call(DEMO_FR, [Press("1"), Press("1"), Press("0"), Press("1"), Press("1"),
                                StaySilent()], from_="+33612345679")
    assert ("Avec qui souhaitez-vous le prendre\u202f? Avec le docteur Martin, tapez 1. Avec la "
            "docteure Okafor, tapez 2. Pour la première personne disponible, tapez 0."
            ) in by_key.said
    rows = [(a.appointment_type, slug, a.language) for a, slug in booked(engine)]
    assert rows[0] == ("detartrage", "martin", "fr-FR")
    assert rows[1][0] == "controle" and rows[1][1] in ("martin", "okafor")


def test_moving_a_cleaning_by_phone_keeps_its_length_and_practitioner(
        sim: TestTwilioSim, engine: Engine) -> None:
    publish_practice(engine, DEMO_EN)  # key 4: the caller's own appointment
    sim.call(DEMO_EN, [Press("1"), Press("2"), Press("2"), Press("1"), Press("1"),
                       StaySilent()])
    call = sim.call(DEMO_EN, [Press("4"), Press("2"), Press("9"), Press("2"), Press("1")])
    assert "I can offer Wednesday, November 18th." in call.said
    assert "Your appointment is moved to Wednesday, November 18th at 9:30 AM." in call.said
    [(appointment, slug)] = booked(engine)
    assert (slug, appointment.appointment_type) == ("lee", "cleaning")
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)


def test_after_hours_callers_still_book(sim: TestTwilioSim, engine: Engine,
                                        clock: FixedClock) -> None:
    clock.now = clock.now.replace(day=21)  # Saturday 21 November: nobody at the desk
    call = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("0"), Press("1"), Press("1"),
                              StaySilent()])
    [(appointment, slug)] = booked(engine)
    assert appointment.appointment_type == "checkup" and slug in ("martin", "okafor")
    assert appointment.starts_at.weekday() == 0  # Monday, the next open day
    assert path(engine, call.call_sid)[1:] == ["main_menu", "book", "goodbye"]

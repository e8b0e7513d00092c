"""The demo practices the whole-call benchmark books into (DESIGN §4: Dr Martin, Dr Okafor
on Monday and Tuesday mornings, the hygienist Lee; check-ups, cleanings, consultations),
and the appointment a caller already has.

Until the demo scripts declare their practice (a `booking` section), it is published
over them here; once they do, `publish_practice` leaves them as they are."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.dialogue_data import Caller
from receptionist.appointments import agendas, booking
from receptionist.appointments.free_times import Kind
from receptionist.call_flows import publishing
from receptionist.tenants import service as tenants

PRACTICE = {
    "en": """\
booking:
  practitioners:
    martin:
      name: Dr Martin
      phrases: [doctor martin, martin]
    okafor:
      name: Dr Okafor
      phrases: [doctor okafor, okafor]
      hours:
        mon: ["09:00-13:00"]
        tue: ["09:00-13:00"]
    lee:
      name: Sam Lee, our hygienist
      phrases: [sam lee, the hygienist, hygienist]
  types:
    checkup:
      name: a check-up
      minutes: 30
      phrases: [check-up, checkup, exam]
      practitioners: [martin, okafor]
    cleaning:
      name: a cleaning
      minutes: 60
      buffer: 10
      phrases: [cleaning, teeth cleaning]
      practitioners: [lee, martin]
    consultation:
      name: a consultation
      minutes: 30
      phrases: [consultation]
      practitioners: [martin, okafor]
""",
    "fr": """\
booking:
  practitioners:
    martin:
      name: le docteur Martin
      phrases: [docteur martin, martin]
    okafor:
      name: la docteure Okafor
      phrases: [docteure okafor, docteur okafor, okafor]
      hours:
        mon: ["09:00-13:00"]
        tue: ["09:00-13:00"]
    lee:
      name: Camille Lee, notre hygiéniste
      phrases: [camille lee, l'hygiéniste, hygiéniste]
  types:
    controle:
      name: un contrôle
      minutes: 30
      phrases: [contrôle, examen]
      practitioners: [martin, okafor]
    detartrage:
      name: un détartrage
      minutes: 60
      buffer: 10
      phrases: [détartrage, nettoyage]
      practitioners: [lee, martin]
    consultation:
      name: une consultation
      minutes: 30
      phrases: [consultation]
      practitioners: [martin, okafor]
""",
}
MINUTES = {"checkup": (30, 0), "cleaning": (60, 10), "consultation": (30, 0),
           "controle": (30, 0), "detartrage": (60, 10)}


def active_text(session: Session, slug: str) -> str:
    tenant = tenants.get_tenant(session, slug=slug)
    assert tenant.id is not None and tenant.active_version is not None
    return tenants.script_version(session, tenant_id=tenant.id,
                                  version=tenant.active_version).yaml_text


def publish_practice(engine: Engine, slug: str, language: str) -> bool:
    """Publish the practice over the demo script of `slug` unless it has one already;
    True when it published."""
    with Session(engine) as session:
        text = active_text(session, slug)
        if "\nbooking:" in "\n" + text:
            return False
        assert "\nsteps:\n" in text
        tenant = tenants.get_tenant(session, slug=slug)
        publishing.publish_script(session, tenant=tenant, author="bench",
                                  yaml_text=text.replace("\nsteps:\n",
                                                         "\n" + PRACTICE[language] + "steps:\n"))
        session.commit()
    return True


def publish_transport(engine: Engine, slug: str, transport: str) -> None:
    """Publish the active script of `slug` carried by `transport` (`twiml`, `stream`)."""
    with Session(engine) as session:
        text = active_text(session, slug)
        assert "\ntransport:" not in text and "\nsteps:\n" in text
        tenant = tenants.get_tenant(session, slug=slug)
        publishing.publish_script(session, tenant=tenant, author="bench",
                                  yaml_text=text.replace(
                                      "\nsteps:\n", f"\ntransport: {transport}\nsteps:\n", 1))
        session.commit()


def seed_existing(engine: Engine, caller: Caller) -> int:
    """Book the caller's existing appointment (their number, the caller's language)."""
    existing = caller.existing
    assert existing is not None
    slug = "demo" if caller.language == "en" else "demo-fr"
    minutes, buffer = MINUTES[existing.type]
    with Session(engine) as session:
        tenant = tenants.get_tenant(session, slug=slug)
        assert tenant.id is not None
        agenda = agendas.get_agenda(session, tenant_id=tenant.id, slug=existing.who)
        assert agenda is not None, existing.who
        appointment = booking.book(
            session, agenda=agenda, starts_at=existing.at.replace(tzinfo=caller.clock.tzinfo),
            now=caller.clock, caller_number=caller.number, caller_name="Bench Caller",
            language="en-US" if caller.language == "en" else "fr-FR", source="admin",
            kind=Kind(existing.type, minutes, buffer))
        session.commit()
        assert appointment.id is not None
        return appointment.id

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from receptionist.calls.models import Call
from receptionist.contacts import service as contacts
from receptionist.contacts.models import Listed
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock

NUMBER = "+15557770009"


@pytest.fixture
def tenant_id(session: Session) -> int:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    return tenant.id


def _call(session: Session, tenant_id: int, sid: str, clock: FixedClock, *,
          screening: str | None = None, days_ago: int = 0) -> Call:
    call = Call(call_sid=sid, tenant_id=tenant_id, from_number=NUMBER, to_number="+1500",
                script_version=1, screening=screening,
                started_at=clock() - timedelta(days=days_ago))
    session.add(call)
    session.flush()
    return call


def test_anonymous_numbers() -> None:
    for number in ("", "anonymous", "Restricted", "+266696687", " unknown "):
        assert contacts.is_anonymous(number)
    assert not contacts.is_anonymous(NUMBER)


def test_save_validates_and_cleans(session: Session, tenant_id: int, clock: FixedClock) -> None:
    for bad in ("--help", "0612345678", "+1 555 777", "+1555777000\n9"):
        with pytest.raises(contacts.ContactError):
            contacts.save_contact(session, tenant_id=tenant_id, number=bad, now=clock(),
                                  by="t", name="x")
    with pytest.raises(contacts.ContactError, match="100 characters"):
        contacts.save_contact(session, tenant_id=tenant_id, number=NUMBER, now=clock(),
                              by="t", name="x" * 101)
    saved = contacts.save_contact(session, tenant_id=tenant_id, number=f" {NUMBER} ",
                                  now=clock(), by="t", name="  Jane\n\tDoe  ")
    assert (saved.number, saved.name, saved.listed) == (NUMBER, "Jane Doe", "none")
    again = contacts.save_contact(session, tenant_id=tenant_id, number=NUMBER, now=clock(),
                                  by="t", listed=Listed.blocked)
    assert again.id == saved.id and again.name == "Jane Doe" and again.listed == "blocked"
    assert contacts.delete_contact(session, tenant_id=tenant_id, contact_id=saved.id or 0)
    assert not contacts.delete_contact(session, tenant_id=tenant_id + 1, contact_id=1)


def test_standing_and_earlier_calls(session: Session, tenant_id: int,
                                    clock: FixedClock) -> None:
    assert contacts.standing(session, tenant_id=tenant_id, number=NUMBER) == contacts.Standing(
        Listed.none, None)
    assert not contacts.is_known(session, tenant_id=tenant_id, number=NUMBER)
    _call(session, tenant_id, "CA" + "1" * 32, clock, screening="spam")
    assert not contacts.is_known(session, tenant_id=tenant_id, number=NUMBER)
    now = _call(session, tenant_id, "CA" + "2" * 32, clock)
    assert not contacts.is_known(session, tenant_id=tenant_id, number=NUMBER,
                                 calling=now.call_sid)
    assert contacts.is_known(session, tenant_id=tenant_id, number=NUMBER)
    _call(session, tenant_id, "CA" + "3" * 32, clock, screening="passed", days_ago=40)
    assert contacts.earlier_calls(session, tenant_id=tenant_id, number=NUMBER,
                                  before_id=None) == 2
    assert contacts.earlier_calls(session, tenant_id=tenant_id, number=NUMBER,
                                  before_id=None, since=clock() - timedelta(days=30)) == 1
    assert not contacts.is_known(session, tenant_id=tenant_id, number="anonymous")
    saved = contacts.save_contact(session, tenant_id=tenant_id, number="+15550000000",
                                  now=clock(), by="t", listed=Listed.allowed)
    listing = contacts.standing(session, tenant_id=tenant_id, number="+15550000000")
    assert listing == contacts.Standing(Listed.allowed, saved)
    assert contacts.is_known(session, tenant_id=tenant_id, number="+15550000000")


def test_a_name_from_a_booking_unless_the_owner_named_them(
        session: Session, tenant_id: int, clock: FixedClock) -> None:
    from receptionist.appointments.agendas import list_agendas
    from receptionist.appointments.models import Appointment
    agenda = next(a for a in list_agendas(session, tenant_id=tenant_id) if a.slug == "main")
    assert agenda.id is not None
    start = clock() + timedelta(days=1)
    session.add(Appointment(tenant_id=tenant_id, agenda_id=agenda.id, uid="c@test",
                            caller_number=NUMBER,
                            caller_name="Jane From Booking", starts_at=start,
                            ends_at=start + timedelta(minutes=30),
                            start_s=int(start.timestamp()),
                            end_s=int(start.timestamp()) + 1800))
    session.flush()
    assert contacts.name_of(session, tenant_id=tenant_id, number=NUMBER) == "Jane From Booking"
    contacts.save_contact(session, tenant_id=tenant_id, number=NUMBER, now=clock(), by="t",
                          name="Jane Doe")
    assert contacts.name_of(session, tenant_id=tenant_id, number=NUMBER) == "Jane Doe"
    assert contacts.name_of(session, tenant_id=tenant_id, number="anonymous") == ""


def test_a_number_is_checked_the_same_everywhere() -> None:
    assert contacts.checked_number(" +15551230001 ") == "+15551230001"
    for bad in ("555-1234", "+0123456789", "15551230001", "+1 555 123"):
        with pytest.raises(contacts.ContactError, match=r"E\.164"):
            contacts.checked_number(bad)

"""Who a caller is to the business: a name, earlier calls, a block or allow listing.

A name comes from the owner (the admin UI) first, else the name the caller gave when
booking (transcribed). Numbers are compared as Twilio sends `From`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from receptionist.appointments.models import Appointment
from receptionist.calls.models import Call
from receptionist.catalog_text import Refused
from receptionist.contacts.models import E164, Contact, Listed
from receptionist.i18n import N_
from receptionist.orm_rows import RowReader

_E164 = re.compile(E164)
# What Twilio (and carriers) put in `From` when the caller hides their number.
ANONYMOUS = frozenset({"", "anonymous", "restricted", "unknown", "private", "unavailable",
                       "+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"})
# Calls stopped before the script: not counted as the caller's calls.
SCREENED_OUT = ("blocked", "anonymous", "spam", "challenged")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ContactError(Refused):
    """An owner's edit that cannot be stored (said in plain words)."""


def is_anonymous(number: str) -> bool:
    return number.strip().lower() in ANONYMOUS


def contact_for(session: Session, *, tenant_id: int, number: str) -> Contact | None:
    """The number's contact in the business (read on every incoming call)."""
    return _CONTACT.first(session, {"tenant": tenant_id, "number": number})


_CONTACT = RowReader(Contact, (col(Contact.tenant_id) == bindparam("tenant"))
                     & (col(Contact.number) == bindparam("number")))


def name_of(session: Session, *, tenant_id: int, number: str) -> str:
    """The caller's name as the business knows it (their contact's, else the name they
    gave when booking), or ""."""
    if is_anonymous(number):
        return ""
    contact = contact_for(session, tenant_id=tenant_id, number=number)
    return contact.name if contact is not None and contact.name else _booked_name(
        session, tenant_id=tenant_id, number=number)


def names_of(session: Session, *, tenant_id: int, numbers: Iterable[str]) -> dict[str, str]:
    """`name_of` for a page of numbers at once (two queries): the names known, by number."""
    wanted = {n for n in numbers if n and not is_anonymous(n)}
    if not wanted:
        return {}
    found: dict[str, str] = {}
    # The numbers are looked up in their index: neither an ORDER BY id nor the tenant's
    # index (`+ 0` keeps SQLite's planner, without statistics, from choosing it, which
    # reads every appointment of the business) leads the search.
    booked = session.execute(select(col(Appointment.id), col(Appointment.caller_number),
                                    col(Appointment.caller_name)).where(
        col(Appointment.tenant_id) + 0 == tenant_id,
        col(Appointment.caller_number).in_(wanted), col(Appointment.caller_name) != "")).all()
    for _, number, name in sorted(booked):
        found[number] = name  # the latest booking's name wins
    for number, name in session.execute(select(col(Contact.number), col(Contact.name)).where(
            col(Contact.tenant_id) == tenant_id, col(Contact.number).in_(wanted),
            col(Contact.name) != "")).all():
        found[number] = name  # the owner's name for them wins over all
    return found


def _booked_name(session: Session, *, tenant_id: int, number: str) -> str:
    name = session.execute(_BOOKED_NAME, {"tenant": tenant_id, "number": number}).scalar()
    return str(name or "")


_BOOKED_NAME = (select(col(Appointment.caller_name)).where(
    col(Appointment.tenant_id) == bindparam("tenant"),
    col(Appointment.caller_number) == bindparam("number"),
    col(Appointment.caller_name) != "").order_by(col(Appointment.id).desc()).limit(1))


def earlier_calls(session: Session, *, tenant_id: int, number: str, before_id: int | None,
                  since: datetime | None = None) -> int:
    """The caller's calls that reached the script, before the call `before_id` (none for
    a hidden caller: every hidden caller shares the same "number")."""
    if is_anonymous(number):
        return 0
    query = select(func.count()).select_from(Call).where(
        col(Call.tenant_id) == tenant_id, col(Call.from_number) == number,
        col(Call.script_version).is_not(None),
        (col(Call.screening).is_(None)) | (col(Call.screening).not_in(SCREENED_OUT)))
    if before_id is not None:
        query = query.where(col(Call.id) < before_id)
    if since is not None:
        query = query.where(col(Call.started_at) >= since)
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class Standing:
    """How a number is listed by the business (its contact, if any)."""

    listed: Listed
    contact: Contact | None


_EARLIER_CALL = (select(col(Call.id)).where(
    col(Call.tenant_id) == bindparam("tenant"), col(Call.from_number) == bindparam("number"),
    col(Call.call_sid) != bindparam("calling"), col(Call.script_version).is_not(None),
    (col(Call.screening).is_(None)) | (col(Call.screening).not_in(SCREENED_OUT))).limit(1))


def standing(session: Session, *, tenant_id: int, number: str) -> Standing:
    """The number's listing: one query."""
    contact = None if is_anonymous(number) else contact_for(session, tenant_id=tenant_id,
                                                            number=number)
    return Standing(Listed(contact.listed) if contact is not None else Listed.none, contact)


def is_known(session: Session, *, tenant_id: int, number: str, calling: str | None = None,
             listing: Standing | None = None) -> bool:
    """A contact, a name given when booking, or a call that reached the script before
    (other than the call `calling`). `listing`: the number's standing, if looked up."""
    if is_anonymous(number):
        return False
    listing = listing or standing(session, tenant_id=tenant_id, number=number)
    if listing.contact is not None:
        return True
    if _booked_name(session, tenant_id=tenant_id, number=number):
        return True
    return session.execute(_EARLIER_CALL, {"tenant": tenant_id, "number": number,
                                           "calling": calling or ""}).first() is not None


def clean_name(name: str) -> str:
    name = " ".join(_CONTROL.sub(" ", name).split())
    if len(name) > 100:
        raise ContactError(N_("refusal.contact.name_too_long"), n=100)
    return name


def checked_number(number: str) -> str:
    """The number as it must be written (E.164), else ContactError with how to write it."""
    number = number.strip()
    if not _E164.match(number):
        raise ContactError(N_("refusal.contact.number"), example="+15551230001")
    return number


def save_contact(session: Session, *, tenant_id: int, number: str, now: datetime, by: str,
                 name: str | None = None, listed: Listed | None = None,
                 note: str | None = None) -> Contact:
    """Create or change the contact for `number` (only the fields given)."""
    number = checked_number(number)
    contact = contact_for(session, tenant_id=tenant_id, number=number)
    if contact is None:
        contact = Contact(tenant_id=tenant_id, number=number)
    if name is not None:
        contact.name = clean_name(name)
    if listed is not None:
        contact.listed = listed.value
    if note is not None:
        if len(note) > 500:
            raise ContactError(N_("refusal.contact.note_too_long"), n=500)
        contact.note = _CONTROL.sub(" ", note).strip()
    contact.updated_at, contact.updated_by = now, by[:200]
    session.add(contact)
    session.flush()
    return contact


def list_contacts(session: Session, *, tenant_id: int, limit: int = 500) -> list[Contact]:
    return list(session.execute(select(Contact).where(col(Contact.tenant_id) == tenant_id)
                                .order_by(col(Contact.listed).desc(), col(Contact.name),
                                          col(Contact.number)).limit(limit)).scalars())


def delete_contact(session: Session, *, tenant_id: int, contact_id: int) -> bool:
    contact = session.get(Contact, contact_id)
    if contact is None or contact.tenant_id != tenant_id:
        return False
    session.delete(contact)
    return True

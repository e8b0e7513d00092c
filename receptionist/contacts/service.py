"""Who a caller is to the business: a name, earlier calls, a block or allow listing.

A name comes from the owner (the admin UI) first, else the name the caller gave when
booking (transcribed). Numbers are compared as Twilio sends `From`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from receptionist.appointments.models import Appointment
from receptionist.calls.models import Call
from receptionist.contacts.models import Contact, Listed

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
# What Twilio (and carriers) put in `From` when the caller hides their number.
ANONYMOUS = frozenset({"", "anonymous", "restricted", "unknown", "private", "unavailable",
                       "+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"})
# Calls stopped before the script: not counted as the caller's calls.
SCREENED_OUT = ("blocked", "anonymous", "spam", "challenged")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ContactError(ValueError):
    """An owner's edit that cannot be stored (said in plain words)."""


def is_anonymous(number: str) -> bool:
    return number.strip().lower() in ANONYMOUS


def contact_for(session: Session, *, tenant_id: int, number: str) -> Contact | None:
    return session.execute(select(Contact).where(
        col(Contact.tenant_id) == tenant_id, col(Contact.number) == number)).scalars().first()


def name_of(session: Session, *, tenant_id: int, number: str) -> str:
    """The caller's name as the business knows it, or ""."""
    if is_anonymous(number):
        return ""
    contact = contact_for(session, tenant_id=tenant_id, number=number)
    if contact is not None and contact.name:
        return contact.name
    name = session.execute(select(col(Appointment.caller_name)).where(
        col(Appointment.tenant_id) == tenant_id, col(Appointment.caller_number) == number,
        col(Appointment.caller_name) != "").order_by(col(Appointment.id).desc())).scalar()
    return str(name or "")


def earlier_calls(session: Session, *, tenant_id: int, number: str, before_id: int | None,
                  since: datetime | None = None, besides: str | None = None) -> int:
    """The caller's calls that reached the script, before the call `before_id` (and
    other than the call `besides`, a CallSid)."""
    query = select(func.count()).select_from(Call).where(
        col(Call.tenant_id) == tenant_id, col(Call.from_number) == number,
        col(Call.script_version).is_not(None),
        (col(Call.screening).is_(None)) | (col(Call.screening).not_in(SCREENED_OUT)))
    if before_id is not None:
        query = query.where(col(Call.id) < before_id)
    if since is not None:
        query = query.where(col(Call.started_at) >= since)
    if besides is not None:
        query = query.where(col(Call.call_sid) != besides)
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class Standing:
    """What the business knows of a number when it calls."""

    listed: Listed
    name: str
    known: bool  # a contact, or a caller who reached the script before


def standing(session: Session, *, tenant_id: int, number: str,
             calling: str | None = None) -> Standing:
    """`calling`: the CallSid of the call asking, which does not make its caller known."""
    if is_anonymous(number):
        return Standing(Listed.none, "", False)
    contact = contact_for(session, tenant_id=tenant_id, number=number)
    listed = Listed(contact.listed) if contact is not None else Listed.none
    name = name_of(session, tenant_id=tenant_id, number=number)
    known = contact is not None or bool(name) or earlier_calls(
        session, tenant_id=tenant_id, number=number, before_id=None, besides=calling) > 0
    return Standing(listed, name, known)


def clean_name(name: str) -> str:
    name = " ".join(_CONTROL.sub(" ", name).split())
    if len(name) > 100:
        raise ContactError("a name has 100 characters at most")
    return name


def save_contact(session: Session, *, tenant_id: int, number: str, now: datetime, by: str,
                 name: str | None = None, listed: Listed | None = None,
                 note: str | None = None) -> Contact:
    """Create or change the contact for `number` (only the fields given)."""
    number = number.strip()
    if not E164.match(number):
        raise ContactError("a number is written +, the country code and the number, "
                           "digits only (E.164), e.g. +15551230001")
    contact = contact_for(session, tenant_id=tenant_id, number=number)
    if contact is None:
        contact = Contact(tenant_id=tenant_id, number=number)
    if name is not None:
        contact.name = clean_name(name)
    if listed is not None:
        contact.listed = listed.value
    if note is not None:
        if len(note) > 500:
            raise ContactError("a note has 500 characters at most")
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

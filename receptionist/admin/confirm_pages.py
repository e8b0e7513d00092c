"""The step before an owner's action that cannot be taken back (cancelling an appointment
sends the caller an SMS): a page that says what will happen, with the action and a way
back, so that it works without JavaScript."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response

from receptionist.admin.call_words import short_when
from receptionist.admin.deps import SignedIn, render
from receptionist.appointments.models import Agenda, Appointment
from receptionist.catalog_text import CatalogText
from receptionist.i18n import N_
from receptionist.tenants.models import Tenant


def confirm_cancel(request: Request, signed: SignedIn, tenant: Tenant,
                   appointment: Appointment, agenda: Agenda) -> Response:
    """"Cancel the appointment of Tue, Nov 17, 11:00 AM with Dr Martin?" and what the
    caller will receive."""
    user, data = signed
    when = short_when(user.language, appointment.starts_at.astimezone(
        ZoneInfo(agenda.timezone)))
    who = appointment.caller_name or appointment.caller_number or "?"
    detail = CatalogText(N_("admin.confirm.cancel_sms"), name=who) \
        if appointment.caller_number else CatalogText(N_("admin.confirm.cancel_no_sms"))
    page = f"/admin/t/{tenant.slug}/appointments/{appointment.id}"
    return render(request, "confirm.html", data, user, tenant=tenant, section="agenda",
                  notice="",
                  question=CatalogText(N_("admin.confirm.cancel"), when=when,
                                       agenda=agenda.name, name=who),
                  detail=detail, action=f"{page}/cancel", fields={"confirm": "yes"},
                  button=CatalogText(N_("admin.cancel_appointment")), button_class="danger",
                  back_url=page, back_label=CatalogText(N_("admin.keep_appointment")))

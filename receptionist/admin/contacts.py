"""The owner's contacts: names callers are greeted and announced by, and the block and
allow lists (a number is blocked in one click from the messages or the call log)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from receptionist.admin.deps import (
    CsrfChecked,
    CurrentUser,
    Notice,
    OwnedTenant,
    Shown,
    owned_tenant,
    redirect_with_notice,
    render,
    signed_in,
)
from receptionist.catalog_text import CatalogText, said
from receptionist.contacts import service as contacts
from receptionist.contacts.models import Listed
from receptionist.i18n import N_
from receptionist.web_deps import RowId, SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
# Where a one-click block returns to: our own pages only, never a URL from the form.
BACK = {"inbox": "inbox", "calls": "calls", "contacts": "contacts"}


def _page(request: Request, db: Session, slug: str, *, notice: Shown = "", error: Shown = "",
          form: dict[str, str] | None = None) -> Response:
    user, data = signed_in(request, db)
    tenant = owned_tenant(db, user, slug)
    assert tenant.id is not None
    response = render(request, "contacts.html", data, user, tenant=tenant,
                      section="contacts", notice=notice, error=error, form=form or {},
                      contacts=contacts.list_contacts(db, tenant_id=tenant.id),
                      lists=[value.value for value in Listed])
    if error:
        response.status_code = 400
    return response


@router.get("/t/{slug}/contacts")
def contacts_page(request: Request, db: SessionDep, slug: str,
                  notice: Notice = "") -> Response:
    return _page(request, db, slug, notice=notice)


@router.post("/t/{slug}/contacts")
def save_contact(request: Request, db: SessionDep, signed: CsrfChecked,
                 tenant: OwnedTenant, slug: str,
                 number: Annotated[str, Form(max_length=64)],
                 name: Annotated[str, Form(max_length=300)] = "",
                 listed: Annotated[str, Form(pattern="^(none|blocked|allowed)$")] = "none",
                 note: Annotated[str, Form(max_length=1000)] = "") -> Response:
    user, _ = signed
    assert tenant.id is not None
    rt = runtime_of(request)
    try:
        with rt.database.write_transaction(db):
            contacts.save_contact(db, tenant_id=tenant.id, number=number, name=name,
                                  listed=Listed(listed), note=note, now=rt.clock(),
                                  by=user.email)
    except contacts.ContactError as exc:
        return _page(request, db, slug, error=said(exc),
                     form={"number": number, "name": name, "listed": listed, "note": note})
    return redirect_with_notice(request, f"/admin/t/{slug}/contacts",
                                CatalogText(N_("admin.notice.saved")))


@router.post("/t/{slug}/contacts/block")
def block_number(request: Request, db: SessionDep, signed: CsrfChecked,
                 tenant: OwnedTenant, slug: str,
                 number: Annotated[str, Form(max_length=64)],
                 back: Annotated[str, Form(max_length=20)] = "contacts",
                 listed: Annotated[str, Form(pattern="^(none|blocked|allowed)$")] = "blocked",
                 confirm: Annotated[str, Form(max_length=8)] = "") -> Response:
    """From a message or a call: the number's next calls hear a busy tone. Blocking asks
    first (a page, no JavaScript needed), then offers to undo; unblocking is at once."""
    user, data = signed
    assert tenant.id is not None
    back_to = f"/admin/t/{slug}/{BACK.get(back, 'contacts')}"
    if listed == "blocked" and confirm != "yes":
        return render(request, "confirm.html", data, user, tenant=tenant,
                      section="contacts", notice="",
                      question=CatalogText(N_("admin.confirm.block"), number=number),
                      detail=CatalogText(N_("admin.confirm.block_detail")),
                      action=f"/admin/t/{slug}/contacts/block",
                      fields={"number": number, "back": back, "listed": "blocked",
                              "confirm": "yes"},
                      button=CatalogText(N_("admin.block")), button_class="danger",
                      back_url=back_to, back_label=CatalogText(N_("admin.keep_calling")))
    rt = runtime_of(request)
    try:
        with rt.database.write_transaction(db):
            contacts.save_contact(db, tenant_id=tenant.id, number=number,
                                  listed=Listed(listed), now=rt.clock(), by=user.email)
    except contacts.ContactError as exc:
        raise HTTPException(400, str(exc)) from None
    if listed == "blocked":
        return redirect_with_notice(request, f"/admin/t/{slug}/contacts/blocked",
                                    CatalogText(N_("admin.notice.blocked")),
                                    number=number, back=BACK.get(back, "contacts"))
    notice = CatalogText(N_("admin.notice.unblocked") if listed == "none"
                         else N_("admin.notice.saved"))
    return redirect_with_notice(request, back_to, notice)


@router.get("/t/{slug}/contacts/blocked")
def blocked_page(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
                 slug: str, number: Annotated[str, Query(max_length=64)],
                 back: Annotated[str, Query(max_length=20)] = "contacts",
                 notice: Notice = "") -> Response:
    """Right after blocking: the undo (unblock), and the way back."""
    user, data = signed
    assert tenant.id is not None
    back_to = f"/admin/t/{slug}/{BACK.get(back, 'contacts')}"
    contact = contacts.contact_for(db, tenant_id=tenant.id, number=number)
    if contact is None or contact.listed != Listed.blocked:
        return RedirectResponse(back_to, status_code=303)
    return render(request, "confirm.html", data, user, tenant=tenant, section="contacts",
                  notice=notice,
                  question=CatalogText(N_("admin.confirm.blocked"), number=number),
                  detail=CatalogText(N_("admin.confirm.undo_block")),
                  action=f"/admin/t/{slug}/contacts/block",
                  fields={"number": number, "back": back, "listed": "none"},
                  button=CatalogText(N_("admin.unblock_undo")), button_class="secondary",
                  back_url=back_to, back_label=CatalogText(N_("admin.back")))


@router.post("/t/{slug}/contacts/{contact_id}/delete")
def delete_contact(request: Request, db: SessionDep, signed: CsrfChecked,
                   tenant: OwnedTenant, slug: str, contact_id: RowId) -> Response:
    assert tenant.id is not None
    with runtime_of(request).database.write_transaction(db):
        if not contacts.delete_contact(db, tenant_id=tenant.id, contact_id=contact_id):
            raise HTTPException(404, "no such contact")
    return redirect_with_notice(request, f"/admin/t/{slug}/contacts",
                                CatalogText(N_("admin.notice.saved")))

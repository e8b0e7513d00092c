"""Operators create businesses here: a slug, a name, phone numbers, a language and a time
zone. The new business starts from the demo script of its language (renamed, in its
zone), to be edited in the script editor; its creator is assigned to it."""

from __future__ import annotations

import io
import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from ruamel.yaml import YAML

from receptionist import demo
from receptionist.admin.deps import CsrfChecked, Shown, redirect_with_notice, render
from receptionist.call_flows import publishing
from receptionist.call_flows.loader import ScriptError
from receptionist.catalog_text import CatalogText, said
from receptionist.contacts.models import E164
from receptionist.i18n import N_
from receptionist.tenants import service as tenants
from receptionist.users import service as users
from receptionist.users.models import UserTenant
from receptionist.web_deps import SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
TEMPLATES = {"en-US": "demo.yaml", "fr-FR": "demo-fr.yaml"}
_E164 = re.compile(E164)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
# Words of the admin's own URLs and pages, never a business's address.
RESERVED_SLUGS = frozenset({"admin", "api", "login", "logout", "new", "static", "tenants",
                            "twilio"})
# Every refusal of a slug, whether it is malformed, reserved or another business's: an
# operator must not learn which businesses exist from this form.
SLUG_REFUSED = CatalogText(N_("refusal.tenant.slug_refused"))


DEMO_NAMES = {"en-US": "Demo Dental Clinic", "fr-FR": "Cabinet Démo"}


def starter_script(*, name: str, language: str, timezone: str) -> str:
    """The demo script of `language`, with the business's name (in its prompts too) and
    time zone; edited as YAML, so any name stays valid YAML."""
    yaml = YAML()
    yaml.width = 100
    document = yaml.load(demo.demo_script_text(TEMPLATES[language]))
    document["business"] = name
    document["timezone"] = timezone
    for step in document["steps"].values():
        for key in ("text", "prompt", "thanks", "reprompt"):
            if isinstance(step.get(key), str):
                step[key] = step[key].replace(DEMO_NAMES[language], name)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


@router.post("/tenants")
def create(request: Request, db: SessionDep,
           signed: CsrfChecked,
           slug: Annotated[str, Form(max_length=200)],
           name: Annotated[str, Form(min_length=1, max_length=200)],
           numbers: Annotated[str, Form(max_length=500)],
           language: Annotated[str, Form(pattern="^(en-US|fr-FR)$")],
           timezone: Annotated[str, Form(max_length=64)]) -> Response:
    user, data = signed
    if user.role != "operator":
        raise HTTPException(404, "no such page")
    phones = [n.strip() for n in re.split(r"[,\s]+", numbers) if n.strip()]
    error: Shown = ""
    if not phones or any(not _E164.match(n) for n in phones):
        error = CatalogText(N_("refusal.tenant.numbers"), example="+15551234567")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        error = CatalogText(N_("refusal.tenant.time_zone"), zone=repr(timezone))
    if not _SLUG.fullmatch(slug) or slug in RESERVED_SLUGS:
        error = SLUG_REFUSED
    if not error:
        try:
            first = starter_script(name=name, language=language, timezone=timezone)
            publishing.prepare(first)
            with runtime_of(request).database.write_transaction(db):
                tenant = publishing.create_tenant(
                    db, slug=slug, numbers=phones, author=user.email, yaml_text=first)
                assert tenant.id is not None and user.id is not None
                db.add(UserTenant(user_id=user.id, tenant_id=tenant.id))
            return redirect_with_notice(request, f"/admin/t/{slug}/script",
                                        CatalogText(N_("admin.notice.business_created")))
        except tenants.SlugTaken as exc:
            db.rollback()
            # Its own operators may hear that it exists; anyone else, what any refused
            # slug gets.
            error = exc.text if users.tenant_for(db, user, slug) is not None \
                else SLUG_REFUSED
        except (tenants.TenantError, ScriptError) as exc:
            db.rollback()
            error = said(exc)
    response = render(request, "tenants.html", data, user, tenants=users.tenants_of(db, user),
                     error=error)
    response.status_code = 400
    return response

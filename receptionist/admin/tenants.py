"""Operators create businesses here: a slug, a name, phone numbers, a language and a time
zone, and the kind of business. The new business starts from the starter script of its
kind in its language (renamed, in its zone: a plumber never offers dental insurance), to
be edited in the script form; its creator is assigned to it. Every field is checked at
once, and a refused form comes back as typed, each fault beside its field."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from ruamel.yaml import YAML
from sqlmodel import Session

from receptionist import demo
from receptionist.admin.deps import CsrfChecked, Shown, redirect_with_notice, render
from receptionist.admin.sessions import SessionData
from receptionist.call_flows import publishing
from receptionist.call_flows.loader import ScriptError
from receptionist.catalog_text import CatalogText, in_language, said
from receptionist.contacts.models import E164
from receptionist.i18n import N_
from receptionist.tenants import service as tenants
from receptionist.users import service as users
from receptionist.users.models import User, UserTenant
from receptionist.web_deps import SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
_E164 = re.compile(E164)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
# Words of the admin's own URLs and pages, never a business's address.
RESERVED_SLUGS = frozenset({"admin", "api", "login", "logout", "new", "static", "tenants",
                            "twilio"})
# Every refusal of a slug, whether it is malformed, reserved or another business's: an
# operator must not learn which businesses exist from this form.
SLUG_REFUSED = CatalogText(N_("refusal.tenant.slug_refused"))

# The kinds of business a new one starts as, each a starter script per language
# (`receptionist/scripts/starter-<kind>-<lang>.yaml`), named in the form by these words.
KINDS = {
    "medical": N_("admin.kind.medical"),
    "law": N_("admin.kind.law"),
    "trades": N_("admin.kind.trades"),
    "generic": N_("admin.kind.generic"),
}
LANGUAGES = {"en-US": "en", "fr-FR": "fr"}


def starter_file(kind: str, language: str) -> str:
    return f"starter-{kind}-{LANGUAGES[language]}.yaml"


def starter_script(*, kind: str, name: str, language: str, timezone: str) -> str:
    """The starter script of `kind` in `language`, with the business's name (in its
    prompts too) and time zone; edited as YAML, so any name stays valid YAML."""
    yaml = YAML()
    yaml.width = 100
    document = yaml.load(demo.demo_script_text(starter_file(kind, language)))
    placeholder = str(document["business"])
    document["business"] = name
    document["timezone"] = timezone
    for step in document["steps"].values():
        for key in ("text", "prompt", "thanks", "reprompt"):
            if isinstance(step.get(key), str):
                step[key] = step[key].replace(placeholder, name)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def suggested_slug(name: str) -> str:
    """A slug made of a name ("Acme Plumbing" -> "acme-plumbing"), or "" if none."""
    bare = unicodedata.normalize("NFKD", name.lower())
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", bare).strip("-")[:63].strip("-")
    return slug if _SLUG.fullmatch(slug) and slug not in RESERVED_SLUGS else ""


@dataclass
class NewBusiness:
    """The form as typed, and what is wrong with each field (by name)."""

    slug: str = ""
    name: str = ""
    numbers: str = ""
    language: str = "en-US"
    timezone: str = ""
    kind: str = "generic"
    errors: dict[str, Shown] = field(default_factory=dict)

    def problems(self) -> dict[str, Shown]:
        """Every field checked, together (the form shows each beside its field)."""
        errors: dict[str, Shown] = {}
        if not self.name.strip():
            errors["name"] = CatalogText(N_("refusal.tenant.name_missing"))
        if not _SLUG.fullmatch(self.slug) or self.slug in RESERVED_SLUGS:
            hint = suggested_slug(self.slug) or suggested_slug(self.name)
            errors["slug"] = CatalogText(N_("refusal.tenant.slug_hint"), slug=hint) \
                if hint and hint != self.slug else SLUG_REFUSED
        phones = self.phones()
        if not phones or any(not _E164.match(n) for n in phones):
            errors["numbers"] = CatalogText(N_("refusal.tenant.numbers"), example="+15551234567")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = CatalogText(N_("refusal.tenant.time_zone"),
                                             zone=repr(self.timezone))
        if self.language not in LANGUAGES:
            errors["language"] = CatalogText(N_("refusal.tenant.language"))
        if self.kind not in KINDS:
            errors["kind"] = CatalogText(N_("refusal.tenant.kind"))
        return errors

    def phones(self) -> list[str]:
        return [n.strip() for n in re.split(r"[,\s]+", self.numbers) if n.strip()]


def tenants_page(request: Request, db: Session, user: User, data: SessionData,
                 new: NewBusiness | None = None, error: Shown = "") -> Response:
    new = new or NewBusiness()
    errors = {name: in_language(reason, user.language) for name, reason in new.errors.items()}
    return render(request, "tenants.html", data, user, tenants=users.tenants_of(db, user),
                  error=error, new=new, field_errors=errors, kinds=KINDS,
                  business_languages=list(LANGUAGES))


@router.post("/tenants")
def create(request: Request, db: SessionDep,
           signed: CsrfChecked,
           slug: Annotated[str, Form(max_length=200)] = "",
           name: Annotated[str, Form(max_length=200)] = "",
           numbers: Annotated[str, Form(max_length=500)] = "",
           language: Annotated[str, Form(max_length=16)] = "en-US",
           timezone: Annotated[str, Form(max_length=64)] = "",
           kind: Annotated[str, Form(max_length=16)] = "generic") -> Response:
    user, data = signed
    if user.role != "operator":
        raise HTTPException(404, "no such page")
    new = NewBusiness(slug=slug.strip(), name=name.strip(), numbers=numbers,
                      language=language, timezone=timezone.strip(), kind=kind)
    new.errors = new.problems()
    error: Shown = CatalogText(N_("admin.new_business_refused")) if new.errors else ""
    if not new.errors:
        try:
            first = starter_script(kind=new.kind, name=new.name, language=new.language,
                                   timezone=new.timezone)
            publishing.prepare(first)
            with runtime_of(request).database.write_transaction(db):
                tenant = publishing.create_tenant(
                    db, slug=new.slug, numbers=new.phones(), author=user.email,
                    yaml_text=first)
                assert tenant.id is not None and user.id is not None
                db.add(UserTenant(user_id=user.id, tenant_id=tenant.id))
            return redirect_with_notice(request, f"/admin/t/{new.slug}/script/form",
                                        CatalogText(N_("admin.notice.business_created")))
        except tenants.SlugTaken as exc:
            db.rollback()
            # Its own operators may hear that it exists; anyone else, what any refused
            # slug gets.
            new.errors["slug"] = exc.text if users.tenant_for(db, user, new.slug) is not None \
                else SLUG_REFUSED
            error = CatalogText(N_("admin.new_business_refused"))
        except (tenants.TenantError, ScriptError) as exc:
            db.rollback()
            error = said(exc)
    response = tenants_page(request, db, user, data, new, error)
    response.status_code = 400
    return response

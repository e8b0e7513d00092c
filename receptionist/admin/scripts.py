"""Operators' script pages: edit a business's call script with inline validation (line and
reason of every problem), a readable preview of its steps and where each one leads, then
publish; version history with diffs and one-click rollback. Owners get 404 here."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated

import anyio.from_thread
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.datastructures import FormData

from receptionist.admin.deps import (
    CsrfChecked,
    CurrentUser,
    Notice,
    OwnedTenant,
    Shown,
    redirect_with_notice,
    render,
)
from receptionist.admin.flow_diagram import diagram
from receptionist.admin.script_form import (
    NEW,
    FormError,
    UnprovenEdit,
    apply,
    as_typed,
    field_of,
    form_of,
    with_keys_sentence,
)
from receptionist.admin.script_words import step_label
from receptionist.admin.trial_call import (
    InputError,
    TrialCallResult,
    parse_inputs,
    run_trial_call,
)
from receptionist.call_flows import publishing
from receptionist.call_flows.checks import Reason, graph_problems
from receptionist.call_flows.loader import (
    ScriptError,
    ScriptProblem,
    compiled_script,
    parse_script,
    script_warnings,
)
from receptionist.call_flows.meaning import script_model
from receptionist.call_flows.prompt_texts import static_prompts, step_prompts
from receptionist.call_flows.registry import kind_of
from receptionist.call_flows.schema import Loc, Script
from receptionist.catalog_text import CatalogText, in_language
from receptionist.i18n import N_
from receptionist.runtime import Runtime
from receptionist.tenants import service as tenants
from receptionist.tenants.models import Tenant
from receptionist.twilio.twiml import prompt_path
from receptionist.users.models import User
from receptionist.voice.prompts import is_local
from receptionist.web_deps import MAX_ROW_ID, SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
log = logging.getLogger(__name__)
MAX_SCRIPT = 200_000
MAX_FIELD = 5_000  # one field of the script form (a prompt, a list of examples)


def _operator(user: User) -> None:
    if user.role != "operator":
        raise HTTPException(404, "no such page")


def preview(script: Script) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(step, kind, [(how, where it leads)]) in script order: the flow graph as a list."""
    return [(step_id, str(step.kind),
             [(way.label, way.target or "end of call") for way in kind_of(step).exits(step)])
            for step_id, step in script.steps.items()]


def prompt_previews(rt: Runtime, script: Script) -> list[tuple[str, str | None]]:
    """With the local voice: each prompt, and the URL of its rendered audio (None while
    it is rendered, in the background; the page shows it on the next load)."""
    voice = script.voice
    if not is_local(voice):
        return []
    assert voice is not None
    previews = []
    for text in step_prompts(script):
        served = rt.prompts.ready(text, voice, script.language)
        previews.append((text, None if served is None else prompt_path(served)))
    return previews


def render_prompts(rt: Runtime, yaml_text: str) -> None:
    """A version just published: its own prompts rendered now, in the background."""
    script = compiled_script(yaml_text)
    if script.prompt_voice is not None:
        rt.prompts.prepare_script(static_prompts(script), script.prompt_voice,
                                  script.language)


def _editor(request: Request, user: User, data: object, tenant: Tenant, db: SessionDep, *,
            yaml_text: str, problems: list[ScriptProblem], checked: bool, notice: Shown = "",
            test: TrialCallResult | None = None, test_error: Shown = "", inputs: str = ""
            ) -> Response:
    script = None
    warnings: list[ScriptProblem] = []
    if not problems:
        try:
            script, warnings = script_warnings(yaml_text)
        except ScriptError as exc:
            problems = exc.problems
    voices = prompt_previews(runtime_of(request), script) if script is not None else []
    drawn = script
    graph: list[tuple[Loc, Reason]] = []
    if drawn is None:  # a script with broken links still draws, its problems marked
        try:
            drawn = parse_script(yaml_text, check_graph=False)
            graph = graph_problems(drawn)
        except ScriptError:
            drawn = None
    flow_svg = Markup(diagram(drawn, problems=graph, path=test.path if test else ())
                      ) if drawn is not None else None
    return render(request, "script.html", data, user, tenant=tenant, section="script",  # type: ignore[arg-type]
                 voices=voices, flow_svg=flow_svg,
                 yaml_text=yaml_text, problems=[p.text for p in problems], checked=checked,
                 notice=notice, warnings=[w.text for w in warnings], test=test,
                 test_error=test_error, inputs=inputs,
                 steps=preview(script) if script is not None else [],
                 history=list(reversed(tenants.script_history(db, tenant=tenant))))


@router.get("/t/{slug}/script")
def script_page(request: Request, db: SessionDep,
                signed: CurrentUser, tenant: OwnedTenant, slug: str,
                notice: Notice = "") -> Response:
    user, data = signed
    _operator(user)
    assert tenant.id is not None and tenant.active_version is not None
    active = tenants.script_version(db, tenant_id=tenant.id, version=tenant.active_version)
    return _editor(request, user, data, tenant, db, yaml_text=active.yaml_text, problems=[],
                   checked=False, notice=notice)


@router.post("/t/{slug}/script")
def script_submit(request: Request, db: SessionDep,
                  signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                  yaml_text: Annotated[str, Form(max_length=MAX_SCRIPT)],
                  action: Annotated[str, Form(pattern="^(check|publish)$")],
                  comment: Annotated[str, Form(max_length=500)] = "") -> Response:
    user, data = signed
    _operator(user)
    try:
        script = parse_script(yaml_text)
    except ScriptError as exc:
        response = _editor(request, user, data, tenant, db, yaml_text=yaml_text,
                           problems=exc.problems, checked=True)
        response.status_code = 422
        return response
    if action == "check":
        return _editor(request, user, data, tenant, db, yaml_text=yaml_text, problems=[],
                       checked=True)
    script_model(script)  # trained before the write lock is taken (publish finds it cached)
    with runtime_of(request).database.write_transaction(db):
        row = publishing.publish_script(db, tenant=tenant, yaml_text=yaml_text,
                                     author=user.email, comment=comment)
        publishing.ensure_main_agenda(db, tenant=tenant, script=script)
    render_prompts(runtime_of(request), yaml_text)
    return redirect_with_notice(request, f"/admin/t/{slug}/script",
                                CatalogText(N_("admin.notice.published"), version=row.version))


@router.post("/t/{slug}/script/test")
def script_test_call(request: Request, db: SessionDep,
                     signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                     yaml_text: Annotated[str, Form(max_length=MAX_SCRIPT)],
                     inputs: Annotated[str, Form(max_length=2000)] = "",
                     caller: Annotated[str, Form(max_length=20,
                                                 pattern=r"^\+[1-9]\d{6,14}$")] = "+15550001234",
                     ) -> Response:
    """Run the draft (checked first) through a simulated call; nothing is published."""
    user, data = signed
    _operator(user)
    try:
        parse_script(yaml_text)
        actions = parse_inputs(inputs)
    except ScriptError as exc:
        response = _editor(request, user, data, tenant, db, yaml_text=yaml_text,
                           problems=exc.problems, checked=True)
        response.status_code = 422
        return response
    except InputError as exc:
        return _editor(request, user, data, tenant, db, yaml_text=yaml_text, problems=[],
                       checked=True, test_error=exc.text, inputs=inputs)
    rt = runtime_of(request)
    result = run_trial_call(rt.settings, rt.clock, slug=tenant.slug, yaml_text=yaml_text,
                           actions=actions, caller=caller)
    return _editor(request, user, data, tenant, db, yaml_text=yaml_text, problems=[],
                   checked=True, test=result, inputs=inputs)


def _form_page(request: Request, db: SessionDep, user: User, data: object, tenant: Tenant,
               *, error: Shown = "", problems: list[ScriptProblem] | None = None,
               notice: Shown = "", typed: Mapping[str, str] | None = None,
               field_errors: Mapping[str, Shown] | None = None,
               keys_written: bool = False) -> Response:
    """The form: the active script's fields, or what was typed (a refused or re-written
    form); each field at fault marked beside it in plain words, the rest listed above."""
    _, script = publishing.active_script(db, tenant=tenant)
    form = form_of(script) if typed is None else as_typed(form_of(script), typed)
    if keys_written:
        form = with_keys_sentence(form)
    for prompted in form.messages:
        prompted.when = in_language(prompted.when, user.language)
    marked = {name: in_language(reason, user.language)
              for name, reason in (field_errors or {}).items()}
    # Where a choice goes, in words ("Booking", "Says: “We are at…”"), not step ids.
    step_names = {step: step_label(script, step, user.language) for step in form.steps}
    return render(request, "script_form.html", data, user, tenant=tenant,  # type: ignore[arg-type]
                  section="script_form", form=form, new=NEW, error=error,
                  problems=[p.text for p in problems or []], notice=notice,
                  field_errors=marked, step_names=step_names)


@router.get("/t/{slug}/script/form")
def script_form_page(request: Request, db: SessionDep, signed: CurrentUser,
                     tenant: OwnedTenant, slug: str, notice: Notice = "") -> Response:
    """The common edits as a form: for owners as for operators (their own business)."""
    user, data = signed
    return _form_page(request, db, user, data, tenant, notice=notice)


async def _read_form(request: Request) -> FormData:
    return await request.form()


def _refused(request: Request, db: SessionDep, user: User, data: object, tenant: Tenant,
             posted: Mapping[str, str], problems: list[ScriptProblem], script: Script
             ) -> Response:
    """The form as typed, each problem beside its field (those of no field listed)."""
    marked: dict[str, Shown] = {}
    unplaced: list[ScriptProblem] = []
    for problem in problems:
        name = field_of(problem.path, script, posted)
        if name is None:
            unplaced.append(problem)
        else:
            marked.setdefault(name, problem.said)
    response = _form_page(request, db, user, data, tenant, typed=posted,
                          error=CatalogText(N_("admin.form_refused")), problems=unplaced,
                          field_errors=marked)
    response.status_code = 422
    return response


@router.post("/t/{slug}/script/form")
def script_form_submit(request: Request, db: SessionDep, signed: CsrfChecked,
                       tenant: OwnedTenant, slug: str) -> Response:
    user, data = signed
    # The form's fields are the script's own (choice.2.examples, message.take…): read as
    # a whole (already parsed for the CSRF token; the body size is capped for every route).
    fields = anyio.from_thread.run(_read_form, request)
    posted = {key: value for key, value in fields.multi_items()
              if isinstance(value, str) and key not in ("csrf", "action")
              and len(value) <= MAX_FIELD}
    if fields.get("action") == "keys":  # write the keys sentence, publish nothing
        return _form_page(request, db, user, data, tenant, typed=posted, keys_written=True,
                          notice=CatalogText(N_("admin.notice.keys_written")))
    assert tenant.id is not None and tenant.active_version is not None
    active = tenants.script_version(db, tenant_id=tenant.id, version=tenant.active_version)
    _, script = publishing.active_script(db, tenant=tenant)
    try:
        yaml_text = apply(active.yaml_text, script, posted)
        parsed = parse_script(yaml_text)
    except FormError as exc:
        if isinstance(exc, UnprovenEdit):
            log.warning("script form of %s by user %s refused: the YAML written would also "
                        "change %s", tenant.slug, user.id, ", ".join(exc.where))
        response = _form_page(request, db, user, data, tenant, error=exc.text, typed=posted,
                              field_errors={exc.name: exc.text} if exc.name else None)
        response.status_code = 422
        return response
    except ScriptError as exc:
        return _refused(request, db, user, data, tenant, posted, exc.problems, script)
    if parsed == script:  # the same script (the YAML may only be laid out anew)
        return redirect_with_notice(request, f"/admin/t/{slug}/script/form",
                                    CatalogText(N_("admin.notice.no_change")))
    script_model(parsed)
    with runtime_of(request).database.write_transaction(db):
        row = publishing.publish_script(db, tenant=tenant, yaml_text=yaml_text,
                                        author=user.email, comment="edited in the form")
    render_prompts(runtime_of(request), yaml_text)
    return redirect_with_notice(request, f"/admin/t/{slug}/script/form",
                                CatalogText(N_("admin.notice.published"), version=row.version))


@router.post("/t/{slug}/script/rollback")
def script_rollback(request: Request, db: SessionDep,
                    signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                    version: Annotated[int, Form(ge=1, le=MAX_ROW_ID)]) -> Response:
    user = signed.user
    _operator(user)
    try:
        assert tenant.id is not None
        publishing.prepare(tenants.script_version(db, tenant_id=tenant.id,
                                                  version=version).yaml_text)
        with runtime_of(request).database.write_transaction(db):
            row = publishing.rollback_script(db, tenant=tenant, to_version=version,
                                          author=user.email)
        render_prompts(runtime_of(request), row.yaml_text)
    except tenants.TenantError:
        raise HTTPException(404, "no such version") from None
    return redirect_with_notice(request, f"/admin/t/{slug}/script", CatalogText(
        N_("admin.notice.published_again"), old=version, version=row.version))


@router.get("/t/{slug}/script/diff")
def script_diff(request: Request, db: SessionDep,
                signed: CurrentUser, tenant: OwnedTenant, slug: str,
                old: Annotated[int, Query(ge=1, le=MAX_ROW_ID)],
                new: Annotated[int, Query(ge=1, le=MAX_ROW_ID)]
                ) -> Response:
    user, data = signed
    _operator(user)
    try:
        diff = tenants.script_diff(db, tenant=tenant, old=old, new=new)
    except tenants.TenantError:
        raise HTTPException(404, "no such version") from None
    return render(request, "diff.html", data, user, tenant=tenant, section="script",
                 diff=diff, old=old, new=new)

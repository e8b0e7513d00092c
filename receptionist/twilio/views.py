"""Twilio's HTTP routes. Thin: read + verify the request, run the webhook in a thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlmodel import Session

from receptionist.runtime import Runtime
from receptionist.twilio import callbacks, caller_ids, fallback, parameters, screening, webhooks
from receptionist.twilio.forms import (
    DialForm,
    DialQuery,
    MenuForm,
    RecordedForm,
    ResumeQuery,
    ScreenForm,
    ScreenQuery,
    StatusForm,
    TwilioForm,
    VoiceForm,
    parse,
    parse_or_none,
    read_form,
)
from receptionist.twilio.request_target import path_and_query, query_dict
from receptionist.twilio.signature import is_valid, public_url, validator_for
from receptionist.web_deps import runtime_of

log = logging.getLogger(__name__)
router = APIRouter(prefix="/twilio", tags=["twilio"])
F = TypeVar("F", bound=TwilioForm)
Q = TypeVar("Q", bound=BaseModel)
TWIML = "application/xml"


async def _signed(request: Request, rt: Runtime) -> list[tuple[str, str]]:
    """The form, once its size, encoding and X-Twilio-Signature are checked.

    A parameter repeated is refused: Twilio never sends one, and the signature check folds
    repeats together while a replay would otherwise look like a new request."""
    form = await read_form(request)
    names = [name for name, _ in form]
    if len(set(names)) != len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        raise HTTPException(400, f"repeated form parameter: {', '.join(repeated)[:200]}")
    url = public_url(rt.settings.public_base_url, *path_and_query(request.scope))
    if not is_valid(validator_for(rt.settings.twilio_auth_token), url=url, form=form,
                    signature=request.headers.get("x-twilio-signature")):
        log.warning("rejected unsigned or wrongly signed request to %s", url)
        raise HTTPException(403, "invalid or missing X-Twilio-Signature")
    return form


async def _answer(request: Request, form_model: type[F],
                  handle: Callable[[Runtime, Session, F], str]) -> Response:
    rt = runtime_of(request)
    pairs = await _signed(request, rt)
    unknown = parameters.unexpected((name for name, _ in pairs), form_model.DOCUMENTED)
    if unknown:
        log.warning("refused %s: parameters Twilio never sends there: %s", request.url.path,
                    ", ".join(unknown)[:200])
        raise HTTPException(400, "parameters Twilio never sends to this URL: "
                                 f"{', '.join(unknown)[:200]}")
    form = parse(form_model, dict(pairs))
    path, query = path_and_query(request.scope)
    run = partial(callbacks.answer, rt, path, query, form, handle)
    try:
        twiml = await rt.database.run(run, urgent=True)
    except Exception:
        # Database down, a bug...: the caller is never cut off with Twilio's "application
        # error"; the fallback flow takes a message without the database. Nothing was
        # committed, so a retry starts clean.
        log.exception("webhook %s failed for call %s", request.url.path, form.call_sid)
        twiml = await _fall_back(rt, dict(pairs))
    return Response(twiml, media_type=TWIML)


async def _in_process_route(request: Request) -> Response:
    """One of the callbacks the stream runner may also answer itself
    (`callbacks.IN_PROCESS`)."""
    path, _ = path_and_query(request.scope)
    form_model, handle = callbacks.IN_PROCESS[path](query_dict(request.scope))
    return await _answer(request, form_model, handle)


async def _fall_back(rt: Runtime, fields: dict[str, str]) -> str:
    languages = fallback.languages_for(rt.number_languages.get(fields.get("To", "")))
    recording = parse_or_none(RecordedForm, fields)
    if recording is not None and _has_recording(recording):
        # The caller's message is in this request: keep it, do not ask for it again.
        return await _keep(rt, fields, recording, languages)
    return fallback.take_message(rt.settings.public_base_url, languages)


def _has_recording(form: RecordedForm) -> bool:
    """A recording to keep: one with a length, or whose length Twilio did not report."""
    return bool(form.recording_sid and form.recording_url
                and (form.recording_duration is None or form.recording_duration > 0))


async def _keep(rt: Runtime, fields: dict[str, str], form: RecordedForm,
                languages: tuple[str, ...]) -> str:
    """Spool the recording and thank the caller (an apology if even the disk fails)."""
    if await _spool(rt, fields, form):
        return fallback.say_and_hang_up("thanks", languages)
    return webhooks.apology(languages[0])


async def _spool(rt: Runtime, fields: dict[str, str], form: RecordedForm) -> bool:
    assert form.recording_sid is not None and form.recording_url is not None
    try:
        await run_in_threadpool(partial(
            fallback.keep_recording, rt.settings.spool_dir, call_sid=form.call_sid,
            from_number=caller_ids.caller_number(fields.get("From", "")),
            to_number=fields.get("To", "")[:64],
            recording_sid=form.recording_sid, recording_url=form.recording_url,
            duration_s=form.recording_duration))
    except (OSError, ValueError):
        log.exception("could not spool recording %s of call %s", form.recording_sid,
                      form.call_sid)
        return False
    log.warning("recording %s of call %s spooled to disk for later import",
                form.recording_sid, form.call_sid)
    return True


@router.post("/fallback", summary="Fallback voice URL: takes a message without the database")
async def fallback_voice(request: Request) -> Response:
    """Set as the number's "primary handler fails" URL. Any webhook's form is accepted."""
    rt = runtime_of(request)
    fields = dict(await _signed(request, rt))
    return Response(await _fall_back(rt, fields), media_type=TWIML)


@router.post("/fallback/recorded", include_in_schema=False)
async def fallback_recorded(request: Request) -> Response:
    rt = runtime_of(request)
    fields = dict(await _signed(request, rt))
    form = parse(RecordedForm, fields)
    languages = fallback.languages_of_query(request.query_params.get("lang"))
    if not _has_recording(form):
        return Response(fallback.say_and_hang_up("nothing", languages), media_type=TWIML)
    return Response(await _keep(rt, fields, form, languages), media_type=TWIML)


def _with_query(handle: Callable[[Runtime, Session, Any, Q], str],
                query: Q) -> Callable[[Runtime, Session, Any], str]:
    return callbacks.with_query(handle, query)


@router.get("/prompts/{name}.wav", include_in_schema=False)
async def prompt_audio(name: str, request: Request) -> Response:
    """A rendered local-voice prompt (8 kHz μ-law WAV), fetched by Twilio for <Play>.

    Public (Twilio's GETs carry no signature we can rely on), so only under a name our
    own TwiML or the admin's preview issued, until it expires (voice.prompt_names): any
    other name, a computed one included, is 404 like an unknown prompt."""
    path = runtime_of(request).prompts.serving(name)
    try:
        audio = None if path is None else await run_in_threadpool(path.read_bytes)
    except FileNotFoundError:  # swept since
        audio = None
    if audio is None:
        raise HTTPException(404, "no such prompt")
    return Response(audio, media_type="audio/wav")


@router.post("/voice", summary="Incoming call (the number's voice webhook)")
async def voice(request: Request) -> Response:
    return await _answer(request, VoiceForm, webhooks.incoming_call)


@router.post("/status", summary="Call status callback")
async def status(request: Request) -> Response:
    return await _answer(request, StatusForm, webhooks.call_status)


@router.post("/menu", include_in_schema=False)
async def menu(request: Request) -> Response:
    return await _in_process_route(request)


@router.post("/recorded", include_in_schema=False)
async def recorded(request: Request) -> Response:
    return await _in_process_route(request)


@router.post("/no-recording", include_in_schema=False)
async def no_recording(request: Request) -> Response:
    return await _in_process_route(request)


@router.post("/recording-status", include_in_schema=False)
async def recording_status(request: Request) -> Response:
    return await _in_process_route(request)


@router.post("/dialed", include_in_schema=False)
async def dialed(request: Request) -> Response:
    query = parse(DialQuery, dict(request.query_params))
    return await _answer(request, DialForm, _with_query(webhooks.dialed, query))


@router.post("/screen", include_in_schema=False)
async def screen(request: Request) -> Response:
    """A transfer's <Number url>: runs on the leg of the person rung, once they answer."""
    query = parse(ScreenQuery, dict(request.query_params))
    return await _answer(request, ScreenForm, _with_query(screening.screen_announce, query))


@router.post("/screened", include_in_schema=False)
async def screened(request: Request) -> Response:
    query = parse(ScreenQuery, dict(request.query_params))
    return await _answer(request, ScreenForm, _with_query(screening.screen_answer, query))


@router.post("/challenge", include_in_schema=False)
async def challenge(request: Request) -> Response:
    return await _in_process_route(request)


@router.post("/book", include_in_schema=False)
async def book(request: Request) -> Response:
    return await _in_process_route(request)


@router.post("/step", include_in_schema=False)
async def step(request: Request) -> Response:
    return await _in_process_route(request)


@router.post("/resume", include_in_schema=False)
async def resume(request: Request) -> Response:
    """Where a call carried by a two-way stream goes when the stream ends: handed back by
    the runner (`skip`: the verbs of the call's latest document it carried out already)
    or dropped (a lost connection, a dead instance: the latest document from its start).
    Answers are not stored: each resume reads the call as it stands."""
    rt = runtime_of(request)
    pairs = await _signed(request, rt)
    query = parse(ResumeQuery, dict(request.query_params))
    unknown = parameters.unexpected((name for name, _ in pairs), MenuForm.DOCUMENTED)
    if unknown:
        raise HTTPException(400, "parameters Twilio never sends to this URL: "
                                 f"{', '.join(unknown)[:200]}")
    form = parse(MenuForm, dict(pairs))
    try:
        twiml = await rt.database.run(partial(webhooks.resumed, rt, form.call_sid,
                                              query.skip), urgent=True)
    except Exception:
        log.exception("resuming call %s failed", form.call_sid)
        twiml = await _fall_back(rt, dict(pairs))
    return Response(twiml, media_type=TWIML)



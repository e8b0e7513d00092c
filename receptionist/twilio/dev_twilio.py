"""Dev mode only: the app stands in for the two parts of Twilio's REST API that a call
simulated with `receptionist simulate` needs, so that the worker's path runs for real
without Twilio: recordings (`GET …/Recordings/RE….wav`, what the simulator's caller said:
`simulated_recordings.py`) and text messages (`POST …/Messages.json`, accepted and not
sent: the admin's dev outbox shows them). `main.create_app` includes this router in dev
mode only; in production these paths do not exist.

Like Twilio, both ask for the account's SID and auth token (HTTP basic auth). A recording
is read by its SID alone (`RE` + 32 hex digits) from the simulator's folder: a request
cannot name another file, and the worker only ever asks TWILIO_API_BASE (it is given a
recording's path, never a host), so nothing here leads anywhere else.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from receptionist.config import Settings
from receptionist.twilio import simulated_recordings
from receptionist.web_deps import runtime_of

router = APIRouter(prefix="/2010-04-01/Accounts/{account_sid}", include_in_schema=False)


def _account(request: Request, account_sid: str) -> Settings:
    """The settings, once the request names our account and carries its credentials."""
    settings = runtime_of(request).settings
    expected = f"{settings.twilio_account_sid}:{settings.twilio_auth_token}".encode()
    given = request.headers.get("authorization", "")
    try:
        scheme, _, encoded = given.partition(" ")
        credentials = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        credentials = b""
    if scheme.lower() != "basic" or not hmac.compare_digest(credentials, expected):
        raise HTTPException(401, "authenticate with the account SID and auth token",
                            headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
    if account_sid != settings.twilio_account_sid:
        raise HTTPException(404, "no such account")
    return settings


@router.get("/Recordings/{recording_sid}.wav")
async def recording(request: Request, account_sid: str, recording_sid: str) -> Response:
    settings = _account(request, account_sid)
    audio = await run_in_threadpool(simulated_recordings.read,
                                    simulated_recordings.folder(settings), recording_sid)
    if audio is None:
        raise HTTPException(404, "no such recording")
    return Response(audio, media_type="audio/x-wav")


@router.post("/Messages.json", status_code=201)
async def message(request: Request, account_sid: str,
                  to: Annotated[str, Form(alias="To", max_length=64)],
                  sender: Annotated[str, Form(alias="From", max_length=64)],
                  body: Annotated[str, Form(alias="Body", max_length=1600)]) -> JSONResponse:
    """Accepted and not sent (the outbox row it was sent for shows what it says)."""
    _account(request, account_sid)
    return JSONResponse({"sid": "SM" + secrets.token_hex(16), "to": to, "from": sender,
                         "status": "queued", "body": body}, status_code=201)

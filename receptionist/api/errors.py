"""Domain errors as HTTP answers, in one place (registered by the app factory): views let
them rise instead of translating them one by one."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from receptionist.appointments.booking import BookingError, SlotTaken
from receptionist.db import WriteConflict


def status_of(exc: Exception) -> tuple[int, str]:
    """The HTTP status and detail for a domain error."""
    if isinstance(exc, SlotTaken):
        return 409, str(exc)
    if isinstance(exc, WriteConflict):  # lost a race at commit time (another process)
        return 409, "this time was just taken"
    return 422, str(exc)


def add_error_handlers(app: FastAPI) -> None:
    async def answer(request: Request, exc: Exception) -> JSONResponse:
        status, detail = status_of(exc)
        return JSONResponse({"detail": detail}, status_code=status)

    app.add_exception_handler(BookingError, answer)
    app.add_exception_handler(WriteConflict, answer)

"""Our callback routes as a table, answered the same way over HTTP (`views`) or in this
process (the two-way stream's runner, `conversation.py`, which carries out a `<Gather>`'s
answer or a `<Redirect>` itself instead of Twilio fetching it).

Either way the form is validated as Twilio's, the answer is stored with its side effects
under the same replay key (`webhooks.answered_once`), so a callback answered in process
and then fetched by Twilio (a stream that dropped) is answered once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel
from sqlmodel import Session

from receptionist.runtime import Runtime
from receptionist.twilio import parameters, webhooks
from receptionist.twilio.forms import (
    BookForm,
    BookQuery,
    ChallengeQuery,
    MenuForm,
    RecordedForm,
    RecordingStatusForm,
    StepQuery,
    TwilioForm,
    parse,
)

Handle = Callable[[Runtime, Session, Any], str]
Route = tuple[type[TwilioForm], Handle]


def with_query(handle: Callable[[Runtime, Session, Any, Any], str],
               query: BaseModel) -> Handle:
    return lambda rt, session, form: handle(rt, session, form, query)


def _step(query: Mapping[str, str]) -> StepQuery:
    return parse(StepQuery, dict(query))


# The routes a call carried by a stream may be sent to without Twilio: what a <Gather>
# waits for, where a <Redirect> leads, what a <Record> made on the stream reports. (A
# <Dial> hands the call back to Twilio, which then calls the others itself.)
IN_PROCESS: dict[str, Callable[[Mapping[str, str]], Route]] = {
    "/twilio/menu": lambda q: (MenuForm, with_query(webhooks.menu_input, _step(q))),
    "/twilio/step": lambda q: (MenuForm, with_query(webhooks.goto_step, _step(q))),
    "/twilio/book": lambda q: (BookForm, with_query(webhooks.booking_input,
                                                    parse(BookQuery, dict(q)))),
    "/twilio/challenge": lambda q: (MenuForm, with_query(
        webhooks.challenge_answer, parse(ChallengeQuery, dict(q)))),
    "/twilio/recorded": lambda q: (RecordedForm, with_query(webhooks.recorded, _step(q))),
    "/twilio/no-recording": lambda q: (MenuForm, with_query(webhooks.no_recording,
                                                            _step(q))),
    "/twilio/recording-status": lambda q: (RecordingStatusForm, webhooks.recording_status),
}


def answer(rt: Runtime, path: str, query: str, form: TwilioForm, handle: Handle) -> str:
    """The stored or new answer to one request, its form validated (`Database.run`: it
    opens the call's write transaction)."""
    key = parameters.replay_key(call_sid=form.call_sid,
                                path_and_query=path + (f"?{query}" if query else ""),
                                event=form.event())
    return webhooks.answered_once(rt, key=key, call_sid=form.call_sid,
                                  handle=lambda session: handle(rt, session, form))


def in_process(rt: Runtime, url: str, form: Mapping[str, str]) -> str | None:
    """The answer to one of our own callback URLs (a public one, as our TwiML names it),
    answered here; None when it is not one the stream runner may answer itself."""
    base = rt.settings.public_base_url
    if not url.startswith(base + "/"):
        return None
    split = urlsplit(url[len(base):])
    make = IN_PROCESS.get(split.path)
    if make is None:
        return None
    form_model, handle = make(dict(parse_qsl(split.query, keep_blank_values=True)))
    return answer(rt, split.path, split.query, parse(form_model, dict(form)), handle)

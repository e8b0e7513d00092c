"""Twilio conformance: every parameter and value Twilio documents for a request is accepted
by each of our routes that receives it (signed like Twilio, `twilio_documented.TABLE`),
and handled: the call's state in the database is what the value means."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from base64 import b64encode
from collections.abc import Mapping
from itertools import count

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from receptionist.appointments.models import Appointment
from receptionist.config import Settings
from receptionist.db import Database
from receptionist.notifications.summaries import CallSummary
from receptionist.notifications.summaries import build as build_summary
from receptionist.runtime import Runtime
from receptionist.twilio import parameters, spool
from receptionist.twilio.forms import (
    BookForm,
    DialForm,
    MenuForm,
    RecordedForm,
    RecordingStatusForm,
    ScreenForm,
    StatusForm,
    TwilioForm,
    VoiceForm,
)
from receptionist.twilio.media import BATCH_BYTES
from receptionist.twilio.simulator import (
    Action,
    HangUp,
    LeaveMessage,
    Press,
    ScriptedCaller,
    SimulatedCall,
    SimulationError,
)
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio.helpers import kinds, messages, path, publish_demo, stored_call
from tests.twilio.test_media import ScriptedPool
from tests.twilio.twilio_documented import (
    ABSENT,
    ACCOUNT,
    HIDDEN_CALLERS,
    MEDIA_MESSAGES,
    OTHER_CALLERS,
    RECORDING,
    ROUTES,
    TABLE,
    Route,
    params_for,
)
from tests.twilio_sim import AudioHeard, TestTwilioSim

CALLER = "+15551230001"
BOTH = pytest.mark.parametrize("number", [DEMO_EN, DEMO_FR], ids=["en", "fr"])
_sids = count(1)


def new_sid() -> str:
    return f"CA{next(_sids):032x}"


def with_value(form: dict[str, str], name: str, value: str | None) -> dict[str, str]:
    changed = {k: v for k, v in form.items() if k != name}
    return changed if value is ABSENT else {**changed, name: value}


# The form each route reads (views.py): its documented names are the table's.
FORMS: dict[str, type[TwilioForm]] = {
    "/twilio/voice": VoiceForm, "/twilio/status": StatusForm, "/twilio/menu": MenuForm,
    "/twilio/challenge": MenuForm, "/twilio/step": MenuForm, "/twilio/recorded": RecordedForm,
    "/twilio/no-recording": MenuForm, "/twilio/recording-status": RecordingStatusForm,
    "/twilio/dialed": DialForm, "/twilio/screen": ScreenForm, "/twilio/screened": ScreenForm,
    "/twilio/book": BookForm}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.path.split("?")[0] in FORMS],
                         ids=lambda r: r.path)
def test_every_documented_name_is_known_to_its_route(route: Route) -> None:
    names = {p.name for p in params_for(route.kinds)}
    documented = FORMS[route.path.split("?")[0]].DOCUMENTED
    assert parameters.unexpected(names, documented) == []


def test_the_table_cites_twilio_for_every_row() -> None:
    assert all(p.url.startswith("https://www.twilio.com/docs/") for p in TABLE)
    assert all(m.url.startswith("https://www.twilio.com/docs/") for m in MEDIA_MESSAGES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_every_documented_value_is_accepted(sim: TestTwilioSim, route: Route) -> None:
    """Each value alone (the others as Twilio usually sends them), signed, on a call of
    its own: never a 4xx or 5xx. (The calls are unknown to most routes, which then
    apologise: what they do with a value is tested below.)"""
    refused = []
    for param in params_for(route.kinds):
        for value in param.values:
            sid = new_sid()
            form = with_value({"CallSid": sid, "AccountSid": ACCOUNT, **dict(route.required)},
                              param.name, value)
            response = sim.post_raw(route.path, form)
            if response.status_code != 200:
                refused.append((param.name, value, response.status_code, response.text[:200]))
    assert refused == []


# -- what a request of each kind does to a call -------------------------------------


def until_waiting(sim: TestTwilioSim, number: str, actions: list[Action], *,
                  from_: str = CALLER) -> tuple[SimulatedCall, ET.Element]:
    """Run a call until the caller has no action left: the call, and the verb that waits
    for Twilio's next request (its <Gather>, <Record> or <Dial>)."""
    call = SimulatedCall(sim, ScriptedCaller(actions), to=number, from_=from_)
    with pytest.raises(SimulationError, match="no action left"):
        call.run()
    root = ET.fromstring(call.exchanges[-1].body)
    verb = next(v for v in root if v.tag in ("Gather", "Record", "Dial"))
    return call, verb


def post(sim: TestTwilioSim, call: SimulatedCall, url: str,
         extra: Mapping[str, str | None]) -> str:
    form = call.base_form()
    for name, value in extra.items():
        form = with_value(form, name, value)
    response = sim.post(url, form)
    assert response.status_code == 200, response.text
    return str(response.text)


def booked(engine: Engine) -> list[Appointment]:
    with Session(engine) as session:
        return list(session.execute(select(Appointment).order_by(col(Appointment.id))).scalars())


@pytest.mark.usefixtures("single_agenda_demos")  # book offers agenda main at once
@BOTH
def test_a_caller_who_hangs_up_after_saying_their_name_keeps_booking_and_name(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    """Twilio ends the <Record> of the name with Digits=hangup when the caller hangs up."""
    call = sim.call(number, [Press("1"), Press("1"), Press("1"), LeaveMessage(2, hang_up=True)])
    action = next(e for e in call.exchanges if e.form.get("Digits") == "hangup")
    assert action.status_code == 200
    [appointment] = booked(engine)
    assert appointment.status == "booked"
    assert appointment.name_recording_url == call.sim.recording_url(call.recordings[0][0])
    assert appointment.name_status == "pending"
    assert "name_recorded" in kinds(engine, call.call_sid)


@pytest.mark.usefixtures("single_agenda_demos")  # book offers agenda main at once
@pytest.mark.parametrize("digits", ["#", "1", "*", "hangup", ABSENT])
@pytest.mark.parametrize("duration", ["3", ABSENT])
def test_the_name_recording_is_kept_however_the_record_ended(
        sim: TestTwilioSim, engine: Engine, digits: str | None, duration: str | None) -> None:
    call, record = until_waiting(sim, DEMO_EN, [Press("1"), Press("1"), Press("1")])
    assert record.tag == "Record"
    url = sim.recording_url(RECORDING)
    post(sim, call, record.get("action", ""), {"RecordingSid": RECORDING, "RecordingUrl": url,
                                              "RecordingDuration": duration, "Digits": digits})
    [appointment] = booked(engine)
    assert (appointment.status, appointment.name_recording_url) == ("booked", url)


@pytest.mark.parametrize(("digits", "duration", "kept"), [
    ("#", "5", 5), ("hangup", "5", 5), (ABSENT, "5", 5), ("hangup", ABSENT, 0),
    ("#", ABSENT, 0)])
def test_a_message_is_kept_however_the_record_ended(
        sim: TestTwilioSim, engine: Engine, digits: str | None, duration: str | None,
        kept: int) -> None:
    """Without a RecordingDuration the message is kept, its length unknown (0) until the
    recording's status callback brings it."""
    call, record = until_waiting(sim, DEMO_EN, [Press("2")])
    url = sim.recording_url(RECORDING)
    post(sim, call, record.get("action", ""), {"RecordingSid": RECORDING, "RecordingUrl": url,
                                              "RecordingDuration": duration, "Digits": digits})
    [message] = messages(engine)
    assert (message.recording_url, message.duration_s) == (url, kept)
    post(sim, call, record.get("recordingStatusCallback", ""), {
        "RecordingSid": RECORDING, "RecordingUrl": url, "RecordingDuration": "5",
        "RecordingStatus": "completed"})
    assert [m.duration_s for m in messages(engine)] == [5]


def test_a_recording_without_its_sid_is_known_by_its_url(sim: TestTwilioSim,
                                                         engine: Engine) -> None:
    call, record = until_waiting(sim, DEMO_EN, [Press("2")])
    post(sim, call, record.get("action", ""), {
        "RecordingUrl": sim.recording_url(RECORDING), "RecordingDuration": "5", "Digits": "#"})
    assert [(m.recording_sid, m.duration_s) for m in messages(engine)] == [(RECORDING, 5)]


def test_a_silent_recording_is_no_message(sim: TestTwilioSim, engine: Engine) -> None:
    call, record = until_waiting(sim, DEMO_EN, [Press("2")])
    post(sim, call, record.get("action", ""), {
        "RecordingSid": RECORDING, "RecordingUrl": sim.recording_url(RECORDING),
        "RecordingDuration": "0", "Digits": "hangup"})
    assert messages(engine) == []
    assert "message_absent" in kinds(engine, call.call_sid)


@pytest.mark.parametrize(("extra", "step", "event"), [
    ({"Digits": ABSENT}, "main_menu", "no_input"),  # a timeout without input: asked again
    ({"Digits": ""}, "main_menu", "no_input"),
    ({"Digits": "#", "FinishedOnKey": "#"}, "main_menu", "invalid_key"),  # the finish key
    ({"Digits": "2"}, "message", "choice"),
    ({"Digits": "2", "msg": "Gather End"}, "message", "choice"),
    ({"SpeechResult": "I'd like to leave a message", "Confidence": "0.93"}, "message",
     "choice"),
    ({"SpeechResult": "I'd like to leave a message"}, "message", "choice"),
    ({"SpeechResult": "I'd like to leave a message", "Confidence": ""}, "message", "choice"),
    ({"Digits": "2", "UnstableSpeechResult": "leave a", "Stability": "0.8",
      "SequenceNumber": "1"}, "message", "choice"),
], ids=["timeout", "empty", "finish-key", "key", "msg", "speech", "no-confidence",
        "blank-confidence", "partial-results"])
def test_a_menus_gather_action(sim: TestTwilioSim, engine: Engine,
                               extra: dict[str, str | None], step: str, event: str) -> None:
    call, gather = until_waiting(sim, DEMO_EN, [])
    assert gather.tag == "Gather"
    post(sim, call, gather.get("action", ""), extra)
    assert stored_call(engine, call.call_sid).current_step == step
    assert event in kinds(engine, call.call_sid)


@pytest.mark.parametrize(("status", "bridged", "taken"), [
    ("completed", "true", True), ("answered", "true", True), ("completed", ABSENT, True),
    ("completed", "false", False), ("busy", "false", False), ("no-answer", "false", False),
    ("failed", "false", False), ("canceled", "false", False), ("no-answer", ABSENT, False)])
def test_every_dial_status(sim: TestTwilioSim, engine: Engine, status: str,
                           bridged: str | None, taken: bool) -> None:
    """A transfer is taken when the person rung accepted it (screening) and was connected;
    every other outcome leads to the step's fallback (a message)."""
    call, dial = until_waiting(sim, DEMO_EN, [Press("0")])
    assert dial.tag == "Dial"
    screen_url = dial[0].get("url", "")
    child = {"CallSid": "CA" + "7" * 32, "ParentCallSid": call.call_sid,
             "Direction": "outbound-dial", "To": "+15555550100"}
    if status in ("completed", "answered"):
        announcement = ET.fromstring(post(sim, call, screen_url, child))
        gather = next(v for v in announcement if v.tag == "Gather")
        post(sim, call, gather.get("action", ""), {**child, "Digits": "1"})
    extra: dict[str, str | None] = {
        "DialCallStatus": status, "DialCallSid": "CA" + "7" * 32, "DialBridged": bridged,
        "DialCallDuration": "42" if status in ("completed", "answered") else ABSENT}
    post(sim, call, dial.get("action", ""), extra)
    timeline = kinds(engine, call.call_sid)
    if taken:
        assert "transfer_completed" in timeline and "transfer_failed" not in timeline
    else:
        assert "transfer_failed" in timeline
        assert path(engine, call.call_sid)[-2:] == ["transfer_failed", "message"]


@pytest.mark.parametrize("answered_by", ["human", "machine_start", "machine_end_beep",
                                         "machine_end_silence", "machine_end_other", "fax",
                                         "unknown"])
def test_whoever_twilio_says_answered_the_person_rung_must_press_the_key(
        sim: TestTwilioSim, engine: Engine, answered_by: str) -> None:
    call, dial = until_waiting(sim, DEMO_EN, [Press("0")])
    child = {"CallSid": "CA" + "7" * 32, "ParentCallSid": call.call_sid,
             "Direction": "outbound-dial", "To": "+15555550100", "AnsweredBy": answered_by,
             "MachineDetectionDuration": "2300"}
    announcement = ET.fromstring(post(sim, call, dial[0].get("url", ""), child))
    assert [v.tag for v in announcement][-1] in ("Gather", "Redirect")
    assert "Gather" in [v.tag for v in announcement]
    post(sim, call, dial.get("action", ""), {"DialCallStatus": "completed",
                                             "DialBridged": "true", "DialCallDuration": "9"})
    assert "transfer_completed" not in kinds(engine, call.call_sid)


@pytest.mark.parametrize("status", ["queued", "initiated", "ringing", "in-progress",
                                    "completed", "busy", "failed", "no-answer", "canceled"])
def test_every_call_status(sim: TestTwilioSim, engine: Engine, status: str) -> None:
    call, _ = until_waiting(sim, DEMO_EN, [])
    post(sim, call, sim.public_url("/twilio/status"), {
        "CallStatus": status, "CallDuration": "37", "Timestamp": "Tue, 17 Nov 2026 15:00:37 +0000",
        "CallbackSource": "call-progress-events", "SequenceNumber": "3"})
    stored = stored_call(engine, call.call_sid)
    assert stored.status == status
    final = status in ("completed", "busy", "failed", "no-answer", "canceled")
    assert (stored.ended_at is not None) == final
    assert stored.duration_s == (37 if final else None)
    assert (stored.outcome is not None) == final


def test_status_callbacks_in_sequence_end_the_call_once(sim: TestTwilioSim,
                                                        engine: Engine) -> None:
    call, _ = until_waiting(sim, DEMO_EN, [])
    for number, status in enumerate(["ringing", "in-progress", "completed", "completed"]):
        post(sim, call, sim.public_url("/twilio/status"), {
            "CallStatus": status, "SequenceNumber": str(number),
            "CallDuration": "21" if status == "completed" else ABSENT,
            "CallbackSource": "call-progress-events"})
    assert stored_call(engine, call.call_sid).duration_s == 21
    assert kinds(engine, call.call_sid).count("status") == 3


@BOTH
@pytest.mark.parametrize("hidden", HIDDEN_CALLERS)
def test_hidden_callers_get_in_as_the_script_says(
        sim: TestTwilioSim, engine: Engine, number: str, hidden: str) -> None:
    allowed = sim.call(number, [Press("3"), HangUp()], from_=hidden)
    stored = stored_call(engine, allowed.call_sid)
    assert stored.from_number == ("" if hidden == "" else "anonymous")
    assert path(engine, allowed.call_sid)[0] == "greeting"


@pytest.mark.parametrize("hidden", HIDDEN_CALLERS)
def test_hidden_callers_are_refused_when_the_script_says_so(
        sim: TestTwilioSim, engine: Engine, hidden: str) -> None:
    publish_demo(engine, DEMO_EN, ("  challenge: unverified\n",
                                   "  challenge: unverified\n  reject_anonymous: true\n"))
    refused = sim.call(DEMO_EN, [], from_=hidden)
    assert refused.rejected
    assert stored_call(engine, refused.call_sid).screening == "anonymous"


@pytest.mark.usefixtures("single_agenda_demos")  # book offers agenda main at once
def test_a_hidden_caller_who_books_is_not_promised_a_text(sim: TestTwilioSim,
                                                          engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), LeaveMessage(2)],
                    from_="+266696687")
    [appointment] = booked(engine)
    assert appointment.caller_number == "anonymous"
    assert "text message" not in call.said.lower()


@BOTH
def test_hidden_callers_are_never_taken_for_one_returning_caller(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    first = sim.call(number, [Press("3"), HangUp()], from_="Anonymous")
    second = sim.call(number, [Press("3"), HangUp()], from_="+266696687")
    with Session(engine) as session:
        summaries = [summaries_of(session, stored_call(engine, call.call_sid).id or 0)
                     for call in (first, second)]
    hidden = "hidden number" if number == DEMO_EN else "numéro masqué"
    assert [(s.caller, s.known_caller, s.calls_this_month) for s in summaries] == [
        (hidden, False, 1), (hidden, False, 1)]


def summaries_of(session: Session, call_id: int) -> CallSummary:
    summary = build_summary(session, call_id)
    assert summary is not None
    return summary


@pytest.mark.parametrize("caller", OTHER_CALLERS)
def test_client_and_sip_callers_are_kept_as_they_came(sim: TestTwilioSim, engine: Engine,
                                                      caller: str) -> None:
    call = sim.call(DEMO_EN, [Press("3"), HangUp()], from_=caller)
    assert stored_call(engine, call.call_sid).from_number == caller
    assert path(engine, call.call_sid)[0] == "greeting"


@pytest.mark.parametrize(("verstat", "challenged"), [
    ("TN-Validation-Passed-A", False), ("TN-Validation-Passed-B", False),
    ("TN-Validation-Passed-C", False), ("TN-Validation-Failed-A", True),
    ("TN-Validation-Failed-B", True), ("TN-Validation-Failed-C", True),
    ("TN-Validation-Failed", True), ("No-TN-Validation", True), (ABSENT, True)])
def test_every_stir_verstat(sim: TestTwilioSim, engine: Engine, verstat: str | None,
                            challenged: bool) -> None:
    """The demo challenges unknown callers the carrier could not vouch for."""
    call = sim.call(DEMO_EN, [Press("5"), Press("3"), HangUp()] if challenged
                    else [Press("3"), HangUp()], stir_verstat=verstat)
    stored = stored_call(engine, call.call_sid)
    assert stored.stir_verstat == verstat
    assert stored.screening == ("passed" if challenged else None)
    assert path(engine, call.call_sid)[0] == "greeting"


@pytest.mark.parametrize("direction", ["inbound", "outbound-api", "outbound-dial"])
def test_every_direction_and_the_usual_extras_on_an_incoming_call(
        sim: TestTwilioSim, engine: Engine, direction: str) -> None:
    sid = new_sid()
    response = sim.post_raw("/twilio/voice", {
        "CallSid": sid, "AccountSid": ACCOUNT, "From": CALLER, "To": DEMO_EN,
        "CallStatus": "ringing", "ApiVersion": "2010-04-01", "Direction": direction,
        "ForwardedFrom": "+15551239999", "CallerName": "JANE DOE", "CallToken": "{}",
        "StirVerstat": "TN-Validation-Passed-A", "FromCity": "SAN FRANCISCO",
        "FromState": "CA", "FromZip": "94105", "FromCountry": "US", "ToCity": "",
        "ToState": "", "ToZip": "", "ToCountry": "US"})
    assert response.status_code == 200
    assert "<Gather" in response.text
    assert stored_call(engine, sid).from_number == CALLER


@pytest.mark.parametrize(("duration", "kept"), [("4", True), (ABSENT, True), ("0", False)])
def test_the_fallback_keeps_a_recording_unless_it_is_silent(
        sim: TestTwilioSim, settings: Settings, engine: Engine, clock: FixedClock,
        duration: str | None, kept: bool) -> None:
    """The "primary handler fails" flow, without the database: the recording's reference
    is spooled to disk, also when Twilio did not report its length."""
    form = with_value({"CallSid": new_sid(), "AccountSid": ACCOUNT, "From": "+266696687",
                       "To": DEMO_EN, "RecordingSid": RECORDING, "Digits": "hangup",
                       "RecordingUrl": sim.recording_url(RECORDING)},
                      "RecordingDuration", duration)
    assert sim.post_raw("/twilio/fallback/recorded?lang=en", form).status_code == 200
    files = spool.pending(settings.spool_dir)
    assert len(files) == (1 if kept else 0)
    if kept:
        item = spool.SpooledMessage.load(files[0])
        assert (item.from_number, item.duration_s) == (
            "anonymous", None if duration is None else int(duration))
        # Imported once the database is back: a message, its length 0 until known.
        assert spool.import_spool(Database(engine), settings.spool_dir, now=clock()) == 1
        assert [(m.caller, m.duration_s) for m in messages(engine)] == [
            ("anonymous", int(duration or 0))]


# -- the media stream ------------------------------------------------------------------


class HearingNothing(ScriptedPool):
    def close(self) -> None:
        return None


def test_every_media_stream_message(sim: TestTwilioSim, client: TestClient, runtime: Runtime,
                                    heard_audio: AudioHeard) -> None:
    """Twilio's messages in order: only the caller's (inbound) audio is heard (the
    outbound frames come first, so they would be counted by the time the inbound ones
    are); dtmf and mark are ignored; stop ends the stream."""
    runtime._recognition = HearingNothing([])  # type: ignore[assignment]
    call = SimulatedCall(sim, ScriptedCaller([]), to=DEMO_EN, from_=CALLER)
    answer = sim.post(sim.public_base + "/twilio/voice", call.base_form()).text
    token = answer.split('name="token" value="')[1].split('"')[0]
    url = sim.public_base.replace("https", "wss") + "/twilio/media"
    stream_sid = "MZ" + "4" * 32
    frame = b64encode(b"\xff" * 160).decode()
    inbound = 0
    with client.websocket_connect("/twilio/media",
                                  headers={"X-Twilio-Signature": sim.sign(url, {})}) as socket:
        for number, message in enumerate(MEDIA_MESSAGES, start=1):
            body = json.loads(json.dumps(message.body))
            if message.event == "start":
                body["start"].update({"streamSid": stream_sid, "accountSid": ACCOUNT,
                                      "callSid": call.call_sid, "customParameters": {
                                          "callSid": call.call_sid, "token": token}})
            if message.event == "stop":
                body["stop"].update({"accountSid": ACCOUNT, "callSid": call.call_sid})
            envelope = {"event": message.event, "sequenceNumber": str(number),
                        "streamSid": stream_sid, **body}
            if message.event != "media":
                socket.send_text(json.dumps(envelope))
                continue
            for _ in range(BATCH_BYTES // 160 * 2):
                envelope["media"]["payload"] = frame
                socket.send_text(json.dumps(envelope))
                if envelope["media"]["track"] == "inbound":
                    inbound += 160
        # Inside the `with`: leaving it cancels the app's task at once (Starlette's test
        # client), which on a busy machine may still be working through the messages
        # (on PostgreSQL the stream's start takes a thread hop): the audio would be lost
        # with the task, not unheard by the app.
        heard_audio.wait(call.call_sid, inbound)
    assert heard_audio._done.get(call.call_sid) == inbound

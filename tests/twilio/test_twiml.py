from __future__ import annotations

from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receptionist.call_flows.actions import (
    Action,
    Callback,
    Converse,
    Dial,
    Gather,
    Hangup,
    Play,
    Record,
    Redirect,
    Reject,
    Say,
    StreamAudio,
    say_then_hang_up,
)
from receptionist.twilio.twiml import render, url_for
from tests.twilio import twiml_reference

BASE = "https://rcp.example.com"


def test_callbacks_are_urls_of_our_twilio_routes() -> None:
    url = url_for(BASE)
    assert url(Callback.to("menu", step="main menu", seq=3)) == (
        f"{BASE}/twilio/menu?step=main+menu&seq=3")
    assert url(Callback("step")) == f"{BASE}/twilio/step"


def test_every_action_becomes_its_verb() -> None:
    xml = render([
        StreamAudio("wss://rcp.example.com/twilio/media", (("callSid", "CA1"), ("token", "t"))),
        Say("Bonjour.", "Polly.Lea", "fr-FR"),
        Gather(Callback.to("menu", step="m", seq=1), timeout=5,
               prompts=[Play(f"{BASE}/twilio/prompts/abc.wav"), Say("Tapez 1.", "v", "fr-FR")]),
        Record(Callback.to("recorded", step="r", seq=2), max_length=60, timeout=4,
               finish_on_key="#", status_callback=Callback.to("recording-status", step="r")),
        Dial(("+33100000001",), timeout=20, callback=Callback.to("dialed", step="d", seq=3)),
        Redirect(Callback.to("no-recording", step="r", seq=2)),
        Hangup(),
    ], url_for(BASE))
    root = ElementTree.fromstring(xml)
    assert [child.tag for child in root] == ["Start", "Say", "Gather", "Record", "Dial",
                                             "Redirect", "Hangup"]
    stream = root.find("Start/Stream")
    assert stream is not None and stream.get("track") == "inbound_track"
    assert [(p.get("name"), p.get("value")) for p in stream] == [("callSid", "CA1"),
                                                                  ("token", "t")]
    say = root.find("Say")
    assert say is not None and (say.text, say.get("voice"), say.get("language")) == (
        "Bonjour.", "Polly.Lea", "fr-FR")
    gather = root.find("Gather")
    assert gather is not None
    assert (gather.get("input"), gather.get("numDigits"), gather.get("actionOnEmptyResult"),
            gather.get("action")) == ("dtmf", "1", "true", f"{BASE}/twilio/menu?step=m&seq=1")
    assert [c.tag for c in gather] == ["Play", "Say"]
    record = root.find("Record")
    assert record is not None
    assert (record.get("maxLength"), record.get("finishOnKey"), record.get("trim"),
            record.get("recordingStatusCallbackEvent")) == ("60", "#", "trim-silence",
                                                            "completed absent")
    dial = root.find("Dial")
    assert dial is not None and dial.findtext("Number") == "+33100000001"
    number = root.find("Dial/Number")
    assert dial.get("callerId") is None and number is not None and number.get("url") is None


def test_a_screened_ring_group_names_the_announcement_on_each_number() -> None:
    screen = Callback.to("screen", step="d", seq=3, parent="CA1")
    xml = render([Dial(("+33100000001", "+33100000002"), timeout=25,
                       callback=Callback.to("dialed", step="d", seq=3), screen=screen,
                       caller_id="+33180000000"), Reject()], url_for(BASE))
    root = ElementTree.fromstring(xml)
    dial = root.find("Dial")
    assert dial is not None and dial.get("callerId") == "+33180000000"
    assert dial.get("timeout") == "25"
    assert [(n.text, n.get("url")) for n in dial.findall("Number")] == [
        (n, f"{BASE}/twilio/screen?step=d&seq=3&parent=CA1")
        for n in ("+33100000001", "+33100000002")]
    reject = root.find("Reject")
    assert reject is not None and reject.get("reason") == "busy"


def test_a_record_without_status_callback_asks_for_none() -> None:
    xml = render([Record(Callback.to("book"), max_length=6, timeout=3, finish_on_key="#")],
                 url_for(BASE))
    record = ElementTree.fromstring(xml).find("Record")
    assert record is not None and record.get("recordingStatusCallback") is None


def test_documents_without_callbacks() -> None:
    """The webhooks' apologies and the empty answer are rendered here too (the only place
    a VoiceResponse is built); a callback needs the public base URL."""
    assert render([]) == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    assert render(say_then_hang_up(Say("Goodbye.", "alice", "en-US"))) == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US" '
        'voice="alice">Goodbye.</Say><Hangup /></Response>')
    with pytest.raises(ValueError, match="menu"):
        render([Redirect(Callback("menu"))])


# Any text a verb may carry: script and catalog sentences, callers' names, numbers and
# URLs, with XML's special characters and control characters among them.
_TEXT = st.text(max_size=30) | st.sampled_from(["", "0", "a & b < c > \"d\"", "é\r\n\t'"])
_CALLBACK = st.builds(
    Callback, st.sampled_from(["menu", "recorded", "step", "dialed", "book"]),
    st.lists(st.tuples(st.sampled_from(["step", "seq", "wish"]),
                       _TEXT | st.integers(0, 99)), max_size=3).map(tuple))
_SAY = st.builds(Say, _TEXT, st.sampled_from(["", "Polly.Joanna", "man"]) | _TEXT,
                 st.sampled_from(["en-US", "fr-FR", ""]) | _TEXT)
_PROMPT = _SAY | st.builds(Play, _TEXT)
_PARAMETERS = st.lists(st.tuples(_TEXT, _TEXT), max_size=3).map(tuple)
_ACTION: st.SearchStrategy[Action] = st.one_of(
    _PROMPT,
    st.builds(Gather, _CALLBACK, st.integers(0, 60), st.lists(_PROMPT, max_size=3)),
    st.builds(Record, _CALLBACK, st.integers(1, 600), st.integers(0, 30), _TEXT,
              st.none() | _CALLBACK),
    st.builds(Dial, st.lists(_TEXT, min_size=1, max_size=3).map(tuple),
              st.integers(1, 60), _CALLBACK, st.none() | _CALLBACK, st.none() | _TEXT),
    st.builds(Redirect, _CALLBACK), st.just(Hangup()), st.builds(Reject, st.booleans()),
    st.builds(StreamAudio, _TEXT, _PARAMETERS),
    st.builds(Converse, _TEXT, _PARAMETERS, st.just(())))


@settings(max_examples=400, deadline=None)
@given(st.lists(_ACTION, max_size=6))
def test_documents_are_what_twilios_helper_library_writes(actions: list[Action]) -> None:
    """`render` writes its strings itself; they are the helper library's, byte for byte,
    whatever the verbs and whatever their texts hold."""
    url = url_for(BASE)
    assert render(actions, url) == twiml_reference.render(actions, url)

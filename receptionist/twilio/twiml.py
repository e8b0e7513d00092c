"""The call flow's neutral actions as Twilio's TwiML, and callbacks as our public URLs.

Every TwiML document we answer with is built here, from `call_flows.actions`: the script's
steps, the webhooks' apologies and refusals, the fallback flow."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from receptionist.call_flows.actions import (
    Action,
    Callback,
    Converse,
    Dial,
    Gather,
    Hangup,
    Play,
    Prompt,
    Record,
    Redirect,
    Reject,
    Say,
    StreamAudio,
)
from receptionist.i18n import lang_key

UrlFor = Callable[[Callback], str]
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def url_for(base_url: str) -> UrlFor:
    """A callback's public URL under `base_url`."""
    def url(callback: Callback) -> str:
        query = urlencode(callback.query) if callback.query else ""
        return f"{base_url}/twilio/{callback.route}" + (f"?{query}" if query else "")
    return url


def prompt_path(name: str) -> str:
    """Where a prompt rendered by the local voice is served (`views.prompt_audio`)."""
    return f"/twilio/prompts/{name}.wav"


def _no_callbacks(callback: Callback) -> str:
    raise ValueError(f"a document without callbacks names one: {callback.route!r}")


# The voice of `<Say>` when the script names none: Amazon Polly's neural voices where we
# chose one, else Twilio's default for the language (no `voice` attribute).
DEFAULT_VOICES = {"en": "Polly.Joanna", "fr": "Polly.Lea"}


def default_voice(language: str) -> str | None:
    return DEFAULT_VOICES.get(lang_key(language))


# `xml.etree`'s escapes, in its order: character data's, then an attribute's own.
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"),
                      ("\t", "&#09;"))


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for character, entity in escapes:
        if character in text:
            text = text.replace(character, entity)
    return text


def _text(text: str) -> str:
    """Character data as `xml.etree` writes it."""
    return _escaped(text, _TEXT_ESCAPES)


def _attribute(value: object) -> str:
    """An attribute's value as `xml.etree` writes it (Twilio's helper library's way)."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return _escaped(text, _ATTRIBUTE_ESCAPES)


def _element(tag: str, attributes: dict[str, object], inner: str = "") -> str:
    """`<tag …>inner</tag>`, or `<tag … />` when `inner` is empty; attributes sorted by
    name and those without a value left out, as Twilio's helper library writes them."""
    written = "".join(f' {name}="{_attribute(attributes[name])}"'
                      for name in sorted(attributes) if attributes[name] is not None)
    return f"<{tag}{written}>{inner}</{tag}>" if inner else f"<{tag}{written} />"


def _prompt(prompt: Prompt) -> str:
    if isinstance(prompt, Play):
        return _element("Play", {}, _text(prompt.url))
    return _element("Say", {"voice": prompt.voice or default_voice(prompt.language),
                            "language": prompt.language}, _text(prompt.text))


def _parameters(parameters: Sequence[tuple[str, str]]) -> str:
    return "".join(_element("Parameter", {"name": name, "value": value})
                   for name, value in parameters)


def _verb(action: Action, url: UrlFor) -> str:
    match action:
        case Say() | Play():
            return _prompt(action)
        case Gather():
            return _element("Gather", {
                "input": "dtmf", "numDigits": 1, "timeout": action.timeout,
                "actionOnEmptyResult": True, "action": url(action.callback)},
                "".join(_prompt(prompt) for prompt in action.prompts))
        case Record():
            status: dict[str, object] = {}
            if action.status_callback is not None:
                status = {"recordingStatusCallback": url(action.status_callback),
                          "recordingStatusCallbackEvent": "completed absent"}
            return _element("Record", {
                "action": url(action.callback), "maxLength": action.max_length,
                "finishOnKey": action.finish_on_key, "timeout": action.timeout,
                "playBeep": True, "trim": "trim-silence", **status})
        case Dial():
            screen = None if action.screen is None else url(action.screen)
            return _element("Dial", {
                "timeout": action.timeout, "action": url(action.callback),
                "callerId": action.caller_id or None},
                "".join(_element("Number", {"url": screen}, _text(number))
                        for number in action.numbers))
        case Redirect():
            return _element("Redirect", {}, _text(url(action.callback)))
        case Hangup():
            return _element("Hangup", {})
        case Reject():
            return _element("Reject", {"reason": "busy" if action.busy else "rejected"})
        case StreamAudio():
            return _element("Start", {}, _element(
                "Stream", {"url": action.url, "track": "inbound_track"},
                _parameters(action.parameters)))
        case Converse():
            # The actions of `first` are the stream runner's (twilio/conversation.py).
            return _element("Connect", {}, _element("Stream", {"url": action.url},
                                                    _parameters(action.parameters)))


def render(actions: Sequence[Action], url: UrlFor = _no_callbacks) -> str:
    """The TwiML document that carries out `actions` in order (the only place one is
    built). `url` makes callbacks URLs: without one, `actions` may name none (say, hang
    up, reject; no actions at all: the empty document).

    Written as strings, byte for byte what Twilio's helper library (`VoiceResponse`)
    writes for the same verbs (`tests/twilio/test_twiml.py` holds the two together):
    its objects and `xml.etree` cost every webhook 40-60 µs for a few verbs."""
    return XML_DECLARATION + _element("Response", {},
                                      "".join(_verb(action, url) for action in actions))


def remainder(document: str, skip: int, fork: StreamAudio | None = None) -> str:
    """A document we answered earlier, less its first `skip` verbs (carried out already by
    the stream runner), with `fork` first when a `<Gather>` is left (so that speech still
    answers its prompts once the call is back on TwiML)."""
    root = ET.fromstring(document)
    for verb in list(root)[:skip]:
        root.remove(verb)
    if fork is not None and root.find("Gather") is not None:
        for verb in reversed(list(ET.fromstring(render([fork])))):
            root.insert(0, verb)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode")

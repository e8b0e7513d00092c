"""The call flow's neutral actions as Twilio's TwiML, and callbacks as our public URLs.

Every TwiML document we answer with is built here, from `call_flows.actions`: the script's
steps, the webhooks' apologies and refusals, the fallback flow."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from twilio.twiml import TwiML
from twilio.twiml.voice_response import Connect, Start, VoiceResponse
from twilio.twiml.voice_response import Dial as TwilioDial
from twilio.twiml.voice_response import Gather as TwilioGather
from twilio.twiml.voice_response import Record as TwilioRecord

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


def _prompt(target: TwiML, prompt: Prompt) -> None:
    if isinstance(prompt, Play):
        target.play(prompt.url)
    else:
        target.say(prompt.text, voice=prompt.voice or default_voice(prompt.language),
                   language=prompt.language)


def render(actions: Sequence[Action], url: UrlFor = _no_callbacks) -> str:
    """The TwiML document that carries out `actions` in order (the only place a
    `VoiceResponse` is built). `url` makes callbacks URLs: without one, `actions` may
    name none (say, hang up, reject; no actions at all: the empty document)."""
    response = VoiceResponse()
    for action in actions:
        match action:
            case Say() | Play():
                _prompt(response, action)
            case Gather():
                gather = TwilioGather(input="dtmf", num_digits=1, timeout=action.timeout,
                                      action_on_empty_result=True, action=url(action.callback))
                for prompt in action.prompts:
                    _prompt(gather, prompt)
                response.append(gather)
            case Record():
                extra: dict[str, str] = {}
                if action.status_callback is not None:
                    extra = {"recording_status_callback": url(action.status_callback),
                             "recording_status_callback_event": "completed absent"}
                response.append(TwilioRecord(
                    action=url(action.callback), max_length=action.max_length,
                    finish_on_key=action.finish_on_key, timeout=action.timeout,
                    play_beep=True, trim="trim-silence", **extra))
            case Dial():
                dial = TwilioDial(timeout=action.timeout, action=url(action.callback),
                                  **({"caller_id": action.caller_id} if action.caller_id
                                     else {}))
                for number in action.numbers:
                    if action.screen is None:
                        dial.number(number)
                    else:
                        dial.number(number, url=url(action.screen))
                response.append(dial)
            case Redirect():
                response.redirect(url(action.callback))
            case Hangup():
                response.hangup()
            case Reject():
                response.reject(reason="busy" if action.busy else "rejected")
            case StreamAudio():
                start = Start()
                stream = start.stream(url=action.url, track="inbound_track")
                for name, value in action.parameters:
                    stream.parameter(name=name, value=value)
                response.append(start)
            case Converse():
                # The actions of `first` are the stream runner's (twilio/conversation.py).
                connect = Connect()
                stream = connect.stream(url=action.url)
                for name, value in action.parameters:
                    stream.parameter(name=name, value=value)
                response.append(connect)
    return str(response)


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
    return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="unicode")

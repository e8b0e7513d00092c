"""TwiML written by Twilio's own helper library (`twilio.twiml.voice_response`), verb by
verb as `receptionist.twilio.twiml.render` writes it without the library: the reference
its documents are held to in `test_twiml.py`."""

from __future__ import annotations

from collections.abc import Sequence

from twilio.twiml import TwiML
from twilio.twiml.voice_response import Connect, Start, VoiceResponse
from twilio.twiml.voice_response import Dial as TwilioDial
from twilio.twiml.voice_response import Gather as TwilioGather
from twilio.twiml.voice_response import Record as TwilioRecord

from receptionist.call_flows.actions import (
    Action,
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
from receptionist.twilio.twiml import UrlFor, default_voice


def _prompt(target: TwiML, prompt: Prompt) -> None:
    if isinstance(prompt, Play):
        target.play(prompt.url)
    else:
        target.say(prompt.text, voice=prompt.voice or default_voice(prompt.language),
                   language=prompt.language)


def render(actions: Sequence[Action], url: UrlFor) -> str:
    """The TwiML document of `actions` as Twilio's helper library writes it."""
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

"""What Twilio documents it sends to each of our Twilio routes: every parameter, every value
it can take, and the page that says so. The conformance tests (`test_conformance.py`) post
each value to each route that can receive it, signed like Twilio.

Twilio sends one of these requests to a URL of ours (`Kind`), each with the parameters of
every voice request (`COMMON`) plus its own. A route gets the kinds our TwiML makes it
receive (`ROUTES`). A value of `ABSENT` is the parameter not sent at all.

Sources are Twilio's own pages (as of 2026): the URL is given per parameter; a `note`
says what the page says of a value when it matters to us.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["voice", "fallback", "redirect", "gather", "record", "dial", "number",
               "status", "recording-status"]
ABSENT = None  # the parameter is not sent

ACCOUNT = "AC" + "0" * 32
RECORDING = "RE" + "1" * 32
CHILD = "CA" + "2" * 32
PARENT = "CA" + "3" * 32

# Twilio's pages (the section each parameter is in, in a comment: anchors change).
VOICE_REQUEST = "https://www.twilio.com/docs/voice/twiml"  # Twilio's request: parameters
WITHHELD = ("https://www.twilio.com/changelog/"
            "upcoming-changes-to-withheld-caller-ids-behavior-for-dial-calls")
CLIENT = "https://www.twilio.com/docs/voice/twiml/client"  # the request's From / To
SIP = "https://www.twilio.com/docs/voice/api/sip-twiml"  # SIP and TwiML interaction
FALLBACK = "https://www.twilio.com/docs/usage/security/availability-reliability"
SHAKEN = "https://www.twilio.com/docs/voice/trusted-calling-with-shakenstir"  # StirVerstat
AMD = "https://www.twilio.com/docs/voice/answering-machine-detection"  # webhook parameters
GATHER = "https://www.twilio.com/docs/voice/twiml/gather"  # action: request parameters
PARTIAL = GATHER  # partialResultCallback
RECORD = "https://www.twilio.com/docs/voice/twiml/record"  # action: request parameters
DIAL = "https://www.twilio.com/docs/voice/twiml/dial"  # action: DialCallStatus values
DIAL_ACTION = DIAL  # action: request parameters
NUMBER_URL = "https://www.twilio.com/docs/voice/twiml/number"  # url
STATUS = "https://www.twilio.com/docs/voice/api/call-resource"  # StatusCallback parameters
STATUS_EVENT = STATUS  # StatusCallbackEvent
CALL_STATUS = STATUS  # call status values
RECORDING_STATUS = "https://www.twilio.com/docs/voice/api/recording"  # recordingStatusCallback
MEDIA = "https://www.twilio.com/docs/voice/media-streams/websocket-messages"

EVERY_CALL_REQUEST: tuple[Kind, ...] = ("voice", "redirect", "gather", "record", "dial",
                                        "number", "status")


@dataclass(frozen=True)
class Param:
    """A parameter Twilio sends with the requests of `kinds`, and its documented values."""

    name: str
    values: tuple[str | None, ...]
    kinds: tuple[Kind, ...]
    url: str
    note: str = ""


_GEO = tuple(
    Param(f"{who}{what}", (example, "", ABSENT), EVERY_CALL_REQUEST, VOICE_REQUEST,
          "looked up from the numbers, when Twilio can")
    for who in ("From", "To", "Caller", "Called")
    for what, example in (("City", "SAN FRANCISCO"), ("State", "CA"), ("Zip", "94105"),
                          ("Country", "US")))

# Hidden callers: the word, in the forms carriers pass it, or spelled on the keypad.
HIDDEN_CALLERS = ("anonymous", "Anonymous", "ANONYMOUS", "restricted", "Restricted", "unknown",
                  "+266696687", "+7378742833", "")
OTHER_CALLERS = ("client:alice", "sip:alice@example.sip.twilio.com",
                 "sip:+15551230001@receptionist.sip.us1.twilio.com;transport=udp")

COMMON = (
    Param("AccountSid", (ACCOUNT,), (*EVERY_CALL_REQUEST, "recording-status"), VOICE_REQUEST),
    Param("From", ("+15551230001", *HIDDEN_CALLERS, *OTHER_CALLERS, ABSENT),
          EVERY_CALL_REQUEST, VOICE_REQUEST,
          "E.164, or client:…, sip:…; withheld caller IDs as a word (ANONYMOUS, RESTRICTED), "
          f"formerly spelled in digits (+266696687): {WITHHELD}; clients: {CLIENT}; "
          f"SIP: {SIP}"),
    Param("To", ("+15005550006", "client:reception", "sip:reception@acme.sip.twilio.com"),
          EVERY_CALL_REQUEST, VOICE_REQUEST,
          "our number; a client or SIP address when one of those is the caller"),
    Param("Caller", ("+15551230001", "anonymous", "client:alice", ABSENT),
          EVERY_CALL_REQUEST, VOICE_REQUEST, "same as From"),
    Param("CallStatus", ("queued", "ringing", "in-progress", "completed", "busy", "failed",
                         "no-answer", "canceled"),
          ("voice", "redirect", "gather", "record", "dial", "number"), VOICE_REQUEST),
    Param("ApiVersion", ("2010-04-01",), EVERY_CALL_REQUEST, VOICE_REQUEST),
    Param("Direction", ("inbound", "outbound-api", "outbound-dial"), EVERY_CALL_REQUEST,
          VOICE_REQUEST, f"outbound-dial on the leg a <Number url> runs on: {NUMBER_URL}"),
    Param("ForwardedFrom", ("+15551239999", ABSENT), EVERY_CALL_REQUEST, VOICE_REQUEST,
          "sent when the carrier passes it"),
    Param("CallerName", ("JANE DOE", "O'BRIEN PAT", "JOSÉ GARCÍA", "", ABSENT),
          EVERY_CALL_REQUEST,
          VOICE_REQUEST, "with Caller ID Lookup enabled"),
    Param("ParentCallSid", (PARENT, ABSENT), EVERY_CALL_REQUEST, VOICE_REQUEST,
          "the parent call of a <Dial> leg"),
    Param("CallToken", ('{"parentCallInfoToken":"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}', ABSENT),
          ("voice",), VOICE_REQUEST, "incoming PSTN calls"),
    Param("StirVerstat", ("TN-Validation-Passed-A", "TN-Validation-Passed-B",
                          "TN-Validation-Passed-C", "TN-Validation-Failed-A",
                          "TN-Validation-Failed-B", "TN-Validation-Failed-C",
                          "TN-Validation-Failed", "No-TN-Validation", ABSENT),
          ("voice",), SHAKEN, "only on calls that carried a SHAKEN PASSporT"),
    Param("StirPassportToken", ("eyJhbGciOiJFUzI1NiJ9.e30.c2ln", ABSENT), ("voice",), SHAKEN),
    Param("AddOns", ('{"status":"successful","message":null,"code":null,"results":{}}',
                     ABSENT), ("voice",), VOICE_REQUEST, "with Marketplace Add-ons"),
    Param("SipDomain", ("acme.sip.twilio.com", ABSENT), ("voice",), SIP),
    Param("SipDomainSid", ("SD" + "5" * 32, ABSENT), ("voice",), SIP),
    Param("SipUsername", ("alice", ABSENT), ("voice",), SIP),
    Param("SipCallId", ("a84b4c76e66710@pc33.example.com", ABSENT), ("voice",), SIP),
    Param("SipSourceIp", ("203.0.113.7", ABSENT), ("voice",), SIP),
    Param("SipHeader_X-Customer", ("42", ABSENT), ("voice",), SIP,
          "one SipHeader_<name> per X- header of the INVITE"),
    Param("AnsweredBy", ("human", "machine_start", "machine_end_beep", "machine_end_silence",
                         "machine_end_other", "fax", "unknown", ABSENT),
          ("voice", "number", "status"), AMD,
          "only with machine detection, which our TwiML never asks for"),
    Param("MachineDetectionDuration", ("2300", ABSENT), ("voice", "number", "status"), AMD),
    *_GEO,
)

KINDS = (
    # The number's "primary handler fails" URL: the failed request, and why.
    Param("ErrorCode", ("11200", "12100", ABSENT), ("fallback",), FALLBACK),
    Param("ErrorUrl", ("https://receptionist.example.com/twilio/voice", ABSENT), ("fallback",),
          FALLBACK),
    # <Gather> action (our <Gather> is keypad, one key, actionOnEmptyResult).
    Param("Digits", ("1", "0", "9", "*", "#", "", ABSENT), ("gather",), GATHER,
          "no Digits after a timeout without input; the finishOnKey (#) pressed alone "
          "ends the <Gather> with nothing gathered"),
    Param("FinishedOnKey", ("#", "", ABSENT), ("gather",), GATHER),
    Param("SpeechResult", ("I'd like to leave a message", ABSENT), ("gather",), GATHER,
          "a speech <Gather>; our simulator and test calls type speech in it"),
    Param("Confidence", ("0.93", "0", "1", "", ABSENT), ("gather",), GATHER,
          "with SpeechResult; may be missing"),
    Param("UnstableSpeechResult", ("leave a mess", ABSENT), ("gather",), PARTIAL,
          "partialResultCallback only (our TwiML sets none): accepted, ignored"),
    Param("StableSpeechResult", ("leave a", ABSENT), ("gather",), PARTIAL,
          "partialResultCallback only"),
    Param("Stability", ("0.8", ABSENT), ("gather",), PARTIAL, "partialResultCallback only"),
    Param("SequenceNumber", ("1", ABSENT), ("gather",), PARTIAL,
          "partialResultCallback only"),
    # <Record> action.
    Param("RecordingUrl", (f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/"
                           f"{RECORDING}", ABSENT), ("record",), RECORD),
    Param("RecordingSid", (RECORDING, ABSENT), ("record",), RECORD),
    Param("RecordingDuration", ("5", "0", ABSENT), ("record",), RECORD,
          "before silence is trimmed; the final length comes with recordingStatusCallback"),
    Param("Digits", ("#", "1", "*", "hangup", ABSENT), ("record",), RECORD,
          "the key that ended the recording, or 'hangup' if the caller hung up"),
    # <Dial> action.
    Param("DialCallStatus", ("completed", "answered", "busy", "no-answer", "failed",
                             "canceled"), ("dial",), DIAL),
    Param("DialCallSid", (CHILD, ABSENT), ("dial",), DIAL_ACTION),
    Param("DialCallDuration", ("42", "0", ABSENT), ("dial",), DIAL_ACTION),
    Param("DialBridged", ("true", "false", ABSENT), ("dial",), DIAL_ACTION,
          "whether the caller was connected to the person dialed"),
    # Call status callback.
    Param("CallStatus", ("queued", "initiated", "ringing", "in-progress", "completed", "busy",
                         "failed", "no-answer", "canceled"), ("status",), CALL_STATUS),
    Param("CallDuration", ("37", "0", ABSENT), ("status",), STATUS,
          "with the final status"),
    Param("Timestamp", ("Tue, 17 Nov 2026 15:00:37 +0000", ABSENT), ("status",), STATUS_EVENT),
    Param("CallbackSource", ("call-progress-events", ABSENT), ("status",), STATUS_EVENT),
    Param("SequenceNumber", ("0", "1", "3", ABSENT), ("status",), STATUS_EVENT),
    Param("SipResponseCode", ("200", "486", ABSENT), ("status",), STATUS_EVENT),
    # recordingStatusCallback.
    Param("RecordingSid", (RECORDING,), ("recording-status",), RECORDING_STATUS),
    Param("RecordingUrl", (f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/"
                           f"{RECORDING}", "", ABSENT), ("recording-status",),
          RECORDING_STATUS),
    Param("RecordingStatus", ("in-progress", "completed", "absent", "failed"),
          ("recording-status",), RECORDING_STATUS),
    Param("RecordingDuration", ("5", "0", ABSENT), ("recording-status",), RECORDING_STATUS),
    Param("RecordingChannels", ("1", "2", ABSENT), ("recording-status",), RECORDING_STATUS),
    Param("RecordingStartTime", ("Tue, 17 Nov 2026 15:00:05 +0000", ABSENT),
          ("recording-status",), RECORDING_STATUS),
    Param("RecordingSource", ("RecordVerb", ABSENT), ("recording-status",), RECORDING_STATUS),
    Param("RecordingTrack", ("inbound", "both", ABSENT), ("recording-status",),
          RECORDING_STATUS),
    Param("ErrorCode", ("0", ABSENT), ("recording-status",), RECORDING_STATUS),
)

TABLE = COMMON + KINDS


@dataclass(frozen=True)
class Route:
    """One of our routes (with a query our TwiML puts on it), the requests Twilio sends
    it, and what such a request always carries."""

    path: str
    kinds: tuple[Kind, ...]
    required: tuple[tuple[str, str], ...] = ()


ROUTES = (
    Route("/twilio/voice", ("voice",), (("To", "+15005550006"),)),
    Route("/twilio/status", ("status",), (("CallStatus", "completed"),)),
    Route("/twilio/menu?step=main_menu&attempt=0&seq=1", ("gather", "redirect")),
    Route("/twilio/challenge?attempt=0", ("gather",)),
    Route("/twilio/step?step=main_menu", ("redirect",)),
    Route("/twilio/recorded?step=message&seq=1", ("record",)),
    Route("/twilio/no-recording?step=message&seq=1", ("redirect",)),
    Route("/twilio/recording-status?step=message", ("recording-status",),
          (("RecordingSid", RECORDING), ("RecordingStatus", "completed"))),
    Route("/twilio/dialed?step=transfer&seq=1&group=0&ring=0", ("dial",)),
    Route(f"/twilio/screen?step=transfer&seq=1&parent={PARENT}", ("number",)),
    Route(f"/twilio/screened?step=transfer&seq=1&parent={PARENT}", ("gather",)),
    Route("/twilio/book?step=book&seq=1&stage=offer&slots=1795449600", ("gather",)),
    Route("/twilio/book?step=book&seq=1&stage=name&appointment=1", ("record", "redirect")),
    Route("/twilio/fallback", ("voice", "fallback"), (("To", "+15005550006"),)),
    Route("/twilio/fallback/recorded?lang=en-US", ("record",)),
)


def params_for(kinds: tuple[Kind, ...]) -> list[Param]:
    """The documented parameters of requests of `kinds` (a name can have a row per kind)."""
    return [p for p in TABLE if set(p.kinds) & set(kinds)]


@dataclass(frozen=True)
class MediaMessage:
    """A media-stream WebSocket message Twilio sends, as an example of its documented
    form (`streamSid` etc. are filled in by the test)."""

    event: str
    body: dict[str, object]
    url: str = MEDIA
    note: str = ""


MEDIA_MESSAGES = (
    MediaMessage("connected", {"protocol": "Call", "version": "1.0.0"}),
    MediaMessage("start", {"start": {
        "tracks": ["inbound"], "mediaFormat": {"encoding": "audio/x-mulaw",
                                               "sampleRate": 8000, "channels": 1}}},
        note="customParameters: the <Parameter>s of our <Stream> (callSid, token)"),
    MediaMessage("media", {"media": {"track": "outbound", "chunk": "1", "timestamp": "5"}},
                 note="only when both tracks are streamed: never the caller"),
    MediaMessage("media", {"media": {"track": "inbound", "chunk": "1", "timestamp": "5"}}),
    MediaMessage("dtmf", {"dtmf": {"track": "inbound_track", "digit": "1"}},
                 note="bidirectional streams only"),
    MediaMessage("mark", {"mark": {"name": "prompt-1"}}, note="bidirectional streams only"),
    MediaMessage("stop", {"stop": {"reason": "Stream stopped"}}),
)

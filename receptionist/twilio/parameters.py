"""Which form parameters Twilio documents for each of our webhooks, and what makes a request
the same request twice.

Twilio signs a request over the URL followed by each parameter's name and value run
together, so a signed form can be rewritten by moving the name/value boundary
(`ApiVersion=2010-04-01` and `ApiVersion2=010-04-01` sign the same): such a replay carries
a name Twilio never sends, and is refused here. Names are from Twilio's documentation of
voice requests ("TwiML Voice: Twilio's request", the `<Gather>`, `<Record>` and `<Dial>`
action parameters, call and recording status callbacks, answering machine detection);
SIP calls add `SipHeader_*` names, and `<Dial>` to SIP adds `DialSipHeader_*`. The table
of what Twilio documents, value by value with its page, that the tests post to every route
is `tests/twilio/twilio_documented.py`.

Idempotency (`replay_key`) is keyed on what the boundary trick cannot shift: the call, the
route with our own query string (each prompt's callback carries its sequence number), and,
for the callbacks Twilio sends several times to one URL, the validated event (a call
status, a recording's SID and status).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

_GEOGRAPHY = frozenset(f"{who}{what}" for who in ("From", "To", "Caller", "Called")
                       for what in ("City", "State", "Zip", "Country"))
# Sent with every voice request (Twilio's request parameters, STIR/SHAKEN, Add-ons, SIP).
COMMON = frozenset({
    "CallSid", "AccountSid", "From", "To", "CallStatus", "ApiVersion", "Direction",
    "ForwardedFrom", "CallerName", "ParentCallSid", "CallToken", "Caller", "Called",
    "CalledVia", "ApplicationSid", "StirVerstat", "StirPassportToken", "StirStatus",
    "AddOns", "SipDomain", "SipDomainSid", "SipCallId", "SipSourceIp", "SipUsername",
    "AnsweredBy", "MachineDetectionDuration",
}) | _GEOGRAPHY
# <Gather>'s action; and the names of its partial results (partialResultCallback), which
# our TwiML does not ask for, accepted all the same on a <Gather>'s routes.
GATHER = frozenset({"Digits", "FinishedOnKey", "SpeechResult", "Confidence", "msg",
                    "Language", "UnstableSpeechResult", "StableSpeechResult", "Stability",
                    "SequenceNumber", "LanguageCode"})
RECORD = frozenset({"RecordingUrl", "RecordingSid", "RecordingDuration", "Digits"})
RECORDING_STATUS = frozenset({
    "RecordingSid", "RecordingUrl", "RecordingStatus", "RecordingDuration",
    "RecordingChannels", "RecordingStartTime", "RecordingSource", "RecordingTrack",
    "ErrorCode"})
DIAL = frozenset({"DialCallStatus", "DialCallSid", "DialCallDuration", "DialBridged",
                  "DialSipCallId", "DialSipResponseCode", "RecordingUrl", "RecordingSid",
                  "RecordingDuration", "QueueResult", "QueueSid", "QueueTime"})
STATUS = frozenset({"CallDuration", "Duration", "Timestamp", "CallbackSource",
                    "SequenceNumber", "RecordingUrl", "RecordingSid", "RecordingDuration",
                    "SipResponseCode", "ErrorCode", "ErrorMessage", "QueueTime"})
_PREFIXES = ("SipHeader_", "DialSipHeader_")


def unexpected(names: Iterable[str], documented: frozenset[str]) -> list[str]:
    """The names Twilio never sends to a route documented as `documented`, sorted."""
    return sorted({name for name in names
                   if name not in documented and not name.startswith(_PREFIXES)})


def replay_key(*, call_sid: str, path_and_query: str, event: Iterable[str] = ()) -> str:
    """The stored answer's key: the same call, route and event is the same request, what
    ever else its (signed) form says."""
    digest = hashlib.sha256(call_sid.encode())
    for part in (path_and_query, *event):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()

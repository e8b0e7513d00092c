"""What Twilio puts in `From` for a caller, turned into what the call flows read.

A caller who hides their number reaches us as a word (`anonymous`, `Anonymous`,
`restricted`, `unknown`…) or, on calls Twilio bridged before it began passing the word
through, as that word spelled on a telephone keypad: `+266696687` is A-N-O-N-Y-M-O-U-S
(https://www.twilio.com/changelog/upcoming-changes-to-withheld-caller-ids-behavior-for-dial-calls).
Such a "number" is nobody's: the flows get `anonymous`, so that a hidden caller is never
texted a confirmation nor taken for a returning caller. Client (`client:alice`) and SIP
(`sip:…`) identities are kept as they came.
"""

from __future__ import annotations

HIDDEN = "anonymous"
_WORDS = frozenset({"anonymous", "restricted", "unknown", "private", "unavailable",
                    "blocked", "withheld"})
# The words on a keypad: ANONYMOUS, RESTRICTED, BLOCKED, UNKNOWN, UNAVAILABLE.
_SPELLED = frozenset({"+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"})
MAX_CHARS = 64  # what a call row keeps of a number (calls.models.Call.from_number)


def caller_number(reported: str) -> str:
    """The caller as the flows know them: `anonymous` for every hidden form, else what
    Twilio sent (a number, a client or SIP identity), cut to what a call row keeps."""
    text = reported.strip()
    if text.lower() in _WORDS or text in _SPELLED:
        return HIDDEN
    return text[:MAX_CHARS]

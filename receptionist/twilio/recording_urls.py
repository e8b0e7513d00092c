"""What Twilio's recording URLs look like: the only place that knows their shapes.

A `RecordingUrl` Twilio sends names a recording on its REST API without an extension;
the worker downloads the WAV rendition from TWILIO_API_BASE only (`rest.TwilioRest`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from receptionist.config import Settings
from receptionist.messages.recordings import FetchError


def media_url(recording_url: str) -> str:
    """Twilio's RecordingUrl has no extension; `.wav` asks for the WAV rendition."""
    last = recording_url.rsplit("/", 1)[-1]
    return recording_url if "." in last else recording_url + ".wav"


# The path of a recording on Twilio's REST API; the host is always TWILIO_API_BASE.
_RECORDING_PATH = re.compile(r"^/2010-04-01/Accounts/AC[0-9A-Za-z]{8,62}/Recordings/"
                             r"(RE[0-9A-Za-z]{8,62})(\.wav)?$")


def sid_of(recording_url: str) -> str | None:
    """The recording's SID, as its URL names it (for a callback without RecordingSid)."""
    found = _RECORDING_PATH.match(urlsplit(recording_url).path)
    return found.group(1) if found else None


def api_url(settings: Settings, recording_url: str) -> str:
    """The recording's WAV on TWILIO_API_BASE. The account's credentials go only there:
    whatever host a RecordingUrl names (a forged one, say) is not asked."""
    path = urlsplit(recording_url).path
    if not _RECORDING_PATH.match(path):
        raise FetchError(f"not a Twilio recording URL: {recording_url[:200]!r}")
    return media_url(settings.twilio_api_base + path)

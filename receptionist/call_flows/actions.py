"""What a call hears and does next, in neutral terms: steps emit these actions and the
provider adapter (twilio/twiml.py) turns them into its own markup. A callback names one of
our resume points (`menu`, `recorded`, `book`…) with its query; the adapter makes it a URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Callback:
    """Where the provider reports the caller's answer: a resume point and its query."""

    route: str
    query: tuple[tuple[str, object], ...] = ()

    @classmethod
    def to(cls, route: str, **query: object) -> Callback:
        return cls(route, tuple(query.items()))


@dataclass(frozen=True)
class Say:
    """Speak `text` with the provider's text-to-speech: the script's `voice`, or "" for
    the provider's own voice of `language`."""

    text: str
    voice: str
    language: str


@dataclass(frozen=True)
class Play:
    """Play audio we serve (a prompt rendered by the local voice)."""

    url: str


Prompt = Say | Play


@dataclass
class Gather:
    """Wait for one key (prompts play meanwhile); the callback gets it, or nothing."""

    callback: Callback
    timeout: int
    prompts: list[Prompt] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    """Record the caller after a beep, trimmed of silence; `callback` gets the recording
    (the provider skips it when nothing was said), `status_callback` its final state."""

    callback: Callback
    max_length: int
    timeout: int
    finish_on_key: str
    status_callback: Callback | None = None


@dataclass(frozen=True)
class Dial:
    """Ring `numbers` (all at once when several) for `timeout` seconds and connect the
    caller to the first that answers; the callback gets the outcome. `screen`: what the
    person answering hears before being connected (our resume point runs on their leg).
    `caller_id`: the number they see (None: the caller's)."""

    numbers: tuple[str, ...]
    timeout: int
    callback: Callback
    screen: Callback | None = None
    caller_id: str | None = None


@dataclass(frozen=True)
class Redirect:
    """Continue at a resume point now."""

    callback: Callback


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass(frozen=True)
class Reject:
    """Refuse the call without answering it (the caller hears a busy tone)."""

    busy: bool = True


@dataclass(frozen=True)
class StreamAudio:
    """Fork the caller's audio to our media-stream endpoint for the whole call."""

    url: str
    parameters: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Converse:
    """Carry the rest of the call over a two-way media stream to our endpoint at `url`
    (the stream transport): `first` is what the caller hears and does first, played by
    the stream's runner. When the stream ends without the runner moving the call (a
    dropped connection, a dead instance), the provider goes on with the actions after
    this one: a `Redirect` that resumes the call from the database."""

    url: str
    parameters: tuple[tuple[str, str], ...]
    first: tuple[Action, ...]


Action = (Say | Play | Gather | Record | Dial | Redirect | Hangup | Reject | StreamAudio
          | Converse)


def say_then_hang_up(*lines: Say) -> list[Action]:
    """Say each line, then end the call (apologies, refusals, goodbyes said outside a
    script: an unknown number, a technical error, the fallback's goodbyes)."""
    return [*lines, Hangup()]

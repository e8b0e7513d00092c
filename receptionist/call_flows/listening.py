"""What the step a call waits at listens for, and what a spoken answer means there.

A step that speech may answer says so when it waits (`FlowContext.listen`): the options
(intent, key, phrases) and how an answer is taken. It is stored with the call (typed, as
JSON in `Call.step_data`), so the media stream needs no knowledge of step kinds:

- `choice` (a menu): a phrase picks an option, which is claimed like a key press and the
  call goes to the option's step; words that pick none are a wrong key (retry path).
- `key` (the booking dialogue's prompts): a phrase stands for a key, sent to the prompt's
  own callback as if pressed; words that pick none are ignored (the keypad goes on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from receptionist.call_flows.actions import Callback
from receptionist.understanding.phrase_match import match_intent


class SpokenOption(BaseModel):
    model_config = ConfigDict(frozen=True)

    intent: str
    digit: str | None = None
    phrases: tuple[str, ...] = ()
    goto: str | None = None  # `choice` prompts: the step the option leads to


class ListenFor(BaseModel):
    model_config = ConfigDict(frozen=True)

    answer: Literal["choice", "key"]
    options: tuple[SpokenOption, ...]
    # `key` prompts: the callback (resume point and query) a spoken key is sent to.
    route: str = ""
    query: tuple[tuple[str, str | int], ...] = ()

    def dump(self) -> str:
        return self.model_dump_json()

    @classmethod
    def load(cls, stored: str | None) -> ListenFor | None:
        """What a call's stored step data listens for (None: nothing, or unreadable)."""
        if not stored:
            return None
        try:
            return cls.model_validate_json(stored)
        except ValidationError:
            return None


@dataclass(frozen=True)
class Ignore:
    """Not an answer here: keep listening."""


@dataclass(frozen=True)
class Send:
    """Continue the call at this callback (a spoken key, or words that picked nothing)."""

    callback: Callback


@dataclass(frozen=True)
class Chose:
    """The caller named an option of a menu: claim it (`engine.on_speech`)."""

    option: SpokenOption
    confidence: float


Heard = Ignore | Send | Chose


def hear(listen: ListenFor, transcript: str, language: str, *, step: str, seq: int,
         attempt: int) -> Heard:
    """What an utterance means at the prompt of `step` (sequence `seq`, try `attempt`)."""
    match = match_intent(transcript, listen.options, language)
    if listen.answer == "key":
        if match.choice is None or match.choice.digit is None:
            return Ignore()
        return Send(Callback(listen.route, (*listen.query, ("pressed", match.choice.digit))))
    if match.choice is None:
        # Like a wrong key: the menu's retry / no-match path, through the callback the
        # keypad uses (which claims the step, so only one answer counts).
        return Send(Callback.to("menu", step=step, attempt=attempt, seq=seq,
                                heard=transcript[:200]))
    return Chose(match.choice, match.confidence)


def names_an_option(listen: ListenFor, transcript: str, language: str) -> float | None:
    """The confidence with which a (partial) transcript names an option, if it does."""
    match = match_intent(transcript, listen.options, language)
    return match.confidence if match.choice is not None else None

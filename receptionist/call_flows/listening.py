"""What the step a call waits at listens for, and when a spoken answer is one.

A step that speech may answer says so when it waits (`FlowContext.listen`): the options
(intent, key, phrases: the recogniser's hints) and how an answer is taken. It is stored
with the call (typed, as JSON in `Call.step_data`), so the media stream needs no knowledge
of step kinds:

- `said` (a menu, a confirmation): whatever the caller said goes to the prompt's own
  callback (`said=…`), where the step makes sense of it (call_flows.meaning) exactly as
  typed speech (`SpeechResult`) would;
- `key` (the booking dialogue's prompts): a phrase stands for a key, sent to the prompt's
  callback as if pressed; at an offer (`times`), a day or time ("Thursday afternoon") is
  sent as `said`, and so are words the step reads itself (`words`: "no thanks", a plain
  yes or no at an offer), which come before the keys' phrases; other words are ignored
  (the keypad goes on). At a prompt whose step reads the whole utterance (`whole`: what
  to book, with whom, the confirmation), a key's phrase is sent as `said` too, so that
  what comes with it is kept ("a check-up on Friday", "no, Thursday would be better").
  What to book and with whom take any words (`any_words`): the step reads a change of
  course there ("move it"), and the end of the utterance is awaited (no early decision on
  a partial result, which would drop "on Friday"); a confirmation takes no other words
  (noise heard as "thank you" is no yes) and keeps the early decision for a yes (short:
  waiting for the end of it only costs the caller time), not for a no, which may go on
  ("no, Thursday would be better": `late`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from receptionist.call_flows.actions import Callback
from receptionist.understanding.bands import HEARD_FLOOR
from receptionist.understanding.lang import words_of
from receptionist.understanding.phrase_match import match_intent, normalize
from receptionist.understanding.when import mentions_time

MAX_SAID = 200  # characters of a transcript carried in a callback URL


class SpokenOption(BaseModel):
    model_config = ConfigDict(frozen=True)

    intent: str
    digit: str | None = None
    phrases: tuple[str, ...] = ()


class ListenFor(BaseModel):
    model_config = ConfigDict(frozen=True)

    answer: Literal["said", "key"]
    options: tuple[SpokenOption, ...]
    # The callback (resume point and query) an answer is sent to.
    route: str = ""
    query: tuple[tuple[str, str | int], ...] = ()
    times: bool = False  # `key` prompts: a spoken day or time is an answer too
    # `key` prompts: phrases (normalized words) sent as `said`, for the step to read.
    words: tuple[str, ...] = ()
    # `key` prompts: an utterance that names a key is sent as `said` (the step reads it all).
    whole: bool = False
    # `key` prompts: any other words are sent as `said` too (the step reads a change of
    # course: "move it" when asked what to book), not ignored.
    any_words: bool = False
    # Keys whose phrases are no early decision: a "no" may go on ("no, Thursday would be
    # better", "no, I wanted to cancel"), so the end of the utterance is awaited.
    late: tuple[str, ...] = ()

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
    """Continue the call at this callback (the prompt's own, as for a key press)."""

    callback: Callback


Heard = Ignore | Send


def hear(listen: ListenFor, transcript: str, language: str, heard: float | None = None
         ) -> Heard:
    """What an utterance means at the prompt that `listen` describes. `heard`: the
    engine's confidence in the transcript; words it barely heard are not an answer (line
    noise, a cough turned into words): the prompt goes on."""
    if not normalize(transcript) or (heard is not None and heard < HEARD_FLOOR):
        return Ignore()
    said: tuple[tuple[str, str | int], ...] = (
        *listen.query, ("said", transcript.strip()[:MAX_SAID]))
    padded = f" {' '.join(normalize(transcript))} "
    if backchannel(transcript, language) and not asks_yes_or_no(listen, language):
        return Ignore()  # "mm-hm", "yeah" over a menu: the caller follows, and says so
    if listen.answer == "said":
        if heard is not None:
            said = (*said, ("heard", f"{heard:.2f}"))
        return Send(Callback(listen.route, said))
    if any(f" {phrase} " in padded for phrase in listen.words):
        return Send(Callback(listen.route, said))
    match = match_intent(transcript, listen.options, language)
    if match.choice is not None and match.choice.digit is not None:
        if listen.whole:
            return Send(Callback(listen.route, said))
        return Send(Callback(listen.route, (*listen.query, ("pressed", match.choice.digit))))
    if (listen.times and mentions_time(transcript, language)) or listen.any_words:
        return Send(Callback(listen.route, said))
    return Ignore()


def backchannel(transcript: str, language: str) -> bool:
    """Whether the words only show the caller follows ("mm-hm", "yeah", « d'accord »)."""
    words = normalize(transcript)
    return bool(words) and all(w in words_of(language).backchannels for w in words)


def asks_yes_or_no(listen: ListenFor, language: str) -> bool:
    """Whether "yeah", "okay" may answer the prompt: one of its answers is said so (a
    confirmation, an offer of times), not a menu's choices."""
    words = words_of(language)
    yes_no = words.backchannels | {w for phrase in words.yes_no for w in normalize(phrase)}
    phrases = [*listen.words, *(p for option in listen.options for p in option.phrases)]
    return any((said := normalize(phrase)) and all(w in yes_no for w in said)
               for phrase in phrases)


def keypad_please(listen: ListenFor) -> Heard:
    """The caller spoke but recognition was saturated (the utterance was not decoded): a
    prompt that takes words asks for the keypad; a keypad prompt just goes on."""
    if listen.answer == "said":
        return Send(Callback(listen.route, (*listen.query, ("keypad", 1))))
    return Ignore()


def names_an_option(listen: ListenFor, transcript: str, language: str) -> float | None:
    """The confidence with which a (partial) transcript names an option by its words,
    if it does (the media stream's early decision, before the end-of-speech silence);
    None at a prompt that takes any words (`any_words`: the end of them is awaited)."""
    if listen.any_words:
        return None
    match = match_intent(transcript, listen.options, language)
    if match.choice is None or match.choice.digit in listen.late:
        return None
    return match.confidence

"""A live call's words, provider-neutral: while the call waits at a prompt that listens
(`call_flows.listening`), its audio goes to a recognizer hinted with the prompt's phrases,
and an utterance that answers the prompt becomes the prompt's own callback with what was
said (the adapter redirects the live call there; the step claims it like a key press).

The provider adapter (e.g. `twilio/media.py`) unwraps its frames, batches the audio and
hands it to `Hearing.feed`; recognition runs in child processes (speech.process_pool),
the database read in the thread pool."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from receptionist.call_flows.actions import Callback
from receptionist.call_flows.listening import (
    Ignore,
    ListenFor,
    hear,
    keypad_please,
    names_an_option,
)
from receptionist.call_flows.schema import Script
from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind
from receptionist.calls.models import Call
from receptionist.db import Database
from receptionist.speech.process_pool import RecognitionPool, RemoteStream
from receptionist.speech.recognizer import Recognition
from receptionist.understanding.menu_grammar import menu_phrases
from receptionist.understanding.phrase_match import normalize

log = logging.getLogger(__name__)
# Logged (a warning) for each utterance the recognition processes were too far behind to
# decode, whose caller is asked for the keypad: `bench.load` counts it in the instances'
# logs (a load that answers every webhook may still leave speaking callers unheard).
SATURATED = "speech recognition saturated"

# How often the call's current step is re-read while audio flows.
STEP_REFRESH_S = 0.25
# After an early decision (a partial transcript naming an option before the caller
# stopped), the rest of that utterance is heard out on the answered prompt's stream, at
# most this long, so that the next prompt never takes its tail ("…first" of "whoever is
# free first") for an answer of its own.
FINISH_CAP_S = 3.0
_CURRENT_STEP = select(Call.current_step, Call.seq, Call.attempt, Call.status,  # type: ignore[call-overload]
                       Call.step_data)


@dataclass
class Finishing:
    """The stream of a prompt answered early, until the caller's utterance ends."""

    stream: RemoteStream
    until: float  # time.monotonic()


@dataclass
class Listening:
    """The recognizer stream for the prompt one call waits at."""

    step_id: str
    seq: int
    attempt: int
    listen: ListenFor
    stream: RemoteStream
    last_partial: str = ""


class Hearing:
    """One call's words: its audio for the recognizer while the call waits at a prompt
    that listens (call_flows.listening), and what the flow makes of them.

    `recognition`: the recognition processes, asked for only when a prompt listens;
    `clock`: the time events are stamped with (aware UTC)."""

    def __init__(self, database: Database, recognition: Callable[[], RecognitionPool],
                 call_sid: str, script: Script, clock: Callable[[], datetime]) -> None:
        self.database = database
        self.recognition = recognition
        self.clock = clock
        self.call_sid = call_sid
        self.script = script
        self.listening: Listening | None = None
        # The prompt speech just answered: until the call has moved on from it, audio is
        # not for anything (and the call's state is re-read on every batch).
        self.answered: tuple[str, int] | None = None
        self.finishing: Finishing | None = None
        self.checked_at = 0.0
        self.done = False
        # Utterances heard to their end that answered nothing (a "mm-hm" over a prompt):
        # the stream transport's barge-in counts them to let a paused prompt go on.
        self.ignored = 0

    def _current(self) -> tuple[str | None, int, int, ListenFor | None]:
        """(step, seq, attempt, what it listens for) of the live call (`Database.run`)."""
        with self.database.call_engine.connect() as conn:
            row = conn.execute(_CURRENT_STEP.where(Call.call_sid == self.call_sid)).first()
        if row is None or row.status in calls.TERMINAL_STATUSES:
            return None, -1, 0, None
        return row.current_step, row.seq, row.attempt, ListenFor.load(row.step_data)

    async def _listen_to_current_step(self) -> None:
        now = time.monotonic()
        if now - self.checked_at < STEP_REFRESH_S and self.listening is not None:
            return
        self.checked_at = now
        step_id, seq, attempt, listen = await self.database.run(self._current, urgent=True)
        if self.listening is not None and (self.listening.step_id, self.listening.seq) == (
                step_id, seq):
            return
        self._stop_listening()
        if step_id is not None and (step_id, seq) == self.answered:
            self.checked_at = 0.0  # look again at the next batch
            return
        self.answered = None
        if listen is not None and step_id is not None:
            stream = await self.recognition().open(
                language=self.script.language,
                phrases=menu_phrases([(o.phrases, o.digit) for o in listen.options],
                                     self.script.language))
            if self.done:
                stream.close()
                return
            self.listening = Listening(step_id, seq, attempt, listen, stream)

    def _stop_listening(self) -> None:
        if self.listening is not None:
            self.listening.stream.close()
            self.listening = None

    async def feed(self, ulaw: bytes, spoken_at: float | None = None) -> Callback | None:
        """Recognise a batch of 8 kHz μ-law audio; returns the callback to redirect the
        call to.
        `spoken_at`: when the end of the batch was spoken (time.monotonic)."""
        if self.done:
            return None
        if self.finishing is not None and await self._finish(ulaw, spoken_at):
            return None
        await self._listen_to_current_step()
        listening = self.listening
        if listening is None:
            return None
        heard = await listening.stream.accept(ulaw, spoken_at=spoken_at)
        recognition = heard.final or self._stable_partial(listening, heard.partial)
        if recognition is None:
            return None
        if recognition.skipped:
            log.warning("call %s: %s at %s, keypad asked for", self.call_sid, SATURATED,
                        listening.step_id)
            meaning = keypad_please(listening.listen)
        else:
            # An utterance ended: is it an answer to this prompt?
            meaning = hear(listening.listen, recognition.transcript, self.script.language,
                           recognition.confidence)
        if isinstance(meaning, Ignore):
            if heard.final is not None:
                self.ignored += 1
            log.debug("call %s: heard %r (confidence %.2f), no answer at %s", self.call_sid,
                      recognition.transcript, recognition.confidence, listening.step_id)
            if heard.final is not None and normalize(recognition.transcript):
                # Noted on the timeline: the caller spoke, so if no answer follows they
                # are told they were not understood, not that nothing was heard.
                await self.database.run(lambda: self._note_ignored(
                    listening.step_id, listening.seq, recognition.transcript,
                    recognition.confidence), urgent=True)
            return None  # not an answer: the keypad prompt goes on, so do we
        # The callback claims the prompt by its seq, as for a key press.
        log.info("call %s: heard %r (confidence %.2f) at %s", self.call_sid,
                 recognition.transcript, recognition.confidence, listening.step_id)
        self.answered = (listening.step_id, listening.seq)
        if heard.final is None:  # decided on a partial: the caller is still speaking
            self.finishing = Finishing(listening.stream, time.monotonic() + FINISH_CAP_S)
            self.listening = None
        else:
            self._stop_listening()
        return meaning.callback

    async def answers_so_far(self) -> bool | None:
        """Whether what the caller is saying answers the prompt, from the recognizer's
        speculative read of the utterance in progress (`RemoteStream.peek`): False when
        it answers nothing (a "mm-hm", a cough, nothing being said), True when it may (the
        end of the utterance decides), None when that cannot be known here."""
        listening = self.listening
        if self.done or listening is None or self.finishing is not None:
            return None
        so_far = await listening.stream.peek()
        if so_far is None:
            return None
        meaning = hear(listening.listen, so_far.transcript, self.script.language,
                       so_far.confidence)
        return not isinstance(meaning, Ignore)

    async def _finish(self, ulaw: bytes, spoken_at: float | None) -> bool:
        """Whether this batch belongs to the utterance an early decision answered (it
        goes to that prompt's stream); False once the utterance ended or the cap passed."""
        finishing = self.finishing
        assert finishing is not None
        if time.monotonic() > finishing.until:
            self._stop_finishing()
            return False
        heard = await finishing.stream.accept(ulaw, spoken_at=spoken_at)
        if heard.final is not None:
            self._stop_finishing()
        return True

    def _stop_finishing(self) -> None:
        if self.finishing is not None:
            self.finishing.stream.close()
            self.finishing = None

    def _note_ignored(self, step_id: str, seq: int, transcript: str, confidence: float
                      ) -> None:
        with self.database.write_transaction(urgent=True) as session:
            call = calls.get_call(session, call_sid=self.call_sid)
            if call is None or call.id is None or (call.current_step, call.seq) != (step_id, seq):
                return  # the call moved on meanwhile: these words were for nothing now
            calls.add_event(session, call_id=call.id, at=self.clock(),
                            kind=EventKind.words_ignored, step=step_id,
                            fields=EventFields(heard=transcript.strip()[:200],
                                               heard_confidence=round(confidence, 4)))

    def _stable_partial(self, listening: Listening, partial: str) -> Recognition | None:
        """Decide before the engine's end-of-utterance silence when its partial result
        names an option and stays the same for two batches in a row (~100 ms)."""
        stable = partial and partial == listening.last_partial
        listening.last_partial = partial
        if not stable:
            return None
        confidence = names_an_option(listening.listen, partial, self.script.language)
        return Recognition(partial, confidence) if confidence is not None else None

    def close(self) -> None:
        self.done = True
        self._stop_listening()
        self._stop_finishing()

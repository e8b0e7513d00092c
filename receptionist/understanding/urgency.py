"""Whether a caller's words ask for urgent help: the intent model's `urgent` intent (not
a word list), so "my tooth is bleeding and won't stop" is urgent and "it's not urgent,
call me back" is not. Used on message transcripts (the owner's summary is flagged and
sent through quiet hours)."""

from __future__ import annotations

import re

from receptionist.understanding.intent_model import builtin_model

# The urgent intent's share of the probability (discounted by the words the model knows)
# above which a message is flagged. Messages are long and mix intents ("call me back"),
# so the urgent intent need not be the top one.
URGENT_AT = 0.35


# A message is judged sentence by sentence (and the whole): one urgent clause is enough.
_CLAUSES = re.compile(r"[.!?;,]+|\s(?:and|but|et|mais)\s")
# "it's not urgent", « rien d'urgent »: a clause that denies urgency is not urgent.
_DENIED = re.compile(r"\b(?:not|no|nothing|n't|pas|rien|aucune?)\b[\w' ]{0,12}"
                     r"\b(?:urgent|urgence|urgente|emergency|rush|press[ée])", re.IGNORECASE)


def sounds_urgent(text: str, language: str) -> bool:
    model = builtin_model(language)
    for part in [*_CLAUSES.split(text[:2000]), text[:2000]]:
        if not part.strip() or _DENIED.search(part):
            continue
        probability = next(r.probability for r in model.rank(part) if r.intent == "urgent")
        if probability * model.known_share(part) >= URGENT_AT:
            return True
    return False

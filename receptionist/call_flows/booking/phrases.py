"""What a caller may say instead of pressing a key in the booking dialogue, in English and
French (what the dialogue says is in the catalogs, `receptionist/locale/`: `booking.*`)."""

from __future__ import annotations

from receptionist.i18n import lang_key
from receptionist.understanding.phrase_match import normalize

# What a caller may say instead of pressing a key in the booking dialogue (the digits'
# names, "press one" / « tapez un », are added by the grammar builder).
ORDINALS = {"en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                   "eighth"],
            "fr": ["premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième",
                   "septième", "huitième"]}
SPOKEN_KEYS: dict[str, dict[str, dict[str, list[str]]]] = {
    "offer": {"en": {"9": ["another day", "a different day", "other day"]},
              "fr": {"9": ["un autre jour", "autre jour"]}},
    "confirm": {"en": {"1": ["yes", "confirm", "yes please", "yeah", "yep", "sure"],
                       "2": ["no", "another time", "no thanks", "nope"]},
                "fr": {"1": ["oui", "je confirme", "d'accord", "ouais", "oui merci"],
                       "2": ["non", "un autre horaire", "non merci"]}},
    "who": {"en": {"0": ["anyone", "anybody", "whoever", "the first available",
                         "first available", "no preference", "doesn't matter", "any"]},
            "fr": {"0": ["n'importe qui", "peu importe", "le premier disponible",
                         "la première disponible", "premier disponible",
                         "pas de préférence", "indifférent"]}},
    "type": {"en": {}, "fr": {}},
    "manage": {"en": {"1": ["cancel", "cancel it"], "2": ["move", "move it", "change it"],
                      "3": ["keep", "keep it"]},
               "fr": {"1": ["annuler", "l'annuler"], "2": ["déplacer", "le déplacer"],
                      "3": ["garder", "le garder"]}},
}


# What ends the booking dialogue without booking ("no thanks", « c'est tout »), accents
# removed as `normalize` does.
DONE_WORDS = {
    "en": ("no thanks", "no thank you", "that s all", "that is all", "that s it",
           "nothing thanks", "never mind", "forget it", "i ll call back",
           "i will call back", "not now", "no need"),
    "fr": ("non merci", "c est tout", "ce sera tout", "laissez tomber", "rien merci",
           "je rappellerai", "pas maintenant", "pas besoin", "ca ira merci", "non ca ira"),
}


# A plain yes or no to an offer of times, heard live (call_flows.listening sends them to
# the step, which asks which one, or offers the next times).
YES_NO_WORDS = {
    "en": ("yes", "yeah", "yep", "sure", "ok", "okay", "that works", "sounds good", "fine",
           "perfect", "great", "no", "nope", "nah", "none of those", "neither"),
    "fr": ("oui", "ouais", "d accord", "ok", "ca marche", "ca me va", "parfait",
           "tres bien", "volontiers", "non", "aucun", "aucune"),
}


def heard_words(stage: str, language: str) -> tuple[str, ...]:
    """What live speech sends to a booking prompt as words for the step to read: "no
    thanks" at an offer or a confirmation, a plain yes or no at an offer."""
    lang = lang_key(language)
    if stage == "offer":
        return DONE_WORDS[lang] + YES_NO_WORDS[lang]
    return DONE_WORDS[lang] if stage == "confirm" else ()


def says_done(said: str, language: str) -> bool:
    """Whether the caller ends the booking dialogue: "no thanks", "that's all"."""
    padded = f" {' '.join(normalize(said[:300]))} "
    return any(f" {phrase} " in padded for phrase in DONE_WORDS[lang_key(language)])


def voice_choices(stage: str, language: str, *, offered: int = 0) -> dict[str, list[str]]:
    """{key: [phrases…]} (in key order) for the keys of one booking prompt."""
    lang = lang_key(language)
    keys = {digit: list(phrases) for digit, phrases in SPOKEN_KEYS[stage][lang].items()}
    for index in range(offered):
        ordinal = ORDINALS[lang][index]
        keys[str(index + 1)] = ([ordinal, f"the {ordinal} one"] if lang == "en"
                                else [ordinal if index else "premier", f"le {ordinal}"])
    return dict(sorted(keys.items()))

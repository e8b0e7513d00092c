"""What the booking dialogue says, in English and French ({placeholders} filled in)."""

from __future__ import annotations

from receptionist.i18n import lang_key

BOOKING: dict[str, dict[str, str]] = {
    "offer_intro": {"en": "I can offer {day}.", "fr": "Je peux vous proposer le {day}."},
    "offer_item": {"en": "At {time}, press {digit}.", "fr": "À {time}, tapez {digit}."},
    "offer_other_day": {"en": "For another day, press 9.",
                        "fr": "Pour un autre jour, tapez 9."},
    "confirm": {"en": "{when}. To confirm, press 1. To choose another time, press 2.",
                "fr": "Le {when}. Pour confirmer, tapez 1. Pour choisir un autre horaire, "
                      "tapez 2."},
    "booked": {"en": "Your appointment is booked for {when}.",
               "fr": "Votre rendez-vous est confirmé pour le {when}."},
    "moved": {"en": "Your appointment is moved to {when}.",
              "fr": "Votre rendez-vous est déplacé au {when}."},
    "sms_follows": {"en": "You will receive a text message confirmation.",
                    "fr": "Vous allez recevoir une confirmation par SMS."},
    "ask_name": {"en": "After the beep, please say your first and last name.",
                 "fr": "Après le bip, dites votre prénom et votre nom, s'il vous plaît."},
    "name_thanks": {"en": "Thank you.", "fr": "Merci."},
    "taken": {"en": "Sorry, that time was just taken.",
              "fr": "Désolé, cet horaire vient d'être pris."},
    "no_other_day": {"en": "Sorry, there is no other free day in the coming weeks.",
                     "fr": "Désolé, il n'y a pas d'autre jour libre dans les semaines à venir."},
    "no_fit": {"en": "Sorry, I have nothing free then.",
               "fr": "Désolé, je n'ai rien de libre à ce moment-là."},
    "no_slot": {"en": "Sorry, we have no free appointment in the coming weeks.",
                "fr": "Désolé, nous n'avons plus de rendez-vous libre dans les semaines à "
                      "venir."},
    "found": {"en": "You have an appointment on {when}. To cancel it, press 1. To move it, "
                    "press 2. To keep it, press 3.",
              "fr": "Vous avez rendez-vous le {when}. Pour l'annuler, tapez 1. Pour le "
                    "déplacer, tapez 2. Pour le garder, tapez 3."},
    "not_found": {"en": "I could not find an upcoming appointment for this phone number.",
                  "fr": "Je ne trouve pas de rendez-vous à venir pour ce numéro."},
    "cancelled": {"en": "Your appointment of {when} is cancelled.",
                  "fr": "Votre rendez-vous du {when} est annulé."},
    "kept": {"en": "Your appointment is kept. See you on {when}.",
             "fr": "Votre rendez-vous est maintenu. À bientôt, le {when}."},
    # Appointment types and practitioners (the script's `booking`).
    "ask_type": {"en": "What kind of appointment would you like?",
                 "fr": "Quel type de rendez-vous souhaitez-vous ?"},
    "type_item": {"en": "For {name}, press {digit}.", "fr": "Pour {name}, tapez {digit}."},
    "ask_who": {"en": "Who would you like to see?", "fr": "Avec qui souhaitez-vous le prendre ?"},
    "who_item": {"en": "For {name}, press {digit}.", "fr": "Avec {name}, tapez {digit}."},
    "who_anyone": {"en": "For whoever is available first, press 0.",
                   "fr": "Pour la première personne disponible, tapez 0."},
    "offer_item_with": {"en": "At {time} with {who}, press {digit}.",
                        "fr": "À {time} avec {who}, tapez {digit}."},
    "what_with": {"en": "{what} with {who}", "fr": "{what} avec {who}"},
    "appointment_with": {"en": "an appointment with {who}", "fr": "un rendez-vous avec {who}"},
    "confirm_what": {"en": "{what}, {when}. To confirm, press 1. To choose another time, "
                           "press 2.",
                     "fr": "{what}, le {when}. Pour confirmer, tapez 1. Pour choisir un autre "
                           "horaire, tapez 2."},
    "booked_what": {"en": "Your appointment is booked for {when}: {what}.",
                    "fr": "Votre rendez-vous est confirmé pour le {when} : {what}."},
    "not_by_phone": {"en": "To book {what}, please leave us a message and we will call you "
                           "back to arrange it.",
                     "fr": "Pour {what}, laissez-nous un message et nous vous rappellerons "
                           "pour fixer le rendez-vous."},
    "known_only": {"en": "Booking by phone is for our existing clients. Please leave us a "
                         "message and we will call you back.",
                   "fr": "La prise de rendez-vous par téléphone est réservée à nos clients. "
                         "Laissez-nous un message, nous vous rappellerons."},
    "day_limit": {"en": "You already have an appointment that day.",
                  "fr": "Vous avez déjà un rendez-vous ce jour-là."},
}


def booking_phrase(key: str, language: str, **values: str) -> str:
    return BOOKING[key][lang_key(language)].format(**values)


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


def voice_choices(stage: str, language: str, *, offered: int = 0) -> dict[str, list[str]]:
    """{key: [phrases…]} (in key order) for the keys of one booking prompt."""
    lang = lang_key(language)
    keys = {digit: list(phrases) for digit, phrases in SPOKEN_KEYS[stage][lang].items()}
    for index in range(offered):
        ordinal = ORDINALS[lang][index]
        keys[str(index + 1)] = ([ordinal, f"the {ordinal} one"] if lang == "en"
                                else [ordinal if index else "premier", f"le {ordinal}"])
    return dict(sorted(keys.items()))

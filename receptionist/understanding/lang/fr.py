"""French callers' words (see `lang/__init__.py`)."""

from __future__ import annotations

from receptionist.understanding.lang.examples_fr import EXAMPLES
from receptionist.understanding.lang.words import Words, word_set

WORDS = Words(
    code="fr",
    digits={"zero": "0", "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5",
            "six": "6", "sept": "7", "huit": "8", "neuf": "9", "etoile": "*", "diese": "#"},
    digit_prefixes=("tapez", ""),
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    months=("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
            "septembre", "octobre", "novembre", "decembre"),
    numbers={"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
             "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
             "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
             "trente": 30, "quarante": 40, "cinquante": 50},
    parts_of_day={"matin": "morning", "matinee": "morning", "apres": "afternoon",
                  "aprem": "afternoon", "soir": "evening", "soiree": "evening",
                  "midi": "lunch"},
    part_phrases=(("fin d apres midi", "late_afternoon"),
                  ("fin de l apres midi", "late_afternoon"),
                  ("tard dans l apres midi", "late_afternoon"),
                  ("debut d apres midi", "early_afternoon"),
                  ("debut de l apres midi", "early_afternoon"),
                  ("fin de matinee", "late_morning"), ("fin de la matinee", "late_morning"),
                  ("tot le matin", "early_morning"), ("debut de matinee", "early_morning"),
                  ("de bon matin", "early_morning")),
    greetings=(),
    earliest=("plus tot", "au plus vite", "des que possible", "premier disponible",
              "premiere disponibilite", "premier creneau", "plus vite possible",
              "n importe quand", "quand vous voulez"),
    relative_days=(("day_after", ("apres demain",)), ("tomorrow", ("demain",)),
                   ("today", ("aujourd", "ce soir", "cet apres midi", "ce matin")),
                   ("next_week", ("semaine prochaine",)), ("this_week", ("cette semaine",)),
                   ("weekend", ("week end", "weekend"))),
    time_triggers=("a", "vers"),
    fillers=word_set("""
        je j voudrais veux voulais aimerais souhaite souhaiterais bonjour bonsoir oui euh
        heu ben bah alors svp s il vous plait merci le la les l un une des de du d pour me
        moi m a est ce c que qu avec au aux et ou en y ca cela mon ma mes votre vos tu te
        bien donc peux pouvez pourriez"""),
    stemmer="french",
    ordinals=("premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième",
              "septième", "huitième"),
    ordinal_forms=("{o}", "le {o}"),
    booking_keys={
        "offer": {"9": ("un autre jour", "autre jour")},
        "confirm": {"1": ("oui", "je confirme", "d'accord", "ouais", "oui merci"),
                    "2": ("non", "un autre horaire", "non merci")},
        "who": {"0": ("n'importe qui", "peu importe", "le premier disponible",
                      "la première disponible", "premier disponible",
                      "pas de préférence", "indifférent")},
        "type": {},
        "manage": {"1": ("annuler", "l'annuler", "supprimer", "décommander"),
                   "2": ("déplacer", "le déplacer", "changer", "le changer", "modifier",
                         "décaler", "reporter", "un autre jour"),
                   "3": ("garder", "le garder", "conserver")}},
    booking_done=("non merci", "c est tout", "ce sera tout", "laissez tomber", "rien merci",
                  "je rappellerai", "pas maintenant", "pas besoin", "ca ira merci",
                  "non ca ira"),
    yes_no=("oui", "ouais", "d accord", "ok", "ca marche", "ca me va", "parfait",
            "tres bien", "volontiers", "non", "aucun", "aucune"),
    corrections=("non", "attendez", "attends", "pardon", "plutot", "enfin", "je veux dire",
                 "en fait", "finalement"),
    examples=EXAMPLES,
    key_verbs=word_set("tapez tape taper appuyez appuie appuyer composez compose composer "
                       "faites fais pressez presse selectionnez choisissez touche"),
    key_joiners=word_set("ou et puis"),
    backchannels=word_set("""
        mm mmm hm hmm mhm ah oh oui ouais ok okay d accord bon voila hein"""),
    key_fillers=word_set("sur le la l touche numero chiffre"),
)

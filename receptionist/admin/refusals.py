"""The admin UI's notices and the reasons a form is refused, in the user's language.

The services say why they refuse in English (the CLI and the API show the same words).
The pages show them through this table: each known sentence, with its values, has its
French. A sentence not in the table is shown as it came (in English), never dropped."""

from __future__ import annotations

import re
from collections.abc import Callable

from receptionist.i18n import lang_key

# (English pattern, French). `{1}`… are the pattern's groups; `{t1}`… the same groups,
# themselves translated (a reason inside a prefix: "not moved: <reason>").
_FRENCH: list[tuple[str, str]] = [
    # Notices (what a form did).
    (r"saved", "enregistré"),
    (r"cancelled", "annulé"),
    (r"moved", "déplacé"),
    (r"booked", "réservé"),
    (r"business created", "entreprise créée"),
    (r"calendar linked", "agenda relié"),
    (r"calendar unlinked", "agenda détaché"),
    (r"feed linked", "flux relié"),
    (r"feed unlinked", "flux détaché"),
    (r"channel removed", "canal retiré"),
    (r"erasure queued", "effacement programmé"),
    (r"notifications saved", "notifications enregistrées"),
    (r"retention saved", "conservation enregistrée"),
    (r"token revoked", "jeton révoqué"),
    (r"token created", "jeton créé"),
    (r"published v(\d+)", "version {1} publiée"),
    (r"no change", "aucun changement"),
    (r"(\w+) added", "{t1} ajouté"),
    (r"email", "e-mail"),
    (r"sms", "SMS"),
    (r"webhook", "webhook"),
    (r"not a date and time", "ce n'est pas une date et une heure"),
    (r"not moved: (.+)", "non déplacé : {t1}"),
    (r"not booked: (.+)", "non réservé : {t1}"),
    (r"(CalDAV|feed) URL refused: (.+)", "adresse {t1} refusée : {t2}"),
    (r"CalDAV", "CalDAV"),
    (r"feed", "du flux"),
    # The script form (before the generic "field: reason" below).
    (r"(.+): an invisible or control character \((U\+[0-9A-F]{4,6})\) is not allowed here; "
     r"type the text again without it",
     "{t1} : un caractère invisible ou de contrôle ({2}) n'est pas permis ici ; retapez le "
     "texte sans lui"),
    (r"this change could not be written without changing other parts of the script: "
     r"nothing was published",
     "ce changement ne peut pas s'écrire sans changer d'autres parties du script : rien "
     "n'a été publié"),
    (r"business name", "nom de l'entreprise"),
    (r"greeting", "accueil"),
    (r"hours", "horaires"),
    (r"holidays", "jours fériés"),
    (r"new menu choice", "nouveau choix du menu"),
    (r"menu choice (\S+)", "choix du menu {1}"),
    (r"transfer numbers \((\S+)\)", "numéros de transfert ({1})"),
    (r"message prompt \((\S+)\)", "annonce du message ({1})"),
    (r"answer (\d+)", "réponse {1}"),
    (r"([a-z][a-z0-9_-]*) saved", "{1} enregistré"),
    (r"([a-z][a-z0-9_-]*): (.+)", "{1} : {t2}"),
    # Bookings.
    (r"this time is no longer free", "cet horaire n'est plus libre"),
    (r"this time was just taken", "cet horaire vient d'être pris"),
    (r"not a slot start of this agenda \(see its availability\)",
     "ce n'est pas un début de créneau de cet agenda (voir ses disponibilités)"),
    (r"too soon: at least (\d+) minutes' notice",
     "trop tôt : au moins {1} minutes de préavis"),
    (r"too far ahead: at most (\d+) days", "trop loin : au plus {1} jours"),
    (r"this appointment is cancelled", "ce rendez-vous est annulé"),
    (r"the time must include its UTC offset", "l'heure doit indiquer son décalage UTC"),
    (r"a slot starts on a whole minute \(no seconds\)",
     "un créneau commence à une minute pile (sans secondes)"),
    (r"a name is needed", "il faut un nom"),
    # Hours, closures and agenda rules.
    (r"opening range '(.+)' must look like 09:00-18:00",
     "la plage « {1} » doit s'écrire comme 09:00-18:00"),
    (r"opening range '(.+)' has an invalid time", "la plage « {1} » a une heure invalide"),
    (r"opening range '(.+)' ends before it starts",
     "la plage « {1} » finit avant de commencer"),
    (r"hours, line (\d+): write a day \((.+)\) then ranges such as 09:00-12:00",
     "horaires, ligne {1} : écrivez un jour ({2}) puis des plages comme 09:00-12:00"),
    (r"closures, line (\d+): start with a date such as 2026-12-24",
     "fermetures, ligne {1} : commencez par une date comme 2026-12-24"),
    (r"closures, line (\d+): the end is before the start",
     "fermetures, ligne {1} : la fin est avant le début"),
    (r"(\w+) must be a multiple of (\d+) minutes", "{1} doit être un multiple de {2} minutes"),
    (r"slot_minutes must be between 5 and 1440",
     "la durée d'un créneau doit être entre 5 et 1440 minutes"),
    (r"horizon_days must be positive and min_notice_minutes >= 0",
     "l'horizon doit être positif et le préavis positif ou nul"),
    (r"reminder_hours must be between 0 and (\d+)", "le rappel doit être entre 0 et {1} heures"),
    # Accounts and contacts.
    (r"the current password is wrong", "le mot de passe actuel est faux"),
    (r"the password needs at least (\d+) characters",
     "le mot de passe doit avoir au moins {1} caractères"),
    (r"that is not an email address", "ce n'est pas une adresse e-mail"),
    (r"(.+) already has an account", "{1} a déjà un compte"),
    (r"a name has (\d+) characters at most", "un nom a au plus {1} caractères"),
    (r"a note has (\d+) characters at most", "une note a au plus {1} caractères"),
    (r"a number is written \+, the country code and the number, digits only \(E\.164\), "
     r"e\.g\. (\+\d+)",
     "un numéro s'écrit +, l'indicatif du pays et le numéro, en chiffres seulement "
     "(E.164), par exemple {1}"),
    # Outbound addresses and notification channels.
    (r"not a valid URL", "adresse invalide"),
    (r"the URL must be http:// or https:// with a host name",
     "l'adresse doit commencer par http:// ou https:// et nommer un hôte"),
    (r"the host '(.+)' does not resolve", "l'hôte « {1} » est introuvable"),
    (r"(\S+) is at (\S+), a private, loopback, link-local or reserved address: only public "
     r"addresses can be called \(an administrator can allow a network with "
     r"OUTBOUND_ALLOW_NETWORKS\)",
     "{1} est à l'adresse {2}, privée, locale ou réservée : seules les adresses publiques "
     "sont appelées (un administrateur peut autoriser un réseau avec "
     "OUTBOUND_ALLOW_NETWORKS)"),
    (r"a webhook target must be an http\(s\) URL",
     "la cible d'un webhook doit être une adresse http(s)"),
    (r"a webhook needs a signing secret", "un webhook a besoin d'un secret de signature"),
    (r"an SMS target must be an E.164 number such as (\+\d+)",
     "la cible d'un SMS doit être un numéro E.164 comme {1}"),
    (r"an email target must be an address such as (\S+) \(just one, with no name, spaces or "
     r"line breaks\)",
     "la cible d'un e-mail doit être une adresse comme {1} (une seule, sans nom, espaces ni "
     "retours à la ligne)"),
    (r"retention: a number of days from 1 to (\d+), or none",
     "conservation : un nombre de jours de 1 à {1}, ou aucun"),
    (r"number (\+\d+) already belongs to another business",
     "le numéro {1} appartient déjà à une autre entreprise"),
    (r"tenant '(.+)' already exists", "l'entreprise « {1} » existe déjà"),
    (r"that slug is not available: choose another \(2 to 63 lower-case letters, digits or "
     r"hyphens\)",
     "ce slug n'est pas disponible : choisissez-en un autre (2 à 63 lettres minuscules, "
     "chiffres ou traits d'union)"),
]
_COMPILED = [(re.compile(pattern + r"\Z", re.DOTALL), french) for pattern, french in _FRENCH]
_FIELD = re.compile(r"\{(t?)(\d+)\}")


def in_language(text: str, language: str) -> str:
    """`text` (a notice or a refusal from a service) in `language` when known."""
    if not text or lang_key(language) != "fr":
        return text
    for pattern, french in _COMPILED:
        match = pattern.match(text)
        if match is not None:
            return _FIELD.sub(_filler(match, language), french)
    return text


def _filler(match: re.Match[str], language: str) -> Callable[[re.Match[str]], str]:
    def fill(field: re.Match[str]) -> str:
        value = match.group(int(field.group(2))) or ""
        return in_language(value, language) if field.group(1) else value
    return fill

"""The admin UI's words, in English and French (per user)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "login": {"en": "Log in", "fr": "Connexion"},
    "email": {"en": "Email", "fr": "E-mail"},
    "password": {"en": "Password", "fr": "Mot de passe"},
    "logout": {"en": "Log out", "fr": "Déconnexion"},
    "inbox": {"en": "Messages", "fr": "Messages"},
    "calls": {"en": "Calls", "fr": "Appels"},
    "tenants": {"en": "Businesses", "fr": "Entreprises"},
    "new": {"en": "New", "fr": "Nouveaux"},
    "handled": {"en": "Handled", "fr": "Traités"},
    "all": {"en": "All", "fr": "Tous"},
    "mark_handled": {"en": "Mark handled", "fr": "Marquer comme traité"},
    "call_back": {"en": "Call back", "fr": "Rappeler"},
    "search": {"en": "Search", "fr": "Rechercher"},
    "from_date": {"en": "From", "fr": "Du"},
    "to_date": {"en": "To", "fr": "Au"},
    "no_messages": {"en": "No messages.", "fr": "Aucun message."},
    "no_calls": {"en": "No calls.", "fr": "Aucun appel."},
    "no_audio": {"en": "Recording not downloaded yet.",
                 "fr": "Enregistrement pas encore téléchargé."},
    "no_transcript": {"en": "No transcript yet.", "fr": "Pas encore de transcription."},
    "caller": {"en": "Caller", "fr": "Appelant"},
    "when": {"en": "When", "fr": "Quand"},
    "duration": {"en": "Duration", "fr": "Durée"},
    "status": {"en": "Status", "fr": "Statut"},
    "timeline": {"en": "Timeline", "fr": "Déroulé"},
    "older": {"en": "Older", "fr": "Plus anciens"},
    "newer": {"en": "Newer", "fr": "Plus récents"},
    "change_password": {"en": "Change password", "fr": "Changer le mot de passe"},
    "current_password": {"en": "Current password", "fr": "Mot de passe actuel"},
    "new_password": {"en": "New password", "fr": "Nouveau mot de passe"},
    "saved": {"en": "Saved.", "fr": "Enregistré."},
    "not_built": {"en": "Not built yet: agenda rules here (use the CLI), tenant creation, "
                        "speech in test calls.",
                  "fr": "Pas encore là : règles d'agenda ici (en ligne de commande), création "
                        "d'entreprise, la parole dans l'appel de test."},
    "settings": {"en": "Settings", "fr": "Réglages"},
    "test_call": {"en": "Test call (the draft above, not published)",
                  "fr": "Appel de test (le brouillon ci-dessus, non publié)"},
    "test_inputs": {"en": "What the caller does, one per line: a key, nothing, message 8, "
                          "silence, dial busy, hang up",
                    "fr": "Ce que fait l'appelant, une action par ligne : une touche, "
                          "nothing, message 8, silence, dial busy, hang up"},
    "run_test_call": {"en": "Call", "fr": "Appeler"},
    "path": {"en": "Steps", "fr": "Étapes"},
    "shown_once": {"en": "Copy it now, it will not be shown again:",
                   "fr": "Copiez-le maintenant, il ne sera plus affiché :"},
    "channels": {"en": "Where you are told about calls", "fr": "Où vous êtes prévenu"},
    "remove": {"en": "Remove", "fr": "Retirer"},
    "summaries": {"en": "each call", "fr": "chaque appel"},
    "digest": {"en": "daily digest", "fr": "résumé du jour"},
    "add": {"en": "Add", "fr": "Ajouter"},
    "quiet_and_digest": {"en": "Quiet hours and digest", "fr": "Heures calmes et résumé"},
    "quiet_from": {"en": "Quiet from", "fr": "Calme de"},
    "quiet_to": {"en": "to", "fr": "à"},
    "save": {"en": "Save", "fr": "Enregistrer"},
    "calendars": {"en": "Calendars", "fr": "Calendriers"},
    "api_tokens": {"en": "API tokens", "fr": "Jetons d'API"},
    "revoke": {"en": "Revoke", "fr": "Révoquer"},
    "token_name": {"en": "what it is for", "fr": "à quoi il sert"},
    "dashboard": {"en": "Dashboard", "fr": "Tableau de bord"},
    "calls_14_days": {"en": "calls in 14 days", "fr": "appels en 14 jours"},
    "messages_waiting": {"en": "messages to handle", "fr": "messages à traiter"},
    "upcoming": {"en": "upcoming appointments", "fr": "rendez-vous à venir"},
    "calls_per_day": {"en": "Calls per day", "fr": "Appels par jour"},
    "answered_by_intent": {"en": "What callers chose", "fr": "Choix des appelants"},
    "agenda": {"en": "Agenda", "fr": "Agenda"},
    "move": {"en": "Move", "fr": "Déplacer"},
    "move_to": {"en": "New time", "fr": "Nouvel horaire"},
    "cancel": {"en": "Cancel", "fr": "Annuler"},
    "script": {"en": "Call script", "fr": "Script d'appel"},
    "script_invalid": {"en": "This script cannot be published:",
                       "fr": "Ce script ne peut pas être publié :"},
    "script_valid": {"en": "The script is valid.", "fr": "Le script est valide."},
    "check": {"en": "Check", "fr": "Vérifier"},
    "publish": {"en": "Publish", "fr": "Publier"},
    "comment": {"en": "Comment", "fr": "Commentaire"},
    "flow": {"en": "Steps and where they lead", "fr": "Étapes et enchaînements"},
    "history": {"en": "Versions", "fr": "Versions"},
    "author": {"en": "By", "fr": "Par"},
    "rollback": {"en": "Publish this version again", "fr": "Republier cette version"},
}


def translator(language: str) -> object:
    lang = language if language in ("en", "fr") else "en"

    def t(key: str) -> str:
        return TEXTS[key][lang]
    return t

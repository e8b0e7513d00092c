"""What the engine itself says (not the script), in each supported language."""

from __future__ import annotations

from receptionist.i18n import lang_key

PHRASES: dict[str, dict[str, str]] = {
    "no_input": {
        "en": "Sorry, I did not hear anything.",
        "fr": "Désolé, je n'ai rien entendu.",
    },
    "invalid_choice": {
        "en": "Sorry, that is not a valid choice.",
        "fr": "Désolé, ce choix n'est pas valide.",
    },
    "no_recording": {
        "en": "I did not hear a message.",
        "fr": "Je n'ai pas entendu de message.",
    },
    "technical_error": {
        "en": "Sorry, we are having technical difficulties. Please call again later.",
        "fr": "Désolé, nous rencontrons un problème technique. Merci de rappeler plus tard.",
    },
    "all_lines_busy": {
        "en": "Sorry, all our lines are busy. Please call again in a few minutes. Goodbye.",
        "fr": "Désolé, toutes nos lignes sont occupées. Merci de rappeler dans quelques "
              "minutes. Au revoir.",
    },
    "use_keypad": {
        "en": "Sorry, I cannot take spoken answers right now. Please use your keypad.",
        "fr": "Désolé, je ne peux pas prendre de réponse orale pour le moment. "
              "Utilisez le clavier de votre téléphone, s'il vous plaît.",
    },
    "not_understood": {
        "en": "Sorry, I did not understand.",
        "fr": "Désolé, je n'ai pas compris.",
    },
    "confirm_intent": {
        "en": "You'd like to {label}, is that right? Press 1 for yes, or 2 for no.",
        "fr": "Vous souhaitez {label}, c'est bien ça ? Tapez 1 pour oui, 2 pour non.",
    },
    "confirm_question": {
        "en": "Did you say: {words}? Press 1 for yes, or 2 for no.",
        "fr": "Vous avez dit : {words}, c'est bien ça ? Tapez 1 pour oui, 2 pour non.",
    },
    "what_can_i_do": {
        "en": "All right. What can I do for you?",
        "fr": "D'accord. Que puis-je faire pour vous ?",
    },
    "anything_else": {
        "en": "Is there anything else I can help you with?",
        "fr": "Puis-je vous aider pour autre chose ?",
    },
    "goodbye": {
        "en": "Thank you for calling. Goodbye.",
        "fr": "Merci de votre appel. Au revoir.",
    },
    "challenge": {
        "en": "To reach {business}, please press {digit}.",
        "fr": "Pour joindre {business}, appuyez sur la touche {digit}.",
    },
    "challenge_again": {
        "en": "Sorry. To reach {business}, press {digit} on your keypad now.",
        "fr": "Désolé. Pour joindre {business}, appuyez maintenant sur la touche {digit}.",
    },
    "announce": {
        "en": "{urgent}Call for {business} from {caller}.",
        "fr": "{urgent}Appel pour {business}. Appelant : {caller}.",
    },
    "announce_reason": {
        "en": "They would like to {reason}.",
        "fr": "Motif : {reason}.",
    },
    "announce_said": {
        "en": "They said: {said}.",
        "fr": "La personne a dit : {said}.",
    },
    "announce_urgent": {"en": "Urgent. ", "fr": "Urgent. "},
    "announce_keys": {
        "en": "Press {accept} to take the call, or {decline} to send it to voicemail.",
        "fr": "Tapez {accept} pour prendre l'appel, ou {decline} pour le renvoyer vers la "
              "messagerie.",
    },
    "announce_unknown": {"en": "an unknown caller", "fr": "numéro masqué"},
    "screen_connecting": {"en": "Connecting.", "fr": "Je vous passe l'appel."},
    "screen_declined": {
        "en": "All right, the caller will be asked to leave a message. Goodbye.",
        "fr": "Entendu, la personne va laisser un message. Au revoir.",
    },
    "screen_gone": {
        "en": "Sorry, the caller has already hung up. Goodbye.",
        "fr": "Désolé, la personne a déjà raccroché. Au revoir.",
    },
    "call_ended": {
        "en": "This call has ended. Goodbye.",
        "fr": "Cet appel est terminé. Au revoir.",
    },
}

# Said when the dialled number belongs to no business: we cannot know the language.
UNKNOWN_NUMBER = (
    ("en-US", "Sorry, this number is not in service. Goodbye."),
    ("fr-FR", "Désolé, ce numéro n'est pas attribué. Au revoir."),
)

DEFAULT_VOICES = {"en": "Polly.Joanna", "fr": "Polly.Lea"}


def phrase(key: str, language: str, **values: str) -> str:
    text = PHRASES[key][lang_key(language)]
    return text.format(**values) if values else text


def default_voice(language: str) -> str:
    return DEFAULT_VOICES[lang_key(language)]

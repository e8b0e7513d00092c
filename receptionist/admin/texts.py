"""The admin UI's words: the `admin.*` messages of the catalogs (`receptionist/locale/`),
shown through `t` in the templates (per user)."""

from __future__ import annotations

from collections.abc import Callable

from receptionist.i18n import N_, gettext, ngettext

# The ids the templates reach through a computed key (`t('admin.status_' + …)`), marked
# for `pybabel extract`, which sees only the literal ones.
COMPUTED = (
    # Twilio's CallStatus values, as the call page's details name them.
    N_("admin.call_status.queued"),
    N_("admin.call_status.ringing"),
    N_("admin.call_status.in-progress"),
    N_("admin.call_status.completed"),
    N_("admin.call_status.busy"),
    N_("admin.call_status.failed"),
    N_("admin.call_status.no-answer"),
    N_("admin.call_status.canceled"),
    N_("admin.new"),
    N_("admin.handled"),
    N_("admin.all"),
    N_("admin.re-prompt"),
    N_("admin.confirmation refused"),
    N_("admin.keypad fallback"),
    N_("admin.gave up on"),
    N_("admin.hung up"),
    N_("admin.status_booked"),
    N_("admin.status_cancelled"),
    N_("admin.source_phone"),
    N_("admin.source_api"),
    N_("admin.source_admin"),
    N_("admin.change_booked"),
    N_("admin.change_moved"),
    N_("admin.change_cancelled"),
    N_("admin.list_none"),
    N_("admin.list_blocked"),
    N_("admin.list_allowed"),
    N_("admin.screened_blocked"),
    N_("admin.screened_anonymous"),
    N_("admin.screened_spam"),
    N_("admin.screened_passed"),
    N_("admin.screened_challenged"),
    N_("admin.form.say_hours"),
    N_("admin.form.say_closed"),
    N_("admin.spoken_en-US"),
    N_("admin.spoken_fr-FR"),
    N_("admin.col.automated"),
    N_("admin.col.transferred"),
    N_("admin.col.missed"),
    N_("admin.col.abandoned"),
    N_("admin.col.screened"),
    N_("admin.col.in_progress"),
    N_("admin.col.unknown"),
)


def translator(language: str) -> Callable[..., str]:
    """The templates' `t`: "admin.calls" -> "Calls" / « Appels »; `{name}` fields given as
    keywords: `t('admin.challenged_calls', spam=3)`."""

    def t(msgid: str, **fields: object) -> str:
        return gettext(language, msgid, **fields)
    return t


def plural_translator(language: str) -> Callable[..., str]:
    """The templates' `nt` for a count: `nt('admin.calls_14_days',
    'admin.calls_14_days_plural', total)` -> "call in 14 days" / "calls in 14 days" by the
    language's plural rule (the number itself is written by the template, or as `{n}`)."""

    def nt(msgid: str, plural: str, n: int, **fields: object) -> str:
        return ngettext(language, msgid, plural, n, **fields)
    return nt

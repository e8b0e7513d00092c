"""The admin UI's words: the `admin.*` messages of the catalogs (`receptionist/locale/`),
shown through `t` in the templates (per user)."""

from __future__ import annotations

from collections.abc import Callable

from receptionist.i18n import N_, gettext

# The ids the templates reach through a computed key (`t('admin.status_' + …)`), marked
# for `pybabel extract`, which sees only the literal ones.
COMPUTED = (
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
)


def translator(language: str) -> Callable[[str], str]:
    """The templates' `t`: "admin.calls" -> "Calls" / « Appels »."""

    def t(msgid: str) -> str:
        return gettext(language, msgid)
    return t

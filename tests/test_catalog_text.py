"""Catalog texts and refusals: English as str() (the CLI and the API), any language by id,
nested reasons in the same language, notices through a query string and back."""

from __future__ import annotations

import pytest

from receptionist.catalog_text import CatalogText, Refused, decode, in_language, said
from receptionist.i18n import N_


class _Refusal(Refused):
    """Like the services' own classes (BookingError, AccountError…)."""


TOO_SOON = CatalogText(N_("refusal.booking.too_soon"), minutes=60)


def test_its_str_is_the_english_catalog_text() -> None:
    assert str(TOO_SOON) == "too soon: at least 60 minutes' notice"
    refused = _Refusal(N_("refusal.booking.too_soon"), minutes=60)
    assert str(refused) == "too soon: at least 60 minutes' notice"
    assert isinstance(refused, ValueError) and refused.text == TOO_SOON


def test_any_language_by_id() -> None:
    assert TOO_SOON.in_language("fr-FR") == "trop tôt\u202f: au moins 60 minutes de préavis"
    assert TOO_SOON.in_language("de") == str(TOO_SOON)  # no catalog: English
    assert in_language(_Refusal(N_("refusal.booking.too_soon"), minutes=5), "fr") == (
        "trop tôt\u202f: au moins 5 minutes de préavis")


def test_a_nested_reason_is_written_in_the_same_language() -> None:
    moved = CatalogText(N_("refusal.not_moved"), reason=TOO_SOON)
    assert str(moved) == "not moved: too soon: at least 60 minutes' notice"
    assert moved.in_language("fr") == ("non déplacé\u202f: trop tôt\u202f: au moins 60 minutes "
                                       "de préavis")


def test_a_text_from_elsewhere_is_shown_as_it_came() -> None:
    unexpected = ValueError("Invalid isoformat string: 'x'")
    assert said(unexpected) == "Invalid isoformat string: 'x'"
    assert in_language(said(unexpected), "fr") == "Invalid isoformat string: 'x'"
    assert in_language("something new", "fr") == "something new"
    assert said(_Refusal(N_("refusal.booking.cancelled"))) == CatalogText(
        N_("refusal.booking.cancelled"))


def test_a_field_is_filled_once_never_read_as_a_template() -> None:
    typed = CatalogText(N_("refusal.hours.range_form"), range="{range}{0:>99}")
    assert typed.in_language("fr") == ("la plage «\u202f{range}{0:>99}\u202f» doit s'écrire "
                                       "comme 09:00-18:00")


def test_a_notice_goes_through_a_query_string_and_back() -> None:
    notice = CatalogText(N_("refusal.not_moved"), reason=TOO_SOON)
    assert decode(notice.encode()) == CatalogText(
        N_("refusal.not_moved"), reason=CatalogText(N_("refusal.booking.too_soon"),
                                                    minutes="60"))
    assert decode(notice.encode()).in_language("fr") == notice.in_language("fr")  # type: ignore[union-attr]


@pytest.mark.parametrize("encoded", [
    "saved",  # a notice written before notices had ids
    '["admin.no_such_notice", {}]',  # an id the catalogs do not hold (any more)
    '["refusal.not_moved", {"reason": ["admin.nope", {}]}]',
    '["admin.notice.saved"]', '{"id": 1}', "[1, {}]", '["admin.notice.saved", {"a": 1}]',
])
def test_a_notice_that_is_not_one_of_ours_is_kept_as_it_came(encoded: str) -> None:
    assert decode(encoded) == encoded

from __future__ import annotations

import typing

from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.registry import KINDS
from receptionist.call_flows.schema import STEP_KINDS, MenuStep, Step
from tests.call_flows.flow_helpers import SCRIPT
from tests.call_flows.test_loader import problems


def test_every_step_kind_of_the_schema_is_registered() -> None:
    union = typing.get_args(typing.get_args(Step)[0])
    assert {kind.config for kind in KINDS.values()} == set(union)
    assert all(name == kind.name for name, kind in KINDS.items())
    assert tuple(KINDS) == STEP_KINDS  # what the loader's errors list, without the registry


def test_a_stored_version_parses_without_the_graph_checks() -> None:
    broken = SCRIPT.replace("no_match: bye", "no_match: nowhere")
    menu = parse_script(broken, check_graph=False).steps["menu"]
    assert isinstance(menu, MenuStep) and menu.no_match == "nowhere"
    assert problems(broken)  # checked when it is published


def test_a_loop_of_instant_steps_is_refused_with_its_path() -> None:
    text = SCRIPT.replace("    text: Nous sommes fermés.\n    next: take",
                          "    text: Nous sommes fermés.\n    next: welcome")
    text = text.replace("    open: menu\n", "    open: closed\n")
    reasons = [reason for _, _, reason in problems(text)]
    assert any("welcome -> when -> closed -> welcome" in r for r in reasons), reasons


def test_a_loop_through_a_waiting_step_is_fine() -> None:
    script = parse_script(SCRIPT.replace("    next: bye\n  person:", "    next: menu\n  person:"))
    assert script.steps["take"].next == "menu"  # type: ignore[union-attr]


def test_exits_of_every_field_are_checked() -> None:
    text = SCRIPT.replace("    fallback: take", "    fallback: nobody")
    assert [(path, reason) for _, path, reason in problems(text)] == [
        ("steps.person.fallback", "refers to missing step 'nobody'")]


def _practice(*changes: tuple[str, str]) -> str:
    from tests.twilio.practice import practice_text

    text = practice_text("en")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[:text.index(needle, start)].count("\n") + 1


def test_a_practice_script_is_valid() -> None:
    script = parse_script(_practice())
    assert list(script.booking.types) == ["checkup", "cleaning", "consultation", "implant"]
    assert script.booking.types["cleaning"].practitioners == ["lee", "martin"]
    assert script.booking.practitioners["okafor"].hours is not None


def test_overlapping_types_are_refused_at_their_lines() -> None:
    text = _practice(("      phrases: [cleaning, teeth cleaning, scale and polish]",
                      "      phrases: [cleaning, exam]\n      digit: \"1\""),
                     ("      minutes: 45", "      minutes: 45\n      digit: \"1\""))
    found = problems(text)
    assert (_line_of(text, "exam]"), "booking.types.cleaning.phrases.1",
            "the words 'exam' is already 'checkup''s: callers could not tell them apart"
            ) in found
    assert [path for _, path, _ in found if path.endswith("digit")] == [
        "booking.types.consultation.digit"]  # cleaning's digit 1 is its first; checkup has none


def test_a_practitioner_without_hours_and_unknown_names_are_refused() -> None:
    text = _practice(('      hours:\n        mon: ["09:00-13:00"]\n        tue: ["09:00-13:00"]\n',
                      "      hours: {}\n"))
    text = text.replace("practitioners: [lee, martin]", "practitioners: [lee, marten]")
    text = text.replace("    kind: book\n", "    kind: book\n    type: surgery\n")
    found = {path: (line, reason) for line, path, reason in problems(text)}
    assert found["booking.practitioners.okafor"] == (
        _line_of(text, "    okafor:"), "practitioner 'okafor' has no working hours: give them "
        "`hours:` (mon: [09:00-17:00] ...) or give the business `hours:`")
    assert found["booking.types.cleaning.practitioners.1"][1] == (
        "unknown practitioner 'marten' (declared under booking.practitioners: lee, martin, "
        "okafor)")
    assert found["steps.book.type"] == (
        _line_of(text, "type: surgery"), "unknown appointment type 'surgery' (declared "
        "under booking.types: checkup, cleaning, consultation, implant)")


def test_a_book_step_may_fix_a_practitioner_who_offers_its_type() -> None:
    text = _practice(("    kind: book\n", "    kind: book\n    type: cleaning\n"
                                           "    practitioner: okafor\n"))
    assert [(path, reason) for _, path, reason in problems(text)] == [
        ("steps.book.practitioner", "'okafor' does not offer type 'cleaning'")]
    fixed = text.replace("practitioner: okafor", "practitioner: lee")
    assert parse_script(fixed).steps["book"].practitioner == "lee"  # type: ignore[union-attr]

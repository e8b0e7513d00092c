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

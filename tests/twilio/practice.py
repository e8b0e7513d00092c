"""The demo clinics are real practices (several practitioners and appointment types, the
script's `booking` section). For booking tests the English one also has a type callers
cannot book by phone, published over the demo."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine

from receptionist.demo import demo_script_text
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.helpers import publish_demo

# After the demo's own types (check-up 1, cleaning 2, consultation 3): key 4.
_ANCHOR = "\n# Questions answered at any menu"
IMPLANT = """
    implant:
      name: an implant consultation
      minutes: 45
      phrases: [implant, implants, implant consultation]
      by_phone: false"""


def practice_text(language: str = "en") -> str:
    """The demo's script in `language` ("en", "fr") as booking tests publish it."""
    if language == "fr":
        return demo_script_text("demo-fr.yaml")
    text = demo_script_text("demo.yaml")
    assert _ANCHOR in text
    return text.replace(_ANCHOR, IMPLANT + _ANCHOR, 1)


def booking_section(text: str) -> str:
    """The demo script's `booking` section (its practice), as written."""
    found = re.search(r"\nbooking:\n(?:[ #].*\n|\n)*", text)
    assert found is not None
    return found.group(0)


def single_agenda(text: str) -> str:
    """A demo script without its practice: its `book` step books agenda `main` (30-minute
    slots) without asking for a type or a practitioner."""
    return text.replace(booking_section(text), "\n", 1)


def publish_single_agenda(engine: Engine, number: str) -> None:
    """Publish the demo script at `number` without its practice (`single_agenda`)."""
    text = demo_script_text("demo.yaml" if number == DEMO_EN else "demo-fr.yaml")
    publish_demo(engine, number, (booking_section(text), "\n"))


def publish_practice(engine: Engine, number: str, *changes: tuple[str, str]) -> None:
    """Publish the demo script at `number` as booking tests use it, with `changes`."""
    assert number in (DEMO_EN, DEMO_FR)
    extra = [(_ANCHOR, IMPLANT + _ANCHOR)] if number == DEMO_EN else []
    publish_demo(engine, number, *extra, *changes)

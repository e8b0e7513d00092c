"""The demo clinics as real practices: several practitioners and appointment types (the
script's `booking` section), published over the demo scripts for booking tests."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.helpers import publish_demo

PRACTICE_EN = """\
booking:
  practitioners:
    martin:
      name: Dr Martin
      phrases: [doctor martin, martin]
    okafor:
      name: Dr Okafor
      phrases: [doctor okafor, okafor]
      hours:
        mon: ["09:00-13:00"]
        tue: ["09:00-13:00"]
    lee:
      name: Sam Lee, our hygienist
      phrases: [sam lee, the hygienist, hygienist]
  types:
    checkup:
      name: a check-up
      minutes: 30
      phrases: [check-up, checkup, exam, examination]
      practitioners: [martin, okafor]
    cleaning:
      name: a cleaning
      minutes: 60
      buffer: 10
      phrases: [cleaning, teeth cleaning, scale and polish]
      practitioners: [lee, martin]
    implant:
      name: an implant consultation
      minutes: 45
      phrases: [implant, implants, implant consultation]
      by_phone: false
steps:
"""

PRACTICE_FR = """\
booking:
  practitioners:
    martin:
      name: le docteur Martin
      phrases: [docteur martin, martin]
    okafor:
      name: la docteure Okafor
      phrases: [docteure okafor, docteur okafor, okafor]
    lee:
      name: Camille Lee, notre hygiéniste
      phrases: [camille lee, l'hygiéniste, hygiéniste]
  types:
    controle:
      name: un contrôle
      minutes: 30
      phrases: [contrôle, bilan, examen]
      practitioners: [martin, okafor]
    detartrage:
      name: un détartrage
      minutes: 60
      buffer: 10
      phrases: [détartrage, nettoyage, détartrer]
      practitioners: [lee, martin]
steps:
"""


def publish_practice(engine: Engine, number: str, *changes: tuple[str, str]) -> None:
    """Publish the demo script at `number` with its practice's booking section."""
    section = PRACTICE_EN if number == DEMO_EN else PRACTICE_FR
    assert number in (DEMO_EN, DEMO_FR)
    publish_demo(engine, number, ("\nsteps:\n", "\n" + section), *changes)

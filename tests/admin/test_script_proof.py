"""The read-back proof of a form's YAML: the old document with exactly the form's edits."""

from __future__ import annotations

from ruamel.yaml import YAML

from receptionist.admin.script_proof import Edits, differences, unproven

OLD = "a: 1\nb:\n  c: [x, y]\n  d: >-\n    folded\n"


def _edited(change: str) -> tuple[str, Edits]:
    tree = YAML(typ="rt").load(OLD)
    edits = Edits(tree)
    edits.set(("b", "d"), change)
    edits.delete(("a",))
    edits.insert(("b", "e"), 0, 2)
    return change, edits


def test_the_intended_edits_are_proven() -> None:
    new = "b:\n  e: 2\n  c: [x, y]\n  d: >-\n    changed\n"
    _, edits = _edited("changed")
    assert unproven(OLD, new, edits.done) == []


def test_anything_else_is_named() -> None:
    _, edits = _edited("changed")
    smuggled = "b:\n  e: 2\n  c: [x, y]\n  d: >-\n    changed\nvoice: alice\n"
    assert unproven(OLD, smuggled, edits.done) == ["voice"]
    assert unproven(OLD, "b: [", edits.done) == ["the whole script (it does not read back)"]
    assert differences({"l": [1, 2]}, {"l": [1, "2"]}) == ["l.1"]
    assert differences({"l": [1, 2]}, {"l": [1]}) == ["l"]

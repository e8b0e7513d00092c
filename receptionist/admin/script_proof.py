"""Proof that the YAML a form wrote says what the form meant, and nothing else.

The forms change a few fields of the active version's YAML through ruamel's round trip.
Whatever an emitter does with odd text, the result is only published if reading it back
gives the old document with exactly the form's edits: each edit is recorded (its path
and value) as the form makes it; the old YAML is read again, the edits are applied to
that plain copy, and the copy must equal the new YAML read back. A field that smuggled
YAML structure (a new key, a changed voice, another step) makes them differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML

from receptionist.call_flows.schema import Loc

MAX_SHOWN = 5  # differing paths named in a refusal's log line


@dataclass(frozen=True)
class Edit:
    path: Loc  # where, from the document's root
    value: object  # plain data (None with `delete`)
    delete: bool = False


@dataclass
class Edits:
    """Changes of a ruamel tree, made through here so that each one is recorded."""

    tree: Any
    done: list[Edit] = field(default_factory=list)

    def set(self, path: Loc, value: object) -> None:
        self._parent(path)[path[-1]] = value
        self._record(path, value)

    def insert(self, path: Loc, position: int, value: object) -> None:
        """Set a new key of a mapping at `position` (the key order of the YAML)."""
        self._parent(path).insert(position, path[-1], value)
        self._record(path, value)

    def delete(self, path: Loc) -> None:
        del self._parent(path)[path[-1]]
        self.done.append(Edit(path, None, delete=True))

    def _parent(self, path: Loc) -> Any:
        node = self.tree
        for part in path[:-1]:
            node = node[part]
        return node

    def _record(self, path: Loc, value: object) -> None:
        # A copy as plain data now: later edits of the tree do not change what was meant.
        self.done.append(Edit(path, plain(value)))


def plain(node: object) -> object:
    """ruamel's nodes as plain Python data (mappings, lists, strings, numbers, dates)."""
    if isinstance(node, Mapping):
        return {plain(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(item) for item in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.date):
        return node
    return ("unexpected", type(node).__name__, repr(node))  # never equal to anything typed


def document(text: str) -> object:
    """The YAML read as plain data."""
    return plain(YAML(typ="rt").load(text))


def edited(old: object, edits: list[Edit]) -> object:
    """`old` (plain data, changed in place) with the edits applied."""
    for edit in edits:
        node: Any = old
        for part in edit.path[:-1]:
            node = node[part]
        if edit.delete:
            del node[edit.path[-1]]
        else:
            node[edit.path[-1]] = edit.value
    return old


def differences(expected: object, actual: object, path: Loc = ()) -> list[str]:
    """Where two plain documents differ (dotted paths; at most MAX_SHOWN)."""
    found: list[str] = []
    stack: list[tuple[Loc, object, object]] = [(path, expected, actual)]
    while stack and len(found) < MAX_SHOWN:
        where, left, right = stack.pop()
        if isinstance(left, dict) and isinstance(right, dict):
            for key in sorted(set(left) | set(right), key=str, reverse=True):
                if key not in left or key not in right:
                    found.append(".".join(map(str, (*where, key))))
                else:
                    stack.append(((*where, key), left[key], right[key]))
        elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
            stack.extend(((*where, i), a, b) for i, (a, b) in reversed(
                list(enumerate(zip(left, right, strict=True)))))
        elif type(left) is not type(right) or left != right:
            found.append(".".join(map(str, where)) or "the whole script")
    return found


def unproven(old_text: str, new_text: str, edits: list[Edit]) -> list[str]:
    """Empty when `new_text` reads as `old_text` with `edits`; else where they differ."""
    expected = edited(document(old_text), edits)
    try:
        actual = document(new_text)
    except Exception:  # ruamel raises many types; a form's YAML that does not read back
        return ["the whole script (it does not read back)"]
    return differences(expected, actual)

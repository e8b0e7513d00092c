"""Load a call script from YAML, reporting every problem with its line and reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)

from receptionist.call_flows.schema import STEP_KINDS, Loc, Script
from receptionist.catalog_text import CatalogText, Refused
from receptionist.i18n import N_

STEP_KIND_NAMES = STEP_KINDS


@dataclass(frozen=True)
class ScriptProblem:
    """Where (line, field path) and why: `said` is a catalog message (`script.problem.*`),
    or the words of a check that has none (pydantic's own type errors, a step kind's
    rules); `reason` and `str()` are in English (the CLI), `text` for the admin UI."""

    line: int | None  # 1-based; None when the problem is about the whole file
    path: str
    said: CatalogText | str

    @property
    def reason(self) -> str:
        return str(self.said)

    @property
    def text(self) -> CatalogText:
        where = {"line": str(self.line)} if self.line else {}
        if self.path:
            where["path"] = self.path
        msgid = {(True, True): N_("script.problem.at_line_path"),
                 (True, False): N_("script.problem.at_line"),
                 (False, True): N_("script.problem.at_path"),
                 (False, False): N_("script.problem.at_script")}[
                     (bool(self.line), bool(self.path))]
        return CatalogText(msgid, reason=self.said, **where)

    def __str__(self) -> str:
        return str(self.text)


class ScriptError(ValueError):
    """A script that cannot be used; `problems` lists each reason with its line."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Copy ruamel's tree into plain Python, recording the line of every key and item."""
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            key_loc = (*loc, key)
            try:
                lines[key_loc] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                lines[key_loc] = lines.get(loc, 1)
            out[key] = _plain(value, key_loc, lines)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            item_loc = (*loc, index)
            try:
                lines[item_loc] = node.lc.item(index)[0] + 1
            except (KeyError, TypeError):
                lines[item_loc] = lines.get(loc, 1)
            items.append(_plain(value, item_loc, lines))
        return items
    if isinstance(node, str):
        return str(node)
    return node


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def _path(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _reason(error: dict[str, Any]) -> CatalogText | str:
    """A pydantic error as a catalog message: the schema's own validators raise
    `Refused`; pydantic's generic messages (a wrong type…) stay in its English words."""
    kind = error["type"]
    kinds = ", ".join(STEP_KIND_NAMES)
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag", "?")
        return CatalogText(N_("script.problem.unknown_kind"), kind=str(tag), kinds=kinds)
    if kind == "union_tag_not_found":
        return CatalogText(N_("script.problem.kind_missing"), kinds=kinds)
    if kind == "extra_forbidden":
        return CatalogText(N_("script.problem.unknown_field"))
    if kind == "missing":
        return CatalogText(N_("script.problem.field_missing"))
    refused = error.get("ctx", {}).get("error")
    if isinstance(refused, Refused):
        return refused.text
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # Pydantic puts the discriminator tag in the location of a tagged-union member
    # (steps.menu1.menu.prompt): drop it so the path matches the YAML.
    parts = list(loc)
    if len(parts) >= 3 and parts[0] == "steps" and parts[2] in STEP_KIND_NAMES:
        del parts[2]
    return tuple(parts)


# An operator's script is untrusted input: bounded before it is built into a tree, so that
# a few hundred bytes of aliases or thousands of nested brackets cannot tie up a worker.
MAX_SCRIPT_CHARS = 100_000
MAX_DEPTH = 24  # a script needs about 7 levels (steps > menu > choices > item > phrases)
MAX_NODES = 20_000


def _limits(yaml: YAML, text: str) -> None:
    """Refuse oversized scripts, anchors and aliases, deep nesting and node floods, from
    the event stream (nothing is composed, nothing expanded)."""
    if len(text) > MAX_SCRIPT_CHARS:
        raise ScriptError([ScriptProblem(None, "", CatalogText(
            N_("script.problem.too_long"), length=f"{len(text):,}",
            most=f"{MAX_SCRIPT_CHARS:,}"))])
    depth = nodes = 0
    for event in yaml.parse(text):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise ScriptError([ScriptProblem(line, "", CatalogText(
                N_("script.problem.yaml_aliases")))])
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ScriptError([ScriptProblem(line, "", CatalogText(
                    N_("script.problem.too_deep"), most=MAX_DEPTH))])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        if isinstance(event, NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise ScriptError([ScriptProblem(line, "", CatalogText(
                    N_("script.problem.too_many_values"), most=f"{MAX_NODES:,}"))])


def parse_script(text: str, *, check_graph: bool = True) -> Script:
    """Parse and validate; raises ScriptError listing every problem found. Without
    `check_graph` (a version read back, checked when it was published) the step kinds'
    own checks are skipped, and so is loading every step kind's code."""
    return _parsed(text, check_graph=check_graph)[0]


def script_warnings(text: str) -> tuple[Script, list[ScriptProblem]]:
    """Parse and validate like `parse_script` (raising ScriptError), and list what works
    but callers would miss, with its line: built-in intents the main menu has nowhere to
    send (`checks.intent_warnings`)."""
    from receptionist.call_flows.checks import intent_warnings

    script, lines = _parsed(text, check_graph=True)
    return script, [ScriptProblem(_line_for(loc, lines), _path(loc), reason)
                    for loc, reason in intent_warnings(script)]


def _parsed(text: str, *, check_graph: bool) -> tuple[Script, dict[Loc, int]]:
    yaml = YAML(typ="rt")
    try:
        _limits(yaml, text)
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = CatalogText(N_("script.problem.invalid_yaml"), reason=str(exc.problem or exc))
        raise ScriptError([ScriptProblem(line, "", reason)]) from None
    except ScriptError:
        raise
    except Exception as exc:  # ruamel raises a handful of unrelated types for bad input
        raise ScriptError([ScriptProblem(None, "", CatalogText(
            N_("script.problem.invalid_yaml"), reason=str(exc)))]) from None
    if not isinstance(tree, CommentedMap):
        raise ScriptError([ScriptProblem(1, "", CatalogText(N_("script.problem.not_mapping")))])
    lines: dict[Loc, int] = {}
    data = _plain(tree, (), lines)
    try:
        script = Script.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _clean_loc(error["loc"])
            if error["type"] == "union_tag_invalid":
                loc = (*loc, "kind")
            problems.append(ScriptProblem(_line_for(loc, lines), _path(loc), _reason(dict(error))))
        raise ScriptError(problems) from None
    if not check_graph:
        return script, lines
    from receptionist.call_flows.checks import graph_problems

    graph = graph_problems(script)
    if graph:
        raise ScriptError([ScriptProblem(_line_for(loc, lines), _path(loc), reason)
                           for loc, reason in graph])
    return script, lines


@lru_cache(maxsize=512)
def compiled_script(yaml_text: str) -> Script:
    """Parsed scripts by text. Versions are immutable, so a cache entry never goes stale."""
    return parse_script(yaml_text)


class ScriptCache:
    """Parsed scripts by (tenant id, version), so a webhook reads no YAML: versions are
    immutable, so an entry is never stale."""

    def __init__(self) -> None:
        self._scripts: dict[tuple[int, int], Script] = {}

    def get(self, tenant_id: int, version: int, yaml_text: Callable[[], str]) -> Script:
        """The parsed version; `yaml_text` is only called on a miss."""
        key = (tenant_id, version)
        script = self._scripts.get(key)
        if script is None:
            script = self._scripts[key] = compiled_script(yaml_text())
        return script

"""Script checks pydantic cannot make: every exit names a step, each kind's own rules
(a menu's digits…), and no loop of steps that never waits for the caller. Each problem
carries the location of the offending field, so that the loader reports its YAML line."""

from __future__ import annotations

from receptionist.call_flows.registry import kind_of
from receptionist.call_flows.schema import Loc, MenuStep, Script


def graph_problems(script: Script) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []

    def check(loc: Loc, target: str | None) -> None:
        if target is not None and target not in script.steps:
            problems.append((loc, f"refers to missing step {target!r}"))

    check(("start",), script.start)
    if script.main_menu is not None:
        check(("main_menu",), script.main_menu)
        if script.main_menu in script.steps and not isinstance(
            script.steps[script.main_menu], MenuStep
        ):
            problems.append((("main_menu",), f"step {script.main_menu!r} is not a menu"))
    for sid, step in script.steps.items():
        base: Loc = ("steps", sid)
        kind = kind_of(step)
        # A step's own fields first (next, fallback…), then nested ones (a menu's choices).
        exits = sorted(kind.exits(step), key=lambda e: len(e.loc) > 1)
        for way in exits:
            check((*base, *way.loc), way.target)
        problems.extend(((*base, *loc), reason) for loc, reason in kind.problems(step))
    problems.extend(_faq_problems(script))
    problems.extend(_instant_loops(script))
    return problems


def _faq_problems(script: Script) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    if script.understanding.confirm > script.understanding.route:
        found.append((("understanding", "confirm"), "must not be above `route`"))
    seen: dict[str, int] = {}
    for index, entry in enumerate(script.faq):
        loc: Loc = ("faq", index)
        if entry.next is not None and entry.next not in script.steps:
            found.append(((*loc, "next"), f"refers to missing step {entry.next!r}"))
        if entry.intent is None and not entry.questions:
            found.append((loc, "an answer needs `questions` (or a built-in `intent` such as "
                               "location), or it can never be asked"))
        if entry.intent is not None:
            if entry.intent in seen:
                found.append(((*loc, "intent"), f"intent {entry.intent!r} is already "
                                                f"answered by entry {seen[entry.intent] + 1}"))
            seen.setdefault(entry.intent, index)
    return found


def _instant_edges(script: Script, step_id: str) -> list[str]:
    """Where a step goes without waiting for the caller."""
    step = script.steps[step_id]
    return [e.target for e in kind_of(step).exits(step) if e.instant and e.target]


def _instant_loops(script: Script) -> list[tuple[Loc, str]]:
    """Cycles made only of steps that never wait (say -> say...) would loop forever.

    Depth-first with an explicit stack: a chain of thousands of steps must not overflow
    Python's recursion limit."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found: list[tuple[Loc, str]] = []
    for root in script.steps:
        if root in state:
            continue
        state[root] = 1
        path = [root]
        stack = [iter(_instant_edges(script, root))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif nxt not in script.steps:
                continue
            elif state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                found.append((("steps", nxt), "steps loop without ever waiting for the caller: "
                              + " -> ".join(cycle)))
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(_instant_edges(script, nxt)))
    return found

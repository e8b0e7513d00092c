"""A step kind, in one place: its configuration (the schema's model), how it renders,
how it resumes when the caller answers, and where it can lead. Each `steps/*.py` module
exposes one `KIND`; `registry.py` gathers them for the engine, the script checks and the
admin's preview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import Event
from receptionist.call_flows.schema import Loc, StepBase
from receptionist.catalog_text import CatalogText

# A step kind's own problem: where, and why (a `script.problem.*` message, or words).
Problem = tuple[Loc, CatalogText | str]

S = TypeVar("S", bound=StepBase)


class FlowError(RuntimeError):
    """The script cannot go on (only reachable with a corrupted script or a bug)."""


@dataclass(frozen=True)
class Exit:
    """A way out of a step: how the preview labels it, the step it leads to (None: the
    call ends), the field that names it (under the step), and whether it is taken without
    waiting for the caller (which the loop check follows)."""

    label: str
    target: str | None
    loc: Loc = ()
    instant: bool = False


def _no_problems(step: Any) -> list[Problem]:
    return []


@dataclass(frozen=True)
class StepKind(Generic[S]):
    name: str
    config: type[S]
    # Enter the step: the id of the step to run next at once, or None when it waits for
    # the caller (or ended the call).
    render: Callable[[FlowContext, str, S], str | None]
    exits: Callable[[S], list[Exit]]
    # The caller answered (None: the kind never waits): the next step, or None when the
    # step asked again (or ended the call).
    resume: Callable[[FlowContext, str, S, Event], str | None] | None = None
    # Checks of the step's own fields beyond the schema (e.g. a menu's digits).
    problems: Callable[[S], list[Problem]] = _no_problems


def unexpected(step_id: str, event: Event) -> FlowError:
    return FlowError(f"step {step_id!r} cannot take {type(event).__name__}")

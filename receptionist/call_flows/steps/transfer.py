"""`transfer`: hand the caller to a person, like a good receptionist.

Who is rung depends on the time (ring groups by `when`: open, closed, holiday), in order
(`seconds` each) or all at once. With screening (the default) the person answering first
hears who is calling and why (call_flows.announce) and takes the call with a key: a
personal voicemail that picks up never swallows the caller, who goes to `fallback` (a
message, usually) when nobody takes the call. `only_if` keeps transfers for urgent calls
or known callers.
"""

from __future__ import annotations

from receptionist import text_fields
from receptionist.call_flows import announce
from receptionist.call_flows.actions import Callback, Dial
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import DialResult, Event
from receptionist.call_flows.hours import business_state
from receptionist.call_flows.schema import (
    ANNOUNCE_FIELDS,
    RingGroup,
    TransferStep,
)
from receptionist.call_flows.step_kind import Exit, Problem, StepKind, unexpected
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.catalog_text import CatalogText
from receptionist.contacts import service as contacts
from receptionist.i18n import N_

CONNECTED = frozenset({"completed", "answered"})
KNOWN_STATUSES = CONNECTED | {"busy", "no-answer", "failed", "canceled"}


def _group_now(ctx: FlowContext, step: TransferStep) -> int | None:
    state = business_state(ctx.script, ctx.now)
    return next((i for i, g in enumerate(step.groups())
                 if "always" in g.when or state in g.when), None)


def _qualifies(ctx: FlowContext, step: TransferStep) -> bool:
    if step.only_if == "urgent":
        return announce.reason(ctx).urgent
    if step.only_if == "known_caller":
        assert ctx.call.tenant_id is not None
        return contacts.is_known(ctx.session, tenant_id=ctx.call.tenant_id,
                                 number=ctx.call.from_number, calling=ctx.call.call_sid)
    return True


def render(ctx: FlowContext, step_id: str, step: TransferStep) -> str | None:
    if not _qualifies(ctx, step):
        ctx.log(EventKind.transfer_skipped, step_id, EventFields(only_if=step.only_if))
        return step.unqualified or step.fallback
    group = _group_now(ctx, step)
    if group is None:
        ctx.log(EventKind.transfer_failed, step_id, EventFields(
            reason=Reason.nobody_available, state=business_state(ctx.script, ctx.now)))
        return step.fallback
    if step.prompt:
        ctx.say(step.prompt)
    _ring(ctx, step_id, step, group, 0)
    return None


def _ring(ctx: FlowContext, step_id: str, step: TransferStep, group: int, ring: int) -> None:
    """Dial the group's `ring`-th number (all of them when it rings all at once)."""
    target: RingGroup = step.groups()[group]
    seq = ctx.wait_here(step_id)
    numbers = target.numbers if target.ring == "all_at_once" else [target.numbers[ring]]
    screen = (Callback.to("screen", step=step_id, seq=seq, parent=ctx.call.call_sid)
              if step.screen else None)
    ctx.do(Dial(tuple(numbers), timeout=target.seconds or step.timeout,
                callback=Callback.to("dialed", step=step_id, seq=seq, group=group, ring=ring),
                screen=screen,
                caller_id=ctx.call.to_number if step.caller_id == "business" else None))
    ctx.log(EventKind.transfer, step_id,
            EventFields(numbers=tuple(numbers), screened=True if screen else None))


def _why_not(event: DialResult) -> EventFields:
    if event.answer == "declined":
        return EventFields(reason=Reason.declined, number=event.by)
    if event.answer == "silent":
        return EventFields(reason=Reason.silent, number=event.by)
    if event.status in CONNECTED:
        return EventFields(reason=Reason.not_taken, status=event.status)
    return EventFields(status=event.status, reason=None if event.status in KNOWN_STATUSES
                       else Reason.unknown_status)


def resume(ctx: FlowContext, step_id: str, step: TransferStep, event: Event) -> str | None:
    if not isinstance(event, DialResult):
        raise unexpected(step_id, event)
    # Connected, and (when the provider says) bridged: a person rung who hung up during the
    # announcement ends the <Dial> "completed" but never reached the caller.
    taken = (event.status in CONNECTED and event.bridged is not False
             and (not step.screen or event.answer == "accepted"))
    if taken:
        ctx.log(EventKind.transfer_completed, step_id,
                EventFields(duration_s=event.duration or 0, number=event.by or None))
        if step.next is None:
            ctx.hang_up()
            ctx.log(EventKind.end, step_id)
        return step.next
    ctx.log(EventKind.transfer_failed, step_id, _why_not(event))
    groups = step.groups()
    if event.group < len(groups):
        target = groups[event.group]
        if target.ring == "in_order" and event.ring + 1 < len(target.numbers):
            _ring(ctx, step_id, step, event.group, event.ring + 1)
            return None
    return step.fallback


def exits(step: TransferStep) -> list[Exit]:
    return [*([Exit("next", step.next, ("next",))] if step.next else []),
            Exit("fallback", step.fallback, ("fallback",)),
            *([Exit("not qualified", step.unqualified, ("unqualified",))]
              if step.unqualified else [])]


def problems(step: TransferStep) -> list[Problem]:
    found: list[Problem] = []
    given = [name for name in ("number", "numbers", "targets")
             if getattr(step, name) is not None]
    if not given:
        found.append(((), CatalogText(N_("script.problem.transfer_no_target"))))
    elif len(given) > 1:
        found.append(((given[1],), CatalogText(N_("script.problem.transfer_two_targets"),
                                               first=given[0], second=given[1])))
    if step.accept_key == step.decline_key:
        found.append((("decline_key",),
                      CatalogText(N_("script.problem.transfer_same_keys"))))
    if step.announce is not None:
        found.extend((("announce",), reason)
                     for reason in text_fields.problems(step.announce, ANNOUNCE_FIELDS))
    if step.only_if is None and step.unqualified is not None:
        found.append((("unqualified",),
                      CatalogText(N_("script.problem.transfer_unqualified"))))
    return found


KIND = StepKind("transfer", TransferStep, render, exits, resume, problems)

"""Who is let in before the script starts (the script's `callers` settings).

Blocked numbers are refused unanswered (a busy tone); anonymous callers too when the
business says so. Unknown callers whose caller ID the carrier could not vouch for
(STIR/SHAKEN: the provider's report, read by its adapter into a `CallerId`) are asked to
press a key first:
robocallers do not, and their calls end without reaching the script or the owner's
summaries. Known callers (a contact, a name from a booking, an earlier call) and allowed
numbers are never asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from receptionist.call_flows.actions import Callback, Gather, Reject
from receptionist.call_flows.context import FlowContext
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.contacts import service as contacts
from receptionist.contacts.models import Listed
from receptionist.i18n import gettext

Attestation = Literal["passed", "failed", "missing"]
CHALLENGE_TIMEOUT = 6


@dataclass(frozen=True)
class CallerId:
    """What the provider says of the caller ID: its STIR/SHAKEN `verdict`, and its report
    as it came (`reported`, kept on the call row and in the timeline)."""

    verdict: Attestation = "missing"
    reported: str | None = None


def _refuse(ctx: FlowContext, why: Reason, number: str | None = None) -> None:
    ctx.call.screening = why.value
    ctx.log(EventKind.screened_out, None, EventFields(reason=why, number=number))
    ctx.do(Reject())


def let_in(ctx: FlowContext, caller_id: CallerId) -> bool:
    """At the incoming call: True when the script may start now; otherwise the call is
    refused or challenged (the actions say which)."""
    # The new call row is written once, with its final state, by `ctx.finish`: the
    # lookups here must not flush it early (an INSERT then an UPDATE).
    with ctx.session.no_autoflush:
        return _let_in(ctx, caller_id)


def _let_in(ctx: FlowContext, caller_id: CallerId) -> bool:
    call, rules = ctx.call, ctx.script.callers
    call.stir_verstat = caller_id.reported
    assert call.tenant_id is not None
    if contacts.is_anonymous(call.from_number) and rules.reject_anonymous:
        _refuse(ctx, Reason.anonymous)
        return False
    listing = contacts.standing(ctx.session, tenant_id=call.tenant_id,
                                number=call.from_number)
    if listing.listed == Listed.blocked:
        _refuse(ctx, Reason.blocked, call.from_number)
        return False
    verdict = caller_id.verdict
    if (rules.challenge == "off" or listing.listed == Listed.allowed or verdict == "passed"
            or (verdict == "missing" and rules.challenge == "failed")):
        return True
    if contacts.is_known(ctx.session, tenant_id=call.tenant_id, number=call.from_number,
                         calling=call.call_sid, listing=listing):
        return True
    call.screening = "challenged"
    ctx.log(EventKind.challenge, None,
            EventFields(verdict=verdict, stir_verstat=caller_id.reported or None))
    challenge(ctx, attempt=0)
    return False


def challenge(ctx: FlowContext, *, attempt: int) -> None:
    rules = ctx.script.callers
    gather = Gather(Callback.to("challenge", attempt=attempt), timeout=CHALLENGE_TIMEOUT)
    fields = {"business": ctx.script.business, "digit": rules.challenge_key}
    if attempt == 0:
        ctx.say(gettext(ctx.language, "call.challenge", **fields), into=gather)
    else:
        ctx.say(gettext(ctx.language, "call.challenge_again", **fields), into=gather)
    ctx.do(gather)


def challenge_answer(ctx: FlowContext, digits: str, attempt: int) -> bool:
    """The caller's key at the challenge: True when the script may start now; a second
    miss ends the call as spam."""
    if digits == ctx.script.callers.challenge_key:
        ctx.call.screening = "passed"
        ctx.log(EventKind.challenge_passed, None)
        return True
    if attempt == 0:
        ctx.log(EventKind.challenge_missed, None, EventFields(digit=digits or None))
        challenge(ctx, attempt=1)
        return False
    ctx.call.screening = "spam"
    ctx.log(EventKind.challenge_failed, None, EventFields(digit=digits or None))
    ctx.hang_up()
    return False

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session

from receptionist.call_flows import gatekeeper
from receptionist.call_flows.actions import Gather, Reject
from receptionist.call_flows.context import FlowContext
from receptionist.calls.models import Call
from receptionist.contacts import service as contacts
from receptionist.contacts.models import Listed
from receptionist.demo import demo_script_text
from receptionist.tenants.service import get_tenant
from receptionist.twilio.forms import attestation
from receptionist.twilio.simulator import new_sid
from tests.call_flows.flow_helpers import CALLER, make_ctx, said
from tests.conftest import FixedClock


def _id(verstat: str | None) -> gatekeeper.CallerId:
    """The caller ID as the Twilio adapter reads it (`twilio.forms.attestation`)."""
    return gatekeeper.CallerId(attestation(verstat), verstat)


def _ctx(session: Session, clock: FixedClock, challenge: str = "unverified",
         extra: str = "") -> FlowContext:
    """A new call from CALLER to the demo business, with these `callers` rules."""
    text = demo_script_text("demo.yaml").replace(
        "  challenge: unverified\n", f"  challenge: {challenge}\n{extra}")
    demo = get_tenant(session, slug="demo")
    call = Call(call_sid=new_sid("CA"), tenant_id=demo.id, from_number=CALLER,
                to_number="+15005550006", script_version=1)
    session.add(call)
    session.flush()
    return make_ctx(text, now=clock(), session=session, call=call)


@pytest.mark.parametrize(("mode", "verstat", "challenged"), [
    ("off", "TN-Validation-Failed-A", False),
    ("failed", "TN-Validation-Failed-A", True),
    ("failed", None, False),
    ("unverified", None, True),
    ("unverified", "No-TN-Validation", True),
    ("unverified", "TN-Validation-Passed-B", False),
])
def test_which_unknown_callers_are_challenged(session: Session, clock: FixedClock, mode: str,
                                              verstat: str | None, challenged: bool) -> None:
    ctx = _ctx(session, clock, mode)
    assert gatekeeper.let_in(ctx, _id(verstat)) is not challenged
    assert ctx.call.stir_verstat == verstat
    if challenged:
        assert ctx.call.screening == "challenged"
        assert said(ctx.actions) == ["To reach Demo Dental Clinic, please press 5."]
        gather = ctx.actions[-1]
        assert isinstance(gather, Gather) and gather.callback.route == "challenge"
    else:
        assert ctx.actions == [] and ctx.call.screening is None


def test_blocked_refused_allowed_and_known_let_in(session: Session, clock: FixedClock,
                                                   now: datetime) -> None:
    ctx = _ctx(session, clock)
    assert ctx.call.tenant_id is not None
    contacts.save_contact(session, tenant_id=ctx.call.tenant_id, number=CALLER,
                          listed=Listed.blocked, now=now, by="t")
    assert not gatekeeper.let_in(ctx, _id("TN-Validation-Passed-A"))
    assert ctx.actions == [Reject()] and ctx.call.screening == "blocked"
    ctx = _ctx(session, clock)
    contacts.save_contact(session, tenant_id=ctx.call.tenant_id or 0, number=CALLER,
                          listed=Listed.allowed, now=now, by="t")
    assert gatekeeper.let_in(ctx, _id("TN-Validation-Failed-A"))
    ctx = _ctx(session, clock)
    contacts.save_contact(session, tenant_id=ctx.call.tenant_id or 0, number=CALLER,
                          listed=Listed.none, name="Ann", now=now, by="t")
    assert gatekeeper.let_in(ctx, _id(None))  # a name: known


def test_anonymous_callers(session: Session, clock: FixedClock) -> None:
    ctx = _ctx(session, clock, "off", "  reject_anonymous: true\n")
    ctx.call.from_number = "Anonymous"
    assert not gatekeeper.let_in(ctx, _id(None))
    assert ctx.actions == [Reject()] and ctx.call.screening == "anonymous"
    ctx = _ctx(session, clock, "unverified")
    ctx.call.from_number = ""
    assert not gatekeeper.let_in(ctx, _id(None))  # unknown and unverified: challenged
    assert ctx.call.screening == "challenged"


def test_the_challenge_answer(session: Session, clock: FixedClock) -> None:
    ctx = _ctx(session, clock)
    assert gatekeeper.challenge_answer(ctx, "5", 0) and ctx.call.screening == "passed"
    ctx = _ctx(session, clock)
    assert not gatekeeper.challenge_answer(ctx, "1", 0)
    assert said(ctx.actions)[0].startswith("Sorry. To reach")
    assert not gatekeeper.challenge_answer(ctx, "", 1)
    assert ctx.call.screening == "spam"
    assert [e.kind for e in ctx.events] == ["challenge_missed", "challenge_failed"]
    assert [e.fields.digit for e in ctx.events] == ["1", None]


@pytest.fixture
def now(clock: FixedClock) -> datetime:
    return clock()

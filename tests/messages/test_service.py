from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from receptionist.calls import service as calls
from receptionist.messages import service as messages
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock


def _message(session: Session, clock: FixedClock, n: int, caller: str,
             transcript: str = "") -> None:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=f"CA{n:032d}", tenant_id=demo.id,
                           from_number=caller, to_number="+15005550006", script_version=1,
                           now=clock())
    session.flush()
    stored = messages.store_recording(
        session, call=call, info=messages.RecordingInfo(sid=f"RE{n:032d}", url="u",
                                                        duration_s=5),
        now=clock() + timedelta(minutes=n))
    assert stored is not None
    stored.transcript = transcript
    session.add(stored)
    session.flush()


def test_the_inbox_filters_by_status_words_and_dates(session: Session,
                                                    clock: FixedClock) -> None:
    _message(session, clock, 1, "+15550000001", "please call me back about the invoice")
    _message(session, clock, 2, "+15550000002", "the boiler is leaking")
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    newest_first = messages.inbox(session, tenant_id=demo.id, limit=10)
    assert [m.caller for m in newest_first] == ["+15550000002", "+15550000001"]
    assert [m.caller for m in messages.inbox(session, tenant_id=demo.id, text="BOILER",
                                             limit=10)] == ["+15550000002"]
    assert [m.caller for m in messages.inbox(session, tenant_id=demo.id, text="0001",
                                             limit=10)] == ["+15550000001"]
    newest_first[0].handled = True
    session.add(newest_first[0])
    session.flush()
    assert len(messages.inbox(session, tenant_id=demo.id, limit=10)) == 1
    assert len(messages.inbox(session, tenant_id=demo.id, status="handled", limit=10)) == 1
    assert len(messages.inbox(session, tenant_id=demo.id, status="all", limit=10)) == 2
    assert messages.inbox(session, tenant_id=demo.id, status="all",
                          start=clock() + timedelta(minutes=2), limit=10) == [newest_first[0]]
    assert messages.count_unhandled(session, tenant_id=demo.id) == 1
    with_sids = messages.list_messages(session, tenant_id=demo.id, limit=1)
    assert [sid for _, sid in with_sids] == [f"CA{2:032d}"]

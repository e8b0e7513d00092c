from __future__ import annotations

from datetime import UTC, datetime

from receptionist.call_flows.steps import hours
from tests.call_flows.flow_helpers import logged, make_ctx


def test_hours_branches_in_the_business_time_zone() -> None:
    step = make_ctx().script.steps["when"]
    cases = {datetime(2026, 3, 2, 8, 30, tzinfo=UTC): "menu",     # Mon 09:30 Paris
             datetime(2026, 3, 2, 17, 30, tzinfo=UTC): "closed",  # Mon 18:30 Paris
             datetime(2026, 3, 3, 10, 0, tzinfo=UTC): "closed",   # Tuesday: no hours
             datetime(2026, 12, 25, 10, 0, tzinfo=UTC): "holiday"}
    for moment, expected in cases.items():
        ctx = make_ctx(now=moment)
        assert hours.render(ctx, "when", step) == expected, moment  # type: ignore[arg-type]
        assert logged(ctx) == [("hours", "when")]
    assert [e.target for e in hours.exits(step)] == [  # type: ignore[arg-type]
        "menu", "closed", "holiday"]

"""`book` and `manage_booking`: phone booking is not built yet (see README), so these steps
take the script's fallback, exactly as they will when no slot is free in the horizon."""

from __future__ import annotations

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import BookStep, ManageBookingStep


def render(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep) -> str | None:
    ctx.log("booking_unavailable", step_id, "phone booking not available: fallback")
    return step.fallback

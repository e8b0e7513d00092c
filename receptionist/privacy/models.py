"""Erasure requests: queued by the owner (admin page) or an operator (CLI), carried out by
the worker, kept as a record of what was erased and when (without the data itself)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow


class ErasureRequest(SQLModel, table=True):
    __tablename__ = "erasure_requests"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    # The caller's number until the erasure is done; then only its last digits remain.
    phone: str = Field(max_length=64)
    requested_by: str = Field(default="", max_length=200)
    requested_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = Field(default=None, index=True)
    result: str = Field(default="", max_length=500)  # what was erased, as counts

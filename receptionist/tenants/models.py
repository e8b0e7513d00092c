"""Businesses served by this instance, their phone numbers and their versioned call scripts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow


class Tenant(SQLModel, table=True):
    __tablename__ = "tenants"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    # Mirrors of the active script, kept for listing and querying without parsing YAML.
    language: str = Field(max_length=10)
    timezone: str = Field(max_length=64)
    active_version: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Privacy: messages and calls older than this many days are deleted (none: kept).
    retention_days: int | None = None
    # New calls admitted per minute (none: CALLS_PER_MINUTE); over it callers hear busy.
    calls_per_minute: int | None = None


class TenantNumber(SQLModel, table=True):
    """A dialled number (E.164) that routes to a tenant; one number has one tenant."""

    __tablename__ = "tenant_numbers"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=32)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)


class ScriptVersion(SQLModel, table=True):
    """One immutable version of a tenant's call script; rollback publishes a copy."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "version", name="uq_script_tenant_version"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    version: int
    yaml_text: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=200)
    comment: str = Field(default="", max_length=500)


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API, scoped to one tenant. Only its SHA-256 is kept:
    the token itself is shown once, when created."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    name: str = Field(default="", max_length=200)
    # The account the token acts for (`token create --email`), if any.
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    token_sha256: str = Field(unique=True, index=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None

"""People who log in to the admin UI: owners (one business) and operators (the agency
serving several businesses)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=320)
    password_hash: str = Field(max_length=200)  # argon2id
    role: str = Field(max_length=16)  # owner | operator
    language: str = Field(default="en", max_length=5)  # of the admin UI: en | fr
    # Bumped on password change and logout-everywhere: older sessions stop working.
    session_version: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class UserTenant(SQLModel, table=True):
    """Which businesses a user may see: an owner has one, an operator those assigned."""

    __tablename__ = "user_tenants"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id", name="uq_user_tenant"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_address_at", "address", "at"),
                      Index("ix_login_failures_account_address_at", "account", "address", "at"))

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64)
    # SHA-256 of the email typed (known or not), so that the table holds no addresses.
    account: str = Field(default="", max_length=64)
    at: datetime = Field(index=True)

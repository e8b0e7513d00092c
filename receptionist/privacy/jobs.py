"""Retention and erasure as the worker (and `receptionist privacy erase --now`) run
them: each request, each business, in a transaction of its own; its files are removed
once it is committed, so a crash leaves at worst an orphan file, never a row pointing at
nothing."""

from __future__ import annotations

import logging
from datetime import datetime

from receptionist.config import Settings
from receptionist.db import Database
from receptionist.privacy import service as privacy
from receptionist.tenants.models import Tenant

log = logging.getLogger(__name__)


def carry_out_erasures(database: Database, settings: Settings, *, now: datetime) -> int:
    """Carry out every pending erasure request. Returns how many."""
    with database.session() as session:
        pending = privacy.pending_erasures(session)
    done = 0
    for request_id in pending:
        with database.write_transaction() as session:
            outcome = privacy.carry_out_erasure(session, settings, request_id=request_id,
                                                now=now)
        if outcome is None:
            continue  # carried out meanwhile (another command, another worker)
        request, erased = outcome
        erased.remove_files()
        done += 1
        log.info("erasure %s carried out: %s", request.id, request.result)
    return done


def retain_all(database: Database, settings: Settings, *, now: datetime) -> privacy.Erased:
    """Apply every business's retention period."""
    total = privacy.Erased()
    with database.session() as session:
        tenant_ids = privacy.tenants_with_retention(session)
    for tenant_id in tenant_ids:
        with database.write_transaction() as session:
            tenant = session.get(Tenant, tenant_id)
            if tenant is None:
                continue
            erased = privacy.apply_retention(session, settings, tenant, now=now)
        erased.remove_files()
        for name in ("messages", "calls", "appointments_anonymised"):
            setattr(total, name, getattr(total, name) + getattr(erased, name))
        if erased.messages or erased.calls or erased.appointments_anonymised:
            log.info("retention for %s: %s", tenant.slug, erased.describe())
    return total

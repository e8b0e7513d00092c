"""The owner's dashboard: calls per day over two weeks, how many were handled without a
person (booked, answered, message taken) against transferred and abandoned, per day and
per intent, where callers get stuck, messages waiting, upcoming bookings, calls blocked
and callers challenged as possible robocalls. A few grouped queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from receptionist.admin.deps import CurrentUser, OwnedTenant, render
from receptionist.appointments import lookups
from receptionist.calls import outcomes
from receptionist.calls import service as calls
from receptionist.messages import service as messages
from receptionist.web_deps import SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
DAYS = 14


@router.get("/t/{slug}/dashboard")
def dashboard(request: Request, db: SessionDep,
              signed: CurrentUser, tenant: OwnedTenant, slug: str) -> Response:
    user, data = signed
    tz = ZoneInfo(tenant.timezone)
    now = runtime_of(request).clock()
    today = now.astimezone(tz).date()
    first = today - timedelta(days=DAYS - 1)
    since = datetime.combine(first, time(0), tz)
    assert tenant.id is not None
    bounds = [datetime.combine(first + timedelta(days=i), time(0), tz) for i in range(DAYS + 1)]
    counted = calls.outcome_counts(db, tenant_id=tenant.id, bounds=bounds)
    per_day = Counter({first + timedelta(days=index): 0 for index in range(DAYS)})
    for index, _, _, count in counted:
        per_day[first + timedelta(days=index)] += count
    days = sorted(per_day.items())
    intents = Counter(calls.choice_intents(db, tenant_id=tenant.id, since=since))
    waiting = messages.count_unhandled(db, tenant_id=tenant.id)
    upcoming = lookups.count_upcoming(db, tenant_id=tenant.id, now=now)
    peak = max((count for _, count in days), default=0) or 1
    screened = calls.screening_counts(db, tenant_id=tenant.id, since=since)
    challenged = sum(screened.get(k, 0) for k in ("spam", "passed", "challenged"))
    figures = automation(counted, first)
    figures.hung_up.update(dict(calls.hang_up_steps(db, tenant_id=tenant.id, since=since)))
    return render(request, "dashboard.html", data, user, tenant=tenant, section="dashboard",
                  days=days, peak=peak, intents=intents.most_common(), waiting=waiting,
                  upcoming=upcoming, total=sum(per_day.values()),
                  blocked=screened.get("blocked", 0) + screened.get("anonymous", 0),
                  challenged=challenged, spam=screened.get("spam", 0), figures=figures,
                  stuck=stuck_points(calls.stuck_counts(db, tenant_id=tenant.id, since=since),
                                     figures.hung_up))

SHOWN = ("automated", "transferred", "abandoned")


@dataclass
class Figures:
    """Ended calls by outcome (screened calls apart), overall, per day, per intent."""

    total: Counter[str] = field(default_factory=Counter)  # automated, transferred, abandoned
    outcomes: Counter[str] = field(default_factory=Counter)  # booked, answered, message…
    per_day: list[tuple[date, Counter[str]]] = field(default_factory=list)
    per_intent: list[tuple[str, Counter[str]]] = field(default_factory=list)
    hung_up: Counter[str] = field(default_factory=Counter)  # abandoned, by last step

    @staticmethod
    def rate(counts: Counter[str]) -> int | None:
        """Calls handled without a person, in % of the calls that reached the script."""
        reached = sum(counts[k] for k in SHOWN)
        return round(100 * counts["automated"] / reached) if reached else None


def automation(counted: list[tuple[int, str | None, str | None, int]], first: date
               ) -> Figures:
    """`counted`: (day index from `first`, outcome, first intent, calls)."""
    figures = Figures()
    by_day: dict[date, Counter[str]] = {first + timedelta(days=i): Counter()
                                        for i in range(DAYS)}
    by_intent: dict[str, Counter[str]] = {}
    for index, outcome, intent, count in counted:
        if outcome is None or outcome == "screened":
            continue  # still going, ended before outcomes were kept, or screened out
        shown = "automated" if outcome in outcomes.AUTOMATED else outcome
        figures.total[shown] += count
        figures.outcomes[outcome] += count
        by_day.setdefault(first + timedelta(days=index), Counter())[shown] += count
        by_intent.setdefault(intent or "-", Counter())[shown] += count
    figures.per_day = sorted(by_day.items())
    figures.per_intent = sorted(by_intent.items(), key=lambda item: -sum(item[1].values()))
    return figures


def stuck_points(counts: list[tuple[str, str, int]], hung_up: Counter[str]
                 ) -> list[tuple[str, Counter[str]]]:
    """Per step: re-prompts, confirmations refused, keypad fallbacks, gave up (retries
    exhausted), hang-ups; the steps with the most first."""
    steps: dict[str, Counter[str]] = {}
    for kind, step, count in counts:
        steps.setdefault(step, Counter())[outcomes.STUCK[kind]] += count
    for step, count in hung_up.items():
        steps.setdefault(step, Counter())["hung up"] += count
    return sorted(steps.items(), key=lambda item: (-sum(item[1].values()), item[0]))

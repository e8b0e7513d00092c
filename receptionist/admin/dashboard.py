"""The owner's dashboard (their landing page): every call of a chosen range of days (7,
14 or 30, or from / to) by what came of it: handled without a person (booked, moved,
cancelled, answered, message taken), transferred, missed (asked for a person, nobody
took the call), hung up, screened out, and in progress apart; per day (a chart with its
axis and values), per request, where callers get stuck; messages waiting, upcoming
bookings, calls blocked and callers challenged as possible robocalls. Steps and requests
are named in words. A few grouped queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from receptionist.admin.call_pages import script_of
from receptionist.admin.deps import CurrentUser, OwnedTenant, render
from receptionist.admin.script_words import intent_title, step_label
from receptionist.appointments import lookups
from receptionist.calls import outcomes
from receptionist.calls import service as calls
from receptionist.clock import SaneDate
from receptionist.messages import service as messages
from receptionist.web_deps import SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
DAYS = 14
CHOICES = (7, 14, 30)
LONGEST = 92  # days a from / to range may span
# The columns of the figures, in order: what reached the script, then apart.
SHOWN = ("automated", "transferred", "missed", "abandoned")
APART = ("screened", "in_progress", "unknown")
STUCK_COLUMNS = ("re-prompt", "confirmation refused", "keypad fallback", "gave up on",
                 "hung up")


@dataclass(frozen=True)
class Range:
    first: date
    last: date
    days: int | None  # 7, 14 or 30 when chosen that way

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1


def chosen_range(today: date, days: int | None, since: date | None,
                 until: date | None) -> Range:
    """The days shown: from / to when given (in order, at most LONGEST days, never past
    today), else the last `days` (7, 14 or 30; 14 by default)."""
    if since is not None or until is not None:
        last = min(until or today, today)
        first = since or last - timedelta(days=DAYS - 1)
        if first > last:
            first, last = last, first
        first = max(first, last - timedelta(days=LONGEST - 1))
        return Range(first, last, None)
    count = days if days in CHOICES else DAYS
    return Range(today - timedelta(days=count - 1), today, count)


@router.get("/t/{slug}/dashboard")
def dashboard(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
              slug: str, days: Annotated[int | None, Query(ge=1, le=366)] = None,
              since: SaneDate | None = Query(default=None, alias="from"),
              until: SaneDate | None = Query(default=None, alias="to")) -> Response:
    user, data = signed
    tz = ZoneInfo(tenant.timezone)
    now = runtime_of(request).clock()
    shown = chosen_range(now.astimezone(tz).date(), days, since, until)
    start = datetime.combine(shown.first, time(0), tz)
    stop = datetime.combine(shown.last + timedelta(days=1), time(0), tz)
    assert tenant.id is not None
    bounds = [datetime.combine(shown.first + timedelta(days=i), time(0), tz)
              for i in range(shown.length + 1)]
    figures = automation(calls.outcome_counts(db, tenant_id=tenant.id, bounds=bounds),
                         shown.first, shown.length)
    script = script_of(db, tenant)
    language = user.language
    intents = Counter(calls.choice_intents(db, tenant_id=tenant.id, since=start, until=stop))
    screened = figures.screened
    stuck = stuck_points(calls.stuck_counts(db, tenant_id=tenant.id, since=start, until=stop),
                         figures.hung_up)
    return render(
        request, "dashboard.html", data, user, tenant=tenant, section="dashboard",
        shown=shown, choices=CHOICES, figures=figures, chart=Chart.of(figures),
        waiting=messages.count_unhandled(db, tenant_id=tenant.id),
        upcoming=lookups.count_upcoming(db, tenant_id=tenant.id, now=now),
        blocked=screened.get("blocked", 0) + screened.get("anonymous", 0),
        challenged=sum(screened.get(k, 0) for k in ("spam", "passed", "challenged")),
        spam=screened.get("spam", 0), shown_columns=SHOWN, apart_columns=APART,
        stuck_columns=STUCK_COLUMNS,
        intents=[(intent_title(script, intent, language), count)
                 for intent, count in intents.most_common()],
        per_intent=[(intent_title(script, None if intent == "-" else intent, language),
                     counts) for intent, counts in figures.per_intent],
        stuck=[(step_label(script, step, language), counts) for step, counts in stuck])


@dataclass
class Figures:
    """Every call of the range by what came of it (SHOWN and APART), overall, per day and
    per first request; and the outcomes within "automated"."""

    total: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # booked, moved, answered…
    per_day: list[tuple[date, Counter[str]]] = field(default_factory=list)
    per_intent: list[tuple[str, Counter[str]]] = field(default_factory=list)
    hung_up: Counter[str] = field(default_factory=Counter)  # abandoned, by last step
    screened: Counter[str] = field(default_factory=Counter)  # blocked, spam… (any outcome)

    @property
    def calls(self) -> int:
        return sum(self.total.values())

    @staticmethod
    def rate(counts: Counter[str]) -> int | None:
        """Calls handled without a person, in % of the calls that reached the script and
        ended (screened out and in progress apart)."""
        reached = sum(counts[k] for k in SHOWN)
        return round(100 * counts["automated"] / reached) if reached else None


def column_of(outcome: str | None, ended: bool) -> str:
    """Where a call is counted: a SHOWN or APART column."""
    if outcome is None:
        return "unknown" if ended else "in_progress"
    if outcome in outcomes.AUTOMATED:
        return "automated"
    return outcome if outcome in SHOWN or outcome == "screened" else "unknown"


def automation(counted: list[calls.CallGroup], first: date, days: int = DAYS) -> Figures:
    """The figures of the calls grouped per day index from `first`."""
    figures = Figures()
    by_day: dict[date, Counter[str]] = {first + timedelta(days=i): Counter()
                                        for i in range(days)}
    by_intent: dict[str, Counter[str]] = {}
    for group in counted:
        column = column_of(group.outcome, group.ended)
        figures.total[column] += group.calls
        if group.outcome is not None:
            figures.outcomes[group.outcome] += group.calls
        if group.hung_up_at is not None:
            figures.hung_up[group.hung_up_at] += group.calls
        if group.screening is not None:
            figures.screened[group.screening] += group.calls
        by_day.setdefault(first + timedelta(days=group.period), Counter())[column] += group.calls
        if column in SHOWN:
            by_intent.setdefault(group.intent or "-", Counter())[column] += group.calls
    figures.per_day = sorted(by_day.items())
    figures.per_intent = sorted(by_intent.items(), key=lambda item: -sum(item[1].values()))
    return figures


@dataclass(frozen=True)
class Bar:
    day: date
    total: int
    parts: list[tuple[str, float, float]]  # (column, y, height) in the chart's units
    x: float


@dataclass(frozen=True)
class Chart:
    """Calls per day as stacked bars on a drawn axis: ticks at round values, the total
    printed above each bar (the SVG's geometry, computed here)."""

    bars: list[Bar]
    ticks: list[tuple[int, float]]  # (value, y)
    width: float
    label_every: int

    TOP = 12.0
    BOTTOM = 112.0  # the x axis
    LEFT = 28.0
    STEP = 22.0

    @classmethod
    def of(cls, figures: Figures) -> Chart:
        peak = max((sum(c.values()) for _, c in figures.per_day), default=0)
        top = _round_up(peak)
        scale = (cls.BOTTOM - cls.TOP) / top
        bars = []
        for index, (day, counts) in enumerate(figures.per_day):
            y = cls.BOTTOM
            parts = []
            for column in (*SHOWN, *APART):
                height = counts[column] * scale
                if height:
                    y -= height
                    parts.append((column, round(y, 2), round(height, 2)))
            bars.append(Bar(day, sum(counts.values()), parts,
                            cls.LEFT + index * cls.STEP + 4))
        ticks = [(value, round(cls.BOTTOM - value * scale, 2))
                 for value in range(0, top + 1, max(1, top // 4))]
        return cls(bars, ticks, cls.LEFT + len(bars) * cls.STEP + 4,
                   1 if len(bars) <= 16 else 2 if len(bars) <= 31 else 7)


def _round_up(peak: int) -> int:
    """The axis's top: a round number at or above the busiest day (4 at least)."""
    for nice in (4, 8, 12, 20, 40, 60, 100, 200, 400, 600, 1000, 2000, 4000, 10000):
        if peak <= nice:
            return nice
    return ((peak // 10000) + 1) * 10000


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

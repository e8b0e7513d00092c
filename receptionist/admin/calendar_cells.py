"""Each cell of the week calendar as HTML, in the reader's language: its classes, its
accessible name ("Free, Monday 7 December 10:00, Dr Martin"), its links (a free cell:
the booking form at its agenda, day and time, with the type chosen; a booked cell: the
pages of the appointments that start in it).

Written in Python, every value escaped, and the template writes the rows out: a full week
of six agendas is hundreds of cells, and a catalog lookup, a few template conditions or
a few objects per cell cost more than the rest of the page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlencode

from markupsafe import Markup, escape

from receptionist.appointments.week_grid import Booked, Cell, Week
from receptionist.i18n import gettext

_FIELDS = ("day", "time", "who", "shown", "end")
_MARKED = re.compile("\ue000(" + "|".join(_FIELDS) + ")\ue000")
_ALTERNATE = (False, True) * 8  # text, field, text, field…


@dataclass(frozen=True)
class RowView:
    at: str  # "10:00"
    cells: Markup  # each day's cells, one per column: <td>…</td>…


class CellWords:
    """Each sentence a cell may be named by, looked up once with marks where its fields
    go, then filled per cell in one pass (fields are never read as marks again)."""

    def __init__(self, language: str, what: str) -> None:
        marks = {name: f"\ue000{name}\ue000" for name in _FIELDS}
        place = {name: marks[name] for name in ("day", "time", "who")}

        def unbookable(reason: str) -> str:
            return gettext(language, "admin.calendar.cell_unavailable", reason=reason, **place)
        self.appointment = gettext(language, "admin.appointment")
        self._sentences = {
            "free": gettext(language, "admin.calendar.cell_free", **place),
            "booked": gettext(language, "admin.calendar.cell_booked", **place),
            "busy": gettext(language, "admin.calendar.cell_busy", **place),
            "closed": gettext(language, "admin.calendar.cell_closed", **place),
            "past": gettext(language, "admin.calendar.cell_past", **place),
            "notice": unbookable(gettext(language, "admin.calendar.reason_notice")),
            "horizon": unbookable(gettext(language, "admin.calendar.reason_horizon")),
            "no_room": unbookable(gettext(language, "admin.calendar.reason_no_room")),
            "between": unbookable(gettext(language, "admin.calendar.reason_between")),
            "unoffered": unbookable(gettext(language, "admin.calendar.reason_unoffered",
                                            what=what)),
            "appointment": gettext(language, "admin.calendar.cell_appointment", **marks)}
        # Each sentence split at its marks: text, field name, text, field name… text.
        self._parts = {key: _MARKED.split(sentence) for key, sentence in self._sentences.items()}

    def said(self, key: str, **values: str) -> str:
        """The sentence `key` (a cell's state, why it cannot be booked, or "appointment")
        with its fields."""
        return "".join(values[part] if odd else part
                       for odd, part in zip(_ALTERNATE, self._parts[key], strict=False))


def rows(grid: Week, words: CellWords, *, slug: str, type_id: str, days: Sequence[str],
         type_names: dict[str, str]) -> list[RowView]:
    """The calendar's rows; `days`: the name of each day shown ("Monday 7 December").
    Each cell is written here, every value escaped: strings, not an object per cell and
    link, which a full week turns into enough garbage to set off the collector."""
    names = [column.agenda.name for column in grid.columns]
    agendas = [column.agenda.slug for column in grid.columns]
    several = len(names) > 1
    book = f"/admin/t/{slug}/agenda/book?"
    pages = f"/admin/t/{slug}/appointments/"
    typed = {"type": type_id} if type_id else {}
    made = []
    for row in grid.rows:
        at = _hm(row.at)
        cells = []
        for index, day_cells in enumerate(row.days):
            day = days[index]
            iso = grid.days[index].isoformat()
            for cell in day_cells:
                classes = f"cell {cell.state}"
                if cell.now_tenth is not None:
                    classes += f" now n{cell.now_tenth}"
                if several and cell.column == 0:
                    classes += " first"
                who = names[cell.column]
                cells.append(_cell(cell, classes, words, day, at, who, book, pages, iso,
                                   agendas[cell.column], typed, type_names, grid))
        made.append(RowView(at, Markup("".join(cells))))
    return made


def _hm(moment: datetime | time) -> str:
    """"09:30" (strftime costs more than the rest of a cell)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _cell(cell: Cell, classes: str, words: CellWords, day: str, at: str, who: str,
          book: str, pages: str, iso: str, agenda: str, typed: dict[str, str],
          type_names: dict[str, str], grid: Week) -> str:
    if cell.state == "free" and cell.free_at is not None:
        start = _hm(cell.free_at)
        href = book + urlencode({"agenda": agenda, "at": f"{iso}T{start}", **typed},
                                safe=":")
        label = words.said("free", day=day, time=start, who=who)
        return (f'<td class="{classes}"><a class="book-slot" href="{escape(href)}" '
                f'aria-label="{escape(label)}">{start}</a></td>')
    if cell.starting:
        links = "".join(_appointment(a, words, day, who, pages, type_names, grid)
                        for a in cell.starting)
        return f'<td class="{classes}">{links}</td>'
    if cell.appointment is not None:
        label = words.said("booked", day=day, time=at, who=who)
        return (f'<td class="{classes}" aria-label="{escape(label)}" '
                f'data-appointment-id="{cell.appointment.id}"></td>')
    label = words.said(cell.reason or cell.state, day=day, time=at, who=who)
    return f'<td class="{classes}" aria-label="{escape(label)}"></td>'


def _appointment(a: Booked, words: CellWords, day: str, who: str, pages: str,
                 type_names: dict[str, str], grid: Week) -> str:
    start = _hm(datetime.fromtimestamp(a.start_s, grid.tz))
    end = _hm(datetime.fromtimestamp(a.end_s, grid.tz))
    what = type_names.get(a.appointment_type) or words.appointment
    caller = a.caller_name or a.caller_number or "?"
    # The name starts with the link's visible words (what a voice user says to click it).
    label = words.said("appointment", shown=f"{start} {what} · {caller}", end=end,
                       day=day, who=who)
    return (f'<a class="appointment-link" data-appointment-id="{a.id}" '
            f'href="{pages}{a.id}" aria-label="{escape(label)}"><strong>{start}</strong> '
            f'{escape(what)} · {escape(caller)}</a>')

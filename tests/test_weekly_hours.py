from __future__ import annotations

from datetime import time

import pytest

from receptionist.weekly_hours import parse_closure_lines, parse_hours_lines, parse_range


def test_ranges_and_the_end_of_the_day() -> None:
    assert parse_range("09:00 - 12:30").start == time(9)
    late = parse_range("18:00-24:00")
    assert late.end == time.max and late.contains(time(23, 59, 59))
    assert not parse_range("09:00-12:00").contains(time(12))
    for bad, reason in (("9-12", "must look like"), ("25:00-26:00", "invalid time"),
                        ("12:00-09:00", "ends before")):
        with pytest.raises(ValueError, match=reason):
            parse_range(bad)


def test_hours_lines_as_owners_type_them() -> None:
    assert parse_hours_lines("MON 09:00-12:00 14:00-18:00\n\ntue 10:00-16:00") == {
        "mon": ["09:00-12:00", "14:00-18:00"], "tue": ["10:00-16:00"]}
    with pytest.raises(ValueError, match="line 1: write a day"):
        parse_hours_lines("monday 09:00-12:00")
    with pytest.raises(ValueError, match="invalid time"):
        parse_hours_lines("mon 09:00-12:00\ntue 09:00-25:00")


def test_closure_lines_with_optional_end_and_name() -> None:
    assert parse_closure_lines("2026-12-24 2026-12-26 Christmas break\n2027-01-01") == [
        {"start": "2026-12-24", "end": "2026-12-26", "name": "Christmas break"},
        {"start": "2027-01-01", "end": "2027-01-01", "name": ""}]
    with pytest.raises(ValueError, match="line 1: start with a date"):
        parse_closure_lines("Christmas")
    with pytest.raises(ValueError, match="the end is before the start"):
        parse_closure_lines("2026-12-26 2026-12-24")
    with pytest.raises(ValueError, match="start with a date"):
        parse_closure_lines("0001-01-01")  # outside the dates we accept


def test_a_range_is_written_back_as_it_is_read() -> None:
    from receptionist.weekly_hours import format_range

    for text in ("09:00-12:30", "18:00-24:00", "00:00-24:00"):
        assert format_range(parse_range(text)) == text

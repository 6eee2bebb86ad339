"""The period a report covers: a week or a calendar month, midnight to midnight in the report's zone,
and the period before it (the comparison)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ..digest.days import Window, local_day


@dataclass(frozen=True)
class Period:
    kind: str          # "week" or "month"
    first: date        # first day
    last: date         # last day (inclusive)
    time_zone: str
    window: Window
    days: tuple[tuple[date, Window], ...]

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.first.strftime("%B %Y")
        return f"week {self.first.isoformat()} to {self.last.isoformat()}"


def _period(kind: str, first: date, last: date, time_zone: str) -> Period:
    zone = ZoneInfo(time_zone)
    days = tuple((first + timedelta(days=n), local_day(first + timedelta(days=n), zone))
                 for n in range((last - first).days + 1))
    return Period(kind, first, last, time_zone, Window(days[0][1].start, days[-1][1].end), days)


def period_ending(kind: str, end: date, time_zone: str) -> Period:
    """The period before ``end`` (the first day *not* reported): the 7 days before it, or the last whole
    calendar month that ends before it."""
    if kind == "week":
        return _period(kind, end - timedelta(days=7), end - timedelta(days=1), time_zone)
    last = end.replace(day=1) - timedelta(days=1)
    return _period(kind, last.replace(day=1), last, time_zone)


def previous(period: Period) -> Period:
    return period_ending(period.kind, period.first, period.time_zone)


def first_working_day(day: date) -> date:
    """The first Monday-to-Friday of ``day``'s month (no holiday calendar): the 1st, 2nd or 3rd."""
    first = day.replace(day=1)
    while first.weekday() >= 5:
        first += timedelta(days=1)
    return first

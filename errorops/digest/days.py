"""The time windows of one digest, computed in the configured zone.

The previous local day runs from midnight to midnight in the zone: 23 or 25 hours on the
day the clocks change, which is why every window is built from local midnights through
zoneinfo and only then turned into UTC, never as "start + 24 hours".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    start: datetime  # aware, UTC
    end: datetime

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def params(self) -> dict[str, str]:
        # Sentry reads start/end as ISO 8601 (OpenAPI: `start`, `end`, format date-time).
        return {"start": _iso(self.start), "end": _iso(self.end)}

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Windows:
    day: date
    time_zone: str
    today: Window        # the summarised local day
    day_before: Window
    week_before: Window  # the same weekday one week earlier (the baseline of the p95 monitor)
    triage: Window       # the hours before the scheduled send time, for the 09:00 triage


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_day(day: date, zone: ZoneInfo) -> Window:
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return Window(start.astimezone(timezone.utc), end.astimezone(timezone.utc))


def windows_for(day: date, time_zone: str, send_hour: int, send_minute: int, triage_hours: int) -> Windows:
    zone = ZoneInfo(time_zone)
    send = datetime.combine(day + timedelta(days=1), time(send_hour, send_minute), zone).astimezone(timezone.utc)
    return Windows(
        day=day, time_zone=time_zone,
        today=local_day(day, zone),
        day_before=local_day(day - timedelta(days=1), zone),
        week_before=local_day(day - timedelta(days=7), zone),
        triage=Window(send - timedelta(hours=triage_hours), send),
    )


def previous_local_day(now: datetime, time_zone: str) -> date:
    """The day a run at ``now`` summarises: yesterday, in the zone."""
    return now.astimezone(ZoneInfo(time_zone)).date() - timedelta(days=1)

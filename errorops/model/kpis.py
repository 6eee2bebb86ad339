"""The process's KPIs (alert_rules/kpis.yaml) as typed values: each target, its unit and source.

Built from ``model.files_by_kind["kpis"]`` on demand, like the digest's spec; ``None`` where the
repository has no kpis file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .position import At, source_position
from .types import Model

# The KPIs of "Metrics and KPIs", in the process document's order.
KPI_IDS = ("error_rate", "mttr", "recurrence", "categorized", "assigned")


@dataclass(frozen=True)
class Target:
    bound: str     # "below" or "above"
    value: float

    def met(self, figure: float | None) -> bool | None:
        """Strictly below / above; None where there is no figure."""
        if figure is None:
            return None
        return figure < self.value if self.bound == "below" else figure > self.value

    def words(self, unit: str) -> str:
        return f"{'<' if self.bound == 'below' else '>'} {fmt_value(self.value, unit)}"


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    unit: str           # "percent" or "minutes"
    target: Target | None          # None for mttr, which has one per level
    per_level: tuple[tuple[str, Target], ...]
    source: str
    description: str
    at: At = source_position()

    def level_target(self, level: str) -> Target | None:
        return dict(self.per_level).get(level)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class ReportDelivery:
    environments: tuple[str, ...]
    weekly_day: str        # "friday"
    weekly_time: str       # "13:00"
    monthly_time: str      # "09:00", on the first working day of the month
    slack_channel: str
    email_recipients: tuple[str, ...]
    subject: str
    attempts: int
    backoff_seconds: float
    at: At = source_position()

    def enabled_in(self, env_id: str) -> bool:
        return env_id in self.environments

    def cron(self, period: str) -> str:
        """Cloud Scheduler's unix-cron in the report's zone. A month's report is started on the 1st to the 3rd
        (the first working day is always one of them) and sends only on that day (``--scheduled``)."""
        if period == "week":
            hour, minute = self.weekly_time.split(":")
            return f"{int(minute)} {int(hour)} * * {(WEEKDAYS.index(self.weekly_day) + 1) % 7}"
        hour, minute = self.monthly_time.split(":")
        return f"{int(minute)} {int(hour)} 1-3 * *"


@dataclass(frozen=True)
class KpiSpec:
    kpis: tuple[Kpi, ...]
    time_zone: str
    top: int
    unassigned_levels: tuple[str, ...]
    delivery: ReportDelivery | None = None
    at: At = source_position()

    def kpi(self, kpi_id: str) -> Kpi:
        return next(k for k in self.kpis if k.id == kpi_id)


def fmt_value(value: float, unit: str) -> str:
    """``1%``, ``30 min``, ``4 h``, ``24 h``: the process document's way of writing them."""
    if unit == "percent":
        return f"{value:g}%"
    if value >= 60 and value % 60 == 0:
        return f"{value / 60:g} h"
    return f"{value:g} min"


def _target(data: dict[str, Any]) -> Target:
    bound = "below" if "below" in data else "above"
    return Target(bound, float(data[bound]))


def kpi_spec(model: Model) -> KpiSpec | None:
    docs = model.files_by_kind.get("kpis", ())
    if not docs:
        return None
    doc = docs[0]
    kpis = []
    for kpi_id in KPI_IDS:
        k = doc.data["kpis"][kpi_id]
        kpis.append(Kpi(
            kpi_id, k["name"], k["unit"], _target(k["target"]) if "target" in k else None,
            tuple((level, _target(t)) for level, t in k.get("per_level", {}).items()),
            k["source"], k.get("description", ""), At(doc, ("kpis", kpi_id)),
        ))
    r = doc.data["report"]
    d = r.get("delivery")
    delivery = None if d is None else ReportDelivery(
        tuple(d["environments"]), d["weekly"]["day"], d["weekly"]["time"], d["monthly"]["time"],
        d["slack"]["channel"], tuple(d["email"]["recipients"]), d["email"]["subject"], int(d.get("attempts", 3)),
        float(d.get("backoff_seconds", 2)), At(doc, ("report", "delivery")))
    return KpiSpec(tuple(kpis), r["time_zone"], int(r.get("top", 5)), tuple(r.get("unassigned_levels", ())),
                   delivery, At(doc, ("report",)))

"""The Sentry side of the model: the error taxonomy and the alert rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .types import At, _at

# Span-based datasets (Sentry's events analytics platform): queried with queryType 1, and
# Sentry's snuba_query_validator wants windows of 5 minutes or more on them.
EAP_DATASETS = frozenset({"events_analytics_platform"})
EAP_MIN_WINDOW = 300


@dataclass(frozen=True)
class ErrorType:
    id: str
    exception: str
    severity: str
    team: str
    message: str | None = None
    at: At = _at()


@dataclass(frozen=True)
class Threshold:
    above: float
    unit: str


@dataclass(frozen=True)
class MonitorSpec:
    aggregate: str
    dataset: str
    event_types: tuple[str, ...]
    query: str
    errors: tuple[str, ...]
    window_seconds: int
    comparison_delta_seconds: int | None
    threshold: Threshold
    at: At = _at()


@dataclass(frozen=True)
class IssueAlertSpec:
    triggers: tuple[str, ...]
    errors: tuple[str, ...]
    # Each filter is {type: comparison}, as the YAML writes it.
    filters: tuple[tuple[str, Any], ...]
    at: At = _at()


@dataclass(frozen=True)
class Override:
    threshold: float | None = None
    window_seconds: int | None = None
    at: At = _at()


@dataclass(frozen=True)
class SentryRule:
    id: str
    name: str
    severity: str
    owner: str
    monitor: MonitorSpec | None
    issue_alert: IssueAlertSpec | None
    overrides: dict[str, Override] = field(default_factory=dict)
    at: At = _at()

    def monitor_in(self, env_id: str) -> MonitorSpec | None:
        """The monitor as one environment runs it, its overrides applied."""
        if self.monitor is None or env_id not in self.overrides:
            return self.monitor
        o, m = self.overrides[env_id], self.monitor
        return MonitorSpec(
            m.aggregate, m.dataset, m.event_types, m.query, m.errors,
            o.window_seconds or m.window_seconds, m.comparison_delta_seconds,
            Threshold(o.threshold if o.threshold is not None else m.threshold.above, m.threshold.unit), m.at,
        )


@dataclass(frozen=True)
class SentryIntegrations:
    github_installation: str
    github_repository: str
    github_labels: tuple[str, ...]
    pagerduty_installation: str | None


@dataclass(frozen=True)
class SentryAlerting:
    error_types: tuple[ErrorType, ...] = ()
    rules: tuple[SentryRule, ...] = ()
    integrations: SentryIntegrations | None = None

    def error_type(self, type_id: str) -> ErrorType:
        return next(e for e in self.error_types if e.id == type_id)

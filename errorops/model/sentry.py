"""The Sentry side of the model: the error taxonomy and the alert rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .position import At, source_position

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
    at: At = source_position()


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
    at: At = source_position()


@dataclass(frozen=True)
class Frequency:
    """More than ``above`` events of one issue in the last ``interval``."""

    above: int
    interval: str


@dataclass(frozen=True)
class IssueAlertSpec:
    # Issue state changes that start an evaluation; empty for every event of a matching issue.
    triggers: tuple[str, ...]
    errors: tuple[str, ...]
    # Each filter is {type: comparison}, as the YAML writes it.
    filters: tuple[tuple[str, Any], ...]
    frequency: Frequency | None = None
    at: At = source_position()

    @property
    def every_event(self) -> bool:
        return not self.triggers


@dataclass(frozen=True)
class GithubIssuesSpec:
    """The one alert that opens GitHub issues for the error types of some levels."""

    name: str
    owner: str
    triggers: tuple[str, ...]
    at: At = source_position()


@dataclass(frozen=True)
class Override:
    threshold: float | None = None
    window_seconds: int | None = None
    at: At = source_position()


@dataclass(frozen=True)
class SentryRule:
    id: str
    name: str
    severity: str
    owner: str
    monitor: MonitorSpec | None
    issue_alert: IssueAlertSpec | None
    overrides: dict[str, Override] = field(default_factory=dict)
    at: At = source_position()

    def name_in(self, env_id: str) -> str:
        """The name with this environment's {threshold} and {window} written in."""
        monitor = self.monitor_in(env_id)
        if monitor is not None:
            return fill_name(self.name, threshold=threshold_words(monitor.threshold),
                             window=window_words(monitor.window_seconds))
        frequency = self.issue_alert.frequency if self.issue_alert else None
        if frequency is not None:
            return fill_name(self.name, threshold=str(frequency.above), window=INTERVAL_WORDS[frequency.interval])
        return self.name

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
    github_issues: GithubIssuesSpec | None = None

    def error_type(self, type_id: str) -> ErrorType:
        return next(e for e in self.error_types if e.id == type_id)

    def shares_exception(self, error: ErrorType) -> bool:
        """True where another error type has the same exception class: its message tells them apart."""
        return any(e.exception == error.exception and e.id != error.id for e in self.error_types)


# Placeholders a rule's name may use; each environment's own values are written in.
NAME_FIELDS = ("threshold", "window", "levels")
INTERVAL_WORDS = {"1m": "1 minute", "5m": "5 minutes", "15m": "15 minutes", "1h": "1 hour", "1d": "1 day",
                  "1w": "1 week", "30d": "30 days"}
_UNIT_SUFFIX = {"percent": "%", "percent_change": "%", "milliseconds": " ms", "count": ""}


def fill_name(name: str, **values: str) -> str:
    # str.replace rather than str.format: a name may contain other braces, which stay as written.
    for key, value in values.items():
        name = name.replace("{" + key + "}", value)
    return name


def number_words(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def threshold_words(threshold: Threshold) -> str:
    return number_words(threshold.above) + _UNIT_SUFFIX[threshold.unit]


def window_words(seconds: int) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}" + ("" if count == 1 else "s")
    return f"{seconds} seconds"

"""The typed model of alert_rules/gcp_monitoring.yaml: Google Cloud Monitoring as data.

References (levels, teams, recipients, queries, metrics) stay ids here; the
cross-reference rules in errorops/validate/crossref/gcp_*.py decide whether they
resolve. Nothing in this module imports Pulumi.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from .position import At, source_position

_DURATION = re.compile(r"^([0-9]+)(s|m|h|d)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(text: str) -> int:
    """'5m' -> 300. The schema has already checked the form."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r}")
    return int(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class GcpEnvironment:
    """What differs per environment: the Cloud Run service in that environment's project."""

    id: str
    cloud_run_service: str
    region: str
    at: At = source_position()
    # The stack's Google Cloud project (gcp:project), filled in per stack: every query is scoped to it.
    project: str = ""


@dataclass(frozen=True)
class GcpChannel:
    """A Cloud Monitoring notification channel standing for one route target."""

    id: str
    type: str  # slack | email | pagerduty
    slack_channel: str | None = None
    auth_token_config: str | None = None
    recipient: str | None = None
    service_key_config: str | None = None
    enabled_config: str | None = None
    at: At = source_position()


@dataclass(frozen=True)
class Query:
    """PromQL (``promql``) or a Monitoring filter with its aggregation (``filter``)."""

    id: str
    description: str
    promql: str | None = None
    filter: str | None = None
    aligner: str | None = None
    reducer: str | None = None
    group_by: tuple[str, ...] = ()
    unit: str | None = None
    at: At = source_position()


@dataclass(frozen=True)
class LogMetricLabel:
    key: str
    field: str
    description: str = ""
    at: At = source_position()


@dataclass(frozen=True)
class Distribution:
    """A log-based distribution: the value a log entry carries, and exponential buckets for it."""

    field: str
    unit: str
    bucket_count: int
    growth_factor: float
    scale: float
    at: At = source_position()


@dataclass(frozen=True)
class LogMetric:
    id: str
    description: str
    filter: str
    labels: tuple[LogMetricLabel, ...] = ()
    at: At = source_position()
    distribution: Distribution | None = None  # None: a counter of matching entries


@dataclass(frozen=True)
class MetricPropagation:
    """How long to wait for a new log-based metric before policies may use it."""

    timeout: str
    interval: str
    at: At = source_position()


@dataclass(frozen=True)
class UptimeCheck:
    id: str
    title: str
    path: str
    host_config: str
    period: str = "1m"
    timeout: str = "10s"
    regions: tuple[str, ...] = ()
    at: At = source_position()
    # A service that requires IAM: the check sends an OIDC token of Monitoring's service agent.
    authenticated: bool = False


@dataclass(frozen=True)
class SloSpec:
    id: str
    title: str
    goal: float
    rolling_period_days: int
    total_filter: str
    bad_filter: str
    at: At = source_position()


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    at: At = source_position()


@dataclass(frozen=True)
class Condition:
    """One condition of a policy. ``source`` says what ``ref`` names."""

    id: str
    title: str
    source: str  # query | log_metric | uptime_check | slo_burn_rate
    ref: str
    comparison: str  # gt | lt
    threshold: float
    duration: str
    window: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    at: At = source_position()
    # Several windows: the condition holds when it holds over every one (multi-window alerts).
    windows: tuple[str, ...] = ()
    # An SLO id: the value is the query divided by that SLO's error budget (1 - goal), a burn rate.
    burn_rate_of: str | None = None
    # The Sentry rule that watches the same process number (validate/crossref/process_numbers.py).
    mirrors: str | None = None

    @property
    def operator(self) -> str:
        return ">" if self.comparison == "gt" else "<"


@dataclass(frozen=True)
class AlertPolicySpec:
    id: str
    title: str
    severity: str
    team: str
    summary: str
    conditions: tuple[Condition, ...]
    notes: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    user_labels: dict[str, str] = field(default_factory=dict)
    at: At = source_position()


@dataclass(frozen=True)
class Widget:
    title: str
    source: str  # query | log_metric
    ref: str
    window: str
    group_by: tuple[str, ...] = ()
    thresholds: tuple[float, ...] = ()
    at: At = source_position()


@dataclass(frozen=True)
class DashboardSpec:
    id: str
    title: str
    widgets: tuple[Widget, ...]
    at: At = source_position()


@dataclass(frozen=True)
class Documentation:
    initial_assessment: tuple[str, ...]
    investigation: tuple[str, ...]
    links: tuple[Link, ...]
    at: At = source_position()
    headings: dict[str, str] = field(default_factory=dict)  # initial_assessment, investigation, known_causes
    service_logs: str = ""


@dataclass(frozen=True)
class GcpMonitoring:
    cloud_severity: dict[str, str]
    environments: tuple[GcpEnvironment, ...]
    channels: tuple[GcpChannel, ...]
    queries: tuple[Query, ...]
    log_metrics: tuple[LogMetric, ...]
    uptime_checks: tuple[UptimeCheck, ...]
    slos: tuple[SloSpec, ...]
    documentation: Documentation
    policies: tuple[AlertPolicySpec, ...]
    dashboard: DashboardSpec | None = None
    metric_propagation: MetricPropagation | None = None
    at: At = source_position()

    def environment(self, env_id: str) -> GcpEnvironment | None:
        return next((e for e in self.environments if e.id == env_id), None)

    def query(self, query_id: str) -> Query | None:
        return next((q for q in self.queries if q.id == query_id), None)

    def log_metric(self, metric_id: str) -> LogMetric | None:
        return next((m for m in self.log_metrics if m.id == metric_id), None)

    def uptime_check(self, check_id: str) -> UptimeCheck | None:
        return next((u for u in self.uptime_checks if u.id == check_id), None)

    def slo(self, slo_id: str) -> SloSpec | None:
        return next((s for s in self.slos if s.id == slo_id), None)

    # Once validation has passed every reference resolves; renderers and builders use these.
    def known_query(self, query_id: str) -> Query:
        return _known(self.query(query_id), "query", query_id)

    def known_log_metric(self, metric_id: str) -> LogMetric:
        return _known(self.log_metric(metric_id), "log metric", metric_id)

    def known_uptime_check(self, check_id: str) -> UptimeCheck:
        return _known(self.uptime_check(check_id), "uptime check", check_id)

    def known_slo(self, slo_id: str) -> SloSpec:
        return _known(self.slo(slo_id), "SLO", slo_id)


T = TypeVar("T")


def _known(found: T | None, what: str, ref: str) -> T:
    if found is None:
        raise LookupError(f"unknown {what} '{ref}': the model was used before validation (gcp-references)")
    return found

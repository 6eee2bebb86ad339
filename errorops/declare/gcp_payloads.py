"""What each Cloud Monitoring resource is sent: the arguments of its pulumi_gcp resource,
built from the model and the stack, apart from declaring it (declare/gcp_monitoring.py).

Values only Google knows (a log-based metric's name, an uptime check's id, an SLO's full
name) come in as Pulumi outputs through ``Refs``; everything else is plain data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi

from ..model import gcp_render as render
from ..model.gcp import AlertPolicySpec, Condition, GcpEnvironment, GcpMonitoring, LogMetric, UptimeCheck
from ..model.types import SeverityLevel

COMPARISON = {"gt": "COMPARISON_GT", "lt": "COMPARISON_LT"}


@dataclass(frozen=True)
class Refs:
    """The stack's already-declared resources a condition or chart may point at."""

    project: str
    log_metric_name: Callable[[str], pulumi.Output[str]]
    uptime_check_id: Callable[[str], pulumi.Output[str]]
    slo_name: Callable[[str], pulumi.Output[str]]


def prom_name(text: str) -> str:
    """A valid Prometheus label name (alert_rule, rule_group)."""
    name = re.sub(r"[^a-zA-Z0-9_]", "_", text)
    return name if re.match(r"[a-zA-Z_]", name) else f"_{name}"


# --- conditions, one builder per source (keyed as model/gcp_sources.SOURCES) -----------------

def _common(cond: Condition) -> dict[str, Any]:
    return {"comparison": COMPARISON[cond.comparison], "threshold_value": cond.threshold,
            "duration": render.seconds(cond.duration), "trigger": {"count": 1}}


def _on_query(gcp: GcpMonitoring, env: GcpEnvironment, policy: AlertPolicySpec, cond: Condition,
              refs: Refs) -> dict[str, Any]:
    query = gcp.known_query(cond.ref)
    if query.promql is not None:
        return {"display_name": cond.title, "condition_prometheus_query_language": {
            "query": render.promql_condition(gcp, cond, env),
            "duration": render.seconds(cond.duration), "evaluation_interval": "60s",
            "rule_group": prom_name(policy.id), "alert_rule": prom_name(cond.ref),
        }}
    assert cond.window is not None, "validation (gcp-durations) requires a window here"
    aggregation: dict[str, Any] = {"alignment_period": render.seconds(cond.window), "per_series_aligner": query.aligner}
    if query.reducer:
        aggregation.update(cross_series_reducer=query.reducer, group_by_fields=list(query.group_by))
    return {"display_name": cond.title, "condition_threshold": {
        "filter": render.metric_filter(gcp, cond.ref, env), "aggregations": [aggregation], **_common(cond)}}


def _on_log_metric(gcp: GcpMonitoring, env: GcpEnvironment, policy: AlertPolicySpec, cond: Condition,
                   refs: Refs) -> dict[str, Any]:
    assert cond.window is not None, "validation (gcp-durations) requires a window here"
    series = refs.log_metric_name(cond.ref).apply(lambda n: render.log_metric_series(n, refs.project, cond.labels))
    return {"display_name": cond.title, "condition_threshold": {
        "filter": series,
        "aggregations": [{"alignment_period": render.seconds(cond.window), "per_series_aligner": "ALIGN_DELTA",
                          "cross_series_reducer": "REDUCE_SUM"}],
        **_common(cond)}}


def _on_uptime_check(gcp: GcpMonitoring, env: GcpEnvironment, policy: AlertPolicySpec, cond: Condition,
                     refs: Refs) -> dict[str, Any]:
    assert cond.window is not None, "validation (gcp-durations) requires a window here"
    return {"display_name": cond.title, "condition_threshold": {
        "filter": refs.uptime_check_id(cond.ref).apply(
            lambda i: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed" '
                      f'AND resource.type="uptime_url" AND resource.label.project_id="{refs.project}" '
                      f'AND metric.label.check_id="{i}"'),
        "aggregations": [{"alignment_period": render.seconds(cond.window), "per_series_aligner": "ALIGN_NEXT_OLDER",
                          "cross_series_reducer": "REDUCE_COUNT_FALSE", "group_by_fields": ["resource.label.*"]}],
        **_common(cond)}}


def _on_slo_burn_rate(gcp: GcpMonitoring, env: GcpEnvironment, policy: AlertPolicySpec, cond: Condition,
                      refs: Refs) -> dict[str, Any]:
    assert cond.window is not None, "validation (gcp-durations) requires a window here"
    lookback = render.seconds(cond.window)
    return {"display_name": cond.title, "condition_threshold": {
        "filter": refs.slo_name(cond.ref).apply(lambda n: f'select_slo_burn_rate("{n}", "{lookback}")'),
        **_common(cond)}}


ConditionBuilder = Callable[[GcpMonitoring, GcpEnvironment, AlertPolicySpec, Condition, Refs], dict[str, Any]]
CONDITIONS: dict[str, ConditionBuilder] = {
    "query": _on_query, "log_metric": _on_log_metric, "uptime_check": _on_uptime_check,
    "slo_burn_rate": _on_slo_burn_rate,
}


def condition(gcp: GcpMonitoring, env: GcpEnvironment, policy: AlertPolicySpec, cond: Condition,
              refs: Refs) -> dict[str, Any]:
    return CONDITIONS[cond.source](gcp, env, policy, cond, refs)


def alert_strategy(level: SeverityLevel, channel_names: list[Any]) -> dict[str, Any]:
    """Closes an incident after the level's response time; re-notifies at its interval where anyone hears."""
    strategy: dict[str, Any] = {"auto_close": f"{render.auto_close_seconds(level)}s"}
    if channel_names:
        strategy.update(
            notification_prompts=["OPENED", "CLOSED"],
            notification_channel_strategies=[{"notification_channel_names": channel_names,
                                              "renotify_interval": f"{render.renotify_seconds(level)}s"}],
        )
    return strategy


def log_metrics_read(gcp: GcpMonitoring, policy: AlertPolicySpec) -> set[str]:
    """Ids of the log-based metrics a policy's conditions read (it waits for new ones)."""
    used = {c.ref for c in policy.conditions if c.source == "log_metric"}
    used.update(m for c in policy.conditions if c.source == "query" for m in render.log_metrics_in_query(gcp, c.ref))
    return used


# --- log-based metrics, uptime checks, the dashboard -----------------------------------------

def log_metric_args(gcp: GcpMonitoring, metric: LogMetric, env: GcpEnvironment) -> dict[str, Any]:
    args: dict[str, Any] = {
        "name": metric.id,
        "description": metric.description,
        "filter": render.log_metric_filter(gcp, metric.id, env),
        "metric_descriptor": {
            "metric_kind": "DELTA", "value_type": "DISTRIBUTION" if metric.distribution else "INT64",
            "unit": metric.distribution.unit if metric.distribution else "1",
            "display_name": metric.id.replace("_", " "),
            "labels": [{"key": label.key, "value_type": "STRING", "description": label.description}
                       for label in metric.labels],
        },
        "label_extractors": {label.key: f"EXTRACT({label.field})" for label in metric.labels},
    }
    d = metric.distribution
    if d is not None:
        args.update(value_extractor=f"EXTRACT({d.field})", bucket_options={"exponential_buckets": {
            "num_finite_buckets": d.bucket_count, "growth_factor": d.growth_factor, "scale": d.scale}})
    return args


def uptime_check_args(check: UptimeCheck, env_id: str, project: str, host: str) -> dict[str, Any]:
    return {
        "display_name": f"{check.title} ({env_id})",
        "period": render.seconds(check.period),
        "timeout": check.timeout,
        "http_check": {
            "path": check.path, "port": 443, "use_ssl": True, "validate_ssl": True,
            "request_method": "GET",
            "accepted_response_status_codes": [{"status_class": "STATUS_CLASS_2XX"}],
            # A Cloud Run service that requires IAM answers 403 to an anonymous check.
            **({"service_agent_authentication": {"type": "OIDC_TOKEN"}} if check.authenticated else {}),
        },
        "monitored_resource": {"type": "uptime_url", "labels": {"project_id": project, "host": host}},
        "selected_regions": list(check.regions),
        "checker_type": "STATIC_IP_CHECKERS",
    }


def dashboard_json(gcp: GcpMonitoring, env: GcpEnvironment, env_name: str, project: str,
                   metric_names: dict[str, str]) -> str:
    """The review dashboard (``metric_names``: log metric id -> its name in Google)."""
    spec = gcp.dashboard
    assert spec is not None
    tiles = []
    for n, widget in enumerate(spec.widgets):
        data: dict[str, Any]
        if widget.source == "query" and gcp.known_query(widget.ref).promql is not None:
            data = {"prometheusQuery": render.promql(gcp, widget.ref, env, widget.window)}
        elif widget.source == "query":
            q = gcp.known_query(widget.ref)
            data = {"timeSeriesFilter": {
                "filter": render.metric_filter(gcp, widget.ref, env),
                "aggregation": {"alignmentPeriod": render.seconds(widget.window), "perSeriesAligner": q.aligner,
                                **({"crossSeriesReducer": q.reducer, "groupByFields": list(q.group_by)}
                                   if q.reducer else {})}}}
        else:
            data = {"timeSeriesFilter": {
                "filter": render.log_metric_series(metric_names[widget.ref], project),
                "aggregation": {"alignmentPeriod": render.seconds(widget.window), "perSeriesAligner": "ALIGN_DELTA",
                                "crossSeriesReducer": "REDUCE_SUM",
                                "groupByFields": [f"metric.label.{k}" for k in widget.group_by]}}}
        chart: dict[str, Any] = {"dataSets": [{"timeSeriesQuery": data, "plotType": "LINE"}]}
        if widget.thresholds:
            chart["thresholds"] = [{"value": v} for v in widget.thresholds]
        tiles.append({"xPos": 24 * (n % 2), "yPos": 16 * (n // 2), "width": 24, "height": 16,
                      "widget": {"title": widget.title, "xyChart": chart}})
    return json.dumps({"displayName": f"{spec.title} ({env_name})", "mosaicLayout": {"columns": 48, "tiles": tiles}},
                      sort_keys=True)

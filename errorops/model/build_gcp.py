"""Builds the GcpMonitoring model from the schema-valid gcp_monitoring document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..load.yaml_source import Document

from .gcp import (
    AlertPolicySpec,
    Condition,
    DashboardSpec,
    Distribution,
    Documentation,
    GcpChannel,
    GcpEnvironment,
    GcpMonitoring,
    Link,
    LogMetric,
    LogMetricLabel,
    MetricPropagation,
    Query,
    SloSpec,
    UptimeCheck,
    Widget,
)
from .gcp_sources import SOURCES
from .position import At



def _sub(at: At, *path: Any) -> At:
    return At(at.doc, at.path + path)


def _links(items: list[Any], at: At) -> tuple[Link, ...]:
    return tuple(Link(i["title"], i["url"], _sub(at, n)) for n, i in enumerate(items))


def _condition(item: dict[str, Any], at: At) -> Condition:
    source = next(s for s in SOURCES if s in item)
    return Condition(
        item["id"], item["title"], source, item[source], item["comparison"], item["threshold"], item["duration"],
        item.get("window"), dict(item.get("labels", {})), at, tuple(item.get("windows", ())), item.get("burn_rate_of"),
        item.get("mirrors"),
    )


def _policy(item: dict[str, Any], at: At) -> AlertPolicySpec:
    return AlertPolicySpec(
        item["id"], item["title"], item["severity"], item["team"], item["summary"],
        tuple(_condition(c, _sub(at, "conditions", n)) for n, c in enumerate(item["conditions"])),
        tuple(item.get("notes", ())), _links(item.get("links", []), _sub(at, "links")),
        dict(item.get("user_labels", {})), at,
    )


def _distribution(item: dict[str, Any], at: At) -> Distribution | None:
    d = item.get("distribution")
    if d is None:
        return None
    b = d["buckets"]
    return Distribution(d["field"], d["unit"], b["count"], b["growth_factor"], b["scale"], _sub(at, "distribution"))


def _widget(item: dict[str, Any], at: At) -> Widget:
    source = "query" if "query" in item else "log_metric"
    return Widget(item["title"], source, item[source], item["window"], tuple(item.get("group_by", ())),
                  tuple(item.get("thresholds", ())), at)


def build_gcp(docs: tuple[Document, ...]) -> GcpMonitoring | None:
    """The GcpMonitoring of the (first) gcp_monitoring document, or None where there is none."""
    if not docs:
        return None
    doc = docs[0]
    data = doc.data
    root = At(doc)

    def items(key: str) -> Iterator[tuple[dict[str, Any], At]]:
        for n, item in enumerate(data.get(key, [])):
            yield item, At(doc, (key, n))

    docs_data = data["documentation"]
    documentation = Documentation(
        tuple(docs_data["initial_assessment"]), tuple(docs_data["investigation"]),
        _links(docs_data.get("links", []), At(doc, ("documentation", "links"))), At(doc, ("documentation",)),
        dict(docs_data["headings"]), docs_data["service_logs"],
    )
    dashboard = None
    if "dashboard" in data:
        d = data["dashboard"]
        dat = At(doc, ("dashboard",))
        dashboard = DashboardSpec(d["id"], d["title"],
                                  tuple(_widget(w, _sub(dat, "widgets", n)) for n, w in enumerate(d["widgets"])), dat)
    return GcpMonitoring(
        cloud_severity=dict(data["cloud_severity"]),
        environments=tuple(GcpEnvironment(i["id"], i["cloud_run_service"], i["region"], at) for i, at in items("environments")),
        channels=tuple(
            GcpChannel(i["id"], i["type"], i.get("slack_channel"), i.get("auth_token_config"), i.get("recipient"),
                       i.get("service_key_config"), i.get("enabled_config"), at)
            for i, at in items("notification_channels")
        ),
        queries=tuple(
            Query(i["id"], i["description"], i.get("promql"), i.get("filter"), i.get("aligner"), i.get("reducer"),
                  tuple(i.get("group_by", ())), i.get("unit"), at)
            for i, at in items("queries")
        ),
        log_metrics=tuple(
            LogMetric(i["id"], i["description"], i["filter"],
                      tuple(LogMetricLabel(label["key"], label["field"], label.get("description", ""), _sub(at, "labels", n))
                            for n, label in enumerate(i.get("labels", []))), at, _distribution(i, at))
            for i, at in items("log_metrics")
        ),
        uptime_checks=tuple(
            UptimeCheck(i["id"], i["title"], i["path"], i["host_config"], i.get("period", "1m"), i.get("timeout", "10s"),
                        tuple(i.get("regions", ())), at, i.get("authenticated", False))
            for i, at in items("uptime_checks")
        ),
        slos=tuple(
            SloSpec(i["id"], i["title"], i["goal"], i["rolling_period_days"], i["total_filter"], i["bad_filter"], at)
            for i, at in items("slos")
        ),
        documentation=documentation,
        policies=tuple(_policy(i, at) for i, at in items("alert_policies")),
        dashboard=dashboard,
        metric_propagation=MetricPropagation(data["metric_propagation"]["timeout"], data["metric_propagation"]["interval"],
                                             At(doc, ("metric_propagation",))) if "metric_propagation" in data else None,
        at=root,
    )

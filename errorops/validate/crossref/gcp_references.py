"""Every id gcp_monitoring.yaml names exists: levels, teams, Slack channels, recipients,
queries, log-based metrics and their labels, uptime checks and SLOs.

Passing::

    cloud_severity: {P0: CRITICAL}
    notification_channels: [{id: slack-alerts, type: slack, slack_channel: alerts, ...}]
    alert_policies:
      - {id: service-unavailable, severity: P0, team: devops,
         conditions: [{id: c, query: error_ratio, ...}], ...}

Failing (no level P5; P3 has no Cloud Monitoring severity; no Slack channel
``ops``; no query ``error_rate``; ``region`` is not a label of the metric)::

    notification_channels: [{id: slack-ops, type: slack, slack_channel: ops, ...}]
    alert_policies:
      - {id: a, severity: P5, conditions: [{id: c, query: error_rate, ...}], ...}
      - {id: b, severity: P3, conditions: [{id: c, log_metric: cache_errors, labels: {region: eu}, ...}], ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.gcp import Condition, GcpMonitoring
from ...model.gcp_sources import SOURCES
from ...model.position import Located
from ...model.types import Model
from ...problems import Problem
from ._refs import listing, unknown


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    levels = {item.id for item in model.severity_levels}
    teams = {t.id for t in model.teams}
    slack = {c.id for c in model.slack_channels}
    recipients = {r.id: r for r in model.recipients}
    for level in gcp.cloud_severity:
        if level not in levels:
            yield gcp.at.problem(f"cloud_severity names level '{level}', which severity_levels does not define "
                                 f"(levels: {listing(levels)})", "cloud_severity", level, key=True)
    for ch in gcp.channels:
        # The schema gives a Slack channel its slack_channel and an e-mail one its recipient.
        if ch.type == "slack" and (ch.slack_channel or "") not in slack:
            yield unknown(ch.at, "Slack channel", ch.slack_channel or "", slack, "slack_channel", label="channels")
        if ch.type == "email":
            recipient = recipients.get(ch.recipient or "")
            if recipient is None:
                yield unknown(ch.at, "recipient", ch.recipient or "", recipients, "recipient", label="recipients")
            elif not recipient.address_config:
                yield ch.at.problem(f"recipient '{ch.recipient}' has no address_config, so it cannot be e-mailed", "recipient")
    for policy in gcp.policies:
        if policy.severity not in levels:
            yield unknown(policy.at, "severity level", policy.severity, levels, "severity", label="levels")
        elif policy.severity not in gcp.cloud_severity:
            yield policy.at.problem(
                f"level '{policy.severity}' has no Cloud Monitoring severity in cloud_severity "
                f"(mapped: {listing(gcp.cloud_severity)})", "severity")
        if policy.team not in teams:
            yield unknown(policy.at, "team", policy.team, teams, "team", label="teams")
        for cond in policy.conditions:
            yield from _condition(gcp, cond)
    if gcp.dashboard:
        for widget in gcp.dashboard.widgets:
            yield from _ref(gcp, widget, widget.source, widget.ref)
            metric = gcp.log_metric(widget.ref) if widget.source == "log_metric" else None
            if metric is not None:
                keys = {item.key for item in metric.labels}
                for n, key in enumerate(widget.group_by):
                    if key not in keys:
                        yield widget.at.problem(f"'{key}' is not a label of log metric '{metric.id}' "
                                                f"(labels: {listing(keys)})", "group_by", n)


def _ref(gcp: GcpMonitoring, obj: Located, source: str, ref: str) -> Iterator[Problem]:
    kind = SOURCES[source]
    if kind.find(gcp, ref) is None:
        known = [x.id for x in getattr(gcp, kind.section)]
        yield unknown(obj.at, kind.what, ref, known, source, label=kind.section)


def _condition(gcp: GcpMonitoring, cond: Condition) -> Iterator[Problem]:
    yield from _ref(gcp, cond, cond.source, cond.ref)
    query = gcp.query(cond.ref) if cond.source == "query" else None
    promql = query is not None and query.promql is not None
    for field, given in (("windows", cond.windows), ("burn_rate_of", cond.burn_rate_of)):
        if given and not promql:
            yield cond.at.problem(f"{field} applies only to conditions on a PromQL query", field)
    if cond.windows and cond.window:
        yield cond.at.problem("give window or windows, not both", "windows")
    if cond.burn_rate_of and gcp.slo(cond.burn_rate_of) is None:
        yield unknown(cond.at, "SLO", cond.burn_rate_of, [s.id for s in gcp.slos], "burn_rate_of", label="slos")
    if cond.labels and cond.source == "query":
        return  # a query's own ${variables}: gcp_expressions checks them
    if cond.labels and cond.source != "log_metric":
        yield cond.at.problem("labels filters only log_metric conditions and fills a query's variables", "labels")
        return
    metric = gcp.log_metric(cond.ref) if cond.source == "log_metric" else None
    if metric is not None:
        keys = {item.key for item in metric.labels}
        for key in cond.labels:
            if key not in keys:
                yield cond.at.problem(f"'{key}' is not a label of log metric '{metric.id}' (labels: {listing(keys)})",
                                      "labels", key, key=True)

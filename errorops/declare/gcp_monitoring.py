"""Google Cloud Monitoring in the stack's Google Cloud project, with pulumi_gcp.

Declares the `_Default` log bucket's retention (always), and from
alert_rules/gcp_monitoring.yaml: notification channels, log-based metrics, the
uptime check, the Cloud Run service and its SLO, the alert policies and the
review dashboard. Every string sent to Google comes from errorops.model.gcp_render.

Secrets: the Slack token and PagerDuty key are read with require_secret and go
only into ``sensitive_labels``; recipients' addresses are secret config too. The
outputs holding them are marked secret (additional_secret_outputs).
"""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

with warnings.catch_warnings():
    # Loading the package announces the deprecation of a data source errorops does not use.
    warnings.filterwarnings("ignore", message=r"gcp\.monitoring\.getSecretVersion", category=DeprecationWarning)
    gcp.monitoring.AlertPolicy  # noqa: B018 - the package loads lazily, on first use

from ..gcp_api.metric_ready import MetricReady
from ..model import gcp_render as render
from ..model.gcp import AlertPolicySpec, Condition, GcpChannel, GcpMonitoring, duration_seconds
from ..model.types import Model
from .settings import StackSettings

COMPARISON = {"gt": "COMPARISON_GT", "lt": "COMPARISON_LT"}


@dataclass
class GcpResources:
    log_bucket: gcp.logging.ProjectBucketConfig
    channels: dict[str, gcp.monitoring.NotificationChannel] = field(default_factory=dict)
    log_metrics: dict[str, gcp.logging.Metric] = field(default_factory=dict)
    metrics_ready: dict[str, MetricReady] = field(default_factory=dict)
    uptime_checks: dict[str, gcp.monitoring.UptimeCheckConfig] = field(default_factory=dict)
    service: gcp.monitoring.GenericService | None = None
    slos: dict[str, gcp.monitoring.Slo] = field(default_factory=dict)
    policies: dict[str, gcp.monitoring.AlertPolicy] = field(default_factory=dict)
    dashboard: gcp.monitoring.Dashboard | None = None


def _prom_name(text: str) -> str:
    """A valid Prometheus label name (alert_rule, rule_group)."""
    name = re.sub(r"[^a-zA-Z0-9_]", "_", text)
    return name if re.match(r"[a-zA-Z_]", name) else f"_{name}"


def declare_log_retention(settings: StackSettings) -> gcp.logging.ProjectBucketConfig:
    """The `_Default` bucket adopted and kept for the environment's retention; never locked."""
    env = settings.environment
    return gcp.logging.ProjectBucketConfig(
        "default-log-bucket",
        project=settings.gcp_project,
        location="global",
        bucket_id="_Default",
        retention_days=env.retention_days,
        locked=False,
        description=f"Default log bucket of {env.name}: {env.retention_days} days, managed by errorops.",
        opts=pulumi.ResourceOptions(protect=env.protect),
    )


class _Stack:
    """Declares the gcp_monitoring resources of one stack."""

    def __init__(self, model: Model, settings: StackSettings, resources: GcpResources):
        self.model = model
        self.gcp: GcpMonitoring = model.gcp
        self.settings = settings
        self.env = settings.environment
        self.project = settings.gcp_project
        self.config = pulumi.Config(model.project_name)
        self.res = resources
        gcp_env = self.gcp.environment(self.env.id)
        if gcp_env is None:
            raise pulumi.RunError(f"alert_rules/gcp_monitoring.yaml has no entry for environment '{self.env.id}'")
        self.gcp_env = dataclasses.replace(gcp_env, project=self.project)  # every query is scoped to it
        self.ctx = render.StackContext(self.env, self.gcp_env, model.organization.slug, self.project)
        self.labels = {"environment": self.env.id, "managed_by": "errorops"}

    # -- channels --

    def _enabled(self, ch: GcpChannel) -> bool:
        return bool(self.config.get_bool(ch.enabled_config)) if ch.enabled_config else True

    def channels(self) -> None:
        needed: set[str] = set()
        for level in self.model.severity_levels:
            needed.update(render.channel_ids(self.gcp, level.routes_in(self.env), self._enabled))
        for ch in self.gcp.channels:
            if ch.id in needed:
                self.res.channels[ch.id] = self._channel(ch)

    def _channel(self, ch: GcpChannel) -> gcp.monitoring.NotificationChannel:
        common = dict(project=self.project, user_labels=self.labels, enabled=True)
        if ch.type == "slack":
            slack = next(c for c in self.model.slack_channels if c.id == ch.slack_channel)
            return gcp.monitoring.NotificationChannel(
                ch.id, type="slack", display_name=f"Slack {slack.name} ({self.env.id})",
                labels={"channel_name": slack.name},
                sensitive_labels={"auth_token": self.config.require_secret(ch.auth_token_config)},
                opts=pulumi.ResourceOptions(additional_secret_outputs=["sensitive_labels"]), **common,
            )
        if ch.type == "pagerduty":
            return gcp.monitoring.NotificationChannel(
                ch.id, type="pagerduty", display_name=f"PagerDuty ({self.env.id})",
                sensitive_labels={"service_key": self.config.require_secret(ch.service_key_config)},
                opts=pulumi.ResourceOptions(additional_secret_outputs=["sensitive_labels"]), **common,
            )
        recipient = next(r for r in self.model.recipients if r.id == ch.recipient)
        address = self.settings.recipient_addresses.get(recipient.id)
        if address is None:
            raise pulumi.RunError(
                f"stack '{self.settings.stack}' e-mails {recipient.name} from Cloud Monitoring but "
                f"{self.model.project_name}:{recipient.address_config} is unset; "
                f"set it with: pulumi config set --secret {recipient.address_config} ..."
            )
        return gcp.monitoring.NotificationChannel(
            ch.id, type="email", display_name=f"{recipient.name} e-mail ({self.env.id})",
            labels={"email_address": pulumi.Output.secret(address)},
            opts=pulumi.ResourceOptions(additional_secret_outputs=["labels"]), **common,
        )

    # -- metrics, uptime, SLO --

    def log_metrics(self) -> None:
        for metric in self.gcp.log_metrics:
            self.res.log_metrics[metric.id] = gcp.logging.Metric(
                metric.id,
                project=self.project,
                name=metric.id,
                description=metric.description,
                filter=render.log_metric_filter(self.gcp, metric.id, self.gcp_env),
                metric_descriptor={
                    "metric_kind": "DELTA", "value_type": "DISTRIBUTION" if metric.distribution else "INT64",
                    "unit": metric.distribution.unit if metric.distribution else "1",
                    "display_name": metric.id.replace("_", " "),
                    "labels": [{"key": l.key, "value_type": "STRING", "description": l.description} for l in metric.labels],
                },
                label_extractors={l.key: f"EXTRACT({l.field})" for l in metric.labels},
                **self._distribution(metric),
            )
            wait = self.gcp.metric_propagation
            if wait is not None:
                created = self.res.log_metrics[metric.id]
                self.res.metrics_ready[metric.id] = MetricReady(
                    f"{metric.id}-ready", project=self.project,
                    metric_type=created.name.apply(lambda n: render.LOG_METRIC_PREFIX + n),
                    timeout_seconds=duration_seconds(wait.timeout), interval_seconds=duration_seconds(wait.interval),
                    opts=pulumi.ResourceOptions(depends_on=[created]),
                )

    @staticmethod
    def _distribution(metric) -> dict:
        d = metric.distribution
        if d is None:
            return {}
        return {"value_extractor": f"EXTRACT({d.field})", "bucket_options": {"exponential_buckets": {
            "num_finite_buckets": d.bucket_count, "growth_factor": d.growth_factor, "scale": d.scale}}}

    def uptime_checks(self) -> None:
        for check in self.gcp.uptime_checks:
            self.res.uptime_checks[check.id] = gcp.monitoring.UptimeCheckConfig(
                check.id,
                project=self.project,
                display_name=f"{check.title} ({self.env.id})",
                period=render.seconds(check.period),
                timeout=check.timeout,
                http_check={
                    "path": check.path, "port": 443, "use_ssl": True, "validate_ssl": True,
                    "request_method": "GET",
                    "accepted_response_status_codes": [{"status_class": "STATUS_CLASS_2XX"}],
                    # A Cloud Run service that requires IAM answers 403 to an anonymous check.
                    **({"service_agent_authentication": {"type": "OIDC_TOKEN"}} if check.authenticated else {}),
                },
                monitored_resource={
                    "type": "uptime_url",
                    "labels": {"project_id": self.project, "host": self.config.require(check.host_config)},
                },
                selected_regions=list(check.regions),
                checker_type="STATIC_IP_CHECKERS",
                user_labels=self.labels,
            )

    def slos(self) -> None:
        if not self.gcp.slos:
            return
        svc = self.gcp_env.cloud_run_service
        self.res.service = gcp.monitoring.GenericService(
            svc,
            project=self.project,
            service_id=svc,
            display_name=f"{svc} ({self.env.name})",
            basic_service={"service_type": "CLOUD_RUN",
                           "service_labels": {"service_name": svc, "location": self.gcp_env.region}},
            user_labels=self.labels,
        )
        for slo in self.gcp.slos:
            total, bad = render.slo_filters(self.gcp, slo.id, self.gcp_env)
            self.res.slos[slo.id] = gcp.monitoring.Slo(
                slo.id,
                project=self.project,
                service=self.res.service.service_id,
                slo_id=slo.id,
                display_name=slo.title,
                goal=slo.goal,
                rolling_period_days=slo.rolling_period_days,
                request_based_sli={"good_total_ratio": {"total_service_filter": total, "bad_service_filter": bad}},
                user_labels=self.labels,
            )

    def slo_name(self, slo_id: str) -> pulumi.Output:
        slo = self.res.slos[slo_id]
        return pulumi.Output.all(slo.project, self.res.service.service_id, slo.slo_id).apply(
            lambda a: f"projects/{a[0]}/services/{a[1]}/serviceLevelObjectives/{a[2]}"
        )

    # -- alert policies --

    def _condition(self, policy: AlertPolicySpec, cond: Condition) -> dict:
        common = {"comparison": COMPARISON[cond.comparison], "threshold_value": cond.threshold,
                  "duration": render.seconds(cond.duration), "trigger": {"count": 1}}
        if cond.source == "query":
            query = self.gcp.query(cond.ref)
            if query.promql is not None:
                return {"display_name": cond.title, "condition_prometheus_query_language": {
                    "query": render.promql_condition(self.gcp, cond, self.gcp_env),
                    "duration": render.seconds(cond.duration), "evaluation_interval": "60s",
                    "rule_group": _prom_name(policy.id), "alert_rule": _prom_name(cond.ref),
                }}
            aggregation = {"alignment_period": render.seconds(cond.window), "per_series_aligner": query.aligner}
            if query.reducer:
                aggregation.update(cross_series_reducer=query.reducer, group_by_fields=list(query.group_by))
            return {"display_name": cond.title, "condition_threshold": {
                "filter": render.metric_filter(self.gcp, cond.ref, self.gcp_env), "aggregations": [aggregation],
                **common}}
        if cond.source == "log_metric":
            series = self.res.log_metrics[cond.ref].name.apply(
                lambda n: render.log_metric_series(n, self.project, cond.labels))
            return {"display_name": cond.title, "condition_threshold": {
                "filter": series,
                "aggregations": [{"alignment_period": render.seconds(cond.window), "per_series_aligner": "ALIGN_DELTA",
                                  "cross_series_reducer": "REDUCE_SUM"}],
                **common}}
        if cond.source == "uptime_check":
            check_id = self.res.uptime_checks[cond.ref].uptime_check_id
            return {"display_name": cond.title, "condition_threshold": {
                "filter": check_id.apply(
                    lambda i: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed" '
                              f'AND resource.type="uptime_url" AND resource.label.project_id="{self.project}" '
                              f'AND metric.label.check_id="{i}"'),
                "aggregations": [{"alignment_period": render.seconds(cond.window), "per_series_aligner": "ALIGN_NEXT_OLDER",
                                  "cross_series_reducer": "REDUCE_COUNT_FALSE", "group_by_fields": ["resource.label.*"]}],
                **common}}
        lookback = render.seconds(cond.window)
        return {"display_name": cond.title, "condition_threshold": {
            "filter": self.slo_name(cond.ref).apply(lambda n: f'select_slo_burn_rate("{n}", "{lookback}")'),
            **common}}

    def policies(self) -> None:
        for policy in self.gcp.policies:
            level = self.model.severity(policy.severity)
            channel_ids = render.channel_ids(self.gcp, level.routes_in(self.env), self._enabled)
            names = [self.res.channels[c].name for c in channel_ids]
            strategy: dict = {"auto_close": f"{render.auto_close_seconds(level)}s"}
            if names:
                strategy.update(
                    notification_prompts=["OPENED", "CLOSED"],
                    notification_channel_strategies=[{"notification_channel_names": names,
                                                      "renotify_interval": f"{render.renotify_seconds(level)}s"}],
                )
            subject, content = render.documentation(self.model, policy, self.ctx)
            # First deploy: a policy on a new log-based metric is created only once Google can find it.
            used = {c.ref for c in policy.conditions if c.source == "log_metric"}
            used.update(m for c in policy.conditions if c.source == "query" for m in render.log_metrics_in_query(self.gcp, c.ref))
            waits = sorted(used & set(self.res.metrics_ready))
            self.res.policies[policy.id] = gcp.monitoring.AlertPolicy(
                policy.id,
                project=self.project,
                display_name=f"{level.id} {policy.title}",
                combiner="OR",
                enabled=True,
                severity=self.gcp.cloud_severity[level.id],
                conditions=[self._condition(policy, c) for c in policy.conditions],
                notification_channels=names,
                alert_strategy=strategy,
                user_labels=render.user_labels(policy, self.env),
                documentation={
                    "subject": subject, "content": content, "mime_type": "text/markdown",
                    "links": [{"display_name": l.title, "url": l.url} for l in render.links(self.gcp, policy, self.ctx)],
                },
                opts=pulumi.ResourceOptions(depends_on=[self.res.metrics_ready[m] for m in waits]) if waits else None,
            )

    # -- dashboard --

    def dashboard(self) -> None:
        spec = self.gcp.dashboard
        if spec is None:
            return
        names = {m: r.name for m, r in self.res.log_metrics.items()}

        def build(metric_names: dict[str, str]) -> str:
            tiles = []
            for n, widget in enumerate(spec.widgets):
                if widget.source == "query" and self.gcp.query(widget.ref).promql is not None:
                    data = {"prometheusQuery": render.promql(self.gcp, widget.ref, self.gcp_env, widget.window)}
                elif widget.source == "query":
                    q = self.gcp.query(widget.ref)
                    data = {"timeSeriesFilter": {
                        "filter": render.metric_filter(self.gcp, widget.ref, self.gcp_env),
                        "aggregation": {"alignmentPeriod": render.seconds(widget.window), "perSeriesAligner": q.aligner,
                                        **({"crossSeriesReducer": q.reducer, "groupByFields": list(q.group_by)}
                                           if q.reducer else {})}}}
                else:
                    data = {"timeSeriesFilter": {
                        "filter": render.log_metric_series(metric_names[widget.ref], self.project),
                        "aggregation": {"alignmentPeriod": render.seconds(widget.window), "perSeriesAligner": "ALIGN_DELTA",
                                        "crossSeriesReducer": "REDUCE_SUM",
                                        "groupByFields": [f"metric.label.{k}" for k in widget.group_by]}}}
                chart = {"dataSets": [{"timeSeriesQuery": data, "plotType": "LINE"}]}
                if widget.thresholds:
                    chart["thresholds"] = [{"value": v} for v in widget.thresholds]
                tiles.append({"xPos": 24 * (n % 2), "yPos": 16 * (n // 2), "width": 24, "height": 16,
                              "widget": {"title": widget.title, "xyChart": chart}})
            return json.dumps({"displayName": f"{spec.title} ({self.env.name})",
                               "mosaicLayout": {"columns": 48, "tiles": tiles}}, sort_keys=True)

        self.res.dashboard = gcp.monitoring.Dashboard(
            spec.id, project=self.project,
            dashboard_json=pulumi.Output.all(**names).apply(build) if names else build({}),
        )


def declare_gcp_monitoring(model: Model, settings: StackSettings) -> GcpResources:
    resources = GcpResources(declare_log_retention(settings))
    pulumi.export("gcp_log_retention_days", resources.log_bucket.retention_days)
    if model.gcp is None:
        return resources
    stack = _Stack(model, settings, resources)
    stack.channels()
    stack.log_metrics()
    stack.uptime_checks()
    stack.slos()
    stack.policies()
    stack.dashboard()
    pulumi.export("gcp_notification_channels", {k: v.name for k, v in sorted(resources.channels.items())})
    pulumi.export("gcp_alert_policies", sorted(resources.policies))
    pulumi.export("gcp_log_metrics", sorted(resources.log_metrics))
    pulumi.export("gcp_uptime_checks", {k: v.uptime_check_id for k, v in sorted(resources.uptime_checks.items())})
    pulumi.export("gcp_slos", {k: stack.slo_name(k) for k in sorted(resources.slos)})
    if resources.dashboard is not None:
        pulumi.export("gcp_dashboard", resources.dashboard.id)
    return resources

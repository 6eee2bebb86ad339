"""Google Cloud Monitoring in the stack's Google Cloud project, with pulumi_gcp.

Declares the `_Default` log bucket's retention (always), and from
alert_rules/gcp_monitoring.yaml: notification channels, log-based metrics, the
uptime check, the Cloud Run service and its SLO, the alert policies and the
review dashboard. What each is sent is built in declare/gcp_payloads.py (every
string from errorops.model.gcp_render); the stack's config comes from settings.py.

Secrets: the Slack token and PagerDuty key are read with require_secret and go
only into ``sensitive_labels``; recipients' addresses are secret config too. The
outputs holding them are marked secret (additional_secret_outputs).
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pulumi_gcp as gcp

with warnings.catch_warnings():
    # Loading the package announces the deprecation of a data source errorops does not use.
    warnings.filterwarnings("ignore", message=r"gcp\.monitoring\.getSecretVersion", category=DeprecationWarning)
    gcp.monitoring.AlertPolicy  # noqa: B018 - the package loads lazily, on first use

from ..gcp_api.metric_ready import MetricReady
from ..model import gcp_render as render
from ..model.gcp import GcpChannel, GcpMonitoring, duration_seconds
from ..model.types import Model
from . import gcp_payloads as payloads
from .settings import StackSettings


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

    def __init__(self, model: Model, gcp: GcpMonitoring, settings: StackSettings, resources: GcpResources):
        self.model = model
        self.gcp = gcp
        self.settings = settings
        self.env = settings.environment
        self.project = settings.gcp_project
        self.res = resources
        gcp_env = self.gcp.environment(self.env.id)
        if gcp_env is None:
            raise pulumi.RunError(f"alert_rules/gcp_monitoring.yaml has no entry for environment '{self.env.id}'")
        self.gcp_env = dataclasses.replace(gcp_env, project=self.project)  # every query is scoped to it
        self.ctx = render.StackContext(self.env, self.gcp_env, model.organization.slug, self.project)
        self.labels = {"environment": self.env.id, "managed_by": "errorops"}
        self.refs = payloads.Refs(
            self.project,
            log_metric_name=lambda m: self.res.log_metrics[m].name,
            uptime_check_id=lambda c: self.res.uptime_checks[c].uptime_check_id,
            slo_name=self.slo_name,
        )

    def _require(self, values: dict[str, Any], key: str, what: str) -> Any:
        value = values.get(key)
        if value is None:
            secret = "--secret " if values is self.settings.gcp_secrets else ""
            raise pulumi.RunError(f"stack '{self.settings.stack}' needs {self.model.project_name}:{key} ({what}); "
                                  f"set it with: pulumi config set {secret}{key} ...")
        return value

    # -- channels --

    def _enabled(self, ch: GcpChannel) -> bool:
        return self.settings.gcp_switches.get(ch.enabled_config, False) if ch.enabled_config else True

    def channels(self) -> None:
        needed: set[str] = set()
        for level in self.model.severity_levels:
            needed.update(render.channel_ids(self.gcp, level.routes_in(self.env), self._enabled))
        for ch in self.gcp.channels:
            if ch.id in needed:
                self.res.channels[ch.id] = self._channel(ch)

    def _channel(self, ch: GcpChannel) -> gcp.monitoring.NotificationChannel:
        labels: dict[str, Any]
        sensitive: gcp.monitoring.NotificationChannelSensitiveLabelsArgs | None = None
        if ch.type == "slack":
            slack = next(c for c in self.model.slack_channels if c.id == ch.slack_channel)
            display, labels = f"Slack {slack.name} ({self.env.id})", {"channel_name": slack.name}
            sensitive = gcp.monitoring.NotificationChannelSensitiveLabelsArgs(auth_token=self._require(
                self.settings.gcp_secrets, str(ch.auth_token_config), "the Slack token of Cloud Monitoring"))
        elif ch.type == "pagerduty":
            display, labels = f"PagerDuty ({self.env.id})", {}
            sensitive = gcp.monitoring.NotificationChannelSensitiveLabelsArgs(service_key=self._require(
                self.settings.gcp_secrets, str(ch.service_key_config), "the PagerDuty service key"))
        else:
            recipient = next(r for r in self.model.recipients if r.id == ch.recipient)
            address = self.settings.recipient_addresses.get(recipient.id)
            if address is None:
                raise pulumi.RunError(
                    f"stack '{self.settings.stack}' e-mails {recipient.name} from Cloud Monitoring but "
                    f"{self.model.project_name}:{recipient.address_config} is unset; "
                    f"set it with: pulumi config set --secret {recipient.address_config} ..."
                )
            display, labels = f"{recipient.name} e-mail ({self.env.id})", {"email_address": pulumi.Output.secret(address)}
        return gcp.monitoring.NotificationChannel(
            ch.id, type=ch.type, display_name=display, labels=labels or None, sensitive_labels=sensitive,
            project=self.project, user_labels=self.labels, enabled=True,
            opts=pulumi.ResourceOptions(additional_secret_outputs=["sensitive_labels" if sensitive else "labels"]),
        )

    # -- metrics, uptime, SLO --

    def log_metrics(self) -> None:
        for metric in self.gcp.log_metrics:
            created = self.res.log_metrics[metric.id] = gcp.logging.Metric(
                metric.id, project=self.project, **payloads.log_metric_args(self.gcp, metric, self.gcp_env))
            wait = self.gcp.metric_propagation
            if wait is not None:
                self.res.metrics_ready[metric.id] = MetricReady(
                    f"{metric.id}-ready", project=self.project,
                    metric_type=created.name.apply(lambda n: render.LOG_METRIC_PREFIX + n),
                    timeout_seconds=duration_seconds(wait.timeout), interval_seconds=duration_seconds(wait.interval),
                    opts=pulumi.ResourceOptions(depends_on=[created]),
                )

    def uptime_checks(self) -> None:
        for check in self.gcp.uptime_checks:
            host = self._require(self.settings.gcp_hosts, check.host_config, f"the host uptime check '{check.id}' calls")
            self.res.uptime_checks[check.id] = gcp.monitoring.UptimeCheckConfig(
                check.id, project=self.project, user_labels=self.labels,
                **payloads.uptime_check_args(check, self.env.id, self.project, host))

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

    def slo_name(self, slo_id: str) -> pulumi.Output[str]:
        slo = self.res.slos[slo_id]
        assert self.res.service is not None, "slos() declares the service with the first SLO"
        return pulumi.Output.all(slo.project, self.res.service.service_id, slo.slo_id).apply(
            lambda a: f"projects/{a[0]}/services/{a[1]}/serviceLevelObjectives/{a[2]}"
        )

    # -- alert policies --

    def policies(self) -> None:
        for policy in self.gcp.policies:
            level = self.model.severity(policy.severity)
            channel_ids = render.channel_ids(self.gcp, level.routes_in(self.env), self._enabled)
            names = [self.res.channels[c].name for c in channel_ids]
            subject, content = render.documentation(self.model, policy, self.ctx)
            # First deploy: a policy on a new log-based metric is created only once Google can find it.
            waits = sorted(payloads.log_metrics_read(self.gcp, policy) & set(self.res.metrics_ready))
            self.res.policies[policy.id] = gcp.monitoring.AlertPolicy(
                policy.id,
                project=self.project,
                display_name=f"{level.id} {policy.title}",
                combiner="OR",
                enabled=True,
                severity=self.gcp.cloud_severity[level.id],
                # The builders' plain dicts are the SDK's *ArgsDict shapes; the plan tests check
                # them against what Google takes, field by field.
                conditions=cast(Any, [payloads.condition(self.gcp, self.gcp_env, policy, c, self.refs)
                                      for c in policy.conditions]),
                notification_channels=names,
                alert_strategy=cast(Any, payloads.alert_strategy(level, names)),
                user_labels=render.user_labels(policy, self.env),
                documentation={
                    "subject": subject, "content": content, "mime_type": "text/markdown",
                    "links": [{"display_name": item.title, "url": item.url} for item in render.links(self.gcp, policy, self.ctx)],
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
            return payloads.dashboard_json(self.gcp, self.gcp_env, self.env.name, self.project, metric_names)

        self.res.dashboard = gcp.monitoring.Dashboard(
            spec.id, project=self.project,
            dashboard_json=pulumi.Output.all(**names).apply(build) if names else build({}),
        )


def declare_gcp_monitoring(model: Model, settings: StackSettings) -> GcpResources:
    resources = GcpResources(declare_log_retention(settings))
    pulumi.export("gcp_log_retention_days", resources.log_bucket.retention_days)
    if model.gcp is None:
        return resources
    stack = _Stack(model, model.gcp, settings, resources)
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

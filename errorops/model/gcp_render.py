"""What the gcp_monitoring YAML becomes as Cloud Monitoring text: filters, PromQL,
documentation, labels and notification timing. Pure functions, no Pulumi.

The declare step sends exactly these strings; the validation rules check the same
strings (length of the documentation, labels Google accepts), so what is checked
is what is deployed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
import re
import string
from dataclasses import dataclass
from urllib.parse import quote

from .gcp_sources import SOURCES
from .gcp import GcpChannel, AlertPolicySpec, Condition, GcpEnvironment, GcpMonitoring, Link, duration_seconds
from .types import Environment, Model, Routes, SeverityLevel

# Variables each kind of text may use, as ${name}.
# ${project} is the stack's Google Cloud project: where one metrics scope spans several
# projects, a query without it would let prod's policies fire on staging's traffic.
EXPRESSION_VARIABLES = frozenset({"service", "window", "project"})
FILTER_VARIABLES = frozenset({"service", "project"})
LINK_VARIABLES = frozenset({"organization", "sentry_project", "project", "environment"})

# Google's bounds on an incident's auto-close duration: 30 minutes to 7 days.
AUTO_CLOSE_MIN_S = 30 * 60
AUTO_CLOSE_MAX_S = 7 * 24 * 3600

LOG_METRIC_PREFIX = "logging.googleapis.com/user/"
# The same metrics in PromQL: the first '/' becomes ':', other special characters '_'
# (cloud.google.com/monitoring/promql/promql-mapping); distributions add _bucket, _sum, _count.
LOG_METRIC_PROMQL_PREFIX = "logging_googleapis_com:user_"


def variables_in(text: str) -> tuple[set[str], list[str]]:
    """The ${names} a text uses, and any malformed '$' uses ('$' must be '$$' or start a name)."""
    names, bad = set(), []
    for match in string.Template.pattern.finditer(text):
        if match.group("named") or match.group("braced"):
            names.add(match.group("named") or match.group("braced"))
        elif match.group("invalid") is not None:
            bad.append(text[match.start(): match.start() + 12])
    return names, bad


def fill(text: str, **values: str) -> str:
    return string.Template(text).safe_substitute(values)


def seconds(text: str) -> str:
    """'5m' -> '300s', the form the API takes."""
    return f"{duration_seconds(text)}s"


def human_minutes(minutes: int) -> str:
    if minutes >= 2880 and minutes % 1440 == 0:
        return f"{minutes // 1440} days"
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# ---- filters and queries ---------------------------------------------------------------

def service_scope(env: GcpEnvironment) -> str:
    return f'resource.type="cloud_run_revision" AND resource.labels.service_name="{env.cloud_run_service}"'


def _values(env: GcpEnvironment, **more: str) -> dict[str, str]:
    return {"service": env.cloud_run_service, "project": env.project, **more}


def log_metric_filter(gcp: GcpMonitoring, metric_id: str, env: GcpEnvironment) -> str:
    metric = gcp.known_log_metric(metric_id)
    return f"{service_scope(env)} AND ({fill(metric.filter, **_values(env))})"


def log_metric_series(metric_name: str, project: str, labels: dict[str, str] | None = None) -> str:
    """Monitoring filter for the time series of a log-based metric (given its name) in ``project``."""
    parts = [f'metric.type="{LOG_METRIC_PREFIX}{metric_name}"', 'resource.type="cloud_run_revision"',
             f'resource.label.project_id="{project}"']
    parts += [f'metric.label.{k}="{v}"' for k, v in sorted((labels or {}).items())]
    return " AND ".join(parts)


def promql(gcp: GcpMonitoring, query_id: str, env: GcpEnvironment, window: str | None,
           labels: dict[str, str] | None = None) -> str:
    text = gcp.known_query(query_id).promql
    assert text is not None, f"query '{query_id}' is a Monitoring filter, not PromQL"
    return " ".join(fill(text, **_values(env, window=window or "5m", **(labels or {}))).split())


def budget(gcp: GcpMonitoring, slo_id: str) -> float:
    """The error budget of an SLO as a fraction (goal 0.99 -> 0.01), without float noise."""
    return round(1 - gcp.known_slo(slo_id).goal, 10)


def promql_condition(gcp: GcpMonitoring, cond: Condition, env: GcpEnvironment) -> str:
    """The condition as PromQL: each window's value compared, all windows required (``and``)."""
    parts = []
    for window in cond.windows or (cond.window,):
        value = f"({promql(gcp, cond.ref, env, window, cond.labels)})"
        if cond.burn_rate_of:
            value += f" / {number(budget(gcp, cond.burn_rate_of))}"
        parts.append(f"{value} {cond.operator} {number(cond.threshold)}")
    return parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)


def log_metrics_in_query(gcp: GcpMonitoring, query_id: str) -> list[str]:
    """Ids of the log-based metrics a PromQL query reads (a policy on them waits for them)."""
    text = gcp.known_query(query_id).promql or ""
    names = set(re.findall(re.escape(LOG_METRIC_PROMQL_PREFIX) + r"([A-Za-z0-9_]+)", text))
    return sorted(m.id for m in gcp.log_metrics
                  if any(n == m.id or n in (f"{m.id}_bucket", f"{m.id}_sum", f"{m.id}_count") for n in names))


def metric_filter(gcp: GcpMonitoring, query_id: str, env: GcpEnvironment) -> str:
    text = gcp.known_query(query_id).filter
    assert text is not None, f"query '{query_id}' is PromQL, not a Monitoring filter"
    return fill(text, **_values(env))


def slo_filters(gcp: GcpMonitoring, slo_id: str, env: GcpEnvironment) -> tuple[str, str]:
    slo = gcp.known_slo(slo_id)
    return fill(slo.total_filter, **_values(env)), fill(slo.bad_filter, **_values(env))


def condition_text(gcp: GcpMonitoring, cond: Condition) -> str:
    """Short, readable: 'error_ratio[5m] > 0.05 for 5m'."""
    window = f"[{' and '.join(cond.windows)}]" if cond.windows else (f"[{cond.window}]" if cond.window else "")
    query = gcp.known_query(cond.ref) if cond.source == "query" else None
    unit = f" {query.unit}" if query is not None and query.unit else ""
    return f"{SOURCES[cond.source].formula(cond)}{window} {cond.operator} {number(cond.threshold)}{unit} for {cond.duration}"


# ---- labels and timing -----------------------------------------------------------------

def user_labels(policy: AlertPolicySpec, env: Environment) -> dict[str, str]:
    """The labels sent to Google: the policy's own, then severity, team and environment."""
    return {**policy.user_labels, "severity": policy.severity.lower(), "team": policy.team, "environment": env.id}


def renotify_seconds(level: SeverityLevel) -> int:
    return level.renotify_minutes * 60


def auto_close_seconds(level: SeverityLevel) -> int:
    """An incident whose data stopped arriving closes after the level's response time, within Google's bounds."""
    return max(AUTO_CLOSE_MIN_S, min(AUTO_CLOSE_MAX_S, level.response_business_minutes * 60))


# ---- documentation ---------------------------------------------------------------------

@dataclass(frozen=True)
class StackContext:
    """What a policy's text needs to know about the stack it is declared in."""

    env: Environment
    gcp_env: GcpEnvironment
    organization: str
    project: str


def context_for(model: Model, env: Environment, project: str) -> StackContext | None:
    gcp_env = model.gcp.environment(env.id) if model.gcp else None
    if gcp_env is None:
        return None
    return StackContext(env, dataclasses.replace(gcp_env, project=project), model.organization.slug, project)


def links(gcp: GcpMonitoring, policy: AlertPolicySpec, ctx: StackContext) -> list[Link]:
    values = {"organization": ctx.organization, "sentry_project": ctx.env.project.slug,
              "project": ctx.project, "environment": ctx.env.id}
    return [Link(item.title, fill(item.url, **values), item.at) for item in (*gcp.documentation.links, *policy.links)]


def logs_url(filter_text: str, project: str) -> str:
    return f"https://console.cloud.google.com/logs/query;query={quote(filter_text, safe='')}?project={quote(project)}"


def _response(level: SeverityLevel) -> str:
    text = f"within {human_minutes(level.response_business_minutes)} during business hours"
    if level.response_always_minutes:
        text += f", {human_minutes(level.response_always_minutes)} 24/7"
    return text


def _explain_query(gcp: GcpMonitoring, cond: Condition, ctx: StackContext) -> list[str]:
    query = gcp.known_query(cond.ref)
    body = promql_condition(gcp, cond, ctx.gcp_env) if query.promql else metric_filter(gcp, cond.ref, ctx.gcp_env)
    return [f"  {query.description}", "", "  ```", f"  {body}", "  ```"]


def _explain_log_metric(gcp: GcpMonitoring, cond: Condition, ctx: StackContext) -> list[str]:
    metric = gcp.known_log_metric(cond.ref)
    return [f"  Log-based metric `{cond.ref}`: {metric.description}",
            f"  [Matching log entries]({logs_url(log_metric_filter(gcp, cond.ref, ctx.gcp_env), ctx.project)})"]


def _explain_uptime_check(gcp: GcpMonitoring, cond: Condition, ctx: StackContext) -> list[str]:
    check = gcp.known_uptime_check(cond.ref)
    return [f"  Uptime check `{check.id}` of `{check.path}`: value is the number of checker locations failing."]


def _explain_slo(gcp: GcpMonitoring, cond: Condition, ctx: StackContext) -> list[str]:
    return [f"  SLO `{cond.ref}` ({gcp.known_slo(cond.ref).title}): value is the error-budget burn rate."]


# What a condition on each source watches, in a policy's documentation (keyed as gcp_sources.SOURCES).
EXPLAIN = {"query": _explain_query, "log_metric": _explain_log_metric, "uptime_check": _explain_uptime_check,
           "slo_burn_rate": _explain_slo}


def _condition_lines(gcp: GcpMonitoring, cond: Condition, ctx: StackContext) -> list[str]:
    return [f"- **{cond.title}** (`{condition_text(gcp, cond)}`)", *EXPLAIN[cond.source](gcp, cond, ctx)]


def documentation(model: Model, policy: AlertPolicySpec, ctx: StackContext) -> tuple[str, str]:
    """(subject, markdown content) of a policy in one stack."""
    gcp = model.gcp
    assert gcp is not None, "a policy comes from gcp_monitoring.yaml"
    level = model.severity(policy.severity)
    env = ctx.env
    subject = f"[{level.id} {level.name}] {policy.title} ({env.id})"
    out = [
        f"## {policy.title}",
        "",
        f"**What fired:** {policy.summary}",
        "",
        f"**Level:** {level.id} {level.name} ({level.summary}). Respond {_response(level)}; "
        f"open incidents notify again every {human_minutes(level.renotify_minutes)}.",
        "",
        f"**Where:** {env.name}, Cloud Run service `{ctx.gcp_env.cloud_run_service}` in project `{ctx.project}`. "
        f"[Service logs]({logs_url(service_scope(ctx.gcp_env), ctx.project)}): {gcp.documentation.service_logs}",
        "",
        "### Conditions" + (" (any of)" if len(policy.conditions) > 1 else ""),
    ]
    for cond in policy.conditions:
        out += _condition_lines(gcp, cond, ctx)
    if level.actions:
        out += ["", f"### Actions ({level.id})"] + [f"{n}. {a}" for n, a in enumerate(level.actions, 1)]
    headings = gcp.documentation.headings
    out += ["", f"### {headings['initial_assessment']}"] + [f"- [ ] {s}" for s in gcp.documentation.initial_assessment]
    out += ["", f"### {headings['investigation']}"] + [f"- [ ] {s}" for s in gcp.documentation.investigation]
    if policy.notes:
        out += ["", f"### {headings['known_causes']}"] + [f"- {n}" for n in policy.notes]
    return subject, "\n".join(out) + "\n"


# ---- routing ---------------------------------------------------------------------------

def channel_ids(gcp: GcpMonitoring, routes: Routes, enabled: Callable[[GcpChannel], bool]) -> list[str]:
    """Ids of the channels that stand for ``routes`` (a Routes), in YAML order.

    ``enabled(channel)`` says whether a channel with an ``enabled_config`` is on in this stack.
    """
    chosen = []
    for ch in gcp.channels:
        if ch.enabled_config and not enabled(ch):
            continue
        if (ch.type == "slack" and ch.slack_channel in routes.slack) or (
            ch.type == "email" and ch.recipient in routes.email) or (ch.type == "pagerduty" and routes.pagerduty):
            chosen.append(ch.id)
    return chosen

"""Google Cloud resources in words: alert policies (table line, summary, changes) and the
resources around them (notification channels, log-based metrics, uptime checks, log
buckets, dashboards, SLOs), read from the plan's inputs.

Everything shown is what the program sent, not what the YAML said: a threshold printed
here is the threshold Cloud Monitoring gets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .base import Describer, Named, scalar, toggled
from .changes import Explained, generic, leaf_changes
from .roles import Roles
from .routes import as_words, gcp_routes, route_list, route_sentences
from .sentence import Raw, Sentence, say
from .values import duration, get, number, opt, show

GCP_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"

_METRIC = re.compile(r'metric\.type="([^"]+)"')
_LABEL = re.compile(r'metric\.label\.([a-z_][a-z0-9_]*)="([^"]*)"')
_BURN = re.compile(r'select_slo_burn_rate\("([^"]*)",\s*"([0-9]+s)"\)')
_PLACEHOLDER = re.compile(r"<id of ([^>]+)>")


# Keyed by object: looked up with whatever JSON value a plan holds.
COMPARATORS: dict[object, str] = {
    "COMPARISON_GT": ">", "COMPARISON_GE": ">=", "COMPARISON_LT": "<", "COMPARISON_LE": "<=",
    "COMPARISON_EQ": "==", "COMPARISON_NE": "!=",
}
CONDITION_KINDS = (
    "conditionThreshold", "conditionPrometheusQueryLanguage", "conditionMatchedLog", "conditionAbsent",
    "conditionMonitoringQueryLanguage", "conditionSql",
)
# A comparison with a number that ends the query or a parenthesised clause of it: one in
# "expr > 0.05", one per window in "(a[1h] > 14.4) and (b[5m] > 14.4)".
_COMPARISON = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*(-?[0-9.]+(?:[eE][-+]?\d+)?)\s*(?=\)|$)")
_RANGE = re.compile(r"\[(\d+(?:ms|s|m|h|d|w|y))\]")


def _condition_kind(condition: dict[str, Any]) -> str | None:
    return next((k for k in CONDITION_KINDS if k in condition), None)


def _promql(query: Any) -> tuple[str, str, float, list[str]] | None:
    """(the query with its comparison and windows blanked, comparator, threshold, windows) of a
    query that compares with one threshold (in each of its windows); None for any other."""
    if not isinstance(query, str):
        return None
    comparisons = set(_COMPARISON.findall(query))
    if len(comparisons) != 1:
        return None
    op, value = comparisons.pop()
    shape = _RANGE.sub("[…]", _COMPARISON.sub(" ? …", query))
    return shape, op, float(value), _RANGE.findall(query)


def _windows(windows: list[str], joiner: str = ", ") -> str:
    seen = list(dict.fromkeys(windows))  # a multi-window alert has several
    return joiner.join(duration(w) for w in seen) if seen else "(none)"


def _condition_summary(condition: dict[str, Any]) -> Sentence:
    title = condition.get("displayName") or "(untitled)"
    kind = _condition_kind(condition)
    body = condition.get(kind) if kind else None
    if kind == "conditionThreshold" and isinstance(body, dict):
        template = "condition {}: " + COMPARATORS.get(body.get("comparison"), str(body.get("comparison"))) + " {}"
        values: list[Any] = [title, body.get("thresholdValue", 0)]
        period = get(body, "aggregations", 0, "alignmentPeriod")
        if period:
            template += ", window {}"
            values.append(Raw(duration(period)))
        template += ", must hold for {}"
        values.append(Raw(duration(body.get("duration", "0s"))))
        return say(template, *values)
    if kind == "conditionPrometheusQueryLanguage" and isinstance(body, dict):
        parsed = _promql(body.get("query"))
        if parsed:
            return say("condition {}: PromQL {} {}, window {}, must hold for {}", title, Raw(parsed[1]), parsed[2], Raw(_windows(parsed[3])), Raw(duration(body.get("duration", "0s"))))
        return say("condition {}: PromQL {}", title, body.get("query"))
    if kind == "conditionMatchedLog" and isinstance(body, dict):
        return say("condition {}: any log entry matching {}", title, body.get("filter"))
    return say("condition {}", title)


def _condition_changes(old: dict[str, Any], new: dict[str, Any], where: str, lead: str) -> list[Sentence]:
    ex = Explained(leaf_changes(old, new))
    out = scalar(ex, old, new, ("displayName",), lead + "condition title {} -> {}")
    ko, kn = _condition_kind(old), _condition_kind(new)
    if ko != kn:
        ex.take_under(ko) if ko else None
        ex.take_under(kn) if kn else None
        out.append(say(lead + "condition kind {} -> {}", Raw(opt(ko)), Raw(opt(kn))))
        out.append(_condition_summary(new))
    elif kn == "conditionThreshold":
        k = (kn,)
        out += scalar(ex, old, new, k + ("thresholdValue",), lead + "threshold {} -> {}", number)
        out += scalar(ex, old, new, k + ("comparison",), lead + "comparison {} -> {}", lambda v: COMPARATORS.get(v, show(v)))
        out += scalar(ex, old, new, k + ("duration",), lead + "must hold for {} -> {}", duration)
        out += scalar(ex, old, new, k + ("aggregations", 0, "alignmentPeriod"), lead + "window {} -> {}", duration)
        out += scalar(ex, old, new, k + ("filter",), lead + "filter {} -> {}")
        out += scalar(ex, old, new, k + ("trigger", "count"), lead + "fires when {} -> {} time series breach")
    elif kn == "conditionPrometheusQueryLanguage":
        k = (kn,)
        qa, qb = get(old, *k, "query"), get(new, *k, "query")
        pa, pb = _promql(qa), _promql(qb)
        if qa != qb:
            ex.take(*k, "query")
            if pa and pb and pa[0] == pb[0]:
                if pa[3] != pb[3]:
                    out.append(say(lead + "window {} -> {}", Raw(_windows(pa[3])), Raw(_windows(pb[3]))))
                if pa[1] != pb[1]:
                    out.append(say(lead + "comparison {} -> {}", Raw(pa[1]), Raw(pb[1])))
                if pa[2] != pb[2]:
                    out.append(say(lead + "threshold {} -> {}", pa[2], pb[2]))
            else:
                out.append(say(lead + "PromQL query {} -> {}", Raw(str(qa)), Raw(str(qb))))
        out += scalar(ex, old, new, k + ("duration",), lead + "must hold for {} -> {}", duration)
        out += scalar(ex, old, new, k + ("evaluationInterval",), lead + "evaluated every {} -> {}", duration)
    elif kn == "conditionMatchedLog":
        out += scalar(ex, old, new, (kn, "filter"), lead + "log filter {} -> {}")
    return out + [generic(c, where) for c in ex.rest()]


def _pair_conditions(old: list[Any], new: list[Any]) -> list[tuple[int | None, int | None]]:
    if len(old) == len(new):
        return [(i, i) for i in range(len(new))]
    title: Callable[[object], Any] = lambda c: c.get("displayName") if isinstance(c, dict) else None  # noqa: E731
    old_by_title = {title(c): i for i, c in enumerate(old)}
    pairs: list[tuple[int | None, int | None]] = []
    used = set()
    for j, c in enumerate(new):
        i = old_by_title.get(title(c))
        if i is not None and i not in used:
            used.add(i)
            pairs.append((i, j))
        else:
            pairs.append((None, j))
    pairs += [(i, None) for i in range(len(old)) if i not in used]
    return pairs


class PolicyWords(Describer):
    kind, rank = "GCP alert policy", 1

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return alert_policy(inputs)

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        out = [say("severity {}", Raw(opt(inputs.get("severity"))))]
        out += [_condition_summary(c) for c in inputs.get("conditions", []) if isinstance(c, dict)]
        out.append(route_list(gcp_routes(inputs.get("notificationChannels"), roles)))
        renotify = get(inputs, "alertStrategy", "notificationChannelStrategies", 0, "renotifyInterval")
        if renotify:
            out.append(say("re-notifies every {}", Raw(duration(renotify))))
        return out

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles, ex: Explained) -> list[Sentence]:
        out = scalar(ex, old, new, ("displayName",), "renamed {} -> {}")
        out += toggled(ex, old, new, ("enabled",), "now enabled", "now disabled")
        out += scalar(ex, old, new, ("severity",), "severity {} -> {}")
        out += scalar(ex, old, new, ("combiner",), "combines conditions with {} -> {}")
        # Conditions, paired by position (or by title when their number changes).
        oc, nc = old.get("conditions") or [], new.get("conditions") or []
        several = max(len(oc), len(nc)) > 1
        for i, j in _pair_conditions(oc, nc):
            if i is None:
                assert j is not None  # a pair has at least one side
                summary = _condition_summary(nc[j]) if isinstance(nc[j], dict) else say("condition {}", nc[j])
                out.append(Sentence((("w", "new "), *summary.parts)))
            elif j is None:
                out.append(say("condition {} removed", oc[i].get("displayName", i) if isinstance(oc[i], dict) else i))
            elif oc[i] != nc[j]:
                title = nc[j].get("displayName") if isinstance(nc[j], dict) else None
                lead = f"condition '{title}': " if several and title else ""
                out += _condition_changes(oc[i], nc[j], f"conditions[{j}].", as_words(lead))
        ex.take_under("conditions")
        # Who is notified.
        old_routes, new_routes = gcp_routes(old.get("notificationChannels"), roles), gcp_routes(new.get("notificationChannels"), roles)
        out += route_sentences(old_routes, new_routes)
        ex.take_under("notificationChannels")
        strategy = ("alertStrategy", "notificationChannelStrategies")
        sa, sb = get(old, *strategy, default=[]) or [], get(new, *strategy, default=[]) or []
        if sa and sb:
            out += scalar(ex, old, new, strategy + (0, "renotifyInterval"), "re-notifies every {} -> {}", duration)
            na, nb = get(sa, 0, "notificationChannelNames", default=[]), get(sb, 0, "notificationChannelNames", default=[])
            if na != nb:
                ex.take_under(*strategy, 0, "notificationChannelNames")
                follows = set(na) == set(old.get("notificationChannels") or []) and set(nb) == set(new.get("notificationChannels") or [])
                if not follows:
                    out += route_sentences(gcp_routes(na, roles), gcp_routes(nb, roles), lead="re-notification: ")
        elif sb:
            ex.take_under(*strategy)
            out.append(say("now re-notifies every {}", Raw(duration(get(sb, 0, "renotifyInterval")))))
        elif sa:
            ex.take_under(*strategy)
            out.append(say("no longer re-notifies (was every {})", Raw(duration(get(sa, 0, "renotifyInterval")))))
        out += scalar(ex, old, new, ("alertStrategy", "autoClose"), "closes an incident by itself after {} -> {}", duration)
        out += scalar(ex, old, new, ("alertStrategy", "notificationRateLimit", "period"), "notifies at most once per {} -> {}", duration)
        out += scalar(ex, old, new, ("alertStrategy", "notificationPrompts"), "notifies when an incident is {} -> {}")
        out += scalar(ex, old, new, ("documentation", "subject"), "notification subject {} -> {}")
        return out


# --- table lines -------------------------------------------------------------------------------

def _short(name: Any) -> str:
    """A channel's name, or just the resource it names when the plan has only a placeholder."""
    match = _PLACEHOLDER.search(str(name))
    return match.group(1) if match else str(name)


def _threshold_line(cond: dict[str, Any]) -> str:
    filt = cond.get("filter")
    if not isinstance(filt, str):
        return f"(filter known at deploy) {cond.get('comparison')} {number(cond.get('thresholdValue'))}"
    aggregations = cond.get("aggregations") or [{}]
    window = aggregations[0].get("alignmentPeriod")
    burn = _BURN.search(filt)
    if burn:
        what, window = f"burn_rate({burn.group(1).rsplit('/', 1)[-1]})", burn.group(2)
    else:
        metric = _METRIC.search(filt)
        what = metric.group(1).rsplit("/", 1)[-1] if metric else "series"
        labels = [f"{k}={v}" for k, v in _LABEL.findall(filt) if k != "check_id"]
        if metric and metric.group(1).endswith("uptime_check/check_passed"):
            what = "failing_regions"
        if labels:
            what += "{" + ",".join(labels) + "}"
    ops: dict[object, str] = {"COMPARISON_GT": ">", "COMPARISON_LT": "<"}
    op = ops.get(cond.get("comparison"), cond.get("comparison"))
    span = f"[{duration(window)}]" if window else ""
    return f"{what}{span} {op} {number(cond.get('thresholdValue'))} for {duration(cond.get('duration'))}"


def _promql_line(cond: dict[str, Any]) -> str:
    parsed = _promql(cond.get("query"))
    windows = f"[{_windows(parsed[3], ' and ')}]" if parsed and parsed[3] else ""
    what = f"promql:{cond.get('alertRule') or 'query'}{windows}"
    compare = f"{parsed[1]} {number(parsed[2])}" if parsed else "(see query)"
    return f"{what} {compare} for {duration(cond.get('duration'))}"


def _condition_line(cond: dict[str, Any]) -> str:
    if "conditionPrometheusQueryLanguage" in cond:
        return _promql_line(cond["conditionPrometheusQueryLanguage"])
    if "conditionThreshold" in cond:
        return _threshold_line(cond["conditionThreshold"])
    name: str = cond.get("displayName", "?")
    return name


def _channels(names: list[str]) -> str:
    """'email-a,email-b' -> 'email:a+b', keeping the order channels were given in."""
    groups: dict[str, list[str]] = {}
    for name in names:
        kind, _, rest = name.partition("-")
        groups.setdefault(kind, []).append(rest)
    return ",".join(
        f"{kind}-{rests[0]}" if len(rests) == 1 and rests[0] else f"{kind}:{'+'.join(rests)}" if all(rests) else kind
        for kind, rests in groups.items()
    )


def alert_policy(i: dict[str, Any]) -> str:
    conditions = " OR ".join(_condition_line(c) for c in i.get("conditions") or [])
    channels = _channels([_short(c) for c in i.get("notificationChannels") or []]) or "none (incident list only)"
    strategy = i.get("alertStrategy") or {}
    renotify = next((s.get("renotifyInterval") for s in strategy.get("notificationChannelStrategies") or []), None)
    timing = f"renotify {duration(renotify)}, " if renotify else ""
    return (f"{i.get('severity', '?'):<8}  {conditions} | -> {channels} | "
            f"{timing}autoclose {duration(strategy.get('autoClose'))}")


def notification_channel(i: dict[str, Any]) -> str:
    labels = i.get("labels")
    shown = labels if isinstance(labels, str) else ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items()))
    sensitive = i.get("sensitiveLabels")
    secret = ""
    if sensitive:
        secret = "  sensitive=" + (sensitive if isinstance(sensitive, str) else
                                   ",".join(f"{k}={v}" for k, v in sorted(sensitive.items())))
    return f"{i.get('type'):<9}  \"{i.get('displayName')}\"  labels={shown}{secret}"


def log_metric(i: dict[str, Any]) -> str:
    filt = str(i.get("filter", ""))
    scope = re.match(r'resource\.type="cloud_run_revision" AND resource\.labels\.service_name="([^"]+)" AND \((.*)\)$', filt)
    shown = f"service {scope.group(1)}: {scope.group(2)}" if scope else filt
    labels = ",".join(sorted(i.get("labelExtractors") or {})) or "none"
    return f"{i.get('name')}  counts {shown}  |  labels: {labels}"


def uptime_check(i: dict[str, Any]) -> str:
    http = i.get("httpCheck") or {}
    host = ((i.get("monitoredResource") or {}).get("labels") or {}).get("host")
    scheme = "https" if http.get("useSsl") else "http"
    regions = ",".join(i.get("selectedRegions") or []) or "all"
    return (f"\"{i.get('displayName')}\"  GET {scheme}://{host}{http.get('path', '/')} every {duration(i.get('period'))}, "
            f"timeout {i.get('timeout')}, from {regions}")


def log_bucket(i: dict[str, Any]) -> str:
    return (f"{i.get('bucketId')} of {i.get('project')} ({i.get('location')}): "
            f"retention {i.get('retentionDays')} days, locked={i.get('locked')}")


def dashboard(i: dict[str, Any]) -> str:
    try:
        spec = json.loads(i.get("dashboardJson") or "{}")
    except (TypeError, ValueError):
        return "(dashboard JSON known at deploy)"
    tiles = (spec.get("mosaicLayout") or {}).get("tiles") or []
    titles = "; ".join(t.get("widget", {}).get("title", "?") for t in tiles)
    return f"\"{spec.get('displayName')}\"  {len(tiles)} charts: {titles}"


def generic_service(i: dict[str, Any]) -> str:
    basic = i.get("basicService") or {}
    labels = basic.get("serviceLabels") or {}
    return f"{i.get('serviceId')}  {basic.get('serviceType')} {labels.get('service_name')} in {labels.get('location')}"


def slo(i: dict[str, Any]) -> str:
    ratio = (i.get("requestBasedSli") or {}).get("goodTotalRatio") or {}
    bad = _LABEL.findall(str(ratio.get("badServiceFilter", "")))
    bad_text = ",".join(f"{k}={v}" for k, v in bad) or "bad filter"
    return (f"{i.get('sloId')} of service {i.get('service')}: \"{i.get('displayName')}\"  goal {i.get('goal')} "
            f"over {i.get('rollingPeriodDays')} days  (bad = requests with {bad_text})")


def metric_ready(i: dict[str, Any]) -> str:
    return (f"waits for {i.get('metric_type')} in {i.get('project')}: every {i.get('interval_seconds')} s, "
            f"at most {i.get('timeout_seconds')} s")


DESCRIBERS: dict[str, Describer] = {
    GCP_POLICY: PolicyWords(),
    "pulumi-python:dynamic/gcp:MetricReady": Named("GCP metric wait", metric_ready),
    "gcp:monitoring/notificationChannel:NotificationChannel": Named("GCP notification channel", notification_channel, 2),
    "gcp:logging/metric:Metric": Named("GCP log-based metric", log_metric),
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": Named("GCP uptime check", uptime_check),
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": Named("GCP log bucket", log_bucket),
    "gcp:monitoring/dashboard:Dashboard": Named("GCP dashboard", dashboard),
    "gcp:monitoring/genericService:GenericService": Named("GCP monitored service", generic_service),
    "gcp:monitoring/slo:Slo": Named("GCP SLO", slo),
}

"""Table summaries of the Google Cloud resources (see summaries.py), read from the plan's inputs.

Everything shown is what the program sent, not what the YAML said: a threshold
printed here is the threshold Cloud Monitoring gets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_METRIC = re.compile(r'metric\.type="([^"]+)"')
_LABEL = re.compile(r'metric\.label\.([a-z_][a-z0-9_]*)="([^"]*)"')
_BURN = re.compile(r'select_slo_burn_rate\("([^"]*)",\s*"([0-9]+s)"\)')
_PROM_WINDOW = re.compile(r"\[([0-9]+[smhd])\]")
_PROM_TAIL = re.compile(r"([<>])\s*([-+0-9.eE]+)\)?\s*$")
_PLACEHOLDER = re.compile(r"<id of ([^>]+)>")


def _span(value: Any) -> str:
    """'300s' -> '5m', '3600s' -> '1h'."""
    text = str(value or "")
    if not text.endswith("s") or not text[:-1].isdigit():
        return text or "?"
    total = int(text[:-1])
    if total and total % 3600 == 0:
        return f"{total // 3600}h"
    if total and total % 60 == 0:
        return f"{total // 60}m"
    return f"{total}s"


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _short(name: Any) -> str:
    """A channel's name, or just the resource it names when the plan has only a placeholder."""
    match = _PLACEHOLDER.search(str(name))
    return match.group(1) if match else str(name)


def _threshold(cond: dict) -> str:
    filt = cond.get("filter")
    if not isinstance(filt, str):
        return f"(filter known at deploy) {cond.get('comparison')} {_num(cond.get('thresholdValue'))}"
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
    op = {"COMPARISON_GT": ">", "COMPARISON_LT": "<"}.get(cond.get("comparison"), cond.get("comparison"))
    span = f"[{_span(window)}]" if window else ""
    return f"{what}{span} {op} {_num(cond.get('thresholdValue'))} for {_span(cond.get('duration'))}"


def _promql(cond: dict) -> str:
    query = str(cond.get("query", ""))
    windows = list(dict.fromkeys(_PROM_WINDOW.findall(query)))  # a multi-window alert has several
    tail = _PROM_TAIL.search(query)
    what = f"promql:{cond.get('alertRule') or 'query'}" + (f"[{' and '.join(windows)}]" if windows else "")
    compare = f"{tail.group(1)} {tail.group(2)}" if tail else "(see query)"
    return f"{what} {compare} for {_span(cond.get('duration'))}"


def _condition(cond: dict) -> str:
    if "conditionPrometheusQueryLanguage" in cond:
        return _promql(cond["conditionPrometheusQueryLanguage"])
    if "conditionThreshold" in cond:
        return _threshold(cond["conditionThreshold"])
    return cond.get("displayName", "?")


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


def alert_policy(i: dict) -> str:
    conditions = " OR ".join(_condition(c) for c in i.get("conditions") or [])
    channels = _channels([_short(c) for c in i.get("notificationChannels") or []]) or "none (incident list only)"
    strategy = i.get("alertStrategy") or {}
    renotify = next((s.get("renotifyInterval") for s in strategy.get("notificationChannelStrategies") or []), None)
    timing = f"renotify {_span(renotify)}, " if renotify else ""
    return (f"{i.get('severity', '?'):<8}  {conditions} | -> {channels} | "
            f"{timing}autoclose {_span(strategy.get('autoClose'))}")


def notification_channel(i: dict) -> str:
    labels = i.get("labels")
    shown = labels if isinstance(labels, str) else ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items()))
    sensitive = i.get("sensitiveLabels")
    secret = ""
    if sensitive:
        secret = "  sensitive=" + (sensitive if isinstance(sensitive, str) else
                                   ",".join(f"{k}={v}" for k, v in sorted(sensitive.items())))
    return f"{i.get('type'):<9}  \"{i.get('displayName')}\"  labels={shown}{secret}"


def log_metric(i: dict) -> str:
    filt = str(i.get("filter", ""))
    scope = re.match(r'resource\.type="cloud_run_revision" AND resource\.labels\.service_name="([^"]+)" AND \((.*)\)$', filt)
    shown = f"service {scope.group(1)}: {scope.group(2)}" if scope else filt
    labels = ",".join(sorted(i.get("labelExtractors") or {})) or "none"
    return f"{i.get('name')}  counts {shown}  |  labels: {labels}"


def uptime_check(i: dict) -> str:
    http = i.get("httpCheck") or {}
    host = ((i.get("monitoredResource") or {}).get("labels") or {}).get("host")
    scheme = "https" if http.get("useSsl") else "http"
    regions = ",".join(i.get("selectedRegions") or []) or "all"
    return (f"\"{i.get('displayName')}\"  GET {scheme}://{host}{http.get('path', '/')} every {_span(i.get('period'))}, "
            f"timeout {i.get('timeout')}, from {regions}")


def log_bucket(i: dict) -> str:
    return (f"{i.get('bucketId')} of {i.get('project')} ({i.get('location')}): "
            f"retention {i.get('retentionDays')} days, locked={i.get('locked')}")


def dashboard(i: dict) -> str:
    try:
        spec = json.loads(i.get("dashboardJson") or "{}")
    except (TypeError, ValueError):
        return "(dashboard JSON known at deploy)"
    tiles = (spec.get("mosaicLayout") or {}).get("tiles") or []
    titles = "; ".join(t.get("widget", {}).get("title", "?") for t in tiles)
    return f"\"{spec.get('displayName')}\"  {len(tiles)} charts: {titles}"


def generic_service(i: dict) -> str:
    basic = i.get("basicService") or {}
    labels = basic.get("serviceLabels") or {}
    return f"{i.get('serviceId')}  {basic.get('serviceType')} {labels.get('service_name')} in {labels.get('location')}"


def slo(i: dict) -> str:
    ratio = (i.get("requestBasedSli") or {}).get("goodTotalRatio") or {}
    bad = _LABEL.findall(str(ratio.get("badServiceFilter", "")))
    bad_text = ",".join(f"{k}={v}" for k, v in bad) or "bad filter"
    return (f"{i.get('sloId')} of service {i.get('service')}: \"{i.get('displayName')}\"  goal {i.get('goal')} "
            f"over {i.get('rollingPeriodDays')} days  (bad = requests with {bad_text})")


def metric_ready(i: dict) -> str:
    return (f"waits for {i.get('metric_type')} in {i.get('project')}: every {i.get('interval_seconds')} s, "
            f"at most {i.get('timeout_seconds')} s")


GCP_SUMMARIES: dict[str, Callable[[dict], str]] = {
    "pulumi-python:dynamic/gcp:MetricReady": metric_ready,
    "gcp:monitoring/alertPolicy:AlertPolicy": alert_policy,
    "gcp:monitoring/notificationChannel:NotificationChannel": notification_channel,
    "gcp:logging/metric:Metric": log_metric,
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": uptime_check,
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": log_bucket,
    "gcp:monitoring/dashboard:Dashboard": dashboard,
    "gcp:monitoring/genericService:GenericService": generic_service,
    "gcp:monitoring/slo:Slo": slo,
}

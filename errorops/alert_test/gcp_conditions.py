"""Cloud Monitoring's metric-threshold and metric-absence conditions, over synthetic series.

Google's documented semantics (collected in ../shared/reference/alert-semantics.md section 3):
- https://cloud.google.com/monitoring/alerts/concepts-indepth: each series is aligned by
  `perSeriesAligner` over a sliding `alignmentPeriod` ending at the evaluation time, then
  combined by `crossSeriesReducer` per `groupByFields`; a condition is evaluated every minute
  (the worked example's cadence; the real one is not documented); `duration`: every evaluation
  within it must violate, one that does not resets it, 0s means one violating value suffices;
- https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies: only
  COMPARISON_GT and COMPARISON_LT, so a value at the threshold never violates; `trigger` is a
  count (default 1) or a percent of the series; absence: a series that had data violates when
  it has none for `duration`;
- no data in an alignment window gives no aligned value, which does not violate
  (`evaluationMissingData` unset, as in every planned policy).
Series are written as Prometheus sees them (promtool's notation): a DELTA or CUMULATIVE metric
as a cumulative counter, so ALIGN_DELTA is its increase over the period and ALIGN_RATE that per
second; a log-based counter built from log entries has one point per entry.
- https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/alerting-on-budget-burn-rate:
  a threshold on `select_slo_burn_rate("SLO", "LOOKBACK")` compares the burn rate, the SLO's
  error ratio over the lookback divided by its error budget (1 - goal), with the threshold;
  a request-based SLO's error ratio is bad / total (or (total - good) / total) requests.
Not played: MQL conditions, denominator filters, window-based SLOs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .sentry_alerts import Unsupported

EVALUATION_STEP = 60


@dataclass
class Series:
    metric: str  # PromQL name: run_googleapis_com:request_count
    labels: dict[str, str]  # flat, with monitored_resource
    points: list[tuple[int, float]] = field(default_factory=list)
    cumulative: bool = False  # a counter as Prometheus reads it (else: one point per delta or gauge value)
    resource_labels: frozenset[str] | None = None  # None: every label but the metric's own


def promql_name(metric_type: str) -> str:
    """https://cloud.google.com/monitoring/promql/promql-mapping: the domain's dots become
    underscores and a colon, then every / and . of the path an underscore."""
    domain, _, path = metric_type.partition("/")
    return domain.replace(".", "_").replace("-", "_") + ":" + re.sub(r"[/.]", "_", path)


# A series never needs more samples than a test's horizon holds at a 1-second step.
MAX_SAMPLES = 200_000
_TOKEN = re.compile(r"^(?P<a>[-+]?[0-9.eE]+)(?:(?P<op>[-+])(?P<b>[0-9.eE]+))?x(?P<n>[0-9]+)$")


def expand(values: str, interval: int, start: int = 0) -> list[tuple[int, float]]:
    """promtool's expanding notation (`0+10x3` = 0 10 20 30, `5x2` = 5 5 5, `_` no sample)."""
    out: list[tuple[int, float]] = []
    k = 0
    for token in values.split():
        if token in ("_", "stale"):
            k += 1
            continue
        match = _TOKEN.match(token)
        try:
            if match:
                a, n = float(match["a"]), int(match["n"])
                if k + n >= MAX_SAMPLES:
                    raise ValueError(f"'{token}' makes more than {MAX_SAMPLES} samples")
                b = float(match["b"] or 0) * (-1 if match["op"] == "-" else 1)
                for i in range(n + 1):
                    out.append((start + k * interval, a + i * b))
                    k += 1
            else:
                out.append((start + k * interval, float(token)))
                k += 1
        except ValueError:
            raise ValueError(f"'{token}' is not promtool's expanding notation (a+bxn, axn, _ or a number)") from None
    return out


_CLAUSE = re.compile(r'\s*([A-Za-z_.]+)\s*=\s*"([^"]*)"\s*')


def parse_filter(text: str) -> list[tuple[str, str]]:
    """A monitoring filter of equalities joined by AND (the only form the plan writes)."""
    out = []
    for part in re.split(r"\s+AND\s+", text.strip()):
        match = _CLAUSE.fullmatch(part)
        if not match:
            raise Unsupported(f"the evaluator reads filters of field=\"value\" AND ..., not {part!r}")
        out.append((match.group(1), match.group(2)))
    return out


def _label(series: Series, key: str) -> str | None:
    if key == "metric.type":
        return series.metric
    if key == "resource.type":
        return series.labels.get("monitored_resource")
    for prefix in ("resource.label.", "resource.labels.", "metric.label.", "metric.labels."):
        if key.startswith(prefix):
            return series.labels.get(key[len(prefix):])
    raise Unsupported(f"the evaluator does not read the filter field {key!r}")


def selected(series: Series, clauses: list[tuple[str, str]]) -> bool:
    for key, value in clauses:
        wanted = promql_name(value) if key == "metric.type" else value
        if _label(series, key) != wanted:
            return False
    return True


def _aligned(series: Series, aligner: str, period: int, t: int) -> float | None:
    window = [(ts, v) for ts, v in series.points if t - period < ts <= t]
    if aligner in ("ALIGN_DELTA", "ALIGN_RATE", "ALIGN_SUM") and series.cumulative:
        before = [v for ts, v in series.points if ts <= t - period]
        if not window:
            return None
        start = before[-1] if before else window[0][1]
        increase = window[-1][1] - start
        return increase / period if aligner == "ALIGN_RATE" else increase
    if not window:
        return None
    values = [v for _, v in window]
    if aligner in ("ALIGN_DELTA", "ALIGN_SUM"):
        return sum(values)
    if aligner == "ALIGN_RATE":
        return sum(values) / period
    if aligner == "ALIGN_MEAN":
        return sum(values) / len(values)
    if aligner in ("ALIGN_NEXT_OLDER", "ALIGN_NONE"):
        return values[-1]
    if aligner == "ALIGN_MAX":
        return max(values)
    if aligner == "ALIGN_MIN":
        return min(values)
    if aligner == "ALIGN_COUNT":
        return float(len(values))
    if aligner == "ALIGN_COUNT_TRUE":
        return float(sum(1 for v in values if v))
    if aligner == "ALIGN_COUNT_FALSE":
        return float(sum(1 for v in values if not v))
    if aligner == "ALIGN_FRACTION_TRUE":
        return sum(1 for v in values if v) / len(values)
    raise Unsupported(f"the evaluator does not play the aligner {aligner!r}")


def _reduce(values: list[float], reducer: str) -> float:
    if reducer == "REDUCE_SUM":
        return sum(values)
    if reducer == "REDUCE_MEAN":
        return sum(values) / len(values)
    if reducer == "REDUCE_MAX":
        return max(values)
    if reducer == "REDUCE_MIN":
        return min(values)
    if reducer == "REDUCE_COUNT":
        return float(len(values))
    if reducer == "REDUCE_COUNT_TRUE":
        return float(sum(1 for v in values if v))
    if reducer == "REDUCE_COUNT_FALSE":
        return float(sum(1 for v in values if not v))
    raise Unsupported(f"the evaluator does not play the reducer {reducer!r}")


# The labels a group of series shares, sorted by name (None: the series lacks the label).
GroupKey = tuple[tuple[str, str | None], ...]


def _group_key(series: Series, fields: list[str]) -> GroupKey:
    key: list[tuple[str, str | None]] = []
    for f in fields:
        if f in ("resource.label.*", "resource.labels.*"):
            names = series.resource_labels if series.resource_labels is not None else series.labels.keys()
            key.extend((n, series.labels.get(n)) for n in sorted(names))
        else:
            key.append((f, _label(series, f)))
    return tuple(key)


def _seconds(text: str) -> int:
    return int(str(text).rstrip("s") or 0)


def values_at(condition: dict[str, Any], series: list[Series], t: int) -> dict[GroupKey, float]:
    """The aligned and reduced value of each group at ``t`` (groups without data are absent)."""
    clauses = parse_filter(condition["filter"])
    (aggregation,) = condition.get("aggregations") or [{}]
    period = _seconds(aggregation.get("alignmentPeriod", "60s"))
    aligner = aggregation.get("perSeriesAligner", "ALIGN_NONE")
    reducer = aggregation.get("crossSeriesReducer", "REDUCE_NONE")
    fields = list(aggregation.get("groupByFields") or [])
    groups: dict[GroupKey, list[float]] = {}
    for s in series:
        if not selected(s, clauses):
            continue
        value = _aligned(s, aligner, period, t)
        if value is None:
            continue
        key = _group_key(s, fields) if reducer != "REDUCE_NONE" else tuple(sorted(s.labels.items()))
        groups.setdefault(key, []).append(value)
    if reducer == "REDUCE_NONE":
        return {k: v[0] for k, v in groups.items()}
    return {k: _reduce(v, reducer) for k, v in groups.items()}


def _violates(value: float, comparison: str, threshold: float) -> bool:
    if comparison == "COMPARISON_GT":
        return value > threshold
    if comparison == "COMPARISON_LT":
        return value < threshold
    raise Unsupported(f"the evaluator does not play {comparison!r} (the API has only GT and LT)")


def _triggered(failing: int, total: int, trigger: dict[str, Any] | None) -> bool:
    trigger = trigger or {"count": 1}
    if "percent" in trigger:
        return total > 0 and failing * 100 / total >= trigger["percent"]
    return failing >= trigger.get("count", 1) and failing > 0


def _evaluations(t: int, duration: int) -> list[int]:
    return list(range(t - duration, t + 1, EVALUATION_STEP)) if duration else [t]


def threshold_met(condition: dict[str, Any], series: list[Series], t: int) -> bool:
    duration = _seconds(condition.get("duration", "0s"))
    comparison, threshold = condition["comparison"], condition.get("thresholdValue", 0)
    per_time = [values_at(condition, series, when) for when in _evaluations(t, duration)]
    groups = set(per_time[-1])
    failing = [g for g in groups
               if all(g in values and _violates(values[g], comparison, threshold) for values in per_time)]
    return _triggered(len(failing), len(groups), condition.get("trigger"))


def absent_met(condition: dict[str, Any], series: list[Series], t: int) -> bool:
    duration = _seconds(condition.get("duration", "120s"))
    clauses = parse_filter(condition["filter"])
    chosen = [s for s in series if selected(s, clauses)]
    seen = [s for s in chosen if any(ts <= t for ts, _ in s.points)]
    quiet = [s for s in seen if not any(t - duration < ts <= t for ts, _ in s.points)]
    return _triggered(len(quiet), len(seen), condition.get("trigger"))


_BURN = re.compile(r'^\s*select_slo_burn_rate\(\s*"([^"]+)"\s*,\s*"([0-9]+)s"\s*\)\s*$')


def _increase(chosen: list[Series], start: int, end: int) -> float:
    total = 0.0
    for s in chosen:
        window = [v for ts, v in s.points if start < ts <= end]
        if not window:
            continue
        if s.cumulative:
            before = [v for ts, v in s.points if ts <= start]
            total += window[-1] - (before[-1] if before else window[0])
        else:
            total += sum(window)
    return total


def burn_rate(slo: dict[str, Any], series: list[Series], t: int, lookback: int) -> float | None:
    """The SLO's error ratio over (t - lookback, t] divided by its budget; None without requests."""
    ratio = (slo.get("requestBasedSli") or {}).get("goodTotalRatio")
    if not ratio:
        raise Unsupported("the evaluator plays request-based (goodTotalRatio) SLOs only")

    def requests(text: str) -> float:
        clauses = parse_filter(text)
        return _increase([s for s in series if selected(s, clauses)], t - lookback, t)

    total = requests(ratio["totalServiceFilter"])
    if not total:
        return None
    if ratio.get("badServiceFilter"):
        bad = requests(ratio["badServiceFilter"])
    else:
        bad = total - requests(ratio["goodServiceFilter"])
    goal: float = slo["goal"]
    return bad / total / (1 - goal)


def slo_burn_met(condition: dict[str, Any], series: list[Series], t: int, slos: dict[str, dict[str, Any]]) -> bool:
    match = _BURN.match(condition["filter"])
    if not match:
        raise Unsupported(f"the evaluator does not read the filter {condition['filter']!r}")
    name, lookback = match.group(1), int(match.group(2))
    slo = slos.get(name) or slos.get(re.sub(r".*/serviceLevelObjectives/", "", name).removeprefix("<id of ")
                                     .removesuffix(">"))
    if slo is None:
        raise Unsupported(f"the condition names an SLO the plan lacks: {name}")
    duration = _seconds(condition.get("duration", "0s"))
    rates = [burn_rate(slo, series, when, lookback) for when in _evaluations(t, duration)]
    return all(r is not None and _violates(r, condition["comparison"], condition.get("thresholdValue", 0))
               for r in rates)


def condition_met(condition: dict[str, Any], series: list[Series], t: int,
                  slos: dict[str, dict[str, Any]] | None = None) -> bool:
    """Whether one planned condition (conditionThreshold or conditionAbsent) is met at ``t``.

    ``slos``: the planned SLOs (inputs) by resource name, for burn-rate conditions."""
    if "conditionThreshold" in condition:
        c = condition["conditionThreshold"]
        if c.get("denominatorFilter"):
            raise Unsupported("the evaluator does not play ratio (denominatorFilter) conditions")
        if "select_slo_burn_rate" in c.get("filter", ""):
            return slo_burn_met(c, series, t, slos or {})
        return threshold_met(c, series, t)
    if "conditionAbsent" in condition:
        return absent_met(condition["conditionAbsent"], series, t)
    kind = next((k for k in condition if k.startswith("condition")), "?")
    raise Unsupported(f"the evaluator does not play {kind}")


# Checker locations of each uptime region (https://cloud.google.com/monitoring/uptime-checks#regions,
# "USA" has three; not re-read for issue 9, see its report).
CHECKER_LOCATIONS = {
    "USA": ("usa-iowa", "usa-oregon", "usa-virginia"),
    "EUROPE": ("eur-belgium",),
    "SOUTH_AMERICA": ("sa-brazil-sao_paulo",),
    "ASIA_PACIFIC": ("apac-singapore",),
}


def uptime_series(check_id: str, regions: list[str], period: int, project: str, host: str,
                  start: int, until: int, failing: tuple[str, ...]) -> list[Series]:
    """monitoring.googleapis.com/uptime_check/check_passed of every checker location: one result
    each `period` in [start, until), false where the location is failing."""
    out = []
    for region in regions:
        for location in CHECKER_LOCATIONS.get(region, ()):
            points = [(t, 0.0 if location in failing else 1.0) for t in range(start, until, period)]
            out.append(Series(promql_name("monitoring.googleapis.com/uptime_check/check_passed"),
                              {"check_id": check_id, "checker_location": location, "host": host,
                               "project_id": project, "monitored_resource": "uptime_url"},
                              points, resource_labels=frozenset({"host", "project_id"})))
    return out

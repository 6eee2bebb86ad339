"""How a Sentry monitor (metric detector) turns events and spans into an open or resolved issue.

Sentry's semantics, read in getsentry/sentry (paths under src/sentry/) and getsentry/snuba, and
collected in ../shared/reference/alert-semantics.md section 2:
- cadence: the query runs at each epoch-aligned t with t % resolution == 0 over [t - window, t)
  (snuba subscriptions/scheduler.py, data.py); the resolution grows with the window
  (incidents/logic.py: get_alert_resolution over DEFAULT_ALERT_RULE_WINDOW_TO_RESOLUTION, re-read
  for issue 9) and doubles for a comparison (percent) monitor
  (DEFAULT_CMP_ALERT_RULE_RESOLUTION_MULTIPLIER);
- each update compares its value with every condition: `gt` is strict, `lte` resolves
  (workflow_engine/handlers/condition/: Condition.GREATER, LESS_OR_EQUAL); the highest
  conditionResult met is the issue's priority (75 high, 50 medium, 0 resolved);
- a missing aggregate counts as 0 (incidents/subscription_processor.py); a percent monitor
  compares current / baseline * 100, the baseline being the same window `comparisonDelta`
  seconds earlier, and skips an update whose baseline is 0 or missing
  (incidents/utils/process_update_helpers.py: get_comparison_aggregation_value);
- failure_rate() over spans is count(sentry.status not in ok, cancelled, unknown) divided by
  the count of every span the query selects (search/eap/spans/formulas.py: failure_rate, read
  for issue 9), so the query `is_transaction:true` keeps child spans out of both;
- count() over the errors dataset counts error events matching the query; `error.type` matches
  any exception of the chain.
Not played: threshold_period above 1 (no planned monitor sets it), the 10-minute re-open guard,
ClickHouse's approximate quantiles (pNN here interpolates linearly, as numpy does).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .sentry_alerts import Event, Unsupported

_COMPARE = {
    "gt": lambda v, c: v > c, "gte": lambda v, c: v >= c, "lt": lambda v, c: v < c, "lte": lambda v, c: v <= c,
}
# incidents/logic.py: get_alert_resolution, (window under N seconds, resolution in seconds).
_RESOLUTION = ((30 * 60, 60), (60 * 60, 120), (240 * 60, 180), (1440 * 60, 300))
_NON_FAILURE = {"ok", "cancelled", "unknown"}
HIGH, MEDIUM, RESOLVED = 75, 50, 0


@dataclass
class Span:
    """``count`` spans (a request each, when ``is_transaction``) ending at ``at``."""

    at: float
    status: str = "ok"
    duration_ms: float = 0.0
    is_transaction: bool = True
    count: int = 1
    tags: dict[str, str] = field(default_factory=dict)


def resolution(window: int, comparison_delta: int | None = None) -> int:
    base = next((res for limit, res in _RESOLUTION if window < limit), 900)
    return base * 2 if comparison_delta else base


def monitor_priority(payload: dict[str, Any], value: float, baseline: float | None = None) -> int | None:
    """The priority of the issue after one update (75 high, 50 medium, 0 resolved); None: update skipped."""
    if (payload.get("config") or {}).get("detectionType") == "percent":
        if not baseline:
            return None
        value = value / baseline * 100
    met: list[int] = []
    for c in payload["conditionGroup"]["conditions"]:
        if c["type"] not in _COMPARE:
            raise Unsupported(f"the evaluator does not play detector condition {c['type']!r}")
        if _COMPARE[c["type"]](value, c["comparison"]):
            met.append(c["conditionResult"])
    return max(met) if met else None


_TERM = re.compile(r'(!?)([A-Za-z_][\w.]*):(\[[^\]]*\]|"[^"]*"|\S+)')


def _terms(query: str) -> list[tuple[bool, str, tuple[str, ...]]]:
    rest = _TERM.sub("", query or "").strip()
    if rest:
        raise Unsupported(f"the evaluator does not read the query part {rest!r}")
    out = []
    for neg, key, raw in _TERM.findall(query or ""):
        values = raw[1:-1].split(",") if raw.startswith("[") else [raw.strip('"')]
        out.append((neg == "!", key, tuple(v.strip() for v in values)))
    return out


def _event_values(event: Event, key: str) -> list[str | None]:
    if key == "error.type":
        return [t for t, _ in event.exceptions] or [None]
    if key == "error.value":
        return [v for _, v in event.exceptions] or [None]
    known = {"level": event.level, "release": event.release, "environment": event.environment,
             "message": event.message}
    return [known[key] if key in known else event.tags.get(key)]


def _span_values(span: Span, key: str) -> list[str | None]:
    if key == "is_transaction":
        return ["true" if span.is_transaction else "false"]
    if key in ("span.status", "transaction.status"):
        return [span.status]
    return [span.tags.get(key)]


def _selected(terms: list[tuple[bool, str, tuple[str, ...]]], values_of: Callable[[str], list[str | None]]) -> bool:
    for negated, key, wanted in terms:
        hit = any(v is not None and v in wanted for v in values_of(key))
        if hit == negated:
            return False
    return True


def _quantile(weighted: list[tuple[float, int]], q: float) -> float | None:
    """The q-quantile of values given with their counts, interpolated as numpy's "linear"."""
    total = sum(n for _, n in weighted)
    if not total:
        return None
    pairs = sorted(weighted)
    pos = (total - 1) * q

    def nth(index: int) -> float:
        seen = 0
        for value, n in pairs:
            seen += n
            if index < seen:
                return value
        return pairs[-1][0]

    low, high = math.floor(pos), math.ceil(pos)
    return nth(low) + (nth(high) - nth(low)) * (pos - low)


def aggregate(source: dict[str, Any], spans: list[Span], events: list[Event], start: float, end: float) -> float | None:
    """The data source's aggregate over [start, end)."""
    agg, terms = source["aggregate"], _terms(source.get("query", ""))
    if source.get("dataset") == "events":
        chosen = [e for e in events if start <= e.at < end and _selected(terms, partial(_event_values, e))]
        if agg == "count()":
            return float(len(chosen))
        raise Unsupported(f"the evaluator does not play {agg!r} over error events")
    chosen_spans = [s for s in spans if start <= s.at < end and _selected(terms, partial(_span_values, s))]
    total = sum(s.count for s in chosen_spans)
    if agg == "count()":
        return float(total)
    if agg == "failure_rate()":
        if not total:
            return None
        return sum(s.count for s in chosen_spans if s.status not in _NON_FAILURE) / total
    quantile = re.fullmatch(r"p(50|75|90|95|99|100)\(span\.duration\)", agg)
    if quantile:
        return _quantile([(s.duration_ms, s.count) for s in chosen_spans], int(quantile.group(1)) / 100)
    raise Unsupported(f"the evaluator does not play the aggregate {agg!r}")


@dataclass(frozen=True)
class Update:
    at: int
    value: float | None
    priority: int | None  # None: skipped, or no condition met


def updates(payload: dict[str, Any], spans: list[Span], events: list[Event], until: float, since: float = 0) -> list[Update]:
    """Every update of the monitor from ``since`` to ``until`` (both included)."""
    (source,) = payload["dataSources"]
    window = int(source["timeWindow"])
    delta = (payload.get("config") or {}).get("comparisonDelta")
    step = resolution(window, delta)
    # Sorted once, each window is a slice: a long test with many inputs stays linear.
    spans = sorted(spans, key=lambda s: s.at)
    events = sorted(events, key=lambda e: e.at)
    span_times, event_times = [s.at for s in spans], [e.at for e in events]

    def over(start: float, end: float) -> float | None:
        return aggregate(source, spans[bisect.bisect_left(span_times, start):bisect.bisect_left(span_times, end)],
                         events[bisect.bisect_left(event_times, start):bisect.bisect_left(event_times, end)],
                         start, end)

    out = []
    t = math.ceil(since / step) * step
    while t <= until:
        value = over(t - window, t)
        value = 0.0 if value is None else value
        baseline = over(t - delta - window, t - delta) if delta else None
        out.append(Update(t, value, monitor_priority(payload, value, baseline)))
        t += step
    return out


def open_at(history: list[Update], at: float) -> bool:
    """Whether the monitor's issue is open (high or medium) after the updates up to ``at``."""
    state = RESOLVED
    for u in history:
        if u.at > at:
            break
        if u.priority is not None:
            state = u.priority
    return state >= MEDIUM

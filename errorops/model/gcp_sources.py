"""What a Cloud Monitoring condition can watch: one table, one entry a source.

A condition names its source by a key of the YAML (``query: error_ratio``,
``log_metric: cache_errors``, ...). Everything the model and the validation rules need
to know about a source is here; what each source becomes in Google's API is one builder
each in ``declare/gcp_payloads.py`` and its explanation in ``model/gcp_render.py``,
both keyed by the same names (tests/test_gcp_plan.py keeps the three in step).
Adding a source: an entry here, a builder, an explanation, and its key in the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .gcp import Condition, GcpMonitoring


@dataclass(frozen=True)
class Source:
    key: str  # the YAML key of a condition (and Condition.source)
    what: str  # one of them, in words: "log metric"
    section: str  # the gcp_monitoring.yaml section that declares them
    find: Callable[[GcpMonitoring, str], Any]  # the declared object, or None
    # Whether a condition on it must say over what window it is measured.
    needs_window: Callable[[GcpMonitoring, str], bool]
    # The condition's value in a short formula: "count(cache_errors,error_type=X)".
    formula: Callable[[Condition], str]


def _query_needs_window(gcp: GcpMonitoring, ref: str) -> bool:
    query = gcp.query(ref)
    # A PromQL query that names no ${window} has its ranges written in; any other query is aligned.
    return query is not None and (query.promql is None or "${window}" in query.promql or "$window" in query.promql)


def _labels(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("query", "query", "queries", lambda g, r: g.query(r), _query_needs_window,
           lambda c: (f"burn_rate({c.ref})" if c.burn_rate_of else c.ref)
           + (f"{{{_labels(c.labels)}}}" if c.labels else "")),
    Source("log_metric", "log metric", "log_metrics", lambda g, r: g.log_metric(r), lambda g, r: True,
           lambda c: f"count({c.ref}" + "".join(f",{k}={v}" for k, v in sorted(c.labels.items())) + ")"),
    Source("uptime_check", "uptime check", "uptime_checks", lambda g, r: g.uptime_check(r), lambda g, r: True,
           lambda c: f"failing_regions({c.ref})"),
    Source("slo_burn_rate", "SLO", "slos", lambda g, r: g.slo(r), lambda g, r: True,
           lambda c: f"burn_rate({c.ref})"),
)}

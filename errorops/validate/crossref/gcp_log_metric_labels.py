"""Log-based metric labels have bounded values: correlation_id (and job_id, user_id) never.

Each distinct label value is a new time series; a per-request id makes one per
request, which Cloud Monitoring bills and then drops. Those ids belong in the
log entries, found from the alert through the Logs Explorer link.

Passing::

    log_metrics:
      - {id: cache_errors, labels: [{key: operation, field: jsonPayload.operation}], ...}

Failing (a label of correlation_id, under any key)::

    log_metrics:
      - {id: cache_errors, labels: [{key: request, field: jsonPayload.correlation_id}], ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem

# Unbounded per-request or per-user values; never a metric label.
UNBOUNDED = ("correlation_id", "job_id", "user_id")


def _unbounded(name: str) -> str | None:
    plain = name.lower().replace("-", "_")
    return next((u for u in UNBOUNDED if u in plain or u.replace("_", "") in plain), None)


def check(model: Model) -> Iterator[Problem]:
    if model.gcp is None:
        return
    for metric in model.gcp.log_metrics:
        for label in metric.labels:
            for field, value in (("key", label.key), ("field", label.field)):
                found = _unbounded(value)
                if found:
                    yield label.at.problem(
                        f"log metric '{metric.id}': {found} must not be a metric label (one time series per value); "
                        "keep it in the log entry", field)
                    break

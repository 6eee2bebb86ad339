"""Condition durations and windows are whole minutes, and a window is given where one is used.

Cloud Monitoring accepts a condition's duration and an alignment period only as
a multiple of 60 seconds.

Passing::

    conditions:
      - {id: c, query: error_ratio, window: 5m, comparison: gt, threshold: 0.05, duration: 0m}
      - {id: d, log_metric: cache_errors, window: 1h, comparison: gt, threshold: 10, duration: 2m}

Failing (90 seconds; half a minute; a count with no period to count over)::

    conditions:
      - {id: c, query: error_ratio, window: 5m, comparison: gt, threshold: 0.05, duration: 90s}
      - {id: d, query: cache_hit_ratio, window: 30s, comparison: lt, threshold: 0.8, duration: 15m}
      - {id: e, log_metric: cache_errors, comparison: gt, threshold: 10, duration: 0m}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.gcp import duration_seconds
from ...model.gcp_sources import SOURCES
from ...problems import Problem
from ...model.position import Located
from ...model.types import Model


def _whole(obj: Located, field: str, text: str | None, minimum: int = 0, *index: int) -> Iterator[Problem]:
    if text is None:
        return
    total = duration_seconds(text)
    if total % 60:
        yield obj.at.problem(f"{field} '{text}' is not a whole number of minutes; Cloud Monitoring accepts "
                             f"only multiples of 60s", field, *index)
    elif total < minimum:
        yield obj.at.problem(f"{field} '{text}' must be at least {minimum // 60} minute", field, *index)


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    for policy in gcp.policies:
        for cond in policy.conditions:
            yield from _whole(cond, "duration", cond.duration)
            yield from _whole(cond, "window", cond.window, minimum=60)
            for n, window in enumerate(cond.windows):
                yield from _whole(cond, "windows", window, 60, n)
            if cond.window is None and not cond.windows and SOURCES[cond.source].needs_window(gcp, cond.ref):
                yield cond.at.problem(f"condition '{cond.id}' needs a window (the period its {cond.source} is "
                                      "measured over)", "id")
    if gcp.dashboard:
        for widget in gcp.dashboard.widgets:
            yield from _whole(widget, "window", widget.window, minimum=60)

"""A Cloud Monitoring condition that mirrors a Sentry rule states the same number over the same window.

The process writes some numbers once ("error rate above 2% over 15 minutes") and both
Sentry and Cloud Monitoring watch them. ``mirrors`` names the Sentry rule; the two must
agree, so that raising a threshold in one file and not the other is refused instead of
leaving the two services watching different numbers. A Sentry percentage is a ratio here
(2% is 0.02). The rule's base values count: a per-environment override in
sentry_alerts.yaml is Sentry's own tuning (dev's noise), not the process's number.

Passing (sentry_alerts.yaml: error_rate_high, above 2 percent over 900 seconds)::

    conditions:
      - {id: c, query: error_ratio, mirrors: error_rate_high, window: 15m,
         comparison: gt, threshold: 0.02, duration: 0m}

Failing (3% and 5 minutes against the rule's 2% over 15 minutes; a rule that does not
exist)::

    conditions:
      - {id: c, query: error_ratio, mirrors: error_rate_high, window: 5m,
         comparison: gt, threshold: 0.03, duration: 0m}
      - {id: d, query: error_ratio, mirrors: error_rate_low, window: 15m,
         comparison: gt, threshold: 0.02, duration: 0m}
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...model.gcp import duration_seconds
from ...model.sentry import MonitorSpec, threshold_words, window_words
from ...model.types import Model
from ...problems import Problem
from ._refs import unknown

# How a Sentry threshold unit reads as a Cloud Monitoring value; other units have no mirror.
_AS_VALUE = {"percent": lambda above: above / 100, "count": lambda above: above}


def check(model: Model) -> Iterator[Problem]:
    if model.gcp is None:
        return
    rules = {r.id: r for r in model.sentry.rules}
    for policy in model.gcp.policies:
        for cond in policy.conditions:
            if cond.mirrors is None:
                continue
            rule = rules.get(cond.mirrors)
            if rule is None:
                yield unknown(cond.at, "Sentry rule", cond.mirrors, rules, "mirrors", label="rules")
                continue
            monitor = rule.monitor
            if monitor is None or monitor.threshold.unit not in _AS_VALUE or cond.comparison != "gt":
                yield cond.at.problem(f"condition '{cond.id}' mirrors Sentry rule '{rule.id}', which is not a "
                                      "threshold above a count or a percentage; only those have a mirror", "mirrors")
                continue
            where = _place(monitor)
            expected = _AS_VALUE[monitor.threshold.unit](monitor.threshold.above)
            if not math.isclose(cond.threshold, expected, rel_tol=1e-9, abs_tol=0.0):
                yield cond.at.problem(
                    f"condition '{cond.id}' has threshold {cond.threshold:g}, but the Sentry rule '{rule.id}' it "
                    f"mirrors ({where}) says above {threshold_words(monitor.threshold)}, that is {expected:g} here; "
                    "the process states the number once: change both", "threshold")
            window = duration_seconds(cond.window) if cond.window else None
            if window != monitor.window_seconds:
                yield cond.at.problem(
                    f"condition '{cond.id}' has window {cond.window or '(none)'}, but the Sentry rule '{rule.id}' it "
                    f"mirrors ({where}) counts over {window_words(monitor.window_seconds)}; change both",
                    "window")


def _place(monitor: MonitorSpec) -> str:
    """``file:line`` of the Sentry rule's threshold, for the message."""
    if monitor.at.doc is None:
        return monitor.at.file
    return f"{monitor.at.file}:{monitor.at.doc.position(monitor.at.path + ('threshold',)).line}"

"""Sentry alert rules mean something Sentry accepts and the process intends.

Passing::

    - id: cache_errors
      severity: P1
      owner: devops
      monitor: {aggregate: count(), errors: [cache_timeout_error], window_seconds: 3600,
                threshold: {above: 10, unit: count}, ...}

Failing: an unknown severity, team or error type; a threshold of the wrong sign,
of a unit the aggregate does not measure, a fractional count, a percentage outside
0-100; a window shorter than a span-based dataset allows; a percent-change threshold without its comparison window (or the reverse);
an override for an environment that does not exist; several error types next to
other filters or a frequency; a P0 rule whose level has no Slack route; a monitor of a
level whose Sentry priority is low (Sentry's monitors refuse it); a name that states a
number an environment overrides, or names a placeholder that does not exist; a level
that pages without a PagerDuty priority::

    - id: cache_errors
      severity: P5
      owner: platform
      monitor: {aggregate: count(), errors: [redis], threshold: {above: -1, unit: percent}, ...}
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.position import At
from ...model.sentry import EAP_DATASETS, EAP_MIN_WINDOW, NAME_FIELDS, SentryRule
from ...model.types import Model
from ...problems import Problem
from ._refs import unknown, unknown_items

# What each kind of aggregate measures, and so which threshold units fit it.
_DURATION = re.compile(r"^(p\d+|avg|percentile)\(")
_MATCH_NEEDS_VALUE = {"co", "nc", "eq", "ne", "sw", "ew"}
# DetectorPriorityLevel values a monitor's condition may give (incidents/metric_issue_detector.py:
# "Unsupported condition result" for low).
_MONITOR_PRIORITIES = {"high", "medium"}
_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def _units_for(aggregate: str) -> set[str]:
    if aggregate == "failure_rate()":
        return {"percent", "percent_change"}
    if aggregate.startswith("count"):
        return {"count", "percent_change"}
    if _DURATION.match(aggregate):
        return {"milliseconds", "percent_change"}
    return {"count", "percent", "percent_change", "milliseconds"}


def _threshold(at: At, value: float, unit: str, aggregate: str, *path: str) -> Iterator[Problem]:
    if unit not in _units_for(aggregate):
        yield at.problem(f"threshold unit '{unit}' does not fit {aggregate} (use {' or '.join(sorted(_units_for(aggregate)))})", *path)
    if value <= 0:
        yield at.problem(f"threshold {value} must be above 0: monitors alert when the value rises above it", *path)
    elif unit == "percent" and value > 100:
        yield at.problem(f"threshold {value}% is outside 0-100", *path)
    elif unit == "count" and value != int(value):
        yield at.problem(f"threshold {value} is a count and must be a whole number", *path)


def _names(rule: SentryRule) -> Iterator[Problem]:
    """A name says {threshold} where an environment sends another number than the name states."""
    unknown_fields = [f for f in _PLACEHOLDER.findall(rule.name) if f not in NAME_FIELDS[:2]]
    if unknown_fields:
        yield rule.at.problem(f"unknown placeholder {{{unknown_fields[0]}}} in the name (use {{threshold}} or {{window}})",
                              "name")
    if rule.monitor is None:
        return
    literal = _NUMBER.findall(_PLACEHOLDER.sub("", rule.name))
    for env_id, override in rule.overrides.items():
        for value, field_ in ((override.threshold, "threshold"), (override.window_seconds, "window_seconds")):
            placeholder = "{threshold}" if field_ == "threshold" else "{window}"
            if value is not None and literal and placeholder not in rule.name:
                yield override.at.problem(
                    f"environment '{env_id}' sends another {field_.split('_')[0]} than the name '{rule.name}' "
                    f"states: write {placeholder} in the name instead of the number", field_)


def check(model: Model) -> Iterator[Problem]:
    alerting = model.sentry
    levels = {s.id: s for s in model.severity_levels}
    teams = {t.id for t in model.teams}
    envs = {e.id for e in model.environments}
    error_types = {e.id for e in alerting.error_types}
    for et in alerting.error_types:
        if et.severity not in levels:
            yield unknown(et.at, "severity", et.severity, levels, "severity", label="levels")
        if et.team not in teams:
            yield unknown(et.at, "team", et.team, teams, "team", label="teams")
    for rule in alerting.rules:
        level = levels.get(rule.severity)
        if level is None:
            yield unknown(rule.at, "severity", rule.severity, levels, "severity", label="levels")
        elif level.rank == 0 and not level.routes.slack:
            yield rule.at.problem(
                f"P0 rule without a Slack route: level {level.id} in {level.at.file} routes to no Slack channel", "severity"
            )
        if rule.owner not in teams:
            yield unknown(rule.at, "team", rule.owner, teams, "owner", label="teams")
        yield from _names(rule)
        if rule.monitor and level is not None and level.sentry_priority not in _MONITOR_PRIORITIES:
            yield rule.at.problem(
                f"level {level.id} has Sentry priority '{level.sentry_priority}', which Sentry's monitors refuse "
                f"(only {' or '.join(sorted(_MONITOR_PRIORITIES))}): use an issue alert or another level", "severity")
        if rule.monitor:
            m = rule.monitor
            yield from unknown_items(m.at, m.errors, error_types, "error type", "errors")
            yield from _threshold(m.at, m.threshold.above, m.threshold.unit, m.aggregate, "threshold", "above")
            if m.dataset in EAP_DATASETS and m.window_seconds < EAP_MIN_WINDOW:
                yield m.at.problem(
                    f"window {m.window_seconds}s is too short for dataset {m.dataset}: "
                    f"Sentry requires at least {EAP_MIN_WINDOW}s", "window_seconds")
            if (m.threshold.unit == "percent_change") != (m.comparison_delta_seconds is not None):
                yield m.at.problem(
                    "a percent_change threshold needs comparison_delta_seconds, and comparison_delta_seconds "
                    "needs a percent_change threshold", "threshold", "unit")
        if rule.issue_alert:
            a = rule.issue_alert
            yield from unknown_items(a.at, a.errors, error_types, "error type", "errors")
            if len(a.errors) > 1 and (a.filters or a.frequency):
                # Alternatives and conjunctions cannot share one filter group without changing meaning.
                yield a.at.problem("an issue alert with filters or a frequency may match one error type only; "
                                   "split the rule", "errors")
            for index, (kind, comparison) in enumerate(a.filters):
                if kind == "tagged_event" and comparison["match"] in _MATCH_NEEDS_VALUE and "value" not in comparison:
                    yield a.at.problem(f"tagged_event with match '{comparison['match']}' needs a value", "filters", index, kind)
        for env_id, override in rule.overrides.items():
            if env_id not in envs:
                yield unknown(override.at, "environment", env_id, envs, label="environments")
            elif rule.monitor is None:
                yield override.at.problem("environment overrides apply to monitor rules only")
            elif override.threshold is not None:
                yield from _threshold(override.at, override.threshold, rule.monitor.threshold.unit,
                                      rule.monitor.aggregate, "threshold")
    for level in model.severity_levels:
        if level.routes.pagerduty and level.pagerduty_priority is None:
            yield level.at.problem(f"level {level.id} pages through PagerDuty but sets no pagerduty_priority", "routes",
                                   "pagerduty")
    github = alerting.github_issues
    if github is not None and github.owner not in teams:
        yield unknown(github.at, "team", github.owner, teams, "owner", label="teams")
    if github is not None:
        bad = [f for f in _PLACEHOLDER.findall(github.name) if f != "levels"]
        if bad:
            yield github.at.problem(f"unknown placeholder {{{bad[0]}}} in the name (use {{levels}})", "name")

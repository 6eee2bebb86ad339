"""How a Sentry alert (workflow) decides to act on an event of an issue.

Sentry's semantics, read in getsentry/sentry (paths under src/sentry/), and collected in
../shared/reference/alert-semantics.md section 1:
- an alert runs only for an unresolved issue, once per event (rules/processing/processor.py:
  RuleProcessor.apply returns early unless the group is unresolved);
- the trigger group, then each action filter group (workflow_engine/processors/workflow.py,
  processors/data_condition_group.py): no conditions evaluate to true; any/any-short needs one
  match; all needs every one; none needs no match. An empty trigger group passes, so such an
  alert acts on every event;
- triggers: first_seen_event is the issue's first event (new in the environment when the alert
  has one), regression_event a resolved issue seen again, reappeared_event an archived issue
  escalating (handlers/condition/{first_seen,regression,reappeared}_event_handler.py);
- tag and attribute matching is case-insensitive; a negated operator passes when the key is
  absent; `exception.type` and `exception.value` look at every exception of the chain
  (rules/conditions/event_attribute.py, rules/match.py, tagged_event_handler.py);
- level: the event's level against the rule's integer with eq/gte/lte, LOG_LEVELS of
  constants.py (level_handler.py); a missing level never matches;
- event_frequency_count is strict `count > value` (event_frequency_handlers.py), counted in
  rollup buckets: 10 s buckets up to an hour, floor(interval/rollup)+1 of them ending with the
  bucket of the event (tsdb/base.py: get_optimal_rollup, get_optimal_rollup_series, re-read for
  issue 9; tsdb/snuba.py), so the window is up to
  one bucket wider than its name. Sentry shifts the buckets by group_id % rollup; offline there is
  no group id, so the shift is 0. A new issue's first event never passes a count above 1
  (rules/conditions/event_frequency.py: `if state.is_new and value > 1: return False`);
- the latest-release filter compares the event's release with the project's latest
  (latest_release_handler.py); an event without a release never matches;
- the throttle: an action fires again for an issue only when more than config.frequency
  minutes (default 30) have passed since it last fired (processors/action.py:
  filter_recently_fired_workflow_actions, `difference__gt=frequency_minutes`, re-read for issue 9).
Not played: the up-to-a-minute delay of the slow (frequency) conditions, which are evaluated
in batches (rules/processing/delayed_processing.py), and the percent and unique-user frequency
conditions, which no planned alert uses.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

_INTERVAL_S = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86400, "1w": 604800, "30d": 2592000}
# tsdb/base.py: (rollup seconds, buckets kept), the smallest that covers the interval wins.
_ROLLUPS = ((10, 360), (3600, 168), (86400, 90))
# constants.py: LOG_LEVELS
LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "fatal": 50}


class Unsupported(ValueError):
    """A payload uses something this evaluator does not play (so a test cannot pass by accident)."""


@dataclass
class Event:
    """One event of an issue, and the state of that issue when the event arrives."""

    issue: str
    at: float  # seconds
    exceptions: tuple[tuple[str, str], ...] = ()  # (type, value) of every exception in the chain
    tags: dict[str, str] = field(default_factory=dict)
    release: str | None = None
    level: str | None = "error"
    environment: str | None = None
    message: str = ""
    # The issue's priority (a metric monitor sets its issue's priority from its condition).
    priority: int = 75
    new_issue: bool = False
    regressed: bool = False
    reappeared: bool = False
    # Resolved or archived (and not escalating): Sentry runs no alert for the event.
    unresolved: bool = True


def _match(match: str, actual: str | None, wanted: object) -> bool:
    a, w = (actual or "").lower(), ("" if wanted is None else str(wanted)).lower()
    if match == "is":
        return actual is not None
    if match == "ns":
        return actual is None
    if match in ("in", "nin"):
        # rules/match.py: the list is split on commas after removing every space.
        values = w.replace(" ", "").split(",")
        return (a in values) if match == "in" else (actual is None or a not in values)
    if actual is None:
        return match in {"ne", "nc", "nsw", "new"}
    return {"eq": a == w, "ne": a != w, "co": w in a, "nc": w not in a, "sw": a.startswith(w),
            "ew": a.endswith(w), "nsw": not a.startswith(w), "new": not a.endswith(w)}[match]


def frequency_window(now: float, interval: str) -> tuple[float, float]:
    """The instants [start, now] an event_frequency_count counts at ``now`` (see the module text)."""
    seconds = _INTERVAL_S[interval]
    rollup = next(r for r, kept in _ROLLUPS if r * kept >= seconds)
    first_bucket = (now // rollup) * rollup - (seconds // rollup) * rollup
    return first_bucket, now


@dataclass
class Project:
    """What an alert sees of the project: its latest release and every event so far."""

    latest_release: str | None = None
    events: list[Event] = field(default_factory=list)
    # (alert name, filter group, action index, issue) -> when it last fired
    fired: dict[tuple[str, int, int, str], float] = field(default_factory=dict)
    # issue -> the times of its events, sorted, for frequency counts
    times: dict[str, list[float]] = field(default_factory=dict)

    def _tag(self, event: Event, key: str) -> str | None:
        key = key.lower()
        # tagged_event_handler.py: standardised keys ("sentry:release" <-> "release").
        key = key[len("sentry:"):] if key.startswith("sentry:") else key
        if key == "release":
            return event.release
        if key == "environment":
            return event.environment
        if key == "level":
            return event.level
        return {k.lower(): v for k, v in event.tags.items()}.get(key)

    def _condition(self, condition: dict[str, Any], event: Event) -> bool:
        kind = condition["type"]
        c: Any = condition.get("comparison")  # an object, or a number (issue_priority_greater_or_equal)
        if kind == "tagged_event":
            return _match(c["match"], self._tag(event, c["key"]), c.get("value"))
        if kind == "event_attribute" and c["attribute"] in ("exception.type", "exception.value"):
            index = 0 if c["attribute"] == "exception.type" else 1
            values: list[str | None] = [e[index] for e in event.exceptions] or [None]
            return any(_match(c["match"], v, c.get("value")) for v in values)
        if kind == "event_attribute" and c["attribute"] in ("message", "environment"):
            return _match(c["match"], event.message if c["attribute"] == "message" else event.environment,
                          c.get("value"))
        if kind == "level":
            level = LEVELS.get((event.level or "").lower())
            if level is None:
                return False
            return bool({"eq": level == c["level"], "gte": level >= c["level"], "lte": level <= c["level"]}[c["match"]])
        if kind == "latest_release":
            return event.release is not None and event.release == self.latest_release
        if kind == "event_frequency_count":
            if event.new_issue and c["value"] > 1:
                return False
            start, end = frequency_window(event.at, c["interval"])
            times = self.times.get(event.issue, [])
            count = bisect.bisect_right(times, end) - bisect.bisect_left(times, start)
            return bool(count > c["value"])
        if kind == "issue_priority_greater_or_equal":
            return bool(event.priority >= c)
        if kind == "first_seen_event":
            return event.new_issue
        if kind == "regression_event":
            return event.regressed
        if kind == "reappeared_event":
            return event.reappeared
        raise Unsupported(f"the evaluator does not play condition {kind!r}")

    def _group(self, group: dict[str, Any], event: Event) -> bool:
        results = [self._condition(c, event) for c in group.get("conditions") or []]
        if not results:
            return True
        logic = group.get("logicType")
        if logic in ("any", "any-short"):
            return any(results)
        if logic == "none":
            return not any(results)
        return all(results)

    def record(self, event: Event) -> None:
        """An event Sentry stores (and counts) whether or not any alert runs for it."""
        self.events.append(event)
        bisect.insort(self.times.setdefault(event.issue, []), event.at)

    def send(self, payload: dict[str, Any], event: Event, *, recorded: bool = False) -> list[dict[str, Any]]:
        """The actions an alert runs for this event (the event is recorded first, as Sentry counts it)."""
        if not recorded:
            self.record(event)
        if not event.unresolved or payload.get("enabled") is False:
            return []
        wanted_env = payload.get("environment")
        if wanted_env and event.environment != wanted_env:
            return []
        if not self._group(payload["triggers"], event):
            return []
        throttle = (payload.get("config") or {}).get("frequency", 30) * 60
        out: list[dict[str, Any]] = []
        for g, group in enumerate(payload["actionFilters"]):
            if not self._group(group, event):
                continue
            for a, action in enumerate(group["actions"]):
                key = (payload["name"], g, a, event.issue)
                last = self.fired.get(key)
                if last is None or event.at - last > throttle:
                    self.fired[key] = event.at
                    out.append(action)
        return out

"""How Sentry decides that a monitor or an alert fires, for tests of what a payload means.

Sentry's semantics, read in getsentry/sentry (paths under src/sentry/):
- monitor: each update compares its value with every condition; `gt` is strict, `lte` resolves
  (workflow_engine/handlers/condition/: Condition.GREATER, LESS_OR_EQUAL); a percent monitor
  compares current / baseline * 100 and skips an update whose baseline is 0
  (incidents/utils/process_update_helpers.py: get_comparison_aggregation_value);
- alert: the trigger group, then each action filter group (processors/workflow.py,
  processors/data_condition_group.py: no conditions evaluate to true; any-short stops at the
  first match; all needs every one; none needs no match); tag and attribute matching is
  case-insensitive and `exception.type` looks at every exception of the chain
  (rules/conditions/event_attribute.py, rules/match.py); event_frequency_count is strict
  `count > value` (event_frequency_handlers.py); the latest-release filter compares the
  event's release with the project's latest (latest_release_handler.py);
- the throttle: an action fires for an issue at most once per config.frequency minutes
  (processors/action.py: filter_recently_fired_workflow_actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_COMPARE = {
    "gt": lambda v, c: v > c, "gte": lambda v, c: v >= c, "lt": lambda v, c: v < c, "lte": lambda v, c: v <= c,
}
_INTERVAL_S = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86400, "1w": 604800, "30d": 2592000}


def monitor_priority(payload: dict, value: float, baseline: float | None = None) -> int | None:
    """The priority of the issue after one update (75 high, 50 medium, 0 resolved); None: update skipped."""
    if (payload.get("config") or {}).get("detectionType") == "percent":
        if not baseline:
            return None
        value = value / baseline * 100
    met = [c["conditionResult"] for c in payload["conditionGroup"]["conditions"]
           if _COMPARE[c["type"]](value, c["comparison"])]
    return max(met) if met else None


@dataclass
class Event:
    """One event of an issue, and the state of that issue when the event arrives."""

    issue: str
    at: float  # seconds
    exceptions: tuple[tuple[str, str], ...] = ()  # (type, value) of every exception in the chain
    tags: dict[str, str] = field(default_factory=dict)
    release: str | None = None
    # The issue's priority (a metric monitor sets its issue's priority from its condition).
    priority: int = 75
    new_issue: bool = False
    regressed: bool = False
    reappeared: bool = False


def _match(match: str, actual: str | None, wanted: str | None) -> bool:
    a, w = (actual or "").lower(), (wanted or "").lower()
    if match == "is":
        return actual is not None
    if match == "ns":
        return actual is None
    if actual is None:
        return match in {"ne", "nc", "nsw", "new"}
    return {"eq": a == w, "ne": a != w, "co": w in a, "nc": w not in a, "sw": a.startswith(w),
            "ew": a.endswith(w), "nsw": not a.startswith(w), "new": not a.endswith(w)}[match]


@dataclass
class Project:
    """What an alert sees of the project: its latest release and every event so far."""

    latest_release: str | None = None
    events: list[Event] = field(default_factory=list)
    # (alert name, action index, issue) -> when it last fired
    fired: dict[tuple, float] = field(default_factory=dict)

    def _condition(self, condition: dict, event: Event) -> bool:
        kind, c = condition["type"], condition.get("comparison")
        if kind == "tagged_event":
            return _match(c["match"], event.tags.get(c["key"].lower()), c.get("value"))
        if kind == "event_attribute" and c["attribute"] in ("exception.type", "exception.value"):
            index = 0 if c["attribute"] == "exception.type" else 1
            values = [e[index] for e in event.exceptions] or [None]
            return any(_match(c["match"], v, c.get("value")) for v in values)
        if kind == "latest_release":
            return event.release is not None and event.release == self.latest_release
        if kind == "event_frequency_count":
            since = event.at - _INTERVAL_S[c["interval"]]
            count = sum(1 for e in self.events if e.issue == event.issue and since < e.at <= event.at)
            return count > c["value"]
        if kind == "issue_priority_greater_or_equal":
            return event.priority >= c
        if kind == "first_seen_event":
            return event.new_issue
        if kind == "regression_event":
            return event.regressed
        if kind == "reappeared_event":
            return event.reappeared
        raise ValueError(f"the evaluator does not play condition {kind!r}")

    def _group(self, group: dict, event: Event) -> bool:
        results = [self._condition(c, event) for c in group.get("conditions") or []]
        if not results:
            return True
        logic = group.get("logicType")
        if logic in ("any", "any-short"):
            return any(results)
        if logic == "none":
            return not any(results)
        return all(results)

    def send(self, payload: dict, event: Event) -> list[dict]:
        """The actions an alert runs for this event (the event is recorded first, as Sentry counts it)."""
        self.events.append(event)
        if not self._group(payload["triggers"], event):
            return []
        throttle = (payload.get("config") or {}).get("frequency", 0) * 60
        out = []
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

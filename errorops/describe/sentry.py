"""What makes a Sentry monitor or alert fire, and how often it may notify, in words.

Pure functions of the payloads Sentry receives, so the words follow what is deployed, not
what the YAML meant. The meanings are Sentry's:
- a monitor compares its aggregate over the window with its `gt` condition, strictly; a
  percent monitor compares current / baseline * 100
  (src/sentry/incidents/utils/process_update_helpers.py);
- an alert with no trigger conditions runs on every event of its monitors' issues
  (workflow_engine/processors/data_condition_group.py: no conditions evaluate to true);
- config.frequency is a throttle per issue and action, never a re-notification
  (workflow_engine/processors/action.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .base import Describer, scalar, toggled
from .changes import Explained, generic, leaf_changes
from .roles import Roles
from .routes import route_list, route_sentences, sentry_routes
from .sentence import Raw, Sentence, say
from .values import MISSING, duration, get, number, percent, show

SENTRY_MONITOR = "pulumi-python:dynamic/sentry:Monitor"
SENTRY_ALERT = "pulumi-python:dynamic/sentry:Alert"

TRIGGER_WORDS = {"first_seen_event": "new", "regression_event": "regressed", "reappeared_event": "reappeared"}
PRIORITY_WORDS: dict[object, str] = {75: "high", 50: "medium", 25: "low"}  # looked up with any JSON value
_RATIO = re.compile(r"^(failure_rate|crash_free_rate|percentage)\(")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def monitor_fires(payload: dict[str, Any]) -> str:
    """To follow "fires when": 'failure_rate() where is_transaction:true over 5 min is above 5%'."""
    source = get(payload, "dataSources", 0) or {}
    aggregate = str(source.get("aggregate", "?"))
    what = aggregate + (f" where {source['query']}" if source.get("query") else "")
    window = duration(source.get("timeWindow"))
    high = next((c for c in _list(get(payload, "conditionGroup", "conditions")) if get(c, "type") == "gt"), None)
    if high is None:
        return f"{what} over {window} (no alerting condition)"
    value = high.get("comparison")
    if get(payload, "config", "detectionType") == "percent":
        baseline = duration(get(payload, "config", "comparisonDelta"))
        change = f"{number(value - 100)}%" if isinstance(value, (int, float)) else "?"
        return (f"{what} over {window} exceeds {number(value)}% of the same window {baseline} earlier "
                f"(up more than {change})")
    shown = percent(value) if _RATIO.match(aggregate) else number(value)
    return f"{what} over {window} is above {shown}"


_MATCH_WORDS = {"eq": "is", "ne": "is not", "co": "contains", "nc": "does not contain", "sw": "starts with",
                "ew": "ends with", "is": "is set", "ns": "is not set", "in": "is one of", "nin": "is none of"}


def _condition_words(condition: dict[str, Any]) -> str:
    kind, comparison = condition.get("type"), condition.get("comparison")
    c = comparison if isinstance(comparison, dict) else {}
    match = _MATCH_WORDS.get(str(c.get("match")), str(c.get("match")))
    value = f" {c['value']}" if "value" in c else ""
    if kind == "tagged_event":
        return f"tag {c.get('key')} {match}{value}"
    if kind == "event_attribute" and c.get("attribute") == "exception.type":
        return f"exception type {match}{value}"
    if kind == "event_attribute" and c.get("attribute") == "exception.value":
        return f'the message {match} "{c.get("value")}"'
    if kind == "event_attribute":
        return f"{c.get('attribute')} {match}{value}"
    if kind == "latest_release":
        return "the release is the latest"
    if kind == "event_frequency_count":
        return f"the issue had more than {c.get('value')} events in the last {c.get('interval')}"
    if kind == "level":
        return f"the level {match} {c.get('level')}"
    if kind == "issue_priority_greater_or_equal":
        return f"the issue's priority is {PRIORITY_WORDS.get(comparison, comparison)} or higher"
    return str(kind)


def _group_words(group: dict[str, Any]) -> str:
    conditions = [c for c in _list(group.get("conditions")) if isinstance(c, dict)]
    if not conditions:
        return ""
    logic = group.get("logicType")
    words = [_condition_words(c) for c in conditions]
    types = [w.removeprefix("exception type is ") for w in words if w.startswith("exception type is ")]
    if logic in ("any", "any-short") and len(types) == len(words) > 1:
        return "exception type is " + ", ".join(types[:-1]) + " or " + types[-1]
    if logic == "none":
        return "none of: " + ", ".join(words)
    return (" or " if logic in ("any", "any-short") else " and ").join(words)


def alert_fires(payload: dict[str, Any], monitor: dict[str, Any] | None = None) -> str:
    """What makes an alert notify, to follow "fires "; ``monitor`` is the payload of the metric
    monitor feeding it, if any."""
    triggers = [get(c, "type") for c in _list(get(payload, "triggers", "conditions"))]
    if monitor is not None:
        # Its filter is the monitor's priority (Sentry's own metric alerts are built so).
        return f"when its monitor raises its issue, that is when {monitor_fires(monitor)}"
    if not triggers:
        start = "on every event of an issue"
    else:
        states = [TRIGGER_WORDS.get(t, str(t)) for t in triggers]
        start = "on a " + (", ".join(states[:-1]) + " or " + states[-1] if len(states) > 1 else states[0]) + " issue"
    groups = [g for g in _list(payload.get("actionFilters")) if isinstance(g, dict)]
    filters = [w for w in (_group_words(g) for g in groups) if w]
    if filters and len(filters) == len(groups):
        start += " where " + "; or where ".join(filters)
    elif filters:
        start += " (some actions only where " + "; or where ".join(filters) + ")"
    return start


def throttle_words(minutes: Any) -> str:
    """Sentry's config.frequency as what it is: a limit per issue, not a reminder."""
    if minutes is None:
        return "no throttle set (Sentry: every matching event)"
    if minutes == 0:
        return "on every matching event"
    return f"at most once per {duration(minutes * 60)} per issue"


def throttle(value: Any) -> str:
    return throttle_words(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else show(value)


# --- table lines ---------------------------------------------------------------------------------

def _action_words(action: dict[str, Any]) -> str:
    config = action.get("config") or {}
    target = config.get("targetIdentifier") or config.get("targetDisplay")
    if action.get("type") == "slack":
        return f"slack #{config.get('targetDisplay')}"
    if action.get("type") == "email":
        return f"email {target}"
    if action.get("type") == "github":
        labels = get(action, "data", "additional_fields", "labels") or []
        return "github issue" + (f" [{','.join(map(str, labels))}]" if labels else "")
    return str(action.get("type"))


class TeamWords(Describer):
    kind = "Sentry team"

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return f"{inputs.get('slug')}  \"{inputs.get('name')}\"  org={inputs.get('organization')}"


class ProjectWords(Describer):
    kind = "Sentry project"

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        teams = ",".join(inputs.get("teams") or [])
        return f"{inputs.get('slug')}  platform={inputs.get('platform')}  teams={teams}  org={inputs.get('organization')}"


class KeyWords(Describer):
    kind = "Sentry client key"

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return f"project={inputs.get('project')}  (DSN exported as a secret)"


class DefaultAlertRemovalWords(Describer):
    kind = "Sentry default-alert removal"


# --- Sentry monitor ------------------------------------------------------------------------------

PRIORITY = {**PRIORITY_WORDS, 0: "none"}


def _threshold(payload: dict[str, Any], value: Any) -> str:
    if value is MISSING:
        return "(none)"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return show(value)
    aggregate = str(get(payload, "dataSources", 0, "aggregate", default=""))
    if get(payload, "config", "detectionType") == "percent":
        return f"+{number(value)}%"
    if _RATIO.match(aggregate):
        return percent(value)
    return number(value)


def _conditions(payload: dict[str, Any]) -> list[Any]:
    conditions = get(payload, "conditionGroup", "conditions", default=[])
    return conditions if isinstance(conditions, list) else []


def _first(conditions: list[Any], kind: str) -> Any:
    return next((c.get("comparison", MISSING) for c in conditions if isinstance(c, dict) and c.get("type") == kind), MISSING)


class MonitorWords(Describer):
    kind, rank = "Sentry monitor", 0

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        payload = inputs.get("payload") or {}
        return f"{payload.get('name')}\nfires when {monitor_fires(payload)}"

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        p = inputs.get("payload") or {}
        conditions = _conditions(p)
        source = get(p, "dataSources", 0, default={}) or {}
        aggregate, window = source.get("aggregate", "?"), duration(source.get("timeWindow", MISSING))
        threshold = _threshold(p, _first(conditions, "gt"))
        if get(p, "config", "detectionType") == "percent":
            template = "fires when {} rises more than {} against " + duration(get(p, "config", "comparisonDelta")) + " earlier, over {}"
        else:
            template = "fires when {} is above {} over {}"
        values: list[Any] = [aggregate, Raw(threshold), Raw(window)]
        if source.get("query"):
            template += ", for events matching {}"
            values.append(source["query"])
        priority = next((c.get("conditionResult") for c in conditions if isinstance(c, dict) and c.get("type") == "gt"), None)
        if priority in PRIORITY:
            template += ", priority {}"
            values.append(Raw(PRIORITY[priority]))
        out = [say(template, *values)]
        if inputs.get("project"):
            out.append(say("in project {}", inputs["project"]))
        return out

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles, ex: Explained) -> list[Sentence]:
        op, np_ = old.get("payload") or {}, new.get("payload") or {}
        out = scalar(ex, old, new, ("payload", "name"), "renamed {} -> {}")
        out += toggled(ex, old, new, ("payload", "enabled"), "now enabled", "now disabled")
        out += scalar(ex, old, new, ("project",), "moves to project {} -> {}")
        oc, nc = _conditions(op), _conditions(np_)
        old_gt, new_gt = _first(oc, "gt"), _first(nc, "gt")
        for i in range(min(len(oc), len(nc))):
            a, b = oc[i], nc[i]
            if not (isinstance(a, dict) and isinstance(b, dict)) or a.get("type") != b.get("type"):
                continue
            base = ("payload", "conditionGroup", "conditions", i)
            if a.get("type") == "gt":
                if a.get("comparison") != b.get("comparison"):
                    ex.take(*base, "comparison")
                    out.append(say("threshold {} -> {}", Raw(_threshold(op, a.get("comparison", MISSING))), Raw(_threshold(np_, b.get("comparison", MISSING)))))
                if a.get("conditionResult") != b.get("conditionResult"):
                    ex.take(*base, "conditionResult")
                    label: Callable[[object], str] = lambda v: PRIORITY.get(v, show(v)) if v is not None else "(none)"  # noqa: E731
                    out.append(say("priority {} -> {}", Raw(label(a.get("conditionResult"))), Raw(label(b.get("conditionResult")))))
            elif a.get("type") == "lte" and a.get("comparison") != b.get("comparison"):
                ex.take(*base, "comparison")
                if not (a.get("comparison") == old_gt and b.get("comparison") == new_gt):
                    out.append(say("resolves at or below {} -> {}", Raw(_threshold(op, a.get("comparison", MISSING))), Raw(_threshold(np_, b.get("comparison", MISSING)))))
        src = ("payload", "dataSources", 0)
        out += scalar(ex, old, new, src + ("timeWindow",), "window {} -> {}", duration)
        out += scalar(ex, old, new, src + ("aggregate",), "aggregate {} -> {}")
        out += scalar(ex, old, new, src + ("query",), "query {} -> {}")
        out += scalar(ex, old, new, src + ("dataset",), "dataset {} -> {}")
        out += scalar(ex, old, new, src + ("eventTypes",), "event types {} -> {}")
        out += scalar(ex, old, new, ("payload", "config", "detectionType"), "detection {} -> {}")
        out += scalar(ex, old, new, ("payload", "config", "comparisonDelta"), "baseline {} earlier -> {} earlier", duration)
        out += scalar(ex, old, new, ("payload", "owner"), "owner {} -> {}")
        out += scalar(ex, old, new, ("payload", "description"), "description {} -> {}")
        return out


# --- Sentry alert --------------------------------------------------------------------------------

def _condition_text(condition: Any) -> str:
    if not isinstance(condition, dict):
        return show(condition)
    kind, comparison = condition.get("type", "?"), condition.get("comparison")
    if isinstance(comparison, dict):
        return f"{kind} " + " ".join(show(comparison[k]) for k in sorted(comparison))
    if comparison is True or comparison is None:
        return str(kind)
    return f"{kind} {show(comparison)}"


def _trigger_set(payload: dict[str, Any]) -> set[str]:
    return {_condition_text(c) for c in get(payload, "triggers", "conditions", default=[]) or []}


def _filter_set(payload: dict[str, Any]) -> set[str]:
    return {
        _condition_text(c)
        for f in get(payload, "actionFilters", default=[]) or []
        for c in (get(f, "conditions", default=[]) or [])
    }


class AlertWords(Describer):
    kind, rank = "Sentry alert", 0

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        """What makes it fire (``feeder``: the metric monitor that feeds it), where it goes,
        how often at most."""
        payload = inputs.get("payload") or {}
        monitor = (feeder or {}).get("payload") if feeder else None
        actions = [_action_words(a) for f in payload.get("actionFilters", []) for a in f.get("actions", [])]
        routes = ", ".join(dict.fromkeys(actions)) or "no routes"
        throttle_text = throttle_words((payload.get("config") or {}).get("frequency"))
        return f"{payload.get('name')}\nfires {alert_fires(payload, monitor)}\n{throttle_text} -> {routes}"

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        p = inputs.get("payload") or {}
        out = [say("fires {}", Raw(alert_fires(p)))]
        routes = {k: r for k, (r, _) in sentry_routes(stack, p, roles).items()}
        out.append(route_list(routes))
        frequency = get(p, "config", "frequency", default=MISSING)
        if frequency is not MISSING:
            out.append(say("notifies {}", Raw(throttle(frequency))))
        return out

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles, ex: Explained) -> list[Sentence]:
        op, np_ = old.get("payload") or {}, new.get("payload") or {}
        out = scalar(ex, old, new, ("payload", "name"), "renamed {} -> {}")
        out += toggled(ex, old, new, ("payload", "enabled"), "now enabled", "now disabled")
        # Routes.
        a, b = sentry_routes(stack, op, roles), sentry_routes(stack, np_, roles)
        out += route_sentences({k: r for k, (r, _) in a.items()}, {k: r for k, (r, _) in b.items()})
        for key in sorted(a.keys() & b.keys(), key=lambda k: b[k][0].sort_key()):
            route = b[key][0]
            label = say(route.fragment, *route.values).text()
            for change in leaf_changes(a[key][1], b[key][1]):
                out.append(generic(change, f"route '{label}': "))
        # Filters and their logic.
        old_f, new_f = _filter_set(op), _filter_set(np_)
        out += [say("now also requires {}", f) for f in sorted(new_f - old_f)]
        out += [say("no longer requires {}", f) for f in sorted(old_f - new_f)]
        old_filters = get(op, "actionFilters", default=[]) or []
        new_filters = get(np_, "actionFilters", default=[]) or []
        if len(old_filters) == len(new_filters):
            for i in range(len(new_filters)):
                out += scalar(ex, old, new, ("payload", "actionFilters", i, "logicType"), "filter logic {} -> {}")
        else:
            out.append(say("action filters {} -> {}", len(old_filters), len(new_filters)))
        ex.take_under("payload", "actionFilters")
        # Triggers.
        old_t, new_t = _trigger_set(op), _trigger_set(np_)
        out += [say("now also triggers on {}", t) for t in sorted(new_t - old_t)]
        out += [say("no longer triggers on {}", t) for t in sorted(old_t - new_t)]
        ex.take_under("payload", "triggers", "conditions")
        out += scalar(ex, old, new, ("payload", "triggers", "logicType"), "trigger logic {} -> {}")
        # config.frequency throttles per issue; Sentry never re-notifies (workflow_engine/processors/action.py).
        out += scalar(ex, old, new, ("payload", "config", "frequency"), "notifies {} -> {}", throttle)
        out += scalar(ex, old, new, ("payload", "owner"), "owner {} -> {}")
        return out


DESCRIBERS: dict[str, Describer] = {
    SENTRY_MONITOR: MonitorWords(),
    SENTRY_ALERT: AlertWords(),
    "pulumi-python:dynamic/sentry:DefaultAlertRemoval": DefaultAlertRemovalWords(),
    "sentry:index/sentryTeam:SentryTeam": TeamWords(),
    "sentry:index/sentryProject:SentryProject": ProjectWords(),
    "sentry:index/sentryKey:SentryKey": KeyWords(),
}

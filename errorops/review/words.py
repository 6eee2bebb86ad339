"""Reviewer sentences for the resources a reviewer cares about most.

Sentry monitors and alerts (``payload`` is the exact body Sentry receives) and Google
Cloud alert policies are put into words: "threshold 5% -> 3%", "window 5 min -> 15 min",
"now also e-mails the on-call engineer", "no longer pages". Whatever a describer does not
put into words is still listed, as ``path: old -> new`` (see ``compare.Explained``), so
nothing that changes is left out of a review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from .compare import Explained, generic, get, leaf_changes
from .roles import Roles
from ..describe.sentry import PRIORITY_WORDS, alert_fires, throttle_words
from ..describe.units import _PROM_UNITS, duration, percent
from .sentence import MISSING, Raw, Sentence, number, say, show

SENTRY_MONITOR = "pulumi-python:dynamic/sentry:Monitor"
SENTRY_ALERT = "pulumi-python:dynamic/sentry:Alert"
GCP_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"

KIND_NAMES = {
    SENTRY_MONITOR: "Sentry monitor",
    SENTRY_ALERT: "Sentry alert",
    "pulumi-python:dynamic/sentry:DefaultAlertRemoval": "Sentry default-alert removal",
    "sentry:index/sentryTeam:SentryTeam": "Sentry team",
    "sentry:index/sentryProject:SentryProject": "Sentry project",
    "sentry:index/sentryKey:SentryKey": "Sentry client key",
    GCP_POLICY: "GCP alert policy",
    "gcp:monitoring/notificationChannel:NotificationChannel": "GCP notification channel",
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": "GCP uptime check",
    "gcp:monitoring/dashboard:Dashboard": "GCP dashboard",
    "gcp:monitoring/slo:Slo": "GCP SLO",
    "gcp:monitoring/genericService:GenericService": "GCP monitored service",
    "gcp:logging/metric:Metric": "GCP log-based metric",
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": "GCP log bucket",
    "pagerduty:index/escalationPolicy:EscalationPolicy": "PagerDuty escalation policy",
}
_RANKS = {
    SENTRY_MONITOR: 0,
    SENTRY_ALERT: 0,
    GCP_POLICY: 1,
    "gcp:monitoring/notificationChannel:NotificationChannel": 2,
    "pagerduty:index/escalationPolicy:EscalationPolicy": 2,
}


def kind_name(type_: str) -> str:
    return KIND_NAMES.get(type_, type_)


def type_rank(type_: str) -> int:
    return _RANKS.get(type_, 3)


# --- units ----------------------------------------------------------------------------------

def prom_duration(text: str) -> str:
    match = re.fullmatch(r"(\d+)(ms|s|m|h|d|w|y)", text)
    return duration(int(match.group(1)) * _PROM_UNITS[match.group(2)]) if match else text


def throttle(value: Any) -> str:
    return throttle_words(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else show(value)


def opt(value: Any, fmt: Callable[[Any], str] = show) -> str:
    if value is MISSING or value is None or value == "":
        return "(none)"
    return fmt(value)


# --- the describer protocol -------------------------------------------------------------------

class Describer:
    """Generic: a title, no summary, every changed input path as ``old -> new``."""

    def title(self, inputs: dict) -> str | None:
        for path in (("displayName",), ("payload", "name"), ("name",)):
            value = get(inputs, *path)
            if isinstance(value, str) and value:
                return value
        return None

    def summary(self, stack: str, inputs: dict, roles: Roles) -> list[Sentence]:
        return []

    def changes(self, stack: str, old: dict, new: dict, roles: Roles) -> list[Sentence]:
        explained = Explained(leaf_changes(old, new))
        out = self.describe(stack, old, new, roles, explained)
        return out + [generic(c) for c in explained.rest()]

    def describe(self, stack: str, old: dict, new: dict, roles: Roles, ex: Explained) -> list[Sentence]:
        return []


def scalar(ex: Explained, old: Any, new: Any, path: tuple, template: str, fmt: Callable[[Any], str] = show) -> list[Sentence]:
    """One ``template`` sentence ("window {} -> {}") if the value at ``path`` differs."""
    a, b = get(old, *path, default=MISSING), get(new, *path, default=MISSING)
    if a == b:
        return []
    ex.take_under(*path)
    return [say(template, Raw(opt(a, fmt)), Raw(opt(b, fmt)))]


def toggled(ex: Explained, old: Any, new: Any, path: tuple, on: str, off: str) -> list[Sentence]:
    a, b = get(old, *path, default=MISSING), get(new, *path, default=MISSING)
    if a == b or not isinstance(b, bool):
        return []
    ex.take_under(*path)
    return [say(on if b else off)]


# --- routes: who hears about it ----------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    rank: int
    fragment: str  # words after "now also " / "no longer "; {} takes the values
    values: tuple = ()

    def sort_key(self) -> tuple:
        return (self.rank, self.fragment, tuple(show(v) for v in self.values))


def _words(text: str) -> str:
    return text.replace("{}", "{ }")


def route_sentences(old: dict, new: dict, lead: str = "") -> list[Sentence]:
    out = []
    also = "now also " if old else "now "
    for key in sorted(new.keys() - old.keys(), key=lambda k: new[k].sort_key()):
        out.append(say(lead + also + new[key].fragment, *new[key].values))
    for key in sorted(old.keys() - new.keys(), key=lambda k: old[k].sort_key()):
        out.append(say(lead + "no longer " + old[key].fragment, *old[key].values))
    if old and not new:
        out.append(say(lead + "now notifies nobody"))
    return out


def route_list(routes: dict) -> Sentence:
    items = sorted(routes.values(), key=Route.sort_key)
    if not items:
        return say("notifies nobody")
    template = "; ".join(r.fragment for r in items)
    values = tuple(v for r in items for v in r.values)
    return say(template, *values)


def sentry_routes(stack: str, payload: dict, roles: Roles) -> dict[tuple, tuple[Route, dict]]:
    routes: dict[tuple, tuple[Route, dict]] = {}
    for action_filter in get(payload, "actionFilters", default=[]) or []:
        for action in get(action_filter, "actions", default=[]) or []:
            if not isinstance(action, dict):
                continue
            kind = action.get("type")
            config = action.get("config") or {}
            target = config.get("targetIdentifier")
            if kind == "slack":
                channel = roles.slack_channel(stack, target, config.get("targetDisplay"))
                key, route = ("slack", str(target)), Route(0, _words(f"posts to Slack {channel}"))
            elif kind == "email" and config.get("targetType") == "team":
                key, route = ("email", "team", str(target)), Route(1, "e-mails team {}", (target,))
            elif kind == "email":
                role = roles.sentry_user(stack, target)
                route = Route(1, _words(f"e-mails {role}")) if role else Route(1, "e-mails Sentry user {}", (target,))
                key = ("email", str(config.get("targetType")), str(target))
            elif kind == "github":
                repo = get(action, "data", "additional_fields", "repo", default="")
                key, route = ("github", str(repo)), Route(2, "opens a GitHub issue in {}", (repo,))
            elif kind == "pagerduty":
                service = config.get("targetDisplay") or target
                key, route = ("pagerduty", str(target)), Route(3, "pages on-call through PagerDuty service {}", (service,))
            else:
                key = (str(kind), show(config))
                route = Route(4, "notifies through {} {}", (kind, target if target else config))
            routes[key] = (route, action)
    return routes


def gcp_routes(channels: Any, roles: Roles) -> dict[str, Route]:
    routes = {}
    for channel in channels if isinstance(channels, list) else []:
        kind, target = roles.gcp_channel(str(channel))
        if kind == "email":
            routes[str(channel)] = Route(1, _words(f"e-mails {target}"))
        elif kind == "slack":
            routes[str(channel)] = Route(0, _words(f"posts to Slack {target}"))
        elif kind == "pagerduty":
            routes[str(channel)] = Route(3, "pages on-call through PagerDuty")
        else:
            routes[str(channel)] = Route(4, "notifies channel {}", (target,))
    return routes


# --- Sentry monitor ----------------------------------------------------------------------------

PRIORITY = {**PRIORITY_WORDS, 0: "none"}


def _threshold(payload: dict, value: Any) -> str:
    if value is MISSING:
        return "(none)"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return show(value)
    aggregate = str(get(payload, "dataSources", 0, "aggregate", default=""))
    if get(payload, "config", "detectionType") == "percent":
        return f"+{number(value)}%"
    if re.match(r"^(failure_rate|crash_free_rate|percentage)\(", aggregate):
        return percent(value)
    return number(value)


def _conditions(payload: dict) -> list:
    conditions = get(payload, "conditionGroup", "conditions", default=[])
    return conditions if isinstance(conditions, list) else []


def _first(conditions: list, kind: str) -> Any:
    return next((c.get("comparison", MISSING) for c in conditions if isinstance(c, dict) and c.get("type") == kind), MISSING)


class MonitorWords(Describer):
    def summary(self, stack: str, inputs: dict, roles: Roles) -> list[Sentence]:
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

    def describe(self, stack: str, old: dict, new: dict, roles: Roles, ex: Explained) -> list[Sentence]:
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
                    label = lambda v: PRIORITY.get(v, show(v)) if v is not None else "(none)"  # noqa: E731
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


# --- Sentry alert ------------------------------------------------------------------------------

def _condition_text(condition: Any) -> str:
    if not isinstance(condition, dict):
        return show(condition)
    kind, comparison = condition.get("type", "?"), condition.get("comparison")
    if isinstance(comparison, dict):
        return f"{kind} " + " ".join(show(comparison[k]) for k in sorted(comparison))
    if comparison is True or comparison is None:
        return str(kind)
    return f"{kind} {show(comparison)}"


def _trigger_set(payload: dict) -> set[str]:
    return {_condition_text(c) for c in get(payload, "triggers", "conditions", default=[]) or []}


def _filter_set(payload: dict) -> set[str]:
    return {
        _condition_text(c)
        for f in get(payload, "actionFilters", default=[]) or []
        for c in (get(f, "conditions", default=[]) or [])
    }


class AlertWords(Describer):
    def summary(self, stack: str, inputs: dict, roles: Roles) -> list[Sentence]:
        p = inputs.get("payload") or {}
        out = [say("fires {}", Raw(alert_fires(p)))]
        routes = {k: r for k, (r, _) in sentry_routes(stack, p, roles).items()}
        out.append(route_list(routes))
        frequency = get(p, "config", "frequency", default=MISSING)
        if frequency is not MISSING:
            out.append(say("notifies {}", Raw(throttle(frequency))))
        return out

    def describe(self, stack: str, old: dict, new: dict, roles: Roles, ex: Explained) -> list[Sentence]:
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


# --- Google Cloud alert policy ------------------------------------------------------------------

COMPARATORS = {
    "COMPARISON_GT": ">", "COMPARISON_GE": ">=", "COMPARISON_LT": "<", "COMPARISON_LE": "<=",
    "COMPARISON_EQ": "==", "COMPARISON_NE": "!=",
}
CONDITION_KINDS = (
    "conditionThreshold", "conditionPrometheusQueryLanguage", "conditionMatchedLog", "conditionAbsent",
    "conditionMonitoringQueryLanguage", "conditionSql",
)
_PROMQL_TAIL = re.compile(r"^(?P<expr>.*?)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>-?[0-9.]+(?:[eE][-+]?\d+)?)\s*$", re.S)
_RANGE = re.compile(r"\[(\d+(?:ms|s|m|h|d|w|y))\]")


def _condition_kind(condition: dict) -> str | None:
    return next((k for k in CONDITION_KINDS if k in condition), None)


def _promql(query: Any) -> tuple[str, str, float, list[str]] | None:
    """(expression with windows blanked, comparator, threshold, windows) of ``expr OP number``."""
    if not isinstance(query, str):
        return None
    match = _PROMQL_TAIL.match(query)
    if not match:
        return None
    expr = match.group("expr")
    return _RANGE.sub("[…]", expr), match.group("op"), float(match.group("value")), _RANGE.findall(expr)


def _windows(windows: list[str]) -> str:
    seen = list(dict.fromkeys(windows))
    return ", ".join(prom_duration(w) for w in seen) if seen else "(none)"


def _condition_summary(condition: dict) -> Sentence:
    title = condition.get("displayName") or "(untitled)"
    kind = _condition_kind(condition)
    body = condition.get(kind) if kind else None
    if kind == "conditionThreshold" and isinstance(body, dict):
        template = "condition {}: " + COMPARATORS.get(body.get("comparison"), str(body.get("comparison"))) + " {}"
        values: list[Any] = [title, body.get("thresholdValue", 0)]
        period = get(body, "aggregations", 0, "alignmentPeriod")
        if period:
            template += ", window {}"
            values.append(Raw(duration(period)))
        template += ", must hold for {}"
        values.append(Raw(duration(body.get("duration", "0s"))))
        return say(template, *values)
    if kind == "conditionPrometheusQueryLanguage" and isinstance(body, dict):
        parsed = _promql(body.get("query"))
        if parsed:
            return say("condition {}: PromQL {} {}, window {}, must hold for {}", title, Raw(parsed[1]), parsed[2], Raw(_windows(parsed[3])), Raw(duration(body.get("duration", "0s"))))
        return say("condition {}: PromQL {}", title, body.get("query"))
    if kind == "conditionMatchedLog" and isinstance(body, dict):
        return say("condition {}: any log entry matching {}", title, body.get("filter"))
    return say("condition {}", title)


def _condition_changes(old: dict, new: dict, where: str, lead: str) -> list[Sentence]:
    ex = Explained(leaf_changes(old, new))
    out = scalar(ex, old, new, ("displayName",), lead + "condition title {} -> {}")
    ko, kn = _condition_kind(old), _condition_kind(new)
    if ko != kn:
        ex.take_under(ko) if ko else None
        ex.take_under(kn) if kn else None
        out.append(say(lead + "condition kind {} -> {}", Raw(opt(ko)), Raw(opt(kn))))
        out.append(_condition_summary(new))
    elif kn == "conditionThreshold":
        k = (kn,)
        out += scalar(ex, old, new, k + ("thresholdValue",), lead + "threshold {} -> {}", number)
        out += scalar(ex, old, new, k + ("comparison",), lead + "comparison {} -> {}", lambda v: COMPARATORS.get(v, show(v)))
        out += scalar(ex, old, new, k + ("duration",), lead + "must hold for {} -> {}", duration)
        out += scalar(ex, old, new, k + ("aggregations", 0, "alignmentPeriod"), lead + "window {} -> {}", duration)
        out += scalar(ex, old, new, k + ("filter",), lead + "filter {} -> {}")
        out += scalar(ex, old, new, k + ("trigger", "count"), lead + "fires when {} -> {} time series breach")
    elif kn == "conditionPrometheusQueryLanguage":
        k = (kn,)
        qa, qb = get(old, *k, "query"), get(new, *k, "query")
        pa, pb = _promql(qa), _promql(qb)
        if qa != qb:
            ex.take(*k, "query")
            if pa and pb and pa[0] == pb[0]:
                if pa[3] != pb[3]:
                    out.append(say(lead + "window {} -> {}", Raw(_windows(pa[3])), Raw(_windows(pb[3]))))
                if pa[1] != pb[1]:
                    out.append(say(lead + "comparison {} -> {}", Raw(pa[1]), Raw(pb[1])))
                if pa[2] != pb[2]:
                    out.append(say(lead + "threshold {} -> {}", pa[2], pb[2]))
            else:
                out.append(say(lead + "PromQL query {} -> {}", Raw(str(qa)), Raw(str(qb))))
        out += scalar(ex, old, new, k + ("duration",), lead + "must hold for {} -> {}", duration)
        out += scalar(ex, old, new, k + ("evaluationInterval",), lead + "evaluated every {} -> {}", duration)
    elif kn == "conditionMatchedLog":
        out += scalar(ex, old, new, (kn, "filter"), lead + "log filter {} -> {}")
    return out + [generic(c, where) for c in ex.rest()]


def _pair_conditions(old: list, new: list) -> list[tuple[int | None, int | None]]:
    if len(old) == len(new):
        return [(i, i) for i in range(len(new))]
    title = lambda c: c.get("displayName") if isinstance(c, dict) else None  # noqa: E731
    old_by_title = {title(c): i for i, c in enumerate(old)}
    pairs: list[tuple[int | None, int | None]] = []
    used = set()
    for j, c in enumerate(new):
        i = old_by_title.get(title(c))
        if i is not None and i not in used:
            used.add(i)
            pairs.append((i, j))
        else:
            pairs.append((None, j))
    pairs += [(i, None) for i in range(len(old)) if i not in used]
    return pairs


class PolicyWords(Describer):
    def summary(self, stack: str, inputs: dict, roles: Roles) -> list[Sentence]:
        out = [say("severity {}", Raw(opt(inputs.get("severity"))))]
        out += [_condition_summary(c) for c in inputs.get("conditions", []) if isinstance(c, dict)]
        out.append(route_list(gcp_routes(inputs.get("notificationChannels"), roles)))
        renotify = get(inputs, "alertStrategy", "notificationChannelStrategies", 0, "renotifyInterval")
        if renotify:
            out.append(say("re-notifies every {}", Raw(duration(renotify))))
        return out

    def describe(self, stack: str, old: dict, new: dict, roles: Roles, ex: Explained) -> list[Sentence]:
        out = scalar(ex, old, new, ("displayName",), "renamed {} -> {}")
        out += toggled(ex, old, new, ("enabled",), "now enabled", "now disabled")
        out += scalar(ex, old, new, ("severity",), "severity {} -> {}")
        out += scalar(ex, old, new, ("combiner",), "combines conditions with {} -> {}")
        # Conditions, paired by position (or by title when their number changes).
        oc, nc = old.get("conditions") or [], new.get("conditions") or []
        several = max(len(oc), len(nc)) > 1
        for i, j in _pair_conditions(oc, nc):
            if i is None:
                summary = _condition_summary(nc[j]) if isinstance(nc[j], dict) else say("condition {}", nc[j])
                out.append(Sentence((("w", "new "), *summary.parts)))
            elif j is None:
                out.append(say("condition {} removed", oc[i].get("displayName", i) if isinstance(oc[i], dict) else i))
            elif oc[i] != nc[j]:
                title = nc[j].get("displayName") if isinstance(nc[j], dict) else None
                lead = f"condition '{title}': " if several and title else ""
                out += _condition_changes(oc[i], nc[j], f"conditions[{j}].", _words(lead))
        ex.take_under("conditions")
        # Who is notified.
        old_routes, new_routes = gcp_routes(old.get("notificationChannels"), roles), gcp_routes(new.get("notificationChannels"), roles)
        out += route_sentences(old_routes, new_routes)
        ex.take_under("notificationChannels")
        strategy = ("alertStrategy", "notificationChannelStrategies")
        sa, sb = get(old, *strategy, default=[]) or [], get(new, *strategy, default=[]) or []
        if sa and sb:
            out += scalar(ex, old, new, strategy + (0, "renotifyInterval"), "re-notifies every {} -> {}", duration)
            na, nb = get(sa, 0, "notificationChannelNames", default=[]), get(sb, 0, "notificationChannelNames", default=[])
            if na != nb:
                ex.take_under(*strategy, 0, "notificationChannelNames")
                follows = set(na) == set(old.get("notificationChannels") or []) and set(nb) == set(new.get("notificationChannels") or [])
                if not follows:
                    out += route_sentences(gcp_routes(na, roles), gcp_routes(nb, roles), lead="re-notification: ")
        elif sb:
            ex.take_under(*strategy)
            out.append(say("now re-notifies every {}", Raw(duration(get(sb, 0, "renotifyInterval")))))
        elif sa:
            ex.take_under(*strategy)
            out.append(say("no longer re-notifies (was every {})", Raw(duration(get(sa, 0, "renotifyInterval")))))
        out += scalar(ex, old, new, ("alertStrategy", "autoClose"), "closes an incident by itself after {} -> {}", duration)
        out += scalar(ex, old, new, ("alertStrategy", "notificationRateLimit", "period"), "notifies at most once per {} -> {}", duration)
        out += scalar(ex, old, new, ("alertStrategy", "notificationPrompts"), "notifies when an incident is {} -> {}")
        out += scalar(ex, old, new, ("documentation", "subject"), "notification subject {} -> {}")
        return out


_DESCRIBERS: dict[str, Describer] = {SENTRY_MONITOR: MonitorWords(), SENTRY_ALERT: AlertWords(), GCP_POLICY: PolicyWords()}
_GENERIC = Describer()


def describer(type_: str) -> Describer:
    return _DESCRIBERS.get(type_, _GENERIC)


# The daily digest's resources (review/digest_words.py), registered here.
from . import digest_words as _digest_words  # noqa: E402 - it builds on Describer above
KIND_NAMES.update(_digest_words.KIND_NAMES); _DESCRIBERS.update(_digest_words.DESCRIBERS)  # noqa: E702

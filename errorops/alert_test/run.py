"""Runs alert test cases over the planned resources of their stacks; results are values.

Each stack is planned once per run (the payloads `pulumi up` would send), so a mistake of the
declare step fails the tests as surely as one in alert_rules/.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..model.types import Model, StackFile
from . import gcp_conditions, gcp_logs, gcp_promql, routes
from .gcp_conditions import Series
from .load import Case, Expectation, GcpInput, SentryInput, Where
from .sentry_alerts import Event, Project, Unsupported
from .sentry_monitors import Update, open_at, updates

if TYPE_CHECKING:
    from ..plan.runner import PlannedResource, StackPlan

SENTRY_ALERT = "pulumi-python:dynamic/sentry:Alert"
SENTRY_MONITOR = "pulumi-python:dynamic/sentry:Monitor"
SENTRY_ERROR_DETECTOR = "pulumi-python:dynamic/sentry:ProjectErrorDetector"
LOG_METRIC = "gcp:logging/metric:Metric"
UPTIME_CHECK = "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig"
SLO = "gcp:monitoring/slo:Slo"


class InputError(Unsupported):
    """A test's input that does not fit the stack's plan, reported where the input is written."""

    def __init__(self, where: Where, message: str):
        super().__init__(message)
        self.where = where


@dataclass(frozen=True, order=True)
class Result:
    where: Where = field(compare=False)
    sort_key: tuple[str, int, int, str]  # where, then stack
    case: str
    stack: str
    passed: bool
    message: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _human(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


class Planned:
    """What a test sees of one stack's plan."""

    def __init__(self, model: Model, stack: StackFile, plan: StackPlan):
        self.model, self.stack, self.resources = model, stack, plan.resources
        self.environment = str(stack.values.get(f"{model.project_name}:environment", stack.name))
        by_type: dict[str, dict[str, PlannedResource]] = {}
        for r in plan.resources:
            by_type.setdefault(r.type, {})[r.name] = r
        self.alerts = {name.removeprefix("alert-"): r for name, r in by_type.get(SENTRY_ALERT, {}).items()}
        self.monitors = {name.removeprefix("monitor-"): r for name, r in by_type.get(SENTRY_MONITOR, {}).items()}
        self.policies = by_type.get(gcp_promql.ALERT_POLICY, {})
        self.log_metrics = by_type.get(LOG_METRIC, {})
        self.uptime = by_type.get(UPTIME_CHECK, {})
        self.slos = {name: r.inputs for name, r in by_type.get(SLO, {}).items()}
        detectors = set(by_type.get(SENTRY_ERROR_DETECTOR, {}))
        # Which detector feeds which alert: the alert depends on it (its detectorIds are its ids).
        self.fed_by_errors = sorted(rid for rid, r in self.alerts.items() if detectors & set(r.options["depends_on"]))
        self.fed_by_monitor = {
            mid: sorted(rid for rid, r in self.alerts.items() if m.name in r.options["depends_on"])
            for mid, m in self.monitors.items()}
        self.project = str(stack.values.get("gcp:project", ""))
        gcp_env = model.gcp.environment(self.environment) if model.gcp else None
        self.service = gcp_env.cloud_run_service if gcp_env else ""
        self.region = gcp_env.region if gcp_env else ""
        self.promql = gcp_promql.promql_alerts(plan.resources)

    def substitute(self, text: str) -> str:
        return text.replace("${project}", self.project).replace("${service}", self.service)


# --- Sentry ---------------------------------------------------------------------------------------

@dataclass
class SentryOutcome:
    actions: dict[str, list[tuple[float, dict[str, Any]]]] = field(default_factory=dict)  # alert rule id -> (at, action)
    monitor_actions: dict[str, list[tuple[float, dict[str, Any]]]] = field(default_factory=dict)
    history: dict[str, list[Update]] = field(default_factory=dict)


def _events(inp: SentryInput) -> list[Event]:
    """Events with the state flags Sentry gives them, from each issue's state before the test."""
    state = dict(inp.issues)
    out = []
    for e in inp.events:
        before = state.get(e.issue, "new")
        flags = {"new_issue": before == "new", "regressed": before == "resolved",
                 "reappeared": before == "archived" and e.escalating}
        unresolved = before != "archived" or e.escalating
        if unresolved:
            state[e.issue] = "ongoing"
        out.append(Event(e.issue, e.at, e.exceptions, dict(e.tags), e.release, e.level, e.environment,
                         e.message or (e.exceptions[-1][1] if e.exceptions else ""), unresolved=unresolved,
                         **flags))
    return out


def play_sentry(p: Planned, inp: SentryInput, until: int, monitors: set[str]) -> SentryOutcome:
    out = SentryOutcome()
    events = _events(inp)
    project = Project(latest_release=inp.latest_release)
    since = min([0, *(e.at for e in events), *(s.at for s in inp.spans)])
    # (at, 0, an event) and (at, 1, (monitor id, its issue's event)): at one instant, events first.
    timeline: list[tuple[float, int, Event | tuple[str, Event]]] = [(e.at, 0, e) for e in events]
    for mid in sorted(monitors):
        out.history[mid] = updates(p.monitors[mid].inputs["payload"], inp.spans, events, until, since)
        current, opened = 0, False
        for u in out.history[mid]:
            if u.priority is None or u.priority == current:
                continue
            raised = u.priority > current
            issue = Event(f"metric:{mid}", u.at, priority=u.priority, new_issue=raised and not opened,
                          regressed=raised and opened and current == 0)
            opened, current = opened or raised, u.priority
            timeline.append((u.at, 1, (mid, issue)))
    for at, _, item in sorted(timeline, key=lambda x: (x[0], x[1])):
        if isinstance(item, Event):
            project.record(item)
            for rid in p.fed_by_errors:
                for action in project.send(p.alerts[rid].inputs["payload"], item, recorded=True):
                    out.actions.setdefault(rid, []).append((at, action))
        else:
            mid, issue = item
            project.record(issue)
            for rid in p.fed_by_monitor.get(mid, []):
                for action in project.send(p.alerts[rid].inputs["payload"], issue, recorded=True):
                    out.actions.setdefault(rid, []).append((at, action))
                    out.monitor_actions.setdefault(mid, []).append((at, action))
    return out


# --- Cloud Monitoring -----------------------------------------------------------------------------

def _log_entries(p: Planned, inp: GcpInput) -> list[dict[str, Any]]:
    default: dict[str, Any] = {"type": "cloud_run_revision",
                               "labels": {"project_id": p.project, "service_name": p.service, "location": p.region}}
    out = []
    for entry in inp.logs:
        resource = entry.resource or default
        resource = {"type": resource["type"],
                    "labels": {k: p.substitute(v) for k, v in (resource.get("labels") or {}).items()}}
        out.append({"at": entry.at, "severity": entry.severity, "jsonPayload": entry.json, "resource": resource})
    return out


@dataclass
class GcpInputs:
    series: list[Series]  # every series, for threshold and absence conditions
    prom_series: list[dict[str, str]]  # promtool input_series
    interval: int


def gcp_inputs(p: Planned, inp: GcpInput, until: int) -> GcpInputs:
    series: list[Series] = []
    prom: list[dict[str, str]] = []
    for s in inp.series:
        labels = {k: p.substitute(v) for k, v in s.labels}
        values = " ".join(p.substitute(s.values).split())
        series.append(Series(s.metric, labels, gcp_conditions.expand(values, inp.interval), cumulative=True))
        prom.append({"series": gcp_promql.series_selector(s.metric, labels), "values": values})
    entries = _log_entries(p, inp)
    if entries:
        for name in sorted(p.log_metrics):
            for logged in gcp_logs.metric_series(p.log_metrics[name].inputs, entries):
                series.append(logged)
                counter = gcp_logs.as_counter(logged, inp.interval, 0, until)
                # Counts stay exact: "%g" would round a counter past a million.
                prom.append({"series": gcp_promql.series_selector(logged.metric, logged.labels),
                             "values": " ".join(str(int(v)) if v.is_integer() else repr(v) for _, v in counter)})
    for u in inp.uptime:
        check = p.uptime.get(u.check)
        if check is None:
            raise InputError(u.where, f"uptime check '{u.check}' is not planned (planned: {', '.join(sorted(p.uptime))})")
        config = check.inputs
        series += gcp_conditions.uptime_series(
            f"<id of {check.name}>", list(config.get("selectedRegions") or []),
            int(str(config.get("period", "60s")).rstrip("s")), p.project,
            str((config.get("monitoredResource") or {}).get("labels", {}).get("host", "")),
            u.start, u.until, u.failing)
    return GcpInputs(_merged(series), prom, inp.interval)


def _merged(series: list[Series]) -> list[Series]:
    """One series per metric and labels: uptime results given in several spans of time are one
    checker location's one series, and must be counted once. At one instant, the entry written
    later wins (the sort keeps the order of equal times)."""
    by_key: dict[tuple[str, tuple[tuple[str, str], ...], bool], Series] = {}
    for s in series:
        key = (s.metric, tuple(sorted(s.labels.items())), s.cumulative)
        if key in by_key:
            by_key[key].points = sorted(by_key[key].points + s.points, key=lambda p: p[0])
        else:
            by_key[key] = Series(s.metric, dict(s.labels), sorted(s.points, key=lambda p: p[0]), s.cumulative,
                                 s.resource_labels)
    return list(by_key.values())


# --- running --------------------------------------------------------------------------------------

@dataclass
class _Pending:
    case: Case
    planned: Planned
    sentry: SentryOutcome | None = None
    gcp: GcpInputs | None = None
    error: str = ""
    error_where: Where | None = None
    prom_name: str = ""


class Runner:
    def __init__(self, model: Model, stacks: list[StackFile], planner: Callable[[Model, StackFile], StackPlan] | None = None):
        self.model = model
        self.stacks = {s.name: s for s in stacks}
        self.planner = planner
        self._planned: dict[tuple[str, tuple[tuple[str, object], ...]], Planned] = {}

    def planned(self, name: str, config: tuple[tuple[str, object], ...] = ()) -> Planned:
        """The plan of a stack, with a test's config set over its own; each planned once per run."""
        key = (name, config)
        if key not in self._planned:
            planner = self.planner
            if planner is None:
                from ..plan.runner import plan_stack
                planner = plan_stack
            stack = self.stacks[name]
            if config:
                stack = dataclasses.replace(stack, values={**stack.values, **dict(config)},
                                            secure_keys=stack.secure_keys - {k for k, _ in config})
            self._planned[key] = Planned(self.model, stack, planner(self.model, stack))
        return self._planned[key]

    def run(self, cases: list[Case], only: str | None = None) -> list[Result]:
        results: list[Result] = []
        pending: list[_Pending] = []
        for case in cases:
            for stack in case.stacks:
                if only and stack != only:
                    continue
                if stack not in self.stacks:
                    results.append(self._result(case, stack, case.where, False,
                                                f"unknown stack '{stack}' (stacks: {', '.join(sorted(self.stacks))})"))
                    continue
                try:
                    planned = self.planned(stack, case.config)
                except Exception as exc:  # noqa: BLE001 - the program refusing a config is the test's finding
                    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    results.append(self._result(case, stack, case.where, False,
                                                f"stack {stack} cannot be planned with this test's config: {message}"))
                    continue
                pending.append(self._prepare(case, planned))
        prom_cases, prom_alerts = [], {}
        for n, item in enumerate(pending):
            checks = self._prom_checks(item)
            if checks and not item.error and item.gcp is not None:  # checks come with gcp inputs only
                item.prom_name = f"case{n}"
                prom_cases.append(gcp_promql.Case(item.prom_name, item.gcp.interval, item.gcp.prom_series, checks))
                for name, alert in item.planned.promql.items():
                    prom_alerts[f"{item.planned.stack.name}__{name}"] = alert
        fired: dict[tuple[str, str, int], bool] = {}
        prom_error = ""
        if prom_cases:
            try:
                fired = gcp_promql.observe(prom_alerts, prom_cases)
            except (gcp_promql.PromtoolError, FileNotFoundError) as exc:
                prom_error = f"promtool: {exc}".splitlines()[0]
        for item in pending:
            results += self._judge(item, fired, prom_error)
        return sorted(results)

    def _result(self, case: Case, stack: str, where: Where, passed: bool, message: str = "") -> Result:
        return Result(where, (where.path, where.line, where.column, stack), case.name, stack, passed, message)

    def _prepare(self, case: Case, p: Planned) -> _Pending:
        item = _Pending(case, p)
        until = max(e.at for e in case.expect)
        try:
            if case.sentry is not None:
                monitors = {e.target for e in case.expect if e.kind in ("monitor", "alert") and e.target in p.monitors}
                item.sentry = play_sentry(p, case.sentry, until, monitors)
            if case.gcp is not None:
                item.gcp = gcp_inputs(p, case.gcp, until)
        except (Unsupported, ValueError) as exc:
            item.error = str(exc)
            item.error_where = getattr(exc, "where", None)
        return item

    def _prom_checks(self, item: _Pending) -> list[gcp_promql.Check]:
        checks = []
        for e in item.case.expect:
            policy = item.planned.policies.get(e.target) if e.kind == "policy" else None
            if policy is None or item.gcp is None:
                continue
            for n, _ in enumerate(policy.inputs.get("conditions") or []):
                name = gcp_promql.alert_name(policy.name, n)
                if name in item.planned.promql:
                    checks.append(gcp_promql.Check(e.at, f"{item.planned.stack.name}__{name}"))
        return sorted(set(checks), key=lambda c: (c.at, c.alert))

    def _judge(self, item: _Pending, fired: dict[tuple[str, str, int], bool], prom_error: str) -> list[Result]:
        case, p = item.case, item.planned
        stack = p.stack.name
        if item.error_where is not None:
            return [self._result(case, stack, item.error_where, False, f"{item.error} (in {stack})")]
        previous: dict[tuple[str, str], int] = {}
        out = []
        for e in case.expect:
            since = previous.get((e.kind, e.target), -10**12)
            previous[(e.kind, e.target)] = e.at
            try:
                if item.error:
                    raise Unsupported(item.error)
                got, words = self._observe(item, e, since, fired, prom_error)
            except (Unsupported, ValueError, KeyError) as exc:
                out.append(self._result(case, stack, e.where, False, f"{exc} (in {stack})"))
                continue
            what = f"{e.kind} {e.target}"
            when = f"at {_human(e.at)} in {stack}"
            if got != e.fires:
                expected = "to fire" if e.fires else "to stay silent"
                actual = f"firing (notifies {', '.join(words) or 'nobody'})" if got else "silent"
                out.append(self._result(case, stack, e.where, False, f"expected {what} {expected} {when}, got {actual}"))
                continue
            wanted = e.notifies_in(stack)
            if wanted is not None and tuple(wanted) != tuple(words):
                out.append(self._result(case, stack, e.where, False,
                                        f"expected {what} {when} to notify [{', '.join(wanted)}], "
                                        f"got [{', '.join(words)}]"))
                continue
            out.append(self._result(case, stack, e.where, True))
        return out

    def _observe(self, item: _Pending, e: Expectation, since: int, fired: dict[tuple[str, str, int], bool],
                 prom_error: str) -> tuple[bool, list[str]]:
        p = item.planned
        if e.kind in ("monitor", "alert"):
            table = p.monitors if e.kind == "monitor" else p.alerts
            if e.target not in table:
                raise Unsupported(f"no Sentry {e.kind} '{e.target}' is planned (planned: {', '.join(sorted(table))})")
            if item.sentry is None:
                raise Unsupported("the test gives no sentry: input")
            if e.kind == "monitor":
                got = open_at(item.sentry.history[e.target], e.at)
                acted = item.sentry.monitor_actions.get(e.target, [])
            else:
                acted = item.sentry.actions.get(e.target, [])
            actions = [a for at, a in acted if since < at <= e.at]
            words = sorted({routes.sentry_action(p.model, p.stack, a) for a in actions})
            return (got if e.kind == "monitor" else bool(actions)), words
        policy = p.policies.get(e.target)
        if policy is None:
            raise Unsupported(f"no policy '{e.target}' is planned (planned: {', '.join(sorted(p.policies))})")
        if item.gcp is None:
            raise Unsupported("the test gives no gcp: input")
        met = []
        for n, condition in enumerate(policy.inputs.get("conditions") or []):
            name = gcp_promql.alert_name(policy.name, n)
            if name in p.promql:
                if prom_error:
                    raise Unsupported(prom_error)
                met.append(fired[(item.prom_name, f"{p.stack.name}__{name}", e.at)])
            else:
                met.append(gcp_conditions.condition_met(condition, item.gcp.series, e.at, p.slos))
        combiner = policy.inputs.get("combiner", "OR")
        if combiner == "OR":
            got = any(met)
        elif combiner in ("AND", "AND_WITH_MATCHING_RESOURCE"):
            # AND_WITH_MATCHING_RESOURCE is played as AND: the series here carry one resource each.
            got = bool(met) and all(met)
        else:
            raise Unsupported(f"the evaluator does not play the combiner {combiner!r}")
        words = sorted({routes.gcp_channel(p.model, c) for c in policy.inputs.get("notificationChannels") or []})
        return got, (words if got else [])

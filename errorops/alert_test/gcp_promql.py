"""PromQL conditions of Cloud Monitoring policies, run by Prometheus itself (``promtool test rules``).

Cloud Monitoring evaluates a PromQL condition with Prometheus' engine: at each
`evaluationInterval` the query is run at the current time, every result series is an alert,
pending for `duration` (Prometheus' `for`) before it fires
(https://cloud.google.com/monitoring/promql/promql-in-alerting). Its metrics are named as
Cloud Monitoring maps them (`run.googleapis.com/request_count` -> `run_googleapis_com:request_count`,
the resource type in the `monitored_resource` label:
https://cloud.google.com/monitoring/promql/promql-mapping), and DELTA counters are read by
`rate` as counters, so the input series are cumulative counters.

The conditions are taken from the planned AlertPolicy resources; ``promtool`` comes from
Debian's prometheus package (.ci/run and the README's set-up install it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import yaml

if TYPE_CHECKING:
    from ..plan.runner import PlannedResource

ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"


def promtool() -> str | None:
    return shutil.which("promtool")


def alert_name(policy: str, condition: int) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"{policy}_{condition}")


def _seconds(text: str) -> int:
    return int(str(text).rstrip("s") or 0)


# One planned PromQL condition as a Prometheus alerting rule: its policy and index, query, `for`
# and evaluation interval (seconds).
PromAlert = TypedDict("PromAlert", {"policy": str, "condition": int, "expr": str, "for": int, "interval": int})


def promql_alerts(resources: Iterable[PlannedResource]) -> dict[str, PromAlert]:
    """alert name -> {policy, condition, expr, for, interval} of every PromQL condition planned."""
    alerts: dict[str, PromAlert] = {}
    for r in resources:
        if r.type != ALERT_POLICY:
            continue
        for n, cond in enumerate(r.inputs.get("conditions") or []):
            prom = cond.get("conditionPrometheusQueryLanguage")
            if prom:
                alerts[alert_name(r.name, n)] = {
                    "policy": r.name, "condition": n, "expr": prom["query"],
                    "for": _seconds(prom.get("duration", "0s")),
                    "interval": _seconds(prom.get("evaluationInterval", "30s")) or 30,
                }
    return alerts


def series_selector(metric: str, labels: dict[str, str]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return metric + "{" + inner + "}"


@dataclass(frozen=True)
class Check:
    at: int  # seconds after the start of the series
    alert: str
    firing: bool | None = None  # None: observe (see ``observe``)


@dataclass
class Case:
    name: str
    interval: int  # seconds between samples
    series: list[dict[str, str]] = field(default_factory=list)  # {"series": selector, "values": notation}
    checks: list[Check] = field(default_factory=list)


def _duration(seconds: int) -> str:
    return f"{int(seconds)}s"


# A label each probe adds to what it returns, naming the check (see ``_probe``).
PROBE_LABEL = "errorops_check"


def _instant(alerts: dict[str, PromAlert], check: Check) -> bool:
    """A silent check of a condition without `for` needs no rule evaluation: the alert fires at
    an evaluation exactly when the query returns something, so one query at that evaluation
    time answers it (and saves promtool evaluating every step up to it)."""
    return check.firing is False and alerts[check.alert]["for"] == 0


def _probe(alerts: dict[str, PromAlert], case: Case, check: Check) -> dict[str, Any]:
    a = alerts[check.alert]
    # Alerts are evaluated on the group's schedule: the state at `at` is that of the last evaluation.
    at = check.at - check.at % a["interval"]
    ident = f"{case.name}/{check.alert}/{check.at}"
    expr = f'label_replace(({a["expr"]}), "{PROBE_LABEL}", "{ident}", "", "")'
    return {"expr": expr, "eval_time": _duration(at), "exp_samples": []}


def write_files(folder: Path, alerts: dict[str, PromAlert], cases: list[Case], stem: str = "tests") -> Path:
    """A rules file of the planned conditions the cases check, and a test file; returns the latter."""
    used = sorted({c.alert for case in cases for c in case.checks if not _instant(alerts, c)})
    # One group per evaluation interval: the planned one, as Cloud Monitoring evaluates it.
    groups: dict[int, list[dict[str, str]]] = {}
    for name in used:
        a = alerts[name]
        groups.setdefault(a["interval"], []).append({"alert": name, "expr": a["expr"], "for": _duration(a["for"])})
    rules = {"groups": [{"name": f"errorops_{interval}s", "interval": _duration(interval), "rules": rules}
                        for interval, rules in sorted(groups.items())]}
    rules_name = "rules.yml" if stem == "tests" else f"{stem}.rules.yml"
    (folder / rules_name).write_text(yaml.safe_dump(rules, sort_keys=False), "utf-8")
    tests = {"rule_files": [rules_name], "evaluation_interval": _duration(min(groups) if groups else 60), "tests": [
        {"name": case.name, "interval": _duration(case.interval), "input_series": case.series,
         "alert_rule_test": [{"eval_time": _duration(c.at), "alertname": c.alert,
                              "exp_alerts": [{"exp_labels": {}}] if c.firing else []}
                             for c in case.checks if not _instant(alerts, c)],
         "promql_expr_test": [_probe(alerts, case, c) for c in case.checks if _instant(alerts, c)]}
        for case in cases]}
    path = folder / f"{stem}.yml"
    path.write_text(yaml.safe_dump(tests, sort_keys=False), "utf-8")
    return path


def _promtool(folder: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    tool = promtool()
    if tool is None:
        raise FileNotFoundError("promtool is not installed (apt-get install prometheus; .ci/run installs it)")
    return subprocess.run([tool, "test", "rules", *(f.name for f in files)], cwd=folder, capture_output=True,
                          text=True, timeout=600)


def run_promtool(folder: Path, alerts: dict[str, PromAlert], cases: list[Case]) -> subprocess.CompletedProcess[str]:
    return _promtool(folder, [write_files(folder, alerts, cases)])


_FAILED = re.compile(r"name: (?P<name>[^,\n]+),\s*\n\s*alertname: (?P<alert>[^,\s]+), time: (?P<time>[^,\s]+),")
_GO_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def go_duration(text: str) -> int:
    """Prometheus' model.Duration text ("1h30m", "10m") in seconds."""
    return int(sum(int(n) * _GO_UNITS[u] for n, u in re.findall(r"(\d+)(ms|y|w|d|h|m|s)", text)))


class PromtoolError(RuntimeError):
    """promtool refused the rules or the series (its message is kept)."""


def observe(alerts: dict[str, PromAlert], cases: list[Case]) -> dict[tuple[str, str, int], bool]:
    """Whether each checked alert fires, as (case name, alert, at) -> firing.

    Every check asks promtool for "not firing"; each failure it reports is an alert that
    fires, so one run answers every check of every case."""
    silent = [Case(c.name, c.interval, c.series, [Check(k.at, k.alert, False) for k in c.checks]) for c in cases]
    with tempfile.TemporaryDirectory(prefix="errorops-promtool-") as tmp:
        # A file per case, with only the rules it checks: promtool evaluates every rule of a
        # file at every step of every test, so one shared file multiplies the work.
        files = [write_files(Path(tmp), alerts, [case], f"case{n}") for n, case in enumerate(silent)]
        done = _promtool(Path(tmp), files)
    text = done.stdout + done.stderr
    fired = {(m["name"], m["alert"], go_duration(m["time"])) for m in _FAILED.finditer(text)}
    for m in re.finditer(PROBE_LABEL + r'="([^"/]+)/([^"/]+)/(-?[0-9]+)"', text):
        fired.add((m.group(1), m.group(2), int(m.group(3))))
    if done.returncode != 0 and not fired:
        raise PromtoolError((done.stdout + done.stderr).strip())
    return {(c.name, k.alert, k.at): (c.name, k.alert, k.at) in fired for c in cases for k in c.checks}

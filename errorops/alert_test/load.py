"""alert_tests/*.yaml -> typed test cases, each part knowing its file, line and column.

Files are read by the strict loader of alert_rules/ and checked against
errorops/schemas/alert_tests.schema.json, so a mistake is a ``path:line:col: message`` problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load.yaml_source import Document, PathKey, load_yaml
from ..problems import Problem
from ..validate.schema import dotted, validate_document
from .gcp_conditions import expand
from .sentry_monitors import Span

TESTS_DIR = "alert_tests"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# Every instant of a test lies within this of its start: the longest window Sentry or Cloud
# Monitoring offers (30 days) plus a comparison a month back fits, and a typo ("5000d") cannot
# make an evaluator step through years.
HORIZON = 62 * 86400


def seconds(text: str) -> int:
    match = re.fullmatch(r"(-?[0-9]+)([smhdw])", text)
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    return int(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class Where:
    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Expectation:
    where: Where
    at: int
    kind: str  # monitor | alert | policy
    target: str
    fires: bool
    # None: not checked; else who is notified, per stack (the same list for each when written once).
    notifies: dict[str, tuple[str, ...]] | tuple[str, ...] | None = None

    def notifies_in(self, stack: str) -> tuple[str, ...] | None:
        if isinstance(self.notifies, dict):
            return self.notifies.get(stack)
        return self.notifies


@dataclass(frozen=True)
class EventSpec:
    at: int
    issue: str
    exceptions: tuple[tuple[str, str], ...] = ()
    message: str = ""
    level: str = "error"
    tags: tuple[tuple[str, str], ...] = ()
    release: str | None = None
    environment: str | None = None
    escalating: bool = False


@dataclass
class SentryInput:
    latest_release: str | None = None
    issues: dict[str, str] = field(default_factory=dict)
    events: list[EventSpec] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class SeriesSpec:
    where: Where
    metric: str
    labels: tuple[tuple[str, str], ...]
    values: str


@dataclass(frozen=True)
class LogSpec:
    at: int
    severity: str
    json: dict[str, Any]
    resource: dict[str, Any] | None


@dataclass(frozen=True)
class UptimeSpec:
    where: Where
    check: str
    start: int
    until: int
    failing: tuple[str, ...]


@dataclass
class GcpInput:
    interval: int = 60
    series: list[SeriesSpec] = field(default_factory=list)
    logs: list[LogSpec] = field(default_factory=list)
    uptime: list[UptimeSpec] = field(default_factory=list)


@dataclass
class Case:
    name: str
    where: Where
    stacks: tuple[str, ...]
    sentry: SentryInput | None
    gcp: GcpInput | None
    expect: list[Expectation]
    # Stack config set for this test only, as (key, value) pairs.
    config: tuple[tuple[str, object], ...] = ()


def _where(doc: Document, path: PathKey) -> Where:
    pos = doc.position(path)
    return Where(doc.path, pos.line, pos.column)


def _times(item: dict[str, Any]) -> list[int]:
    start = seconds(item["at"])
    every = seconds(item.get("every", "0s"))
    return [start + n * every for n in range(item.get("repeat", 1))]


def _sentry(data: dict[str, Any]) -> SentryInput:
    out = SentryInput(data.get("latest_release"), dict(data.get("issues") or {}))
    for e in data.get("events") or []:
        chain = [(x["type"], x.get("value", "")) for x in e.get("exceptions") or []]
        if e.get("exception"):
            chain.append((e["exception"], e.get("message", "")))
        for at in _times(e):
            out.events.append(EventSpec(at, e["issue"], tuple(chain), e.get("message", ""), e.get("level", "error"),
                                        tuple(sorted((e.get("tags") or {}).items())), e.get("release"),
                                        e.get("environment"), bool(e.get("escalating"))))
    for s in data.get("spans") or []:
        for at in _times(s):
            out.spans.append(Span(at, s.get("status", "ok"), float(s.get("duration_ms", 0)), s.get("transaction", True),
                                  s.get("count", 1), dict(s.get("tags") or {})))
    out.events.sort(key=lambda e: e.at)
    return out


def _gcp(doc: Document, data: dict[str, Any], path: PathKey) -> GcpInput:
    out = GcpInput(seconds(data.get("interval", "1m")))
    for n, s in enumerate(data.get("series") or []):
        out.series.append(SeriesSpec(_where(doc, path + ("series", n)), s["metric"],
                                     tuple(sorted((s.get("labels") or {}).items())), s["values"]))
    for entry in data.get("logs") or []:
        for at in _times(entry):
            out.logs.append(LogSpec(at, entry.get("severity", "DEFAULT"), entry.get("json") or {}, entry.get("resource")))
    for n, u in enumerate(data.get("uptime") or []):
        out.uptime.append(UptimeSpec(_where(doc, path + ("uptime", n)), u["check"], seconds(u["from"]),
                                     seconds(u["until"]), tuple(u.get("failing") or ())))
    return out


def _expectation(doc: Document, data: dict[str, Any], path: PathKey) -> Expectation:
    kind = next(k for k in ("monitor", "alert", "policy") if k in data)
    written = data.get("notifies")
    notifies: dict[str, tuple[str, ...]] | tuple[str, ...] | None = None
    if isinstance(written, dict):
        notifies = {stack: tuple(sorted(words)) for stack, words in written.items()}
    elif written is not None:
        notifies = tuple(sorted(written))
    return Expectation(_where(doc, path), seconds(data["at"]), kind, data[kind], data["fires"], notifies)


def _horizon_problems(doc: Document, value: Any, path: PathKey = ()) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(value, dict):
        if isinstance(value.get("at"), str):
            last = seconds(value["at"]) + seconds(value.get("every", "0s")) * (value.get("repeat", 1) - 1)
            if abs(last) > HORIZON:
                problems.append(doc.problem(path + ("at",), f"{dotted(path)}: reaches {last // 86400} days from the "
                                                            f"start; tests span at most {HORIZON // 86400} days"))
        for key in ("from", "until"):
            if isinstance(value.get(key), str) and abs(seconds(value[key])) > HORIZON:
                problems.append(doc.problem(path + (key,), f"{dotted(path + (key,))}: more than "
                                                           f"{HORIZON // 86400} days from the start"))
        if isinstance(value.get("values"), str) and "metric" in value:
            try:
                expand(value["values"], 1)
            except ValueError as exc:
                problems.append(doc.problem(path + ("values",), f"{dotted(path + ('values',))}: {exc}"))
        for key, item in value.items():
            problems += _horizon_problems(doc, item, path + (key,))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            problems += _horizon_problems(doc, item, path + (n,))
    return problems


def cases_of(doc: Document) -> list[Case]:
    cases = []
    for n, t in enumerate(doc.data["tests"]):
        path = ("tests", n)
        stacks = tuple(t["stacks"]) if "stacks" in t else (t["stack"],)
        cases.append(Case(
            t["name"], _where(doc, path), stacks,
            _sentry(t["sentry"]) if "sentry" in t else None,
            _gcp(doc, t["gcp"], path + ("gcp",)) if "gcp" in t else None,
            [_expectation(doc, e, path + ("expect", i)) for i, e in enumerate(t["expect"])],
            tuple(sorted((t.get("config") or {}).items())),
        ))
    return cases


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def files_under(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    folder = target / TESTS_DIR if (target / TESTS_DIR).is_dir() else target
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_cases(target: Path) -> tuple[list[Case], list[Problem]]:
    """Every test case under ``target`` (a repository, a folder of test files or one file)."""
    if not target.exists():
        return [], [Problem(str(target), 1, 1, "no such file or folder")]
    files = files_under(target)
    if not files:
        return [], [Problem(str(target), 1, 1, f"no alert test files (*.yaml) here or in {TESTS_DIR}/")]
    cases: list[Case] = []
    problems: list[Problem] = []
    within = target if target.is_dir() else None
    for path in files:
        doc, found = load_yaml(path, _display(path), within)
        problems += found
        if doc is None:
            continue
        if not isinstance(doc.data, dict) or doc.data.get("kind") != "alert_tests":
            problems.append(doc.problem(("kind",) if isinstance(doc.data, dict) and "kind" in doc.data else (),
                                        "expected kind: alert_tests"))
            continue
        found = validate_document(doc, "alert_tests")
        if not found:
            found = _horizon_problems(doc, doc.data.get("tests"), ("tests",))
        problems += found
        if not found:
            cases += cases_of(doc)
    names: dict[str, Where] = {}
    for case in cases:
        if case.name in names:
            w = case.where
            problems.append(Problem(w.path, w.line, w.column,
                                    f"test name '{case.name}' is used twice (first at {names[case.name]})"))
        names.setdefault(case.name, case.where)
    return cases, sorted(problems)

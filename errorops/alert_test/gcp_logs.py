"""Log entries -> the planned log-based metrics' series.

A counter metric counts the entries its filter matches, one DELTA point per entry, labelled by
its `labelExtractors` (EXTRACT(field)) and the entry's resource labels
(https://cloud.google.com/logging/docs/logs-based-metrics). The filter is read in the subset of
the Logging query language the plan writes (https://cloud.google.com/logging/docs/view/logging-query-language):
AND, OR, NOT, parentheses, `field=value`, `field=("a" OR "b")`, `field:value` and
`severity>=LEVEL` with the LogSeverity order. Distribution metrics are not played.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal, TypeAlias, TypeVar, Union

from .gcp_conditions import Series, promql_name
from .sentry_alerts import Unsupported

SEVERITY = {"DEFAULT": 0, "DEBUG": 100, "INFO": 200, "NOTICE": 300, "WARNING": 400, "ERROR": 500,
            "CRITICAL": 600, "ALERT": 700, "EMERGENCY": 800}
_TOKENS = re.compile(r'\s*(\(|\)|"(?:[^"\\]|\\.)*"|>=|<=|!=|=|:|>|<|[^\s()"=:<>!]+)')

# A parsed filter: ("and"|"or", left, right), ("not", operand) or ("cmp", field, operator, values).
_Node: TypeAlias = Union[tuple[Literal["and", "or"], "_Node", "_Node"], tuple[Literal["not"], "_Node"],
                         tuple[Literal["cmp"], str, str, list[str]]]


def _field(entry: dict[str, Any], name: str) -> Any:
    value: Any = entry
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class _Parser:
    def __init__(self, text: str):
        self.tokens = [t for t in _TOKENS.findall(text) if t.strip()]
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str | None:
        token = self.peek()
        self.i += 1
        return token

    def parse(self) -> _Node:
        tree = self.expr()
        if self.peek() is not None:
            raise Unsupported(f"the evaluator cannot read the log filter at {self.peek()!r}")
        return tree

    def expr(self) -> _Node:
        node: _Node = self.term()
        while self.peek() == "OR":
            self.take()
            node = ("or", node, self.term())
        return node

    def term(self) -> _Node:
        node: _Node = self.factor()
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
            node = ("and", node, self.factor())
        return node

    def factor(self) -> _Node:
        token = self.take()
        if token == "NOT":
            return ("not", self.factor())
        if token == "(":
            node = self.expr()
            self.take()
            return node
        op = self.take()
        if op not in ("=", "!=", ">=", "<=", ">", "<", ":"):
            raise Unsupported(f"the evaluator cannot read the log filter near {token!r}")
        assert token is not None  # an operator was read after it
        if self.peek() == "(":
            self.take()
            values = [self.value()]
            while self.peek() == "OR":
                self.take()
                values.append(self.value())
            self.take()
        else:
            values = [self.value()]
        return ("cmp", token, op, values)

    def value(self) -> str:
        token = self.take()
        assert token is not None, "the log filter ends where a value is expected"
        return token.strip('"')


def _compare(actual: Any, op: str, wanted: str, severity: bool) -> bool:
    if actual is None:
        return op == "!="
    if severity:
        return _ordered(SEVERITY.get(str(actual).upper(), 0), op, SEVERITY.get(wanted.upper(), 0))
    return _ordered(str(actual), op, wanted)


# A severity's rank or a field's text.
_Comparable = TypeVar("_Comparable", int, str)


def _ordered(a: _Comparable, op: str, w: _Comparable) -> bool:
    return {"=": a == w, "!=": a != w, ">=": a >= w, "<=": a <= w, ">": a > w, "<": a < w,
            ":": str(w).lower() in str(a).lower()}[op]


def _eval(node: _Node, entry: dict[str, Any]) -> bool:
    if node[0] == "and":
        return _eval(node[1], entry) and _eval(node[2], entry)
    if node[0] == "or":
        return _eval(node[1], entry) or _eval(node[2], entry)
    if node[0] == "not":
        return not _eval(node[1], entry)
    _, name, op, values = node
    actual = _field(entry, name)
    return any(_compare(actual, op, v, name == "severity") for v in values)


@lru_cache(maxsize=256)
def _tree(log_filter: str) -> _Node:
    return _Parser(log_filter).parse()


def matches(log_filter: str, entry: dict[str, Any]) -> bool:
    return _eval(_tree(log_filter), entry)


def metric_series(metric: dict[str, Any], entries: list[dict[str, Any]]) -> list[Series]:
    """The series of one planned logging Metric (its inputs) over ``entries`` (LogEntry-shaped dicts
    with an `at` in seconds)."""
    if metric.get("bucketOptions") or (metric.get("metricDescriptor") or {}).get("valueType") == "DISTRIBUTION":
        return []
    name = promql_name(f"logging.googleapis.com/user/{metric['name']}")
    tree = _tree(metric["filter"])
    extractors: dict[str, str] = {}
    for label, expression in (metric.get("labelExtractors") or {}).items():
        found = re.fullmatch(r"EXTRACT\(([\w.]+)\)", expression)
        if not found:
            raise Unsupported(f"the evaluator does not play the label extractor {expression!r}")
        extractors[label] = found.group(1)
    by_labels: dict[tuple[tuple[str, str], ...], Series] = {}
    for entry in entries:
        if not _eval(tree, entry):
            continue
        labels = {k: str(v) for k, v in (entry["resource"].get("labels") or {}).items()}
        labels["monitored_resource"] = entry["resource"]["type"]
        for label, path in extractors.items():
            value = _field(entry, path)
            if value is not None:
                labels[label] = str(value)
        key = tuple(sorted(labels.items()))
        series = by_labels.setdefault(key, Series(name, labels))
        series.points.append((entry["at"], 1.0))
    return [by_labels[k] for k in sorted(by_labels)]


def as_counter(series: Series, interval: int, start: int, until: int) -> list[tuple[int, float]]:
    """A DELTA series as the cumulative counter PromQL reads, one sample each ``interval``."""
    out, total, points = [], 0.0, sorted(series.points)
    i = 0
    for t in range(start, until + 1, interval):
        while i < len(points) and points[i][0] <= t:
            total += points[i][1]
            i += 1
        out.append((t, total))
    return out

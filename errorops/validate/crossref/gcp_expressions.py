"""Filters and PromQL expressions are not empty, are balanced, and use only known variables.

Balanced: every (, [ and { is closed in order, outside double-quoted strings, and
every double quote is closed. Variables: ${service} in filters, ${service} and
${window} in PromQL. MQL is not accepted at all (Google retired it).

Passing::

    queries:
      - {id: error_ratio, promql: 'sum(rate(x{service_name="${service}"}[${window}]))', ...}
    log_metrics:
      - {id: cache_errors, filter: 'severity>=WARNING AND jsonPayload.event="cache_error"', ...}

Failing (an unclosed parenthesis; an empty filter; an unclosed string; ${region})::

    queries:
      - {id: error_ratio, promql: 'sum(rate(x[${window}])', ...}
    log_metrics:
      - {id: a, filter: "  ", ...}
      - {id: b, filter: 'jsonPayload.event="cache_error', ...}
      - {id: c, filter: 'resource.labels.location="${region}"', ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.gcp_render import EXPRESSION_VARIABLES, FILTER_VARIABLES, variables_in
from ...problems import Problem
from ...model.gcp import GcpMonitoring, Query
from ...model.position import Located
from ...model.types import Model

_PAIRS = {")": "(", "]": "[", "}": "{"}


def unbalanced(text: str) -> str | None:
    """Why ``text`` is unbalanced, or None."""
    stack: list[tuple[str, int]] = []
    quote_at = None
    escaped = False
    for i, ch in enumerate(text):
        if quote_at is not None:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quote_at = None
            continue
        if ch == '"':
            quote_at = i
        elif ch in "([{":
            stack.append((ch, i))
        elif ch in _PAIRS:
            if not stack:
                return f"'{ch}' at character {i + 1} closes nothing"
            opened, at = stack.pop()
            if opened != _PAIRS[ch]:
                return f"'{ch}' at character {i + 1} does not close '{opened}' from character {at + 1}"
    if quote_at is not None:
        return f"the string opened at character {quote_at + 1} is never closed"
    if stack:
        opened, at = stack[-1]
        return f"'{opened}' at character {at + 1} is never closed"
    return None


def _expression(obj: Located, field: str, text: str, what: str, allowed: frozenset[str]) -> Iterator[Problem]:
    if not text.strip():
        yield obj.at.problem(f"{what} is empty", field)
        return
    # Variables are filled in before Google sees the text; ${...} braces are not PromQL's.
    names, bad = variables_in(text)
    reason = unbalanced(_strip_variables(text))
    if reason:
        yield obj.at.problem(f"{what} is unbalanced: {reason}", field)
    for name in sorted(names - allowed):
        yield obj.at.problem(f"unknown variable ${{{name}}} in {what} (known: "
                             f"{', '.join('${' + v + '}' for v in sorted(allowed))})", field)
    for near in bad:
        yield obj.at.problem(f"stray '$' in {what} near '{near}' (variables are written ${{name}})", field)


def _strip_variables(text: str) -> str:
    """The text with each ${name} replaced by a plain word, keeping positions."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("${", i):
            end = text.find("}", i)
            if end != -1:
                out.append("v" * (end - i + 1))
                i = end + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _condition_variables(gcp: GcpMonitoring) -> dict[str, set[str]]:
    """Query id -> the variables its conditions fill (their labels)."""
    out: dict[str, set[str]] = {}
    for policy in gcp.policies:
        for cond in policy.conditions:
            if cond.source == "query":
                out.setdefault(cond.ref, set()).update(cond.labels)
    return out


def _unfilled(gcp: GcpMonitoring, query: Query) -> Iterator[Problem]:
    """A condition or chart on ``query`` that leaves one of its own variables unfilled."""
    names, _ = variables_in(query.promql or "")
    own = names - EXPRESSION_VARIABLES
    for policy in gcp.policies:
        for cond in policy.conditions:
            if cond.source == "query" and cond.ref == query.id:
                for name in sorted(own - set(cond.labels)):
                    yield cond.at.problem(f"query '{query.id}' uses ${{{name}}}: give it in labels", "query")
    for widget in (gcp.dashboard.widgets if gcp.dashboard else ()):
        if widget.source == "query" and widget.ref == query.id and own:
            yield widget.at.problem(f"query '{query.id}' uses ${{{', '.join(sorted(own))}}}, which a chart cannot "
                                    "fill", "query")


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    given = _condition_variables(gcp)
    for query in gcp.queries:
        if query.promql is not None:
            allowed = EXPRESSION_VARIABLES | given.get(query.id, set())
            yield from _expression(query, "promql", query.promql, f"PromQL of query '{query.id}'", allowed)
            yield from _unfilled(gcp, query)
        if query.filter is not None:
            yield from _expression(query, "filter", query.filter, f"filter of query '{query.id}'", FILTER_VARIABLES)
    for metric in gcp.log_metrics:
        yield from _expression(metric, "filter", metric.filter, f"filter of log metric '{metric.id}'", FILTER_VARIABLES)
    for slo in gcp.slos:
        yield from _expression(slo, "total_filter", slo.total_filter, f"total_filter of SLO '{slo.id}'", FILTER_VARIABLES)
        yield from _expression(slo, "bad_filter", slo.bad_filter, f"bad_filter of SLO '{slo.id}'", FILTER_VARIABLES)

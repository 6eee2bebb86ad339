"""Every query and SLO filter is scoped to the stack's project with ${project}.

A metrics scope can span projects (prod's scope often includes staging), and then a
query without a project filter sees every project's series: prod's policies would fire
on staging's traffic. Google's PromQL has the resource label ``project_id``; a filter
has ``resource.label.project_id`` (cloud.google.com/monitoring/promql/promql-mapping,
cloud.google.com/monitoring/api/v3/filters). Log-based metric series and uptime checks
are scoped by the program itself.

Passing::

    queries:
      - {id: error_ratio, promql: 'sum(rate(x{project_id="${project}",service_name="${service}"}[${window}]))'}

Failing (no ${project})::

    queries:
      - {id: error_ratio, promql: 'sum(rate(x{service_name="${service}"}[${window}]))'}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.gcp import Query, SloSpec
from ...model.gcp_render import variables_in
from ...model.types import Model
from ...problems import Problem


def _scoped(obj: Query | SloSpec, field: str, text: str | None, what: str) -> Iterator[Problem]:
    if text is not None and "project" not in variables_in(text)[0]:
        yield obj.at.problem(f"{what} is not scoped to the stack's project: add project_id=\"${{project}}\" "
                             "(PromQL) or resource.label.project_id=\"${project}\" (filter)", field)


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    for query in gcp.queries:
        yield from _scoped(query, "promql", query.promql, f"PromQL of query '{query.id}'")
        yield from _scoped(query, "filter", query.filter, f"filter of query '{query.id}'")
    for slo in gcp.slos:
        yield from _scoped(slo, "total_filter", slo.total_filter, f"total_filter of SLO '{slo.id}'")
        yield from _scoped(slo, "bad_filter", slo.bad_filter, f"bad_filter of SLO '{slo.id}'")

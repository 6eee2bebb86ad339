"""The KPIs' references resolve, their time zone exists, and a number the digest also states is the same.

Passing::

    kpis: {error_rate: {target: {below: 1}, ...}, mttr: {per_level: {P0: {below: 30}}, ...}, ...}
    report: {time_zone: Europe/London, unassigned_levels: [P0, P1]}
    # digest.yaml: performance.thresholds.error_rate_percent: 1

Failing (no level ``P5``; no zone ``Europe/Londres``; the digest says 2% where the KPI says 1%)::

    kpis: {mttr: {per_level: {P5: {below: 30}}, ...}, error_rate: {target: {below: 1}, ...}, ...}
    report: {time_zone: Europe/Londres}
    # digest.yaml: performance.thresholds.error_rate_percent: 2
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...model.digest import digest_spec
from ...model.kpis import kpi_spec
from ...model.types import Model
from ...problems import Problem
from ._refs import listing, unknown_items


def check(model: Model) -> Iterator[Problem]:
    spec = kpi_spec(model)
    if spec is None:
        return
    try:
        ZoneInfo(spec.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        yield spec.at.problem(f"unknown time zone '{spec.time_zone}' (an IANA name such as Europe/London)",
                              "time_zone")
    levels = {s.id for s in model.severity_levels}
    mttr = spec.kpi("mttr")
    for level, _target in mttr.per_level:
        if level not in levels:
            yield mttr.at.problem(f"unknown severity level '{level}' (levels: {listing(levels)})", "per_level", level,
                                  key=True)
    yield from unknown_items(spec.at, spec.unassigned_levels, levels, "severity level", "unassigned_levels",
                             label="levels")
    digest = digest_spec(model)
    if digest is None:
        return
    # The digest shows two of the KPIs each morning: one number, stated in both files, must agree.
    pairs = ((spec.kpi("error_rate"), digest.error_rate_percent, "performance.thresholds.error_rate_percent"),
             (spec.kpi("categorized"), digest.categorized_target_percent, "categorized_target_percent"))
    for kpi, digest_value, where in pairs:
        if kpi.target is not None and kpi.target.value != digest_value:
            yield kpi.at.problem(f"{kpi.name} target {kpi.target.value:g}% differs from the digest's {where}: "
                                 f"{digest_value:g}% ({digest.at.file}); the process states one number",
                                 "target", kpi.target.bound)

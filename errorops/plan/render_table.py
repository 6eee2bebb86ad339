"""The plan as a person reads it: grouped by kind, aligned, one line a resource."""

from __future__ import annotations

from typing import Any

from ..describe import describer
from ..describe.base import pair_value, pairs
from ..describe.sentry import SENTRY_MONITOR
from .runner import PlannedResource, StackPlan

WIDTH = 200


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _kind(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def _flags(options: dict[str, Any]) -> str:
    flags = [name for name in ("protect", "retain_on_delete") if options.get(name)]
    if options.get("parent"):
        flags.append(f"parent={options['parent']}")
    return f"[{' '.join(flags)}]" if flags else ""


def _section(title: str, rows: list[tuple[str, str, str]], out: list[str]) -> None:
    out.append(title)
    name_w = max(len(r[0]) for r in rows)
    flag_w = max(len(r[1]) for r in rows)
    for name, flags, detail in rows:
        # A summary may run to several lines; the others stand under the first.
        first, *more = detail.split("\n")
        line = f"  {name.ljust(name_w)}  {flags.ljust(flag_w)}  {first}".rstrip()
        out.append(_clip(line, WIDTH))
        indent = " " * (2 + name_w + 2 + flag_w + 2)
        out += [_clip(indent + "  " + extra, WIDTH) for extra in more]
    out.append("")


def render_stack(plan: StackPlan) -> str:
    out = [
        f"Stack {plan.stack}  (environment {plan.environment}; {len(plan.resources)} resources, "
        f"{len(plan.lookups)} lookups)",
        "",
    ]
    by_type: dict[str, list[PlannedResource]] = {}
    for resource in plan.resources:
        by_type.setdefault(resource.type, []).append(resource)
    # An alert fed by a metric monitor fires on that monitor's condition: its line says so.
    monitors = {r.urn: r.inputs for r in by_type.get(SENTRY_MONITOR, [])}
    for type_token in sorted(by_type, key=lambda t: (_kind(t), t)):
        words = describer(type_token)
        rows = [(r.name, _flags(r.options),
                 words.line(r.inputs, next((monitors[u] for u in r.dependencies if u in monitors), None)))
                for r in by_type[type_token]]
        _section(f"{_kind(type_token)}  ({type_token})", rows, out)
    if plan.lookups:
        rows = [(_kind(lookup["token"]), "", pairs(lookup["args"]) + "  -> resolved at deploy") for lookup in plan.lookups]
        _section("Lookups (need the cloud; placeholders in this plan)", rows, out)
    if plan.outputs:
        _section("Outputs", [(k, "", pair_value(v)) for k, v in sorted(plan.outputs.items())], out)
    if plan.unset_config:
        _section(
            "Unset config (placeholders here; set before pulumi up)",
            [(key, "", "") for key in plan.unset_config],
            out,
        )
    return "\n".join(out)


def render(plans: list[StackPlan], single: bool) -> str:
    return "\n".join(render_stack(p) for p in plans)

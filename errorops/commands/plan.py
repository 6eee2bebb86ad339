"""``errorops plan --stack NAME|all [--format table|json]``: every resource, offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..pipeline import REPO_ROOT
from . import Stop


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = sub.add_parser("plan", help="validate, then show every resource a stack declares (offline, mock runtime)")
    plan.add_argument("--stack", required=True, help="stack name, or 'all'")
    plan.add_argument("--format", choices=("table", "json"), default="table")
    plan.add_argument("--root", type=Path, default=REPO_ROOT, help="repository to plan (default: this one)")


def run(args: argparse.Namespace) -> int:
    import pulumi

    from ..plan import render_json, render_table
    from ..plan.runner import plan_stacks
    from ._stacks import repository_stacks

    model, stacks = repository_stacks("plan", args.root, args.stack)
    try:
        plans = plan_stacks(model, stacks)
    except pulumi.RunError as exc:
        raise Stop(1, f"errorops plan: {exc}") from None
    renderer = render_json if args.format == "json" else render_table
    sys.stdout.write(renderer.render(plans, single=args.stack != "all"))
    return 0

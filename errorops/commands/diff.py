"""``errorops diff --base REV [--format text|markdown]``: what a change does, in a reviewer's words.

Exit 0 with or without changes; 1 when a side cannot be planned; 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import Stop


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = sub.add_parser("diff", help="plan every stack at a base revision and in the working tree; report what changes")
    diff.add_argument("--base", required=True, help="git revision to compare with (e.g. origin/main, HEAD)")
    diff.add_argument("--format", choices=("text", "markdown"), default="text")
    diff.add_argument("--root", type=Path, help="git checkout to compare (default: the one around the working directory)")


def run(args: argparse.Namespace) -> int:
    from ..review import render_markdown, render_text
    from ..review.both_sides import default_root, diff
    from ..review.plan_at import PlanFailed, UsageError

    try:
        result = diff(args.root or default_root(), args.base)
    except UsageError as exc:
        raise Stop(2, f"errorops diff: {exc}") from None
    except PlanFailed as exc:
        raise Stop(1, f"errorops diff: {exc}") from None
    renderer = render_markdown if args.format == "markdown" else render_text
    sys.stdout.write(renderer.render(result))
    return 0

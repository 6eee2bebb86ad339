"""``errorops docs [--check]``: write docs/PROCESS.md from alert_rules/ and the planned resources, or
(``--check``) fail when the committed file differs from what would be written.

Exit 0: written, or up to date; 1: stale (with a short unified diff), or the configuration has problems.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..pipeline import REPO_ROOT
from . import Stop

DOC = Path("docs") / "PROCESS.md"
DIFF_LINES = 40


def add_parser(sub: Any) -> None:
    docs = sub.add_parser("docs", help="write docs/PROCESS.md, the process document, from the YAML and the plan")
    docs.add_argument("--check", action="store_true", help="write nothing; exit 1 if docs/PROCESS.md is stale")
    docs.add_argument("--root", type=Path, default=REPO_ROOT, help="repository (default: this one)")


def build(root: Path) -> str:
    """The document as ``errorops docs`` writes it for the repository at ``root``."""
    import pulumi

    from ..describe.roles import load_roles
    from ..process_doc.render import render_process
    from ..plan.runner import plan_stacks
    from ._stacks import repository_stacks

    model, stacks = repository_stacks("docs", root, "all")
    try:
        plans = plan_stacks(model, stacks)
    except pulumi.RunError as exc:
        raise Stop(1, f"errorops docs: {exc}") from None
    return render_process(model, [p.as_json() for p in plans], load_roles(root))


def run(args: argparse.Namespace) -> int:
    import difflib
    import sys

    path = args.root / DOC
    if args.check:
        try:
            current = path.read_text("utf-8")
        except FileNotFoundError:
            print(f"{DOC} is stale: run errorops docs\n({DOC} does not exist)", file=sys.stderr)
            return 1
        except (OSError, UnicodeDecodeError) as exc:
            raise Stop(1, f"errorops docs: cannot read {DOC}: {exc}") from None
        text = build(args.root)
        if current == text:
            return 0
        diff = list(difflib.unified_diff(current.splitlines(), text.splitlines(), f"{DOC} (committed)",
                                         f"{DOC} (from the YAML)", lineterm="", n=1))
        shown = diff[:DIFF_LINES] + ([f"... and {len(diff) - DIFF_LINES} more lines"] if len(diff) > DIFF_LINES else [])
        print(f"{DOC} is stale: run errorops docs", file=sys.stderr)
        print("\n".join(shown), file=sys.stderr)
        return 1
    text = build(args.root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    except OSError as exc:
        raise Stop(1, f"errorops docs: cannot write {DOC}: {exc.strerror or exc}") from None
    print(f"errorops docs: wrote {DOC}", file=sys.stderr)
    return 0

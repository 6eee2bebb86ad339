"""``errorops validate [PATH ...] [--format standard|github]``: every problem, or none."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..pipeline import REPO_ROOT


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser("validate", help="check alert_rules/ and the stack files; report every problem")
    validate.add_argument("paths", nargs="*", type=Path,
                          help="repository, alert_rules folder or file (default: this repository)")
    validate.add_argument("--format", choices=("github", "standard"), default="standard")


def run(args: argparse.Namespace) -> int:
    from ..pipeline import check_repository
    from ._stacks import report_problems

    problems = []
    files = 0
    for path in args.paths or [REPO_ROOT]:
        result = check_repository(path)
        problems += result.problems
        files += result.files
    if problems:
        raise report_problems(problems, args.format)
    print(f"{files} files checked, no problems")
    return 0

"""``errorops test [--stack NAME] [--coverage] [PATH]``: the alert tests of alert_tests/."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..pipeline import REPO_ROOT


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    test = sub.add_parser("test", help="prove, offline, that each alert fires when the tests say and stays silent otherwise")
    test.add_argument("path", nargs="?", type=Path,
                      help="test file or folder (default: alert_tests/ of the repository)")
    test.add_argument("--stack", default="all", help="run the tests of this stack only (default: all)")
    test.add_argument("--root", type=Path, default=REPO_ROOT, help="repository whose plan is tested (default: this one)")
    test.add_argument("--coverage", action="store_true",
                      help="also list the rules and policies without a firing and a silent test; any makes the run fail")


def run(args: argparse.Namespace) -> int:
    from ..alert_test import coverage
    from ..alert_test.load import load_cases
    from ..alert_test.run import Runner
    from ._stacks import report_problems, repository_stacks

    # The test files first: their problems are found in milliseconds, the repository's take a validation.
    cases, problems = load_cases(args.path or args.root)
    if problems:
        raise report_problems(problems)
    model, stacks = repository_stacks("test", args.root, args.stack)
    only = None if args.stack == "all" else args.stack
    runner = Runner(model, stacks)
    results = runner.run(cases, only)
    for r in results:
        if not r.passed:
            print(r)
    runs: dict[tuple[str, str], bool] = {}
    for r in results:
        runs[(r.case, r.stack)] = runs.get((r.case, r.stack), True) and r.passed
    failed = sum(1 for ok in runs.values() if not ok)
    print(f"{len(runs) - failed} passed, {failed} failed")
    gaps = []
    if args.coverage:
        gaps = coverage.missing(cases, {s.name: runner.planned(s.name) for s in stacks})
        for line in gaps:
            print(f"coverage: {line}")
        if not gaps:
            print("coverage: every planned Sentry rule and policy has a firing and a silent test in each stack")
    return 1 if failed or gaps else 0

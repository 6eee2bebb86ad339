"""Command line: ``errorops validate``, ``plan``, ``check`` and ``diff``.

Exit codes: 0 fine, 1 the configuration has problems (or the output could not be
written), 2 the command was used wrongly, 3 an internal error (a bug: please report it),
130 interrupted (Ctrl-C), 141 the reader of the output went away.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from pathlib import Path

from .interrupt import interrupted, leave
from .pipeline import REPO_ROOT, check_repository
from .problems import Problem
from .report import FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="errorops", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check alert_rules/ and the stack files; report every problem")
    validate.add_argument("paths", nargs="*", type=Path, help="repository, alert_rules folder or file (default: this repository)")
    validate.add_argument("--format", choices=sorted(FORMATS), default="standard")

    plan = sub.add_parser("plan", help="validate, then show every resource a stack declares (offline, mock runtime)")
    plan.add_argument("--stack", required=True, help="stack name, or 'all'")
    plan.add_argument("--format", choices=("table", "json"), default="table")
    plan.add_argument("--root", type=Path, default=REPO_ROOT, help="repository to plan (default: this one)")

    diff = sub.add_parser("diff", help="plan every stack at a base revision and in the working tree; report what changes")
    diff.add_argument("--base", required=True, help="git revision to compare with (e.g. origin/main, HEAD)")
    diff.add_argument("--format", choices=("text", "markdown"), default="text")
    diff.add_argument("--root", type=Path, help="git checkout to compare (default: the one around the working directory)")

    from .check.command import add_parser as _add_check_parser

    _add_check_parser(sub)
    return parser


class Stop(Exception):
    """Ends a command early with an exit code; the message (if any) goes to stderr."""

    def __init__(self, code: int, message: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message


def _report(problems: list[Problem], fmt: str = "standard") -> int:
    print(FORMATS[fmt].format(problems), file=sys.stderr if fmt == "standard" else sys.stdout)
    return 1


def repository_stacks(command: str, root: Path, name: str):
    """The validated model of a repository and the stacks that ``--stack NAME|all`` selects."""
    from .plan.runner import stacks_in_order

    result = check_repository(root)
    if not result.ok:
        raise Stop(_report(result.problems))
    if result.model is None or not result.model.stacks:
        raise Stop(2, f"errorops {command}: {root} is not a repository (no Pulumi.yaml and stack files)")
    stacks = stacks_in_order(result.model, name)
    if not stacks:
        names = ", ".join(s.name for s in stacks_in_order(result.model, "all"))
        raise Stop(2, f"errorops {command}: unknown stack '{name}' (stacks: {names}, or all)")
    return result.model, stacks


def _validate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    files = 0
    for path in args.paths or [REPO_ROOT]:
        result = check_repository(path)
        problems += result.problems
        files += result.files
    if problems:
        return _report(problems, args.format)
    print(f"{files} files checked, no problems")
    return 0


def _plan(args: argparse.Namespace) -> int:
    import pulumi

    from .plan import render_json, render_table
    from .plan.runner import plan_stack

    model, stacks = repository_stacks("plan", args.root, args.stack)
    try:
        plans = [plan_stack(model, stack) for stack in stacks]
    except pulumi.RunError as exc:
        print(f"errorops plan: {exc}", file=sys.stderr)
        return 1
    renderer = render_json if args.format == "json" else render_table
    sys.stdout.write(renderer.render(plans, single=args.stack != "all"))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .review.command import default_root, run
    from .review.plan_at import UsageError

    try:
        root = args.root or default_root()
    except UsageError as exc:
        raise Stop(2, f"errorops diff: {exc}") from None
    return run(root, args.base, args.format)


def main(argv: list[str] | None = None) -> int:
    # Ctrl-C ends every command at once: the mock runtime waits in worker threads and event
    # loops that a KeyboardInterrupt in the main thread does not stop (they would hang the exit).
    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGINT, previous)


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        code = _dispatch(args)
        sys.stdout.flush()
        return code
    except Stop as stop:
        if stop.message:
            print(stop.message, file=sys.stderr)
        return stop.code
    except BrokenPipeError:
        # The reader went away (`errorops plan | head`): nothing to say, as a SIGPIPE death.
        leave(141)
    except OSError as exc:  # only the output errors of _dispatch get here
        leave(1, f"errorops: cannot write the output: {exc.strerror or exc}")
    return 3  # not reached: _leave ends the process




def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            from .check.command import run as _check

            return _check(args)
        if args.command == "diff":
            return _diff(args)
        return _validate(args) if args.command == "validate" else _plan(args)
    except (Stop, BrokenPipeError):
        raise
    except OSError as exc:
        if exc.errno in _OUTPUT_ERRNOS:
            raise
        return _internal_error(exc)
    except Exception as exc:  # noqa: BLE001 - the one place a bug is turned into a message
        return _internal_error(exc)


# Writing the output failed: the disk is full, or the terminal or file went away.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})


def _internal_error(exc: Exception) -> int:
    if os.environ.get("ERROROPS_DEBUG"):
        raise exc
    print(f"errorops: internal error: {type(exc).__name__}: {exc} (set ERROROPS_DEBUG=1 for details)", file=sys.stderr)
    return 3

"""Command line: the commands of errorops.commands (validate, plan, check, diff, ...).

Exit codes: 0 fine, 1 the configuration has problems (or the output could not be
written), 2 the command was used wrongly, 3 an internal error (a bug: please report it),
130 interrupted (Ctrl-C), 141 the reader of the output went away.
"""

from __future__ import annotations

import argparse
import errno
import functools
import importlib
import os
import signal
import sys
from types import ModuleType

from .commands import NAMES, Stop
from .interrupt import interrupted, leave


@functools.cache  # built once per process: argparse translates every help text as it adds it
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="errorops", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in NAMES:
        _command(name).add_parser(sub)
    return parser


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"{__package__}.commands.{name}")


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
    return 3  # not reached: leave() ends the process


def _dispatch(args: argparse.Namespace) -> int:
    try:
        code: int = _command(args.command).run(args)  # each command module's run() returns the exit code
        return code
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

"""How errorops ends on Ctrl-C or a closed output: one line (or none), an exit code, at once.

``os._exit`` rather than ``sys.exit``: the mock runtime waits in worker threads and event
loops that would keep the interpreter from exiting.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

# Processes this one forked to plan stacks: they end with it.
_children: set[int] = set()


def remember_child(pid: int) -> None:
    _children.add(pid)


def forget_child(pid: int) -> None:
    _children.discard(pid)


def leave(code: int, message: str = "") -> None:
    for pid in list(_children):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        if message:
            print(message, file=sys.stderr, flush=True)
    except OSError:
        pass
    os._exit(code)


def interrupted(_signum: int, _frame: FrameType | None) -> None:
    leave(130, "errorops: interrupted")

"""How errorops ends on Ctrl-C or a closed output: one line (or none), an exit code, at once.

``os._exit`` rather than ``sys.exit``: the mock runtime waits in worker threads and event
loops that would keep the interpreter from exiting.
"""

from __future__ import annotations

import os
import sys
from types import FrameType


def leave(code: int, message: str = "") -> None:
    try:
        if message:
            print(message, file=sys.stderr, flush=True)
    except OSError:
        pass
    os._exit(code)


def interrupted(_signum: int, _frame: FrameType | None) -> None:
    leave(130, "errorops: interrupted")

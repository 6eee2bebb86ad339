"""What a command run in this process prints, as its own process would have printed it.

``contextlib.redirect_stdout``/``redirect_stderr`` swap the process-wide streams, so they also
catch what other threads print meanwhile: in a test process, a double's server thread left by
an earlier test may still report a client that went away. ``ThisThread`` keeps what the calling
thread writes and passes every other thread's writes on to where they went before.
"""

from __future__ import annotations

import io
import threading
from typing import TextIO


class ThisThread(io.StringIO):
    def __init__(self, before: TextIO) -> None:
        super().__init__()
        self._before, self._thread = before, threading.get_ident()

    def write(self, text: str) -> int:
        return super().write(text) if threading.get_ident() == self._thread else self._before.write(text)

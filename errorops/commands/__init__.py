"""The commands of ``errorops``: one module each, with ``add_parser(sub)`` and ``run(args) -> int``.

A command module imports only argparse-level things at the top, so building the parser
costs nothing; what ``run`` needs is imported inside it (``validate`` never loads pulumi
or grpc). A command ends by returning its exit code, or by raising :class:`Stop` with a
message; ``errorops.cli`` is the one place either becomes the process's exit.
"""

from __future__ import annotations

# In the order of ``errorops --help``.
NAMES = ("validate", "plan", "check", "diff", "test", "digest", "report", "docs")


class Stop(Exception):
    """Ends a command with an exit code; the message (if any) goes to stderr."""

    def __init__(self, code: int, message: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message

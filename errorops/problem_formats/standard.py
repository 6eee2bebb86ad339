"""path:line:col: message, one per line, and a count."""

from __future__ import annotations

from ..problems import Problem


def format(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    return "\n".join(lines)

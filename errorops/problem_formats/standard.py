"""path:line:col: message (rule-id), one per line, and a count."""

from __future__ import annotations

from ..problems import Problem


def format(problems: list[Problem]) -> str:
    lines = [p.line_with_rule() for p in problems]
    lines.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    return "\n".join(lines)

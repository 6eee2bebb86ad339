"""Problems are values: every stage collects them and the CLI reports them once.

Each problem names the rule that found it (``rule``), as yamllint does, so a user can look
the rule up (README, "Validation rules"): a stage of the pipeline (``yaml``, ``files``,
``schema``, ``unique-files``, ``required-files``) or a cross-reference rule, named after its
module in ``errorops/validate/crossref/`` (``gcp_durations.py`` -> ``gcp-durations``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    rule: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def line_with_rule(self) -> str:
        """``path:line:col: message (rule-id)``: what the user reads."""
        return f"{self} ({self.rule})" if self.rule else str(self)


def found_by(rule: str, problems: Iterable[Problem]) -> list[Problem]:
    """``problems``, each naming ``rule`` unless a more precise rule already claimed it."""
    return [p if p.rule else replace(p, rule=rule) for p in problems]


class ProblemsFound(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)

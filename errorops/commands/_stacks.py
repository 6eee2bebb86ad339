"""``--stack NAME|all`` of the commands that plan: the validated model and the stacks chosen."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..pipeline import check_repository
from ..problem_formats import FORMATS
from ..problems import Problem
from . import Stop

if TYPE_CHECKING:
    from ..model.types import Model, StackFile


def report_problems(problems: list[Problem], fmt: str = "standard") -> Stop:
    """The one way a command reports configuration problems: printed once, exit 1."""
    print(FORMATS[fmt].format(problems), file=sys.stderr if fmt == "standard" else sys.stdout)
    return Stop(1)


def repository_stacks(command: str, root: Path, name: str) -> tuple[Model, list[StackFile]]:
    """The validated model of a repository and the stacks that ``--stack NAME|all`` selects."""
    from ..model.stack_order import stacks_in_order

    result = check_repository(root)
    if not result.ok:
        raise report_problems(result.problems)
    if result.model is None or not result.model.stacks:
        raise Stop(2, f"errorops {command}: {root} is not a repository (no Pulumi.yaml and stack files)")
    stacks = stacks_in_order(result.model, name)
    if not stacks:
        names = ", ".join(s.name for s in stacks_in_order(result.model, "all"))
        raise Stop(2, f"errorops {command}: unknown stack '{name}' (stacks: {names}, or all)")
    return result.model, stacks

"""The Pulumi program: validate everything first, then declare one stack."""

from __future__ import annotations

import pulumi

from .declare import declare_stack
from .model.types import Model
from .pipeline import load_model
from .problems import ProblemsFound


def run(model: Model | None = None) -> None:
    """Entry point of __main__.py; the offline plan passes the model it already validated."""
    if model is None:
        try:
            model = load_model()
        except ProblemsFound as exc:
            # RunError is reported by the engine without a traceback, and before any resource exists.
            raise pulumi.RunError("configuration has problems:\n" + "\n".join(map(str, exc.problems))) from None
    declare_stack(model)

"""What the commands that read Sentry (digest, report) share: the checked model and the stack
they report on, and the read-only Sentry client, with their errors said one way."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from ..model.types import Environment, Model, StackFile
from . import Stop

T = TypeVar("T")


def model_and_stack(command: str, root: Path, name: str, spec_of: Callable[[Model], T | None],
                    missing: str) -> tuple[Model, T, StackFile, Environment]:
    """The validated model, the spec ``spec_of`` reads from it, the stack ``name`` and its environment."""
    from ..pipeline import check_repository
    from ._stacks import report_problems

    result = check_repository(root)
    if not result.ok:
        raise report_problems(result.problems)
    model = result.model
    spec = spec_of(model) if model is not None else None
    if model is None or spec is None:
        raise Stop(2, f"errorops {command}: {root} has no {missing}")
    stack = next((s for s in model.stacks if s.name == name), None)
    if stack is None:
        raise Stop(2, f"errorops {command}: unknown stack '{name}' (stacks: {', '.join(s.name for s in model.stacks)})")
    # A checked stack file names its environment as a string (stack.schema.json).
    env = model.environment(str(stack.values.get(f"{model.project_name}:environment")))
    return model, spec, stack, env


def read_sentry(command: str, read: Callable[[Any], T]) -> T:
    """``read(client)`` with the read-only Sentry client of the environment (SENTRY_AUTH_TOKEN,
    SENTRY_BASE_URL); a refused token or URL exits 2, a failed read 1."""
    from ..digest.collect import READ_SCOPES, CollectError
    from ..sentry_api.client import (
        BASE_URL_ENV, DEFAULT_BASE_URL, TOKEN_ENV, InvalidToken, SentryApiError, SentryClient, UnsafeBaseUrl,
    )

    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        raise Stop(2, f"errorops {command}: no Sentry auth token: set {TOKEN_ENV} (an internal-integration token "
                      f"with the read-only scopes {READ_SCOPES})")
    try:
        client = SentryClient(os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, token,
                              warn=lambda notice: print(f"errorops {command}: {notice}", file=sys.stderr))
        return read(client)
    except (InvalidToken, UnsafeBaseUrl) as exc:
        raise Stop(2, f"errorops {command}: {exc}") from None
    except (SentryApiError, CollectError) as exc:
        raise Stop(1, f"errorops {command}: {exc}") from None


def date_option(command: str, flag: str, text: str) -> date:
    """A YYYY-MM-DD option, or exit 2 naming it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Stop(2, f"errorops {command}: {flag} {text!r} is not a date (YYYY-MM-DD)") from None

"""``errorops digest --stack NAME [--date YYYY-MM-DD] [--dry-run] [--format text|markdown|json]``.

Reads the previous local day from Sentry, prints the digest, and (without --dry-run) sends it
to Slack and by e-mail, at most once per day and stack. Exit 0: printed (and sent, or sent
before); 1: Sentry or a delivery failed, or the configuration has problems; 2: wrong usage or
missing settings. Settings come from the environment (the Cloud Run job's, or yours):
README, "Daily digest".
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..pipeline import REPO_ROOT
from . import Stop

if TYPE_CHECKING:
    from datetime import date

# The same variables as the Sentry providers (errorops/sentry_api/resources.py TOKEN_ENV, BASE_URL_ENV).
TOKEN_ENV, BASE_URL_ENV, DEFAULT_BASE_URL = "SENTRY_AUTH_TOKEN", "SENTRY_BASE_URL", "https://sentry.io"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    digest = sub.add_parser("digest", help="build the daily digest from Sentry and send it (Slack, e-mail)")
    digest.add_argument("--stack", required=True, help="stack name (its environment's Sentry project)")
    digest.add_argument("--date", help="the local day to summarise, YYYY-MM-DD (default: yesterday in the "
                                       "digest's time zone)")
    digest.add_argument("--dry-run", action="store_true", help="print the digest; send nothing")
    digest.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    digest.add_argument("--root", type=Path,
                        default=REPO_ROOT, help=argparse.SUPPRESS)


def _day(text: str | None, time_zone: str) -> date:
    from datetime import date, datetime, timezone

    from ..digest.days import previous_local_day

    if text is None:
        return previous_local_day(datetime.now(timezone.utc), time_zone)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Stop(2, f"errorops digest: --date {text!r} is not a date (YYYY-MM-DD)") from None


def run(args: argparse.Namespace) -> int:
    from ..digest import render_json, render_markdown, render_text
    from ..digest.collect import READ_SCOPES, CollectError, collect
    from ..digest.days import windows_for
    from ..digest.figures import build_digest
    from ..model.digest import digest_spec
    from ..pipeline import check_repository
    from ..sentry_api.client import InvalidToken, SentryApiError, SentryClient, UnsafeBaseUrl
    from ._stacks import report_problems

    result = check_repository(args.root)
    if not result.ok:
        raise report_problems(result.problems)
    model = result.model
    spec = digest_spec(model) if model else None
    if spec is None:
        raise Stop(2, f"errorops digest: {args.root} has no alert_rules/digest.yaml (kind: digest)")
    assert model is not None  # a spec is only read from a model
    stack = next((s for s in model.stacks if s.name == args.stack), None)
    if stack is None:
        raise Stop(2, f"errorops digest: unknown stack '{args.stack}' (stacks: "
                      f"{', '.join(s.name for s in model.stacks)})")
    # A checked stack file names its environment as a string (stack.schema.json).
    env = model.environment(str(stack.values.get(f"{model.project_name}:environment")))
    day = _day(args.date, spec.time_zone)
    windows = windows_for(day, spec.time_zone, spec.hour, spec.minute, spec.triage_hours)

    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        raise Stop(2, f"errorops digest: no Sentry auth token: set {TOKEN_ENV} (an internal-integration token "
                      f"with the read-only scopes {READ_SCOPES})")
    try:
        client = SentryClient(os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, token,
                              warn=lambda notice: print(f"errorops digest: {notice}", file=sys.stderr))
        collected = collect(client, model.organization.slug, env.project.slug, spec, windows)
    except (InvalidToken, UnsafeBaseUrl) as exc:
        raise Stop(2, f"errorops digest: {exc}") from None
    except (SentryApiError, CollectError) as exc:
        raise Stop(1, f"errorops digest: {exc}") from None
    digest = build_digest(model, spec, env.id, collected)
    renderer = {"text": render_text, "markdown": render_markdown, "json": render_json}[args.format]
    sys.stdout.write(renderer.render(digest))
    if args.dry_run:
        return 0
    from ..deliver.digest import send_digest

    return send_digest(model, spec, stack.name, env, digest)

"""``errorops digest --stack NAME [--date YYYY-MM-DD] [--dry-run] [--format text|markdown|json]``.

Reads the previous local day from Sentry, prints the digest, and (without --dry-run) sends it
to Slack and by e-mail, at most once per day and stack. Exit 0: printed (and sent, or sent
before); 1: Sentry or a delivery failed, or the configuration has problems; 2: wrong usage or
missing settings. Settings come from the environment (the Cloud Run job's, or yours):
README, "Daily digest".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..pipeline import REPO_ROOT

if TYPE_CHECKING:
    from datetime import date



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
    from datetime import datetime, timezone

    from ..digest.days import previous_local_day
    from ._reads import date_option

    if text is None:
        return previous_local_day(datetime.now(timezone.utc), time_zone)
    return date_option("digest", "--date", text)


def run(args: argparse.Namespace) -> int:
    from ..digest import render_json, render_markdown, render_text
    from ..digest.collect import collect
    from ..digest.days import windows_for
    from ..digest.figures import build_digest
    from ..model.digest import digest_spec
    from ._reads import model_and_stack, read_sentry

    model, spec, stack, env = model_and_stack("digest", args.root, args.stack, digest_spec,
                                              "alert_rules/digest.yaml (kind: digest)")
    day = _day(args.date, spec.time_zone)
    windows = windows_for(day, spec.time_zone, spec.hour, spec.minute, spec.triage_hours)
    collected = read_sentry("digest", lambda client: collect(client, model.organization.slug, env.project.slug,
                                                             spec, windows))
    digest = build_digest(model, spec, env.id, collected)
    renderer = {"text": render_text, "markdown": render_markdown, "json": render_json}[args.format]
    sys.stdout.write(renderer.render(digest))
    if args.dry_run:
        return 0
    from ..deliver.digest import send_digest

    return send_digest(model, spec, stack.name, env, digest)

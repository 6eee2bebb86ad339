"""Sends a built digest: Slack and e-mail as alert_rules/digest.yaml says, at most once per day
and stack. Settings are environment variables (job_env.py; README "Daily digest")."""

from __future__ import annotations

from ..digest import email_html, render_text, slack_blocks
from ..digest.figures import Digest
from ..model.digest import DigestSpec
from ..model.types import Environment, Model
from . import Message
from .job_env import JobEnv

RECIPIENTS = "DIGEST_RECIPIENTS"  # JSON object: role id -> address
RECIPIENT_ROLES = "DIGEST_RECIPIENT_ROLES"  # set by the stack: the roles it was deployed to e-mail
ENV = JobEnv("errorops digest", "Daily digest", "or use --dry-run", RECIPIENTS, RECIPIENT_ROLES,
             "alert_rules/digest.yaml")


def message_of(spec: DigestSpec, digest: Digest) -> Message:
    subject = spec.subject.replace("{date}", digest.date).replace("{environment}", digest.environment)
    return Message(subject=subject, text=render_text.render(digest), html=email_html.render(digest),
                   blocks=slack_blocks.blocks(digest))


def send_digest(model: Model, spec: DigestSpec, stack: str, env: Environment, digest: Digest) -> int:
    return ENV.send(message_of(spec, digest), spec.email_recipients, f"digest/{stack}/{digest.date}",
                    attempts=spec.attempts, backoff=spec.backoff_seconds)

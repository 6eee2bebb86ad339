"""Sends a built digest: Slack and e-mail as alert_rules/digest.yaml says, at most once per day
and stack. Settings are environment variables (the Cloud Run job sets them from Pulumi config
and Secret Manager; README "Daily digest"): tokens and the password never come from a file."""

from __future__ import annotations

import json
import os
import sys

from ..commands import Stop
from ..digest import email_html, render_text, slack_blocks
from ..digest.figures import Digest
from ..model.digest import DigestSpec
from ..model.types import Environment, Model
from . import Message, Target, deliver
from .once import DEFAULT_BASE_URL, GcsOnce, google_token
from .slack import DEFAULT_API_URL, SlackTarget
from .smtp import SmtpTarget

# The variables, in one place: declare/digest_payloads.py sets exactly these on the job.
SLACK_TOKEN, SLACK_CHANNEL, SLACK_API = "SLACK_BOT_TOKEN", "SLACK_CHANNEL_ID", "SLACK_API_URL"
SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD = "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD"
SMTP_FROM, SMTP_CA_FILE = "SMTP_FROM", "SMTP_CA_FILE"
RECIPIENTS = "DIGEST_RECIPIENTS"  # JSON object: role id -> address
RECIPIENT_ROLES = "DIGEST_RECIPIENT_ROLES"  # set by the stack: the roles it was deployed to e-mail
STATE_BUCKET = "DIGEST_STATE_BUCKET"
# The convention of Google's own storage clients for a local emulator (no credentials sent).
STORAGE_EMULATOR = "STORAGE_EMULATOR_HOST"


def _need(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise Stop(2, f"errorops digest: {name} is not set (README, \"Daily digest\"); or use --dry-run")
    return value


def message_of(spec: DigestSpec, digest: Digest) -> Message:
    subject = spec.subject.replace("{date}", digest.date).replace("{environment}", digest.environment)
    return Message(subject=subject, text=render_text.render(digest), html=email_html.render(digest),
                   blocks=slack_blocks.blocks(digest))


def _recipients(spec: DigestSpec) -> tuple[str, ...]:
    deployed = os.environ.get(RECIPIENT_ROLES)
    if deployed is not None and tuple(r for r in deployed.split(",") if r) != spec.email_recipients:
        # The job's image and its stack were deployed from different alert_rules/digest.yaml.
        raise Stop(2, f"errorops digest: the stack e-mails {deployed or 'nobody'} ({RECIPIENT_ROLES}) but this "
                      f"image's alert_rules/digest.yaml says {','.join(spec.email_recipients) or 'nobody'}: "
                      "deploy the image and the stack together")
    try:
        addresses = json.loads(_need(RECIPIENTS))
    except ValueError:
        raise Stop(2, f"errorops digest: {RECIPIENTS} is not a JSON object of role -> address") from None
    if not isinstance(addresses, dict):
        raise Stop(2, f"errorops digest: {RECIPIENTS} is not a JSON object of role -> address")
    missing = [r for r in spec.email_recipients if not isinstance(addresses.get(r), str) or "@" not in addresses[r]]
    if missing:
        raise Stop(2, f"errorops digest: {RECIPIENTS} has no address for {', '.join(missing)} "
                      "(the roles alert_rules/digest.yaml e-mails)")
    return tuple(addresses[r] for r in spec.email_recipients)


def targets(spec: DigestSpec) -> list[Target]:
    out: list[Target] = [SlackTarget(_need(SLACK_TOKEN), _need(SLACK_CHANNEL), os.environ.get(SLACK_API) or DEFAULT_API_URL)]
    if spec.email_recipients:
        port_text = os.environ.get(SMTP_PORT) or "587"
        if not port_text.isdigit():
            raise Stop(2, f"errorops digest: {SMTP_PORT} is not a port number: {port_text!r}")
        out.append(SmtpTarget(
            host=_need(SMTP_HOST), port=int(port_text), sender=_need(SMTP_FROM), to=_recipients(spec),
            user=os.environ.get(SMTP_USER, ""), password=os.environ.get(SMTP_PASSWORD, ""),
            ca_file=os.environ.get(SMTP_CA_FILE, ""),
        ))
    return out


def _once() -> GcsOnce:
    bucket = _need(STATE_BUCKET)
    emulator = os.environ.get(STORAGE_EMULATOR, "").strip()
    if emulator:
        return GcsOnce(bucket, base_url=emulator)
    try:
        token = google_token()
    except Exception as exc:  # noqa: BLE001 - google.auth's errors have no common base worth importing
        raise Stop(2, f"errorops digest: no Google credentials for gs://{bucket} ({type(exc).__name__}: {exc}); "
                      f"on Cloud Run the job's service account provides them") from None
    return GcsOnce(bucket, base_url=DEFAULT_BASE_URL, token=token)


def send_digest(model: Model, spec: DigestSpec, stack: str, env: Environment, digest: Digest) -> int:
    try:
        chosen = targets(spec)
        once = _once()
    except ValueError as exc:  # an unsafe URL
        raise Stop(2, f"errorops digest: {exc}") from None
    outcomes = deliver(message_of(spec, digest), chosen, once, f"digest/{stack}/{digest.date}",
                       attempts=spec.attempts, backoff=spec.backoff_seconds)
    for outcome in outcomes:
        detail = f": {outcome.detail}" if outcome.detail else ""
        print(f"errorops digest: {outcome.target}: {outcome.status}{detail}", file=sys.stderr)
    return 0 if all(o.ok for o in outcomes) else 1

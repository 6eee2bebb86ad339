"""What a scheduled job (the digest, the KPI reports) is told through its environment: where to
post, whom to e-mail, where its at-most-once markers live. One reader for both jobs; the Cloud
Run jobs set exactly these (declare/digest_payloads.py). Tokens and the password never come
from a file."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any

from ..commands import Stop
from . import Message, deliver
from .once import DEFAULT_BASE_URL, GcsOnce, google_token
from .slack import DEFAULT_API_URL, SlackTarget
from .smtp import SmtpTarget

SLACK_TOKEN, SLACK_CHANNEL, SLACK_API = "SLACK_BOT_TOKEN", "SLACK_CHANNEL_ID", "SLACK_API_URL"
SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD = "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD"
SMTP_FROM, SMTP_CA_FILE = "SMTP_FROM", "SMTP_CA_FILE"
STATE_BUCKET = "DIGEST_STATE_BUCKET"
# The convention of Google's own storage clients for a local emulator (no credentials sent).
STORAGE_EMULATOR = "STORAGE_EMULATOR_HOST"


@dataclass(frozen=True)
class JobEnv:
    """One job's reading of the environment: its command's name for messages, the README section
    that explains its settings, the variables of its recipients, the file that names its roles."""

    command: str  # "errorops digest"
    readme: str  # "Daily digest"
    unset_hint: str  # what to do instead of setting the variables ("or use --dry-run")
    recipients: str  # JSON object: role id -> address
    recipient_roles: str  # set by the stack: the roles it was deployed to e-mail
    roles_file: str  # "alert_rules/digest.yaml"

    def need(self, name: str) -> str:
        value = os.environ.get(name, "").strip()
        if not value:
            raise Stop(2, f"{self.command}: {name} is not set (README, \"{self.readme}\"); {self.unset_hint}")
        return value

    def addresses(self, roles: tuple[str, ...]) -> tuple[str, ...]:
        deployed = os.environ.get(self.recipient_roles)
        if deployed is not None and tuple(r for r in deployed.split(",") if r) != roles:
            # The job's image and its stack were deployed from different YAML.
            raise Stop(2, f"{self.command}: the stack e-mails {deployed or 'nobody'} ({self.recipient_roles}) but this "
                          f"image's {self.roles_file} says {','.join(roles) or 'nobody'}: "
                          "deploy the image and the stack together")
        try:
            addresses = json.loads(self.need(self.recipients))
        except ValueError:
            raise Stop(2, f"{self.command}: {self.recipients} is not a JSON object of role -> address") from None
        if not isinstance(addresses, dict):
            raise Stop(2, f"{self.command}: {self.recipients} is not a JSON object of role -> address")
        missing = [r for r in roles if not isinstance(addresses.get(r), str) or "@" not in addresses[r]]
        if missing:
            raise Stop(2, f"{self.command}: {self.recipients} has no address for {', '.join(missing)} "
                          f"(the roles {self.roles_file} e-mails)")
        return tuple(str(addresses[r]) for r in roles)

    def targets(self, roles: tuple[str, ...]) -> list[Any]:
        # Any: the targets are frozen dataclasses, whose read-only `name` the Target protocol (a plain
        # attribute) does not accept under mypy; deliver() only reads it.
        out: list[Any] = [SlackTarget(self.need(SLACK_TOKEN), self.need(SLACK_CHANNEL),
                                      os.environ.get(SLACK_API) or DEFAULT_API_URL)]
        if roles:
            port = os.environ.get(SMTP_PORT) or "587"
            if not port.isdigit():
                raise Stop(2, f"{self.command}: {SMTP_PORT} is not a port number: {port!r}")
            out.append(SmtpTarget(host=self.need(SMTP_HOST), port=int(port), sender=self.need(SMTP_FROM),
                                  to=self.addresses(roles), user=os.environ.get(SMTP_USER, ""),
                                  password=os.environ.get(SMTP_PASSWORD, ""), ca_file=os.environ.get(SMTP_CA_FILE, "")))
        return out

    def once(self) -> GcsOnce:
        bucket = self.need(STATE_BUCKET)
        emulator = os.environ.get(STORAGE_EMULATOR, "").strip()
        if emulator:
            return GcsOnce(bucket, base_url=emulator)
        try:
            token = google_token()
        except Exception as exc:  # noqa: BLE001 - google.auth's errors have no common base worth importing
            raise Stop(2, f"{self.command}: no Google credentials for gs://{bucket} ({type(exc).__name__}: {exc}); "
                          "on Cloud Run the job's service account provides them") from None
        return GcsOnce(bucket, base_url=DEFAULT_BASE_URL, token=token)

    def send(self, message: Message, roles: tuple[str, ...], key: str, attempts: int, backoff: float) -> int:
        """``message`` to Slack and to ``roles`` by e-mail, at most once for ``key``; exit 0 or 1."""
        try:
            chosen = self.targets(roles)
            once = self.once()
        except ValueError as exc:  # an unsafe URL
            raise Stop(2, f"{self.command}: {exc}") from None
        outcomes = deliver(message, chosen, once, key, attempts=attempts, backoff=backoff)
        for outcome in outcomes:
            detail = f": {outcome.detail}" if outcome.detail else ""
            print(f"{self.command}: {outcome.target}: {outcome.status}{detail}", file=sys.stderr)
        return 0 if all(o.ok for o in outcomes) else 1

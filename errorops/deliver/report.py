"""Sends a built KPI report like the digest (errorops.deliver: Slack, then e-mail, each at most once per
period and stack), with the settings of the digest's job: the same variables, except the e-mailed
roles and their addresses (REPORT_RECIPIENTS, REPORT_RECIPIENT_ROLES)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from ..commands import Stop
from ..kpi import render_html, render_markdown, slack_blocks
from ..kpi.figures import Report
from ..model.kpis import ReportDelivery
from . import Message, deliver
from .digest import SLACK_API, SLACK_CHANNEL, SLACK_TOKEN, SMTP_CA_FILE, SMTP_FROM, SMTP_HOST, SMTP_PASSWORD
from .digest import SMTP_PORT, SMTP_USER, STATE_BUCKET, STORAGE_EMULATOR
from .once import DEFAULT_BASE_URL, GcsOnce, google_token
from .slack import DEFAULT_API_URL, SlackTarget
from .smtp import SmtpTarget

RECIPIENTS = "REPORT_RECIPIENTS"            # JSON object: role id -> address
RECIPIENT_ROLES = "REPORT_RECIPIENT_ROLES"  # set by the stack: the roles it was deployed to e-mail


def _need(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise Stop(2, f"errorops report: {name} is not set (README, \"The review cycle\"); or leave out --send")
    return value


def message_of(delivery: ReportDelivery, report: Report, charts: list[Path]) -> Message:
    period = "weekly" if report.period == "week" else "monthly"
    subject = (delivery.subject.replace("{period}", period).replace("{label}", report.label)
               .replace("{environment}", report.environment))
    return Message(subject=subject, text=render_markdown.render(report), html=render_html.render(report, charts),
                   blocks=slack_blocks.blocks(report))


def _addresses(delivery: ReportDelivery) -> tuple[str, ...]:
    deployed = os.environ.get(RECIPIENT_ROLES)
    if deployed is not None and tuple(r for r in deployed.split(",") if r) != delivery.email_recipients:
        raise Stop(2, f"errorops report: the stack e-mails {deployed or 'nobody'} ({RECIPIENT_ROLES}) but this "
                      f"image's alert_rules/kpis.yaml says {','.join(delivery.email_recipients) or 'nobody'}: "
                      "deploy the image and the stack together")
    try:
        addresses = json.loads(_need(RECIPIENTS))
    except ValueError:
        raise Stop(2, f"errorops report: {RECIPIENTS} is not a JSON object of role -> address") from None
    if not isinstance(addresses, dict):
        raise Stop(2, f"errorops report: {RECIPIENTS} is not a JSON object of role -> address")
    missing = [r for r in delivery.email_recipients if not isinstance(addresses.get(r), str) or "@" not in addresses[r]]
    if missing:
        raise Stop(2, f"errorops report: {RECIPIENTS} has no address for {', '.join(missing)} "
                      "(the roles alert_rules/kpis.yaml e-mails)")
    return tuple(str(addresses[r]) for r in delivery.email_recipients)


def targets(delivery: ReportDelivery) -> list[Any]:
    # Any: the targets are frozen dataclasses, whose read-only `name` the Target protocol (a plain attribute) does not
    # accept under mypy; deliver() only reads it.
    out: list[Any] = [SlackTarget(_need(SLACK_TOKEN), _need(SLACK_CHANNEL), os.environ.get(SLACK_API) or DEFAULT_API_URL)]
    if delivery.email_recipients:
        port = os.environ.get(SMTP_PORT) or "587"
        if not port.isdigit():
            raise Stop(2, f"errorops report: {SMTP_PORT} is not a port number: {port!r}")
        out.append(SmtpTarget(host=_need(SMTP_HOST), port=int(port), sender=_need(SMTP_FROM), to=_addresses(delivery),
                              user=os.environ.get(SMTP_USER, ""), password=os.environ.get(SMTP_PASSWORD, ""),
                              ca_file=os.environ.get(SMTP_CA_FILE, "")))
    return out


def _once() -> GcsOnce:
    bucket = _need(STATE_BUCKET)
    emulator = os.environ.get(STORAGE_EMULATOR, "").strip()
    if emulator:
        return GcsOnce(bucket, base_url=emulator)
    try:
        token = google_token()
    except Exception as exc:  # noqa: BLE001 - google.auth's errors have no common base worth importing
        raise Stop(2, f"errorops report: no Google credentials for gs://{bucket} ({type(exc).__name__}: {exc}); "
                      "on Cloud Run the job's service account provides them") from None
    return GcsOnce(bucket, base_url=DEFAULT_BASE_URL, token=token)


def send_report(delivery: ReportDelivery, stack: str, report: Report, charts: list[Path]) -> int:
    try:
        chosen = targets(delivery)
        once = _once()
    except ValueError as exc:  # an unsafe URL
        raise Stop(2, f"errorops report: {exc}") from None
    outcomes = deliver(message_of(delivery, report, charts), chosen, once, f"report/{stack}/{report.period}/{report.first}",
                       attempts=delivery.attempts, backoff=delivery.backoff_seconds)
    for outcome in outcomes:
        detail = f": {outcome.detail}" if outcome.detail else ""
        print(f"errorops report: {outcome.target}: {outcome.status}{detail}", file=sys.stderr)
    return 0 if all(o.ok for o in outcomes) else 1

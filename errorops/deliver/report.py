"""Sends a built KPI report like the digest (errorops.deliver: Slack, then e-mail, each at most once per
period and stack), with the settings of the digest's job (job_env.py): the same variables, except the
e-mailed roles and their addresses (REPORT_RECIPIENTS, REPORT_RECIPIENT_ROLES)."""

from __future__ import annotations

from pathlib import Path

from ..kpi import render_html, render_markdown, slack_blocks
from ..kpi.figures import Report
from ..model.kpis import ReportDelivery
from . import Message
from .job_env import JobEnv

RECIPIENTS = "REPORT_RECIPIENTS"            # JSON object: role id -> address
RECIPIENT_ROLES = "REPORT_RECIPIENT_ROLES"  # set by the stack: the roles it was deployed to e-mail
ENV = JobEnv("errorops report", "The review cycle", "or leave out --send", RECIPIENTS, RECIPIENT_ROLES,
             "alert_rules/kpis.yaml")


def message_of(delivery: ReportDelivery, report: Report, charts: list[Path]) -> Message:
    period = "weekly" if report.period == "week" else "monthly"
    subject = (delivery.subject.replace("{period}", period).replace("{label}", report.label)
               .replace("{environment}", report.environment))
    return Message(subject=subject, text=render_markdown.render(report), html=render_html.render(report, charts),
                   blocks=slack_blocks.blocks(report))


def send_report(delivery: ReportDelivery, stack: str, report: Report, charts: list[Path]) -> int:
    return ENV.send(message_of(delivery, report, charts), delivery.email_recipients,
                    f"report/{stack}/{report.period}/{report.first}",
                    attempts=delivery.attempts, backoff=delivery.backoff_seconds)

"""The KPI reports delivered and scheduled like the digest: sent for real, offline (Slack double,
aiosmtpd with STARTTLS, the Cloud Storage double keeping it to once per period), and the jobs and
schedules of the plan (Fridays before the 14:00 deep dive; the first working day of the month)."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy

import pytest

from delivery_doubles import block_problems, job_world
from errorops.cli import main
from errorops.kpi.periods import first_working_day
from kpi_support import END, ORG, TOKEN, seed
from sentry_double.server import SentryDouble

pytestmark = pytest.mark.takes(4)


LEAD, PM = "lead@acf.example", "pm@acf.example"
KEY = "report/prod/week/2026-11-20"


@pytest.fixture
def world(monkeypatch, tmp_path):
    sentry = SentryDouble(token=TOKEN, organization=ORG).start()
    seed(sentry)
    yield from job_world(monkeypatch, tmp_path, sentry, "REPORT_RECIPIENTS", {"product_manager": PM, "team_lead": LEAD},
                         charts=tmp_path / "c")


def send(world, capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["report", "--stack", "prod", "--period", "week", "--end", END, "--send", "--charts", str(world.charts),
                 *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_weekly_report_reaches_slack_and_the_yamls_recipients_once(world, capsys):
    code, out, err = send(world, capsys)
    assert code == 0, err
    assert "slack: sent" in err and "email: sent" in err
    (post,) = world.slack.posts
    assert post["channel"] == "C0DIGEST01" and block_problems(post["blocks"]) == []
    text = "\n".join(b["text"]["text"] for b in post["blocks"] if b["type"] in ("section", "header"))
    assert "• Error rate: 1.20% (target &lt; 1%), previous 0.50% *BREACHED*" in text
    assert "• MTTR P0 Critical: 23 min (target &lt; 30 min), previous n/a ✅" in text
    (mail_in,) = world.smtp.received
    assert sorted(mail_in.rcpt_tos) == sorted([LEAD, PM]) and mail_in.tls
    mail = message_from_bytes(mail_in.data, policy=policy.default)
    assert " ".join(mail["Subject"].split()) == "AI Content Factory weekly KPI report: week 2026-11-20 to 2026-11-26 (prod)"
    # The text part is what the command printed, but for the chart files (the HTML part carries the charts).
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == out.split("\n\n## Charts\n")[0] + "\n"
    assert mail.get_body(("html",)).get_content().count("data:image/png;base64,") == 3
    assert world.gcs.text(f"{KEY}/slack").startswith("sent ") and world.gcs.text(f"{KEY}/email").startswith("sent ")

    # A second run of the same week sends nothing again.
    code, _, err = send(world, capsys)
    assert code == 0 and "slack: already sent" in err and "email: already sent" in err
    assert len(world.slack.posts) == 1 and len(world.smtp.received) == 1


def test_a_stack_deployed_with_other_recipients_refuses_to_send(world, capsys, monkeypatch):
    monkeypatch.setenv("REPORT_RECIPIENT_ROLES", "team_lead")
    code, _, err = send(world, capsys)
    assert code == 2 and "deploy the image and the stack together" in err and world.slack.posts == []


@pytest.mark.parametrize(("day", "first"), [
    (date(2026, 11, 2), date(2026, 11, 2)),   # the 1st is a Sunday
    (date(2026, 8, 1), date(2026, 8, 3)),     # the 1st is a Saturday
    (date(2026, 12, 15), date(2026, 12, 1)),  # a Tuesday
])
def test_the_first_working_day(day, first):
    assert first_working_day(day) == first


def test_a_scheduled_monthly_run_on_another_day_does_nothing(world, capsys):
    # 2026-08-01 is a Saturday: the schedule starts the job on the 1st to the 3rd, it acts on Monday the 3rd.
    code = main(["report", "--stack", "prod", "--period", "month", "--end", "2026-08-01", "--send", "--scheduled",
                 "--charts", str(world.charts)])
    err = capsys.readouterr().err
    assert code == 0 and "is not the first working day of its month (2026-08-03): nothing to do" in err
    assert world.sentry.requests == [] and world.slack.posts == []


# --- the plan ------------------------------------------------------------------------------------

def _report_resources(stack_name: str) -> dict[tuple[str, str], dict]:
    from gcp_support import plan

    return {(r.type, r.name): r.inputs for r in plan(stack_name).resources if r.name.startswith("report-")}


def test_prod_schedules_the_weekly_and_monthly_jobs_with_the_digests_account_and_secrets():
    found = _report_resources("prod")
    week = found[("gcp:cloudscheduler/job:Job", "report-week-schedule")]
    month = found[("gcp:cloudscheduler/job:Job", "report-month-schedule")]
    # kpis.yaml: Fridays 13:00 (before the 14:00 deep dive); 09:00 on the 1st-3rd, acting on the first working day.
    assert (week["schedule"], week["timeZone"]) == ("0 13 * * 5", "Europe/London")
    assert (month["schedule"], month["timeZone"]) == ("0 9 1-3 * *", "Europe/London")
    assert week["httpTarget"]["uri"].endswith("/jobs/errorops-report-week:run")
    job = found[("gcp:cloudrunv2/job:Job", "report-week-job")]["template"]["template"]
    assert job["serviceAccount"] == "errorops-digest@ai-content-factory-prod.iam.gserviceaccount.com"
    container = job["containers"][0]
    assert container["args"] == ["report", "--stack", "prod", "--period", "week", "--send", "--scheduled",
                                 "--charts", "/tmp/errorops-report"]
    envs = {e["name"]: e for e in container["envs"]}
    assert envs["REPORT_RECIPIENT_ROLES"]["value"] == "team_lead,product_manager"
    for secret in ("SENTRY_AUTH_TOKEN", "SLACK_BOT_TOKEN", "SMTP_PASSWORD", "REPORT_RECIPIENTS"):
        assert "value" not in envs[secret] and envs[secret]["valueSource"]["secretKeyRef"]["version"] == "latest"
    invoker = found[("gcp:cloudrunv2/jobIamMember:JobIamMember", "report-week-job-invoker")]
    assert invoker["role"] == "roles/run.invoker" and invoker["name"] == "errorops-report-week"


@pytest.mark.parametrize("stack_name", ["staging", "dev"])
def test_other_stacks_schedule_no_report(stack_name):
    assert _report_resources(stack_name) == {}

"""`errorops digest` sending for real, offline: the Slack double, a real SMTP server with
STARTTLS (aiosmtpd), the Cloud Storage double keeping it to once per day and stack."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest

from delivery_doubles import block_problems, job_world
from digest_support import DAY, ORG, TOKEN, seed
from errorops.cli import main
from sentry_double.server import SentryDouble

pytestmark = pytest.mark.takes(4)


PM = "pm@acf.example"
SLACK_KEY, MAIL_KEY = f"digest/prod/{DAY}/slack", f"digest/prod/{DAY}/email"


@pytest.fixture
def world(monkeypatch, tmp_path):
    sentry = SentryDouble(token=TOKEN, organization=ORG).start()
    seed(sentry)
    yield from job_world(monkeypatch, tmp_path, sentry, "DIGEST_RECIPIENTS",
                         {"product_manager": PM, "team_lead": "lead@acf.example"})


def send(capsys) -> tuple[int, str, str]:
    code = main(["digest", "--stack", "prod", "--date", DAY])
    out = capsys.readouterr()
    return code, out.out, out.err


def _parts(received) -> tuple:
    mail = message_from_bytes(received.data, policy=policy.default)
    return mail, mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


def test_slack_and_email_carry_the_hand_computed_figures(world, capsys):
    code, out, err = send(capsys)
    assert code == 0, err
    assert "slack: sent" in err and "email: sent" in err
    (post,) = world.slack.posts
    assert post["channel"] == "C0DIGEST01" and block_problems(post["blocks"]) == []
    slack_text = "\n".join(b["text"]["text"] for b in post["blocks"] if b["type"] in ("section", "header"))
    assert "22 events in 6 issues (day before: 9 in 3; events +144.4%)" in slack_text
    assert "• P0 Critical: 7 events in 2 issues (day before 2 in 1)" in slack_text
    assert "`KeyError`: 1 issue, 2 events :warning: *not in the taxonomy*" in slack_text
    assert ":red_circle: p95 latency: Content generation: 1900 ms" in slack_text
    assert "Categorized: 86.36% of events" in slack_text

    (mail_in,) = world.smtp.received
    assert mail_in.rcpt_tos == [PM] and mail_in.tls and mail_in.user == world.smtp.user
    mail, text, html = _parts(mail_in)
    assert mail["Subject"] == f"AI Content Factory daily error digest, {DAY} (prod)"
    assert text.replace("\r\n", "\n") == out  # the text part is what the command printed
    assert "P0 Critical     7 events in 2 issues  (day before 2 in 1)" in text
    assert "<tr><td>P0 Critical</td><td>7</td><td>2</td><td>2</td><td>1</td></tr>" in html
    assert "Error rate of requests</td><td>2.00%</td><td>1.25% (+60.0%)</td>" in html
    assert world.gcs.text(SLACK_KEY).startswith("sent ") and world.gcs.text(MAIL_KEY).startswith("sent ")


def test_a_second_run_sends_nothing(world, capsys):
    assert send(capsys)[0] == 0
    code, _, err = send(capsys)
    assert code == 0
    assert "slack: already sent: sent 20" in err and f"(marker gs://{world.gcs.bucket}/{SLACK_KEY})" in err
    assert len(world.slack.posts) == 1 and len(world.smtp.received) == 1


def test_slack_refusing_fails_the_run_and_frees_its_marker_but_mail_goes(world, capsys, monkeypatch):
    monkeypatch.setenv("SLACK_CHANNEL_ID", "C0NOSUCH00")
    code, _, err = send(capsys)
    assert code == 1
    assert "slack: failed: Slack refused the message to channel C0NOSUCH00: channel_not_found " \
           "(check SLACK_CHANNEL_ID (the channel id, e.g. C01ABCDEF))" in err
    assert world.waits == []  # a permanent refusal is not retried
    assert world.gcs.text(SLACK_KEY) is None and len(world.smtp.received) == 1
    # Fixed and run again: Slack now, and no second e-mail.
    monkeypatch.setenv("SLACK_CHANNEL_ID", "C0DIGEST01")
    code, _, err = send(capsys)
    assert code == 0 and len(world.slack.posts) == 1 and len(world.smtp.received) == 1


def test_slack_rate_limit_and_outage_are_retried_a_bounded_number_of_times(world, capsys):
    world.slack.queued = [(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}),
                          (200, {"ok": False, "error": "internal_error"}, {})]
    assert send(capsys)[0] == 0
    assert world.waits == [7.0, 4.0] and len(world.slack.posts) == 1  # Retry-After, then 2 s * 2^1


def test_slack_down_gives_up_after_the_configured_attempts(world, capsys):
    world.slack.queued = [(503, b"upstream", {})] * 3
    code, _, err = send(capsys)
    assert code == 1
    assert "slack: failed: Slack: chat.postMessage answered HTTP 503 (gave up after 3 attempts)" in err
    assert world.waits == [2.0, 4.0]


def test_smtp_refusing_the_recipient(world, capsys):
    world.smtp.refuse_rcpt = "550 5.1.1 No such user"
    code, _, err = send(capsys)
    assert code == 1
    assert f"email: failed: SMTP server 127.0.0.1:{world.smtp.port} refused every recipient (1; codes 550)" in err
    assert world.gcs.text(MAIL_KEY) is None and world.waits == []


def test_smtp_temporary_failure_is_retried(world, capsys):
    world.smtp.refuse_data = ["451 4.3.0 Try again later", None]
    code, _, err = send(capsys)
    assert code == 0, err
    assert len(world.smtp.received) == 1 and world.waits == [2.0]


def test_smtp_certificate_is_verified(world, capsys, monkeypatch):
    monkeypatch.delenv("SMTP_CA_FILE")  # certifi's bundle does not know the test CA
    code, _, err = send(capsys)
    assert code == 1 and "TLS failed" in err and "SMTP_CA_FILE" in err
    assert world.smtp.received == []


def test_smtp_wrong_password(world, capsys, monkeypatch):
    monkeypatch.setenv("SMTP_PASSWORD", "wrong")
    code, _, err = send(capsys)
    assert code == 1 and f"refused the login of '{world.smtp.user}': 535" in err


def test_an_unfinished_claim_is_not_sent_over(world, capsys):
    world.gcs.objects[SLACK_KEY] = (1, b"claimed 2026-11-29T09:00:03Z\n")
    code, _, err = send(capsys)
    assert code == 1
    assert f"slack: failed: a run claimed 2026-11-29T09:00:03Z and did not finish: it may or may not have been " \
           f"sent. Delete gs://{world.gcs.bucket}/{SLACK_KEY} to send it again" in err
    assert world.slack.posts == [] and len(world.smtp.received) == 1


def test_missing_setting_is_named(world, capsys, monkeypatch):
    monkeypatch.delenv("SMTP_HOST")
    code, _, err = send(capsys)
    assert code == 2 and "SMTP_HOST is not set" in err
    assert world.slack.posts == []


def test_recipient_without_address(world, capsys, monkeypatch):
    monkeypatch.setenv("DIGEST_RECIPIENTS", json.dumps({"team_lead": "lead@acf.example"}))
    code, _, err = send(capsys)
    assert code == 2 and "DIGEST_RECIPIENTS has no address for product_manager" in err


def test_dry_run_sends_nothing(world, capsys):
    assert main(["digest", "--stack", "prod", "--date", DAY, "--dry-run"]) == 0
    assert world.slack.posts == [] and world.smtp.received == [] and world.gcs.requests == []


def test_many_issues_stay_inside_block_kit_limits():
    import dataclasses

    from digest_support import empty_digest
    from errorops.digest.figures import IssueLine
    from errorops.digest.slack_blocks import blocks

    lines = tuple(IssueLine(f"ACF-{n}", "KeyError: " + "x" * 200, "KeyError", None, None, 1, "unresolved",
                            "unassigned", f"https://sentry.io/issues/{n}/", "") for n in range(300))
    d = dataclasses.replace(empty_digest(), uncategorized=lines, triage=lines)
    out = blocks(d)
    assert block_problems(out) == []
    assert any("... and " in b["text"]["text"] for b in out if b["type"] == "section")


def test_the_slack_double_refuses_what_slack_refuses():
    # The limits the digest is held to are checked for real: these would be invalid_blocks.
    too_many = [{"type": "divider"}] * 51
    long_text = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    long_header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    assert block_problems(too_many) == ["51 blocks (at most 50)"]
    assert block_problems(long_text) == ["blocks[0]: section text of 3001 characters (at most 3000)"]
    assert block_problems(long_header) == ["blocks[0]: header text must be plain_text of at most 150"]


def test_two_runs_at_once_claim_once(world):
    from errorops.deliver import AlreadyClaimed
    from errorops.deliver.once import GcsOnce

    once = GcsOnce(world.gcs.bucket, base_url=world.gcs.url)
    first = once.claim("digest/prod/2026-11-28/slack")
    with pytest.raises(AlreadyClaimed) as second:
        once.claim("digest/prod/2026-11-28/slack")
    assert not second.value.sent
    once.done(first)
    with pytest.raises(AlreadyClaimed) as third:
        once.claim("digest/prod/2026-11-28/slack")
    assert third.value.sent


def test_cloud_storage_down_sends_nothing(world, capsys):
    world.gcs.fail_next = 10
    code, _, err = send(capsys)
    assert code == 1
    assert "slack: failed: cannot claim digest/prod/2026-11-28/slack: Cloud Storage answered 503" in err
    assert world.slack.posts == [] and world.smtp.received == []


def test_a_token_is_never_sent_in_the_clear(world, capsys, monkeypatch):
    monkeypatch.setenv("SLACK_API_URL", "http://slack.example.com/api")
    code, _, err = send(capsys)
    assert code == 2 and "must use https (http is accepted for localhost only)" in err
    assert world.slack.posts == [] and world.gcs.requests == []


def test_image_and_stack_from_different_commits_are_refused(world, capsys, monkeypatch):
    monkeypatch.setenv("DIGEST_RECIPIENT_ROLES", "product_manager,team_lead")
    code, _, err = send(capsys)
    assert code == 2 and "deploy the image and the stack together" in err
    assert world.smtp.received == []


def test_no_answer_from_slack_is_not_posted_again(world):
    from errorops.deliver import DeliveryError, Message
    from errorops.deliver.slack import SlackTarget

    world.slack.delay = 0.5
    target = SlackTarget(world.slack.token, "C0DIGEST01", world.slack.api_url, timeout=0.1)
    with pytest.raises(DeliveryError) as failed:
        target.send(Message("subject", "text", "<p>html</p>", [{"type": "divider"}]))
    assert not failed.value.retryable and "it may have been posted" in str(failed.value)

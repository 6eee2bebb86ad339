"""alert_rules/digest.yaml: schema and cross-reference problems as path:line:col: message."""

from __future__ import annotations

from conftest import run_cli

DIGEST = "alert_rules/digest.yaml"


def test_the_repository_digest_is_valid(full_repo):
    assert full_repo.problems() == []


def test_unknown_recipient_is_placed(full_repo):
    full_repo.edit(DIGEST, "recipients: [product_manager]", "recipients: [product_manager, pm]")
    where = full_repo.at(DIGEST, "pm]")
    assert full_repo.problems() == [
        f"{where}: unknown recipient 'pm' (recipients: cto, engineering_manager, on_call_engineer, product_manager, "
        "team_lead, vendor_support)"]


def test_recipient_without_address(full_repo):
    full_repo.edit(DIGEST, "recipients: [product_manager]", "recipients: [cto]")
    assert full_repo.problems() == [
        f"{full_repo.at(DIGEST, 'cto]')}: recipient 'cto' has no address_config in notification_targets.yaml: "
        "the digest cannot e-mail it"]


def test_unknown_time_zone_environment_and_channel(full_repo):
    full_repo.edit(DIGEST, "time_zone: Europe/London", "time_zone: Europe/Londres")
    full_repo.edit(DIGEST, "environments: [prod]", "environments: [production]")
    full_repo.edit(DIGEST, "channel: alerts", "channel: digest")
    problems = full_repo.problems()
    assert f"{full_repo.at(DIGEST, 'Europe/Londres')}: unknown time zone 'Europe/Londres' " \
           "(an IANA name such as Europe/London)" in problems
    assert f"{full_repo.at(DIGEST, 'production]')}: unknown environment 'production' (environments: dev, prod, " \
           "staging)" in problems
    assert f"{full_repo.at(DIGEST, 'digest', within='channel: digest')}: unknown Slack channel 'digest' (channels: alerts)" \
        in problems
    # And the KPI reports, sent by the digest's job in prod, now lack it there (kpis.yaml report.delivery).
    kpis = [p for p in problems if p.startswith("alert_rules/kpis.yaml:")]
    assert kpis == [f"{full_repo.at('alert_rules/kpis.yaml', 'prod]', within='environments: [prod]')}: the reports are "
                    "sent by the daily digest's job, which environment 'prod' does not declare (digest.yaml environments)"]
    assert len(problems) == 3 + len(kpis)


def test_schema_problems(full_repo):
    full_repo.edit(DIGEST, 'time: "09:00"', 'time: "9am"')
    full_repo.edit(DIGEST, "attempts: 3", "attempts: 0")
    problems = full_repo.problems()
    bad_time = full_repo.at(DIGEST, '"9am"')
    assert f"{bad_time}: digest.schedule.time: '9am' does not match " \
           "'^([01][0-9]|2[0-3]):[0-5][0-9]$'" in problems
    assert f"{full_repo.at(DIGEST, '0', within='attempts: 0')}: digest.delivery.attempts: 0 is less than the " \
           "minimum of 1" in problems


def test_cli_reports_bad_digest_config_without_traceback(full_repo):
    full_repo.edit(DIGEST, "levels: [P0, P1]", "levels: [P0, P9]")
    run = run_cli("digest", "--stack", "prod", "--dry-run", "--root", str(full_repo.root), cwd=full_repo.root)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == \
        f"{full_repo.at(DIGEST, 'P9')}: unknown severity level 'P9' (levels: P0, P1, P2, P3) (digest-refs)"
    assert "Traceback" not in run.stderr


def test_an_environment_that_may_not_email_the_recipients(full_repo):
    full_repo.edit(DIGEST, "environments: [prod]", "environments: [prod, staging]")
    assert full_repo.problems() == [
        f"{full_repo.at(DIGEST, 'staging]')}: the digest e-mails product_manager, which environment 'staging' "
        "may not e-mail (environments.yaml notify.email: nobody)"]

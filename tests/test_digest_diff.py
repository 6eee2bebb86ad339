"""`errorops diff` puts digest changes into words: recipients, time, enabling a stack."""

from __future__ import annotations

import pytest

from conftest import run_cli
from test_review_diff import copy_repository, sections

DIGEST = "alert_rules/digest.yaml"


@pytest.fixture(scope="module")
def diff(tmp_path_factory: pytest.TempPathFactory):
    repo = copy_repository(tmp_path_factory.mktemp("digest-diff") / "repo")
    # Dev may e-mail the team lead only (environments.yaml), so the digest goes to the team lead alone.
    repo.edit(DIGEST, "recipients: [product_manager]", "recipients: [team_lead]")
    repo.edit(DIGEST, 'time: "09:00"', 'time: "08:30"')
    repo.edit(DIGEST, "environments: [prod]", "environments: [prod, dev]")
    return run_cli("diff", "--base", "HEAD", cwd=repo.root)


def test_recipients_and_time_in_words(diff):
    assert (diff.code, diff.stderr) == (0, ""), diff.stderr
    prod = sections(diff.stdout)["prod"]
    job = next(v for k, v in prod.items() if k.startswith("~ Cloud Run job digest-job"))
    assert "digest now also e-mails the team lead" in job
    assert "digest no longer e-mails the product manager" in job
    schedule = next(v for k, v in prod.items() if k.startswith("~ Cloud Scheduler job digest-schedule"))
    assert "digest now runs at 08:30 daily, Europe/London (was 09:00 daily, Europe/London)" in schedule


def test_enabling_a_stack_adds_its_job(diff):
    dev = sections(diff.stdout)["dev"]
    added = [k for k in dev if k.startswith("+ ")]
    assert any(k.startswith("+ Cloud Scheduler job digest-schedule") for k in added)
    assert any(k.startswith("+ Cloud Run job digest-job") for k in added)
    assert "staging" not in sections(diff.stdout)

"""docs/PROCESS.md: generated from alert_rules/ and the plans, byte for byte, and checked (CI runs this file
through `make test`): the committed file must be what `errorops docs` writes."""

from __future__ import annotations

import shutil

import pytest
import yaml

from errorops.pipeline import REPO_ROOT

from conftest import run_here

pytestmark = pytest.mark.takes(3)


DOC = "docs/PROCESS.md"


def test_the_committed_process_document_is_up_to_date():
    done = run_here("docs", "--check", "--root", str(REPO_ROOT), cwd=REPO_ROOT)
    code, err = done.code, done.stderr
    assert code == 0, f"{err}\nRun `errorops docs` and commit docs/PROCESS.md."


def _copy(full_repo):
    (full_repo.root / "docs").mkdir()
    shutil.copy(REPO_ROOT / DOC, full_repo.root / DOC)
    return full_repo


def test_editing_a_threshold_without_regenerating_fails_the_check(full_repo):
    repo = _copy(full_repo)
    repo.edit("alert_rules/sentry_alerts.yaml", "threshold: {above: 10, unit: count}", "threshold: {above: 12, unit: count}")
    # Cloud Monitoring mirrors that number (validation keeps the two equal): a reviewer changes both.
    repo.edit("alert_rules/gcp_monitoring.yaml", "comparison: gt\n        threshold: 10\n",
              "comparison: gt\n        threshold: 12\n")
    repo.edit("alert_rules/kpis.yaml", "P1: {below: 240}", "P1: {below: 300}")
    done = run_here("docs", "--check", "--root", str(repo.root), cwd=repo.root)
    code, err = done.code, done.stderr
    assert code == 1
    assert err.startswith("docs/PROCESS.md is stale: run errorops docs\n")
    assert "-- **\\[P1\\] Cache errors above 10 per hour (prod)**" in err
    assert "+- **\\[P1\\] Cache errors above 12 per hour (prod)**" in err and "is above `12`" in err
    assert "P1 < 5 h" in err
    # Regenerating writes what the check compares with.
    assert run_here("docs", "--root", str(repo.root), cwd=repo.root).code == 0
    written = repo.read(DOC)
    assert "Cache errors above 12 per hour (prod)" in written and "P1 < 5 h" in written
    assert written != (REPO_ROOT / DOC).read_text("utf-8")


def test_a_missing_document_is_stale(full_repo):
    done = run_here("docs", "--check", "--root", str(full_repo.root), cwd=full_repo.root)
    assert done.code == 1
    assert "docs/PROCESS.md is stale: run errorops docs" in done.stderr


def test_every_number_and_name_comes_from_the_yaml():
    text = (REPO_ROOT / DOC).read_text("utf-8")
    load = lambda name: yaml.safe_load((REPO_ROOT / "alert_rules" / name).read_text("utf-8"))  # noqa: E731
    for level in load("severity_levels.yaml")["levels"]:
        assert f"({level['id']}) - {level['summary']}" in text
        for criterion in level["criteria"]:
            assert criterion.replace(">", "\\>").replace("<", "\\<") in text
    for env in load("environments.yaml")["environments"]:
        assert f"`{env['sentry_project']['slug']}`" in text
    kpis = load("kpis.yaml")["kpis"]
    assert f"Target < {kpis['error_rate']['target']['below']}%" in text
    assert f"P0 < {kpis['mttr']['per_level']['P0']['below']} min" in text
    for error in load("error_taxonomy.yaml")["error_types"]:
        assert f"| `{error['id']}` | `{error['exception']}` |" in text
    assert f"{load('organization.yaml')['retention_days']} days for all environments" in text
    digest = load("digest.yaml")["digest"]["schedule"]
    assert f"### Daily Digest ({digest['time']} {digest['time_zone']})" in text

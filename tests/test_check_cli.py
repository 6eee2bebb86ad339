"""`errorops check` end to end: plans, the policy pack as a child process, the analyzer protocol.

The shipped configuration passes. Each mandatory policy is shown to catch a deliberately
broken configuration, naming the policy and the resource, with exit status 1:

- from a broken copy of the repository (alert_rules/ and Pulumi*.yaml) that
  `errorops validate` accepts, so the pack is what catches it;
- at the resource level (a test-only hook changes the planned resources before the pack
  sees them) where `errorops validate` already rejects the YAML: the pack is the last
  line of defence and must catch it on its own.

A change of the process itself in alert_rules/ (who a level e-mails, whether an
environment pages) is not a breakage: the pack reads the process from its config, so it
follows the YAML (tests/test_ci_policy_config.py), and `errorops diff` puts the change
in front of the reviewer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from errorops.check import analyzer_client
from errorops.check import run as check_run
from errorops.check.analyzer_client import PackError, PolicyPackProcess
from policy_support import check_mutated, edited, planned
from errorops.check.run import POLICY_DIR
from errorops.pipeline import REPO_ROOT, check_repository, load_model

from conftest import copy_repository, run_here
from errorops.plan.runner import stacks_in_order

pytestmark = pytest.mark.takes(12)


@pytest.fixture(scope="module")
def pack():
    """One running pack for the resource-level cases of this module."""
    with PolicyPackProcess(POLICY_DIR) as running:
        yield running


def copy_repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo").root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{rel} no longer has exactly one {old!r}"
    path.write_text(text.replace(old, new), "utf-8")


def check(*argv: str) -> tuple[int, str, str]:
    """``errorops check ARGS`` in this process (conftest.run_here)."""
    done = run_here("check", *argv, cwd=REPO_ROOT)
    return done.code, done.stdout, done.stderr


def assert_names(out: str, *expected: tuple[str, str]) -> None:
    lines = out.splitlines()
    for policy, resource in expected:
        assert any(line.startswith(f"{policy}: {resource}: ") for line in lines), (policy, resource, out)


# --- the shipped configuration ------------------------------------------------------------------

def test_shipped_configuration_passes_through_the_real_cli():
    done = subprocess.run([sys.executable, "-m", "errorops", "check", "--stack", "all"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.splitlines()[-1]
    assert summary.startswith("errorops check: prod (") and "staging (" in summary and "dev (" in summary
    assert "12 policies: 0 mandatory" in summary


def test_usage_errors_exit_2():
    code, _, err = check("--stack", "nope")
    assert code == 2 and "unknown stack 'nope'" in err
    code, _, err = check("--stack", "all", "--policy-config")
    assert code == 2


def test_policy_config_is_what_the_cli_takes():
    code, out, _ = check("--stack", "dev", "--policy-config")
    config = json.loads(out)
    assert code == 0
    # Every process fact the pack judges by comes from alert_rules/, through this config.
    assert config["dev-never-pages"]["environment"] == "dev"
    assert "dev" in config["dev-never-pages"]["noPagingEnvironments"]
    assert "prod" not in config["dev-never-pages"]["noPagingEnvironments"]
    assert "prod" in config["protected-in-prod"]["protectedEnvironments"]
    assert config["log-retention"] == {"retentionDays": 90}
    routing = config["sentry-alert-routing"]
    assert routing["production"] is False
    assert routing["notify"] == {"slack": True, "email": ["team_lead"], "githubIssue": False, "pagerduty": False}
    assert routing["recipients"]["on_call_engineer"]["gcpChannels"] == ["email-on-call-engineer"]
    assert routing["recipients"]["on_call_engineer"]["name"] == "On-call Engineer"
    assert routing["levels"]["P0"]["slack"] == ["#ai-content-factory-alerts"]
    assert routing["levels"]["P0"]["pagerdutyReaches"] == ["on_call_engineer"]
    assert routing["levels"]["P1"]["email"] == ["team_lead"]
    assert config["gcp-alert-routing"] == routing


# --- broken copies of the repository that validate accepts --------------------------------------

def _protect_prod_off(root):
    # Production stays protected whatever its protect: says.
    edit(root, "alert_rules/environments.yaml", "    production: true\n    protect: true",
         "    production: true\n    protect: false")


def _staging_retention_override(root):
    edit(root, "alert_rules/environments.yaml", "  - id: staging\n    name: Staging\n    protect: true",
         "  - id: staging\n    name: Staging\n    protect: true\n    retention_days: 30")


def _filter_on_user_id(root):
    edit(root, "alert_rules/sentry_alerts.yaml", "- {tagged_event: {key: severity, match: eq, value: critical}}",
         "- {tagged_event: {key: severity, match: eq, value: critical}}\n"
         "        - {tagged_event: {key: user_id, match: eq, value: '42'}}")


@pytest.mark.parametrize("breakage, stack, expected", [
    (_protect_prod_off, "prod", [("protected-in-prod", "prod/project-prod"),
                                 ("protected-in-prod", "prod/default-log-bucket")]),
    (_staging_retention_override, "all", [("log-retention", "staging/default-log-bucket")]),
    (_filter_on_user_id, "prod", [("no-personal-data", "prod/alert-tagged_critical")]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_broken_repository_fails_naming_policy_and_resource(tmp_path, breakage, stack, expected):
    root = copy_repo(tmp_path)
    breakage(root)
    assert check_repository(root).ok, "errorops validate rejects this copy; break it at the resource level instead"
    code, out, err = check("--stack", stack, "--root", str(root))
    assert code == 1, out + err
    assert_names(out, *expected)
    assert " mandatory, " in out.splitlines()[-1] and " 0 mandatory" not in out.splitlines()[-1]


# --- broken at the resource level (validate rejects the YAML) ------------------------------------

def check_prod(pack, mutate):
    model = load_model()
    return check_mutated(pack, model, stacks_in_order(model, "prod"), mutate)


def lines(result) -> list[str]:
    return [v.line() for v in result.violations]


def test_plain_text_credential_fails(pack, tmp_path):
    root = copy_repo(tmp_path)
    with (root / "Pulumi.prod.yaml").open("a", encoding="utf-8") as f:
        f.write("  errorops:slackAuthToken: xoxb-plain\n")
    assert not check_repository(root).ok  # validate refuses a plain-text secret in the stack file

    def unwrap(r):
        if r.name == "slack-alerts":
            return edited(r, lambda p: p.update(sensitiveLabels={"auth_token": "xoxb-plain"}))
        return r
    result = check_prod(pack, unwrap)
    assert_names("\n".join(lines(result)), ("credentials-are-secrets", "prod/slack-alerts"))
    assert result.mandatory and all("xoxb-plain" not in line for line in lines(result))


def test_policy_without_documentation_or_severity_fails(pack):
    def strip(r):
        if r.name == "error-rate-critical":
            return edited(r, lambda p: (p.pop("documentation"), p.pop("severity")))
        return r
    found = lines(check_prod(pack, strip))
    assert any(line.startswith("gcp-policy-documentation: prod/error-rate-critical: ") and "no documentation" in line
               for line in found)
    assert any(line.startswith("gcp-policy-documentation: prod/error-rate-critical: ") and "no severity" in line
               for line in found)


def test_p0_without_slack_fails(pack, tmp_path):
    root = copy_repo(tmp_path)
    edit(root, "alert_rules/severity_levels.yaml", "    routes:\n      slack: [alerts]\n      email: [team_lead, on_call",
         "    routes:\n      slack: []\n      email: [team_lead, on_call")
    assert not check_repository(root).ok  # validate: "P0 rule without a Slack route"
    slack_urn = planned("prod").resource("slack-alerts", "NotificationChannel").urn

    def no_slack(r):
        if r.type.endswith("sentry:Alert"):
            return edited(r, lambda p: p["payload"]["actionFilters"][0].update(
                actions=[a for a in p["payload"]["actionFilters"][0]["actions"] if a["type"] != "slack"]))
        if r.type.endswith("AlertPolicy"):
            return edited(r, dependencies=tuple(d for d in r.dependencies if d != slack_urn))
        return r
    out = "\n".join(lines(check_prod(pack, no_slack)))
    assert_names(out, ("sentry-alert-routing", "prod/alert-tagged_critical"),
                 ("gcp-alert-routing", "prod/health-check-failing"))
    assert "does not reach Slack #ai-content-factory-alerts" in out


def test_exit_status_through_the_cli(monkeypatch):
    """Exit 1 on a mandatory violation; exit 0 with advisory ones only (printed too)."""
    real = check_run.resources_of

    def with_mutation(mutate):
        # What the plan hands the pack, changed; the command runs as it is.
        monkeypatch.setattr(check_run, "resources_of", lambda plan: [mutate(r) for r in real(plan)])

    with_mutation(lambda r: edited(r, protect=False) if r.name == "project-prod" else r)
    code, out, _ = check("--stack", "prod")
    assert code == 1 and out.startswith("protected-in-prod: prod/project-prod: ")

    def lower_threshold(r):
        if r.name == "monitor-error_rate_critical":
            return edited(r, lambda p: p["payload"]["conditionGroup"]["conditions"][0].update(comparison=5))
        return r
    with_mutation(lower_threshold)
    code, out, _ = check("--stack", "prod")
    assert code == 0
    assert out.splitlines()[0].startswith("sane-thresholds: prod/monitor-error_rate_critical: ")
    assert out.splitlines()[0].endswith("(advisory)")
    assert "0 mandatory, 1 advisory" in out.splitlines()[-1]


# --- the child process never outlives the check ------------------------------------------------------

def test_pack_is_ended_after_use():
    running = PolicyPackProcess(POLICY_DIR)
    running.start()
    proc = running._proc
    assert proc.poll() is None and running.policies()
    running.close()
    assert proc.poll() is not None


def test_a_pack_that_never_answers_times_out(tmp_path, monkeypatch):
    (tmp_path / "__main__.py").write_text("import time\ntime.sleep(600)\n")
    monkeypatch.setattr(analyzer_client, "START_TIMEOUT", 0.3)
    running = PolicyPackProcess(tmp_path)
    started = time.monotonic()
    with pytest.raises(PackError, match="did not start"):
        running.start()
    assert time.monotonic() - started < 10


def test_a_pack_that_crashes_reports_why(tmp_path):
    (tmp_path / "__main__.py").write_text("raise SystemExit('broken pack: no policies')\n")
    code, _, err = check("--stack", "prod", "--pack", str(tmp_path))
    assert code == 1 and "broken pack: no policies" in err

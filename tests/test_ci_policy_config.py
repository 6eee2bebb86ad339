"""The policy pack in CI gets exactly the config the workflows pass, and with it finds nothing.

No GitHub runner and no Pulumi CLI here, so each workflow's own steps are replayed: the
step that writes the policy config runs as written (bash, with the matrix's stack and a
``RUNNER_TEMP``), and the file named by the pulumi/actions step's ``policyPackConfigs``
(``${{ runner.temp }}`` resolved) is what the real pack, started as the CLI starts it, is
configured with over every stack's offline plan. A workflow that stops passing the file
gives the pack no config, and then the same check fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from errorops.check.analyzer_client import PolicyPackProcess
from errorops.check.run import POLICY_DIR, check_resources, resources_of
from errorops.pipeline import REPO_ROOT, check_repository, load_model

from conftest import copy_repository, run_here
from errorops.plan.runner import stacks_in_order
from plans import plan_of

pytestmark = pytest.mark.takes(12)


JOBS = [("pull-request.yml", "preview"), ("deploy.yml", "up")]


def workflow(root: Path, name: str) -> dict:
    return yaml.safe_load((root / ".github" / "workflows" / name).read_text("utf-8"))


def _expand(value: str, stack: str, runner_temp: Path) -> str:
    """The expressions these steps use: the matrix's stack and the runner's temp folder."""
    value = re.sub(r"\$\{\{\s*matrix\.stack\s*\}\}", stack, value)
    value = re.sub(r"\$\{\{\s*runner\.temp\s*\}\}", str(runner_temp), value)
    assert "${{" not in value, f"unexpected expression in {value!r}"
    return value


def config_passed(root: Path, job: dict, stack: str, runner_temp: Path) -> dict:
    """Run the job's steps that precede pulumi/actions and write files, then read what it passes.

    Returns each policy's config as the CLI would read it from ``policyPackConfigs``, or
    ``{}`` when the pulumi/actions step passes none (the pack then runs unconfigured).
    """
    steps = job["steps"]
    pulumi_index = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("pulumi/actions@"))
    inputs = steps[pulumi_index]["with"]
    # One value a line, in the same order (pulumi/actions action.yml).
    packs = [line.strip() for line in str(inputs.get("policyPacks", "")).splitlines() if line.strip()]
    assert packs == ["policies"], packs
    configs = [line.strip() for line in str(inputs.get("policyPackConfigs") or "").splitlines() if line.strip()]
    if not configs:
        return {}
    # The pull-request and deploy jobs run the same steps: each distinct replay runs once per module.
    key = (str(root), json.dumps(steps[:pulumi_index], sort_keys=True), configs[0], stack)
    if key not in _REPLAYED:
        _REPLAYED[key] = json.dumps(_replay(root, steps[:pulumi_index], configs[0], stack, runner_temp))
    return json.loads(_REPLAYED[key])


_REPLAYED: dict[tuple[str, str, str, str], str] = {}


def _replay(root: Path, steps: list[dict], config: str, stack: str, runner_temp: Path) -> dict:
    runner_temp.mkdir(parents=True, exist_ok=True)
    for step in steps:
        script = step.get("run", "")
        if "--policy-config" not in script:
            continue
        env = {**os.environ, "RUNNER_TEMP": str(runner_temp),
               **{k: _expand(str(v), stack, runner_temp) for k, v in (step.get("env") or {}).items()}}
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"step {step.get('name')!r} failed: {done.stderr}"
    path = Path(_expand(config, stack, runner_temp))
    assert path.is_file(), f"policyPackConfigs names {path}, which no earlier step writes"
    return json.loads(path.read_text("utf-8"))


def check_as_ci(root: Path, job: dict, runner_temp: Path, pack: PolicyPackProcess):
    """The real pack over every stack of ``root``, configured per stack as ``job`` configures it."""
    model = load_model(root)
    stacks = stacks_in_order(model, "all")
    passed = {s.name: config_passed(root, job, s.name, runner_temp / s.name) for s in stacks}
    return check_planned(pack, model, stacks, config_for=lambda _model, stack: passed[stack.name]), passed


def check_planned(pack: PolicyPackProcess, model, stacks, config_for):
    """As errorops.check.run.check_stacks does, with each stack's plan made once in this process."""
    return check_resources(pack, model, [(s, resources_of(plan_of(model, s))) for s in stacks], config_for)


@pytest.fixture(scope="module")
def pack():
    with PolicyPackProcess(POLICY_DIR) as running:
        yield running


@pytest.mark.parametrize("name, job_id", JOBS)
def test_the_pack_passes_every_stack_with_the_config_the_workflow_passes(name, job_id, tmp_path, pack):
    result, passed = check_as_ci(REPO_ROOT, workflow(REPO_ROOT, name)["jobs"][job_id], tmp_path, pack)
    assert set(result.resources) == {"prod", "staging", "dev"} and all(result.resources.values())
    assert all(passed.values())
    assert [v.line() for v in result.violations] == []


@pytest.mark.parametrize("name, job_id", JOBS)
def test_without_the_config_the_same_check_fails(name, job_id, tmp_path, pack):
    job = workflow(REPO_ROOT, name)["jobs"][job_id]
    pulumi = next(s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    del pulumi["with"]["policyPackConfigs"]
    result, passed = check_as_ci(REPO_ROOT, job, tmp_path, pack)
    assert passed == {"prod": {}, "staging": {}, "dev": {}}
    assert result.mandatory
    unconfigured = {v.policy for v in result.mandatory if "has no config" in v.message}
    assert {"sentry-alert-routing", "gcp-alert-routing", "log-retention", "protected-in-prod"} <= unconfigured


# --- renaming a process fact in the YAML: validate, check and CI still agree ---------------------

NEW_CHANNEL = "#acf-incidents"
OLD_ROLE, NEW_ROLE = "team_lead", "tech_lead"


def renamed_copy(tmp_path: Path) -> Path:
    """A copy of the repository (with its own errorops command) where the Slack channel and
    the team lead's role id are renamed in alert_rules/ only."""
    root = copy_repository(tmp_path / "repo", code=True).root
    targets = root / "alert_rules" / "notification_targets.yaml"
    text = targets.read_text("utf-8")
    assert text.count('"#ai-content-factory-alerts"') == 1
    targets.write_text(text.replace('"#ai-content-factory-alerts"', f'"{NEW_CHANNEL}"'), "utf-8")
    renamed = 0
    for path in (root / "alert_rules").glob("*.yaml"):
        text = path.read_text("utf-8")
        renamed += len(re.findall(rf"\b{OLD_ROLE}\b", text))
        path.write_text(re.sub(rf"\b{OLD_ROLE}\b", NEW_ROLE, text), "utf-8")
    assert renamed >= 4  # the role, its levels, its environments, its channel
    # What `pip install -e .` in the copy gives CI: an errorops command that runs the copy's package.
    command = root / ".venv" / "bin" / "errorops"
    command.parent.mkdir(parents=True)
    command.write_text(f'#!/bin/sh\nPYTHONPATH="{root}" exec "{sys.executable}" -m errorops "$@"\n', "utf-8")
    command.chmod(0o755)
    return root


def test_renaming_the_slack_channel_and_a_role_keeps_validate_check_and_ci_in_agreement(tmp_path, pack):
    root = renamed_copy(tmp_path)
    assert check_repository(root).ok
    # `errorops check` itself (in this process: test_check_cli.py runs it as a command).
    done = run_here("check", "--stack", "all", "--root", str(root), cwd=root)
    assert done.code == 0, done.stdout + done.stderr
    assert " 0 mandatory, 0 advisory" in done.stdout.splitlines()[-1]

    result, passed = check_as_ci(root, workflow(root, "deploy.yml")["jobs"]["up"], tmp_path / "ci", pack)
    assert [v.line() for v in result.violations] == []
    routing = passed["prod"]["sentry-alert-routing"]
    assert routing["levels"]["P0"]["slack"] == [NEW_CHANNEL]
    assert NEW_ROLE in routing["levels"]["P0"]["email"] and OLD_ROLE not in routing["recipients"]
    # The pack really judges by the new names: the unrenamed repository's config fails this plan.
    model = load_model(root)
    stale = {s.name: config_passed(REPO_ROOT, workflow(REPO_ROOT, "deploy.yml")["jobs"]["up"], s.name,
                                   tmp_path / "stale" / s.name) for s in stacks_in_order(model, "prod")}
    stale_result = check_planned(pack, model, stacks_in_order(model, "prod"),
                                 config_for=lambda _model, stack: stale[stack.name])
    assert any(NEW_CHANNEL not in v.message and "Slack #ai-content-factory-alerts" in v.message
               for v in stale_result.mandatory)

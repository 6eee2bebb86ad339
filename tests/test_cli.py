"""The command line as a user runs it: `python -m errorops ...` in a subprocess, where the process
itself is under test (exit status, streams, signals, determinism across processes); in this process,
through the same ``main``, for the other variations of a command already run once that way.

Exit codes (errorops/cli.py): 0 fine, 1 configuration problems, 2 wrong usage, 3 internal error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from errorops.pipeline import REPO_ROOT

from conftest import ORG, Repo, cli_env, make_repo, run_cli, run_here

pytestmark = pytest.mark.takes(9)


@pytest.fixture
def broken(repo: Repo) -> tuple[Repo, list[str]]:
    """A copy with two problems in two stages' worth of files (both cross-reference problems)."""
    repo.edit(ORG, "owner_environment: prod", "owner_environment: production")
    repo.edit("Pulumi.staging.yaml", "errorops:sentryOrganization: ai-content-factory", "errorops:sentryOrganization: acme")
    expected = [
        f"{repo.at('Pulumi.staging.yaml', 'acme')}: sentryOrganization 'acme' differs from the organisation slug "
        f"'ai-content-factory' in {ORG} (stack-files)",
        f"{repo.at(ORG, 'production')}: owner_environment 'production' is not an environment "
        "(environments: dev, prod, staging) (known-references)",
    ]
    return repo, expected


def test_validate_the_repository():
    run = run_cli("validate")
    files = len([*REPO_ROOT.glob("alert_rules/*.yaml"), *REPO_ROOT.glob("alert_rules/*.yml")])
    files += 1 + len(list(REPO_ROOT.glob("Pulumi.*.yaml")))
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == f"{files} files checked, no problems\n"


def test_validate_a_copy_and_its_rules_folder(repo: Repo):
    run = run_here("validate", str(repo.root), str(repo.root / "alert_rules"), cwd=repo.root)
    rules = len(list((repo.root / "alert_rules").glob("*.yaml")))
    stacks = len(list(repo.root.glob("Pulumi.*.yaml")))
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == f"{rules + 1 + stacks + rules} files checked, no problems\n"


def test_validate_broken_copy_prints_every_problem(broken):
    repo, expected = broken
    run = run_cli("validate", str(repo.root), cwd=repo.root)
    assert run.code == 1
    assert run.stdout == ""
    assert run.stderr == "\n".join(expected) + "\n2 problems found\n"
    assert "Traceback" not in run.stderr


def test_validate_paths_are_relative_to_the_working_directory(broken):
    repo, expected = broken
    run = run_cli("validate", ".", cwd=repo.root)
    assert run.code == 1
    assert run.stderr.splitlines()[:2] == expected
    # From elsewhere, the same problems name the files by the path given.
    run = run_cli("validate", str(repo.root), cwd=repo.root.parent)
    assert run.code == 1
    assert run.stderr.splitlines()[0].startswith(f"{repo.root.name}/Pulumi.staging.yaml:")


def test_validate_single_problem_is_counted_in_the_singular(repo: Repo):
    repo.edit(ORG, "retention_days: 90", "retention_days: 0")
    run = run_here("validate", ".", cwd=repo.root)
    assert run.code == 1
    assert run.stderr == f"{repo.at(ORG, '0', within='retention_days: 0')}: retention_days: 0 is less than the minimum of 1 (schema)\n1 problem found\n"


def test_validate_github_format(broken):
    repo, expected = broken
    run = run_cli("validate", "--format", "github", ".", cwd=repo.root)
    assert run.code == 1
    lines = []
    for problem in expected:
        path, line, col, message = problem.split(":", 3)
        message, rule = message.strip().rsplit(" (", 1)
        lines.append(f"::error file={path},line={line},col={col},title=errorops ({rule.rstrip(')')})::{message}")
    assert run.stdout == "\n".join(lines) + "\n"
    assert run.stderr == ""


def test_github_format_escapes_newlines_and_percent(repo: Repo):
    repo.append(ORG, '"bad\\nkey%": 1\n')
    run = run_here("validate", "--format", "github", ".", cwd=repo.root)
    assert run.code == 1
    line, col = repo.at(ORG, '"bad').split(":")[1:]
    assert run.stdout == (
        f"::error file={ORG},line={line},col={col},title=errorops (schema)::bad%0Akey%25: unknown key 'bad%0Akey%25' "
        "(allowed: kind, organization, retention_days, teams)\n"
    )


def test_validate_missing_path(tmp_path):
    run = run_here("validate", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert run.code == 1
    assert run.stderr == f"{tmp_path / 'nowhere'}:1:1: no such file or folder (files)\n1 problem found\n"


def test_validate_loader_problem_is_not_a_traceback(repo: Repo):
    repo.edit(ORG, "  - id: devops\n", "  - id: devops\n  - id: devops\n")
    repo.edit(ORG, "    name: Backend\n", "    name: Backend\n    name: Back end\n")
    run = run_here("validate", ".", cwd=repo.root)
    assert run.code == 1
    assert run.stderr == (
        f"{repo.at(ORG, 'name: Back end')}: duplicate key 'name' "
        f"(first defined at line {repo.at(ORG, 'name: Backend').split(':')[1]}, column 5) (yaml)\n1 problem found\n"
    )


def test_validate_control_character_is_a_problem_not_an_internal_error(repo: Repo):
    repo.edit(ORG, "name: AI Content Factory", "name: AI Content\x07Factory")
    run = run_here("validate", ".", cwd=repo.root)
    assert run.code == 1
    assert run.stderr.startswith(f"{repo.at(ORG, chr(7))}: ")


def test_plan_all_json_is_deterministic_across_processes():
    # The command (its own process and hash seed; a forked planner per stack where there are
    # cores) against this process planning each stack in turn: the same bytes.
    from errorops.pipeline import load_model
    from errorops.plan import render_json
    from plans import plans_of

    first = run_cli("plan", "--stack", "all", "--format", "json", env=cli_env(PYTHONHASHSEED="1"))
    assert first.code == 0, first.stderr
    model = load_model()
    here = render_json.render(list(plans_of(model).values()), single=False)
    assert first.stdout.encode() == here.encode()
    docs = json.loads(first.stdout)
    # Sorted keys and a fixed layout: re-serialising gives the same bytes.
    assert json.dumps(docs, indent=2, sort_keys=True, ensure_ascii=False) + "\n" == first.stdout
    assert isinstance(docs, list)
    assert [d["stack"] for d in docs] == ["prod", "staging", "dev"]
    for doc in docs:
        assert {"stack", "resources", "outputs"} <= set(doc)
        assert isinstance(doc["outputs"], dict)
        assert doc["resources"], doc["stack"]
        for resource in doc["resources"]:
            assert set(resource) == {"type", "name", "inputs", "options"}
            assert isinstance(resource["inputs"], dict) and isinstance(resource["options"], dict)
        assert [(r["type"], r["name"]) for r in doc["resources"]] == sorted((r["type"], r["name"]) for r in doc["resources"])


def test_plan_one_stack_json_is_one_document():
    run = run_here("plan", "--stack", "prod", "--format", "json", cwd=REPO_ROOT)
    assert run.code == 0
    doc = json.loads(run.stdout)
    assert isinstance(doc, dict)
    assert doc["stack"] == "prod"
    assert doc["outputs"]["sentry_dsn"] == "[secret]"
    assert {(r["type"], r["name"]) for r in doc["resources"]} >= {
        ("sentry:index/sentryProject:SentryProject", "project-prod"),
        ("sentry:index/sentryTeam:SentryTeam", "team-backend"),
    }


def test_plan_table(repo: Repo):
    repo.append("Pulumi.staging.yaml", "  errorops:teamLeadEmail:\n    secure: v1:TOPSECRETciphertext\n")
    run = run_here("plan", "--stack", "staging", "--root", str(repo.root), cwd=repo.root)
    assert (run.code, run.stderr) == (0, "")
    lines = run.stdout.splitlines()
    assert lines[0].startswith("Stack staging  (environment staging; ")
    assert "SentryProject  (sentry:index/sentryProject:SentryProject)" in lines
    assert any(line.split() == ["project-staging", "[protect]", "ai-content-factory-staging", "platform=python",
                             "teams=backend,devops,product", "org=ai-content-factory"] for line in lines)
    assert any(line.split() == ["sentry_dsn", "[secret]"] for line in lines)
    assert any(line.split() == ["retention_days", "90"] for line in lines)
    assert "SentryTeam" not in run.stdout
    assert "TOPSECRET" not in run.stdout and "v1:" not in run.stdout


def test_plan_on_a_broken_repository_declares_nothing(broken):
    repo, expected = broken
    run = run_here("plan", "--stack", "all", "--root", str(repo.root), cwd=repo.root)
    assert run.code == 1
    assert run.stdout == ""
    assert run.stderr == "\n".join(expected) + "\n2 problems found\n"
    assert "Traceback" not in run.stderr


def test_plan_unknown_stack():
    run = run_here("plan", "--stack", "production", cwd=REPO_ROOT)
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr == "errorops plan: unknown stack 'production' (stacks: prod, staging, dev, or all)\n"


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["deploy"],
        ["plan"],
        ["plan", "--stack", "prod", "--format", "yaml"],
        ["validate", "--format", "xml"],
        ["validate", "--bogus"],
    ],
    ids=["no-command", "unknown-command", "plan-without-stack", "plan-bad-format", "validate-bad-format", "unknown-option"],
)
def test_bad_arguments_exit_2(args):
    # The first through the command's own process; argparse ends the others alike, here in this one.
    run = run_cli(*args) if not args else run_here(*args, cwd=REPO_ROOT)
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr.startswith("usage: errorops")
    assert "error:" in run.stderr
    assert "Traceback" not in run.stderr


def test_help_exits_0():
    run = run_cli("--help")
    assert run.code == 0
    assert "validate" in run.stdout and "plan" in run.stdout


def test_validate_a_single_valid_rule_file(tmp_path):
    repo = make_repo(tmp_path / "repo")
    run = run_cli("validate", "alert_rules/organization.yaml", cwd=repo.root)
    assert (run.code, run.stderr) == (0, "")


# --- hostile use of the command line ------------------------------------------------------------

def test_github_annotation_properties_are_escaped_so_a_file_name_cannot_forge_one():
    from errorops.problems import Problem
    from errorops.problem_formats import github

    line = github.format([Problem("a,line=1::error file=x", 3, 4, "msg")])
    assert line == "::error file=a%2Cline=1%3A%3Aerror file=x,line=3,col=4,title=errorops::msg"
    assert line.count("::") == 2


def test_ctrl_c_ends_a_plan_with_130_and_one_line():
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen([sys.executable, "-m", "errorops", "plan", "--stack", "all"], cwd=REPO_ROOT,
                               env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Into planning: the stacks' planners are forked, or (one core) the mock runtime's worker
    # threads have started (Linux lists both in /proc).
    tasks = Path(f"/proc/{process.pid}/task")
    children = tasks / str(process.pid) / "children"
    planners: list[str] = []
    for _ in range(600):
        planners = children.read_text().split() if children.exists() else []
        if process.poll() is not None or planners or len(list(tasks.glob("*"))) > 2:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the plan ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    # communicate() returns only once every holder of stderr is gone: no planner outlives the command.
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (130, "errorops: interrupted\n")
    # ... and each is ending: killed, its memory being freed (it no longer has a command line).
    for pid in planners:
        proc = Path(f"/proc/{pid}")
        assert not proc.exists() or (proc / "cmdline").read_bytes() == b""


class _Gone:
    """An output whose reader went away, or whose disk is full."""

    def __init__(self, error: OSError):
        self.error = error

    def write(self, _text):
        raise self.error

    def flush(self):
        pass


@pytest.mark.parametrize(("error", "code", "said"), [
    (BrokenPipeError(32, "Broken pipe"), 141, ""),  # `errorops plan | head`: quiet, as a SIGPIPE death
    (OSError(28, "No space left on device"), 1, "errorops: cannot write the output: No space left on device\n"),
])
def test_output_that_cannot_be_written_ends_without_a_traceback(monkeypatch, capsys, error, code, said):
    from errorops import cli

    left = []
    monkeypatch.setattr(cli.os, "_exit", left.append)
    monkeypatch.setattr(cli.sys, "stdout", _Gone(error))
    cli.main(["validate"])
    assert left == [code]
    assert capsys.readouterr().err == said


def test_diff_outside_an_errorops_checkout_refuses_instead_of_diffing_another(tmp_path):
    run = run_cli("diff", "--base", "HEAD", cwd=tmp_path)
    assert run.code == 2
    assert "is not inside a git checkout of an errorops repository" in run.stderr and run.stdout == ""

"""The digest job's image: what the Dockerfile installs and copies, that `errorops digest` runs
without pulumi (the image has none), and .ci/digest-image, the deploy's build-push-pin step."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from digest_support import DAY, ORG, TOKEN, seed
from errorops.pipeline import REPO_ROOT
from sentry_double.server import SentryDouble

DIGEST = "europe-west2-docker.pkg.dev/ai-content-factory-prod/errorops/errorops@sha256:" + "ab" * 32


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==(\S+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(3)
    return pins


def test_image_requirements_are_the_projects_pins():
    image, project = _pins(REPO_ROOT / "requirements-digest.txt"), _pins(REPO_ROOT / "requirements.txt")
    assert image and all(project.get(name) == version for name, version in image.items()), (image, project)
    assert "pulumi" not in image and "pytest" not in image


def test_dockerfile_copies_what_the_command_reads_and_runs_it():
    text = (REPO_ROOT / "Dockerfile").read_text()
    copied = " ".join(re.findall(r"^COPY (.+)$", text, re.M))
    for needed in ("requirements-digest.txt", "alert_rules/", "errorops/", "Pulumi.yaml", "Pulumi.*.yaml"):
        assert needed in copied
    assert 'ENTRYPOINT ["python", "-m", "errorops"]' in text
    assert re.search(r"^USER 10001$", text, re.M)  # not root


def test_digest_runs_without_pulumi(tmp_path):
    """As in the image: pulumi and pulumi_gcp cannot be imported; a real process, against the double."""
    double = SentryDouble(token=TOKEN, organization=ORG).start()
    try:
        seed(double)
        blocker = tmp_path / "sitecustomize.py"
        blocker.write_text("import sys\nfor name in ('pulumi', 'pulumi_gcp', 'pulumi_policy'):\n"
                           "    sys.modules[name] = None\n")
        env = {**os.environ, "SENTRY_AUTH_TOKEN": TOKEN, "SENTRY_BASE_URL": double.base_url,
               "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO_ROOT)])}
        env.pop("ERROROPS_DEBUG", None)
        done = subprocess.run([sys.executable, "-m", "errorops", "digest", "--stack", "prod", "--date", DAY,
                               "--dry-run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    finally:
        double.stop()
    assert (done.returncode, done.stderr) == (0, "")
    assert "Errors of the day: 22 events in 6 issues" in done.stdout


def _script_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for rel in ("Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "alert_rules/digest.yaml", ".ci/digest-image"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, root / rel)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)
    return root


def _fake_tools(tmp_path: Path, describe_ok: bool) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    (bin_dir / "gcloud").write_text(f"#!/bin/sh\necho gcloud \"$@\" >> {log}\n"
                                    f"case \"$1 $2\" in 'artifacts repositories') exit {0 if describe_ok else 1};; esac\n")
    (bin_dir / "docker").write_text(f"#!/bin/sh\necho docker \"$@\" >> {log}\n"
                                    f"[ \"$1\" = inspect ] && echo '{DIGEST}'\nexit 0\n")
    for tool in ("gcloud", "docker"):
        (bin_dir / tool).chmod(0o755)
    return bin_dir


def _run(root: Path, bin_dir: Path, stack: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STACK": stack, "GITHUB_SHA": "0123abc", "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    return subprocess.run(["bash", str(root / ".ci" / "digest-image")], env=env, capture_output=True, text=True,
                          timeout=60)


def test_deploy_step_builds_pushes_and_pins_by_digest(tmp_path):
    root, bin_dir = _script_repo(tmp_path), _fake_tools(tmp_path, describe_ok=True)
    done = _run(root, bin_dir, "prod")
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "calls.log").read_text()
    tag = "europe-west2-docker.pkg.dev/ai-content-factory-prod/errorops/errorops:0123abc"
    assert f"docker build --pull --tag {tag} ." in calls and f"docker push {tag}" in calls
    config = yaml.safe_load((root / "Pulumi.prod.yaml").read_text())["config"]
    assert config["errorops:digestImage"] == DIGEST
    assert config["errorops:environment"] == "prod"


def test_first_deploy_without_registry_leaves_the_image_unset(tmp_path):
    root, bin_dir = _script_repo(tmp_path), _fake_tools(tmp_path, describe_ok=False)
    done = _run(root, bin_dir, "prod")
    assert done.returncode == 0 and "does not exist yet" in done.stdout
    assert "errorops:digestImage" not in (root / "Pulumi.prod.yaml").read_text()
    assert "docker" not in (tmp_path / "calls.log").read_text()


def test_stacks_without_the_digest_build_nothing(tmp_path):
    root, bin_dir = _script_repo(tmp_path), _fake_tools(tmp_path, describe_ok=True)
    done = _run(root, bin_dir, "staging")
    assert done.returncode == 0 and "does not schedule the digest here" in done.stdout
    assert not (tmp_path / "calls.log").exists()

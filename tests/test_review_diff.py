"""`errorops diff --base REV`: what a change does to each stack, in a reviewer's words.

The end-to-end tests work in a throw-away git repository: a copy of this repository's
files, committed, then edited the way a contributor edits alert_rules/. The base side
is planned from the commit by its own code, the working tree by the copy's code.
Other tests use tiny fake trees whose `python -m errorops plan` prints a canned plan:
that pins which code plans which side, and stacks that exist on one side only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from errorops.pipeline import REPO_ROOT
from errorops.describe.changes import Leaf, generic
from errorops.review.compare import compare_plans
from errorops.review.render_markdown import render as render_markdown
from errorops.review.render_text import render as render_text
from errorops.describe.roles import Roles, load_roles
from errorops.describe.sentence import say
from errorops.describe.values import duration, percent

from conftest import Repo, run_cli, run_here
from conftest import _git as git
from conftest import copy_repository as copy_tracked

pytestmark = pytest.mark.takes(13)


SENTRY = "alert_rules/sentry_alerts.yaml"
DIGEST = "alert_rules/digest.yaml"
LEVELS = "alert_rules/severity_levels.yaml"
GCP = "alert_rules/gcp_monitoring.yaml"
TARGETS = "alert_rules/notification_targets.yaml"


def copy_repository(dest: Path) -> Repo:
    """The repository's files (tracked, and new ones not ignored) in a fresh git repository, committed."""
    return copy_tracked(dest, tracked=True, git=True)


def sections(text: str) -> dict[str, dict[str, list[str]]]:
    """Text output as {stack: {"~ Sentry monitor monitor-x": [sentences]}}."""
    out: dict[str, dict[str, list[str]]] = {}
    stack = resource = None
    for line in text.splitlines():
        if match := re.match(r"^== (\S+) \(", line):
            stack = match.group(1)
            out[stack] = {}
        elif stack and re.match(r"^[~+-] ", line):
            resource = line.split(' "')[0]
            out[stack][resource] = []
        elif stack and resource and line.startswith("    ") and not line.startswith("      "):
            out[stack][resource].append(line.strip())
    return out


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A copy diffed after a threshold, a window, a GCP threshold, a routing edit and a digest
    edit (its recipients and time in prod, and switched on in dev): one change a reviewer might
    see, in text and in markdown."""
    repo = copy_repository(tmp_path_factory.mktemp("review") / "repo")
    runs = {}
    # Sentry: error_rate_critical 5% -> 3%, error_rate_high's window 15 -> 30 minutes.
    repo.edit(SENTRY, "window_seconds: 300\n      threshold: {above: 5, unit: percent}",
              "window_seconds: 300\n      threshold: {above: 3, unit: percent}")
    repo.edit(SENTRY, "window_seconds: 900\n", "window_seconds: 1800\n")
    # Google Cloud mirrors both numbers (validation refuses them apart): error-rate-critical
    # 0.05 -> 0.03, error-rate-high's window 15 -> 30 minutes.
    repo.edit(GCP, "comparison: gt\n        threshold: 0.05", "comparison: gt\n        threshold: 0.03")
    repo.edit(GCP, "mirrors: error_rate_high  # the same number as the Sentry rule: validation keeps them equal\n"
                   "        window: 15m", "mirrors: error_rate_high  # the same number as the Sentry rule: validation "
                   "keeps them equal\n        window: 30m")
    # Routing: P1 now also e-mails the product manager, whom the process now lets P1 e-mail
    # (prod allows it; dev and staging do not).
    repo.edit(TARGETS, "    name: Product Manager\n    levels: [P0]", "    name: Product Manager\n    levels: [P0, P1]")
    repo.edit(LEVELS, "      email: [team_lead]\n      github_issue: true",
              "      email: [team_lead, product_manager]\n      github_issue: true")
    # The digest: dev may e-mail the team lead only (environments.yaml), so it goes to the team lead alone.
    repo.edit(DIGEST, "recipients: [product_manager]", "recipients: [team_lead]")
    repo.edit(DIGEST, 'time: "09:00"', 'time: "08:30"')
    repo.edit(DIGEST, "environments: [prod]", "environments: [prod, dev]")
    # In this process; the markdown run is the command's own process, started from outside the
    # checkout (through --root), as the pull-request workflow's step.
    runs["text"] = run_here("diff", "--base", "HEAD", cwd=repo.root)
    runs["markdown"] = run_cli("diff", "--base", "HEAD", "--format", "markdown", "--root", str(repo.root),
                               cwd=repo.root.parent)
    return runs


THRESHOLDS = {"~ Sentry alert alert-error_rate_critical", "~ Sentry alert alert-error_rate_high",
              "~ Sentry monitor monitor-error_rate_critical", "~ Sentry monitor monitor-error_rate_high",
              "~ GCP alert policy error-rate-critical", "~ GCP alert policy error-rate-high"}
P1_NOW_EMAILS_PM = {"~ Sentry alert alert-cache_errors", "~ Sentry alert alert-content_generation_failures",
                    "~ Sentry alert alert-performance_degradation", "~ GCP alert policy cache-errors",
                    "~ GCP alert policy content-generation-failures", "~ GCP alert policy content-generation-slow",
                    "~ GCP alert policy error-budget-slow-burn"}
DIGEST_TIME_AND_RECIPIENTS = {"~ Cloud Run job digest-job", "~ Cloud Scheduler job digest-schedule"}


def test_the_diff_moves_exactly_what_was_edited(edited):
    """Every other resource plans the same from the base's archive as from the working tree (no
    path, time or order of the checkout leaks into a plan): the diff holds the edits and no more."""
    run = edited["text"]
    assert (run.code, run.stderr) == (0, ""), run.stderr
    assert run.stdout.splitlines()[0].startswith("errorops diff: HEAD (")
    found = sections(run.stdout)
    changed = {stack: {r for r in resources if not r.startswith("+ ")} for stack, resources in found.items()}
    assert changed == {"prod": THRESHOLDS | P1_NOW_EMAILS_PM | DIGEST_TIME_AND_RECIPIENTS,
                       "staging": THRESHOLDS, "dev": THRESHOLDS}
    assert found["prod"]["~ Cloud Run job digest-job"] == [
        "digest now also e-mails the team lead", "digest no longer e-mails the product manager"]


def test_threshold_window_and_route_edits_read_as_sentences(edited):
    run = edited["text"]
    assert (run.code, run.stderr) == (0, ""), run.stderr
    found = sections(run.stdout)
    assert set(found) == {"prod", "staging", "dev"}
    for stack in ("prod", "staging", "dev"):
        changes = found[stack]
        assert "threshold 5% -> 3%" in changes["~ Sentry monitor monitor-error_rate_critical"]
        assert "window 15 min -> 30 min" in changes["~ Sentry monitor monitor-error_rate_high"]
        assert "threshold 0.05 -> 0.03" in changes["~ GCP alert policy error-rate-critical"]
        # One process number moved, and the diff shows every resource it moves.
        assert "window 15 min -> 30 min" in changes["~ GCP alert policy error-rate-high"]
    # Only prod e-mails the product manager: dev and staging notify less by design.
    prod = found["prod"]
    assert "now also e-mails the product manager" in prod["~ Sentry alert alert-error_rate_high"]
    assert "now also e-mails the product manager" in prod["~ GCP alert policy error-rate-high"]
    for stack in ("staging", "dev"):
        # Their alert only takes the new window into its name, which states it.
        assert found[stack]["~ Sentry alert alert-error_rate_high"] == [
            f"renamed [P1] Error rate above 2% over 15 minutes ({stack}) -> "
            f"[P1] Error rate above 2% over 30 minutes ({stack})"]
        assert not any("product manager" in s for sentences in found[stack].values() for s in sentences)
    assert "prod: 0 added, 0 removed," in run.stdout
    assert "Traceback" not in run.stdout


def test_markdown_is_a_pull_request_comment(edited):
    run = edited["markdown"]
    assert (run.code, run.stderr) == (0, ""), run.stderr
    text = run.stdout
    lines = text.splitlines()
    assert lines[0] == "<!-- errorops-diff -->"
    assert lines[1].startswith("## errorops diff")
    # Prod's digest output (a stack-level note) changes with its time; dev gains its digest's resources.
    assert re.search(rf"^- \*\*prod\*\*: 0 added, 0 removed, {len(THRESHOLDS | P1_NOW_EMAILS_PM | DIGEST_TIME_AND_RECIPIENTS)} "
                     "changed, 1 stack-level notes$", text, re.M)
    assert re.search(rf"^- \*\*staging\*\*: 0 added, 0 removed, {len(THRESHOLDS)} changed$", text, re.M)
    assert re.search(r"^- \*\*dev\*\*: [1-9]\d* added, 0 removed, \d+ changed, 1 stack-level notes$", text, re.M)
    for stack in ("prod", "staging", "dev"):
        assert f"### {stack}" in text
    assert "- **changed** Sentry monitor `monitor-error_rate_critical`" in text
    assert "  - threshold `5%` → `3%`" in text
    assert "  - window `15 min` → `30 min`" in text
    assert "  - now also e-mails the product manager" in text
    assert text.count("<details>") == text.count("</details>")
    assert len(re.findall(r"^ *`{3,}", text, re.M)) % 2 == 0
    assert len(text) < 65536
    # The same input gives the same bytes: the two renderings of one diff differ in form only.
    for sentence in ("threshold 5% -> 3%", "window 15 min -> 30 min", "now also e-mails the product manager"):
        assert sentence in edited["text"].stdout


def test_unknown_revision_is_a_usage_error(tmp_path: Path):
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README.md").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    run = run_here("diff", "--base", "no-such-branch", "--root", str(repo), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.startswith("errorops diff: 'no-such-branch' is not a commit in ")
    assert "Traceback" not in run.stderr
    run = run_here("diff", "--base", "HEAD", "--root", str(tmp_path), cwd=tmp_path)
    assert run.code == 2 and "is not inside a git repository" in run.stderr


# --- fake trees: which code plans which side -------------------------------------------------

FAKE_MAIN = '''import json, pathlib, sys
here = pathlib.Path(__file__).parent
if sys.argv[1:] != ["plan", "--stack", "all", "--format", "json", "--root", sys.argv[-1]]:
    sys.exit(2)
if (here / "fail.txt").exists():
    print((here / "fail.txt").read_text(), file=sys.stderr)
    sys.exit(1)
print((here / "plan.json").read_text())
'''

ONCALL = "<unset errorops:onCallEngineerSentryUserId>"


def alert(routes: list[dict], frequency: int = 10) -> dict:
    return {
        "type": "pulumi-python:dynamic/sentry:Alert", "name": "alert-x", "options": {"protect": False},
        "inputs": {"organization": "o", "payload": {
            "name": "[P0] X", "config": {"frequency": frequency},
            "triggers": {"logicType": "any-short", "conditions": [{"type": "first_seen_event", "comparison": True}]},
            "actionFilters": [{"logicType": "all", "conditions": [], "actions": routes}],
        }},
    }


EMAIL = {"type": "email", "config": {"targetType": "user", "targetIdentifier": ONCALL}}
PAGE = {"type": "pagerduty", "config": {"targetIdentifier": "123", "targetDisplay": "ACF"}, "data": {"priority": "critical"}}
SLACK = {"type": "slack", "config": {"targetIdentifier": "C1", "targetDisplay": "ai-content-factory-alerts"}}
TEAM = {"type": "sentry:index/sentryTeam:SentryTeam", "name": "team-product", "inputs": {"slug": "product"}, "options": {"protect": True}}


def metric(filter_: str) -> dict:
    return {"type": "gcp:logging/metric:Metric", "name": "cache_errors", "inputs": {"filter": filter_, "name": "cache_errors"}, "options": {}}


BASE = [
    {"stack": "prod", "resources": [alert([SLACK, EMAIL, PAGE], 10), metric('severity>=WARNING'), TEAM], "outputs": {}, "lookups": [], "unset_config": []},
    {"stack": "qa", "resources": [TEAM], "outputs": {}, "lookups": [], "unset_config": []},
]
HEAD = [
    {"stack": "prod", "resources": [alert([SLACK], 30), metric('severity>=ERROR')], "outputs": {}, "lookups": [], "unset_config": ["errorops:newKey"]},
    {"stack": "dev", "resources": [alert([SLACK])], "outputs": {}, "lookups": [], "unset_config": []},
]


def fake_tree(root: Path, plans: list[dict] | None, fail: str | None = None) -> None:
    package = root / "errorops"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(FAKE_MAIN)
    (package / "plan.json").write_text(json.dumps(plans))
    if fail:
        (package / "fail.txt").write_text(fail)
    elif (package / "fail.txt").exists():
        (package / "fail.txt").unlink()


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    root = tmp_path / "fake"
    root.mkdir()
    git(root, "init", "-q")
    (root / "README.md").write_text("before errorops\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before errorops")
    fake_tree(root, BASE)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    fake_tree(root, HEAD)
    return root


def test_each_side_is_planned_by_its_own_code(fake: Path):
    run = run_here("diff", "--base", "HEAD", "--root", str(fake), cwd=fake)
    assert (run.code, run.stderr) == (0, ""), run.stderr
    found = sections(run.stdout)
    assert "prod: 0 added, 1 removed, 2 changed, 1 stack-level notes" in run.stdout
    assert "dev: stack added (1 resources)" in run.stdout
    assert "qa: stack removed (1 resources)" in run.stdout
    sentences = found["prod"]["~ Sentry alert alert-x"]
    assert sentences == [
        "no longer e-mails the on-call engineer",
        "no longer pages on-call through PagerDuty service ACF",
        "notifies at most once per 10 min per issue -> at most once per 30 min per issue",
    ]
    assert found["prod"]["~ GCP log-based metric cache_errors"] == ["filter: severity>=WARNING -> severity>=ERROR"]
    assert found["prod"]["- Sentry team team-product"] == ["protected: pulumi up fails until protect is lifted"]
    assert "* config errorops:newKey is now needed and unset in this stack: set it before pulumi up" in run.stdout
    assert list(found) == ["prod", "dev", "qa"]  # head's order, then stacks only the base has


def test_a_side_that_fails_to_plan_exits_1_with_its_error(fake: Path):
    fake_tree(fake, HEAD, fail="alert_rules/x.yaml:3:5: something is wrong")
    run = run_here("diff", "--base", "HEAD", "--root", str(fake), cwd=fake)
    assert run.code == 1
    assert run.stderr == "errorops diff: the working tree failed to plan (exit 1):\nalert_rules/x.yaml:3:5: something is wrong\n"


def test_a_base_before_errorops_exits_1(fake: Path):
    run = run_here("diff", "--base", "HEAD~1", "--root", str(fake), cwd=fake)
    assert run.code == 1
    assert "has no errorops/ package: it predates errorops" in run.stderr
    assert "Traceback" not in run.stderr


# --- words and rendering, without planning -----------------------------------------------------

def test_units_read_as_a_reviewer_writes_them():
    assert [duration(s) for s in (0, 45, 60, 300, 900, 3600, 5400, 86400, 604800, "300s", "0s")] == [
        "0 s", "45 s", "1 min", "5 min", "15 min", "1 h", "90 min", "1 day", "1 week", "5 min", "0 s"]
    assert [percent(v) for v in (0.05, 0.03, 0.025, 0.5)] == ["5%", "3%", "2.5%", "50%"]


def test_recipients_are_named_by_role():
    roles = load_roles(REPO_ROOT)
    assert roles.sentry_user("prod", ONCALL) == "the on-call engineer"
    assert roles.gcp_channel("projects/p/notificationChannels/<id of email-on-call-engineer>") == ("email", "the on-call engineer")
    assert roles.gcp_channel("projects/p/notificationChannels/<id of slack-alerts>") == ("slack", "#ai-content-factory-alerts")
    # Without alert_rules/ to read, the names still say who it is.
    bare = Roles()
    assert bare.sentry_user("prod", "<unset errorops:teamLeadSentryUserId>") == "the team lead"
    assert bare.gcp_channel("projects/p/notificationChannels/<id of email-on-call-engineer>") == ("email", "the on-call engineer")
    assert bare.gcp_channel("projects/p/notificationChannels/<id of pagerduty>") == ("pagerduty", "")


def test_markdown_keeps_placeholders_visible_and_text_plain():
    sentence = say("{}: {} -> {}", "payload.config.targetIdentifier", "<unset errorops:x>", "C1")
    assert sentence.text() == "payload.config.targetIdentifier: <unset errorops:x> -> C1"
    assert sentence.markdown() == "`payload.config.targetIdentifier`: `<unset errorops:x>` → `C1`"
    long = generic(Leaf(("documentation", "content"), "a\nb\nc", "a\nB\nc"))
    assert long.text() == "documentation.content: text changed (1 lines added, 1 removed)"
    assert "-b" in long.detail and "+B" in long.detail


def test_renderers_are_deterministic_and_say_when_nothing_changed():
    diff = compare_plans(BASE, HEAD, Roles(), "main", "working tree")
    assert render_text(diff) == render_text(compare_plans(BASE, HEAD, Roles(), "main", "working tree"))
    markdown = render_markdown(diff)
    assert "- **dev**: stack added (1 resources)" in markdown
    assert "- **qa**: stack removed (1 resources)" in markdown
    same = compare_plans(BASE, BASE, Roles(), "main", "working tree")
    assert render_text(same).endswith("No changes: every stack plans the same resources.\n")
    assert render_markdown(same).endswith("No changes: every stack plans the same resources.\n")


# --- the digest, in the same diff ------------------------------------------------------------------

def test_digest_recipients_and_time_in_words(edited):
    prod = sections(edited["text"].stdout)["prod"]
    job = next(v for k, v in prod.items() if k.startswith("~ Cloud Run job digest-job"))
    assert "digest now also e-mails the team lead" in job
    assert "digest no longer e-mails the product manager" in job
    schedule = next(v for k, v in prod.items() if k.startswith("~ Cloud Scheduler job digest-schedule"))
    assert "digest now runs at 08:30 daily, Europe/London (was 09:00 daily, Europe/London)" in schedule


def test_enabling_the_digest_in_a_stack_adds_its_job(edited):
    found = sections(edited["text"].stdout)
    added = [k for k in found["dev"] if k.startswith("+ ")]
    assert any(k.startswith("+ Cloud Scheduler job digest-schedule") for k in added)
    assert any(k.startswith("+ Cloud Run job digest-job") for k in added)
    assert not [k for k in found["staging"] if "digest" in k]

"""`errorops diff` says process-level changes in the words of the plan and of docs/PROCESS.md: a KPI target
(stack output kpi_targets), an owner of an exception class (the ownership rules), the reports' recipients."""

from __future__ import annotations

import pytest

from errorops.describe.roles import load_roles
from errorops.pipeline import REPO_ROOT, load_model
from plans import plan_of
from errorops.review.compare import compare_plans
from errorops.review.render_text import render as render_text


def _plan(root):
    model = load_model(root)
    (stack,) = [s for s in model.stacks if s.name == "prod"]
    return plan_of(model, stack).as_json()


@pytest.fixture(scope="module")
def base():
    return _plan(REPO_ROOT)


def test_process_edits_read_as_sentences(base, full_repo):
    full_repo.edit("alert_rules/kpis.yaml", "P1: {below: 240}", "P1: {below: 300}")
    full_repo.edit("alert_rules/error_taxonomy.yaml", "exception: LoggingError, severity: P2, team: devops",
                   "exception: LoggingError, severity: P2, team: backend")
    full_repo.edit("alert_rules/kpis.yaml", "recipients: [team_lead, product_manager]", "recipients: [team_lead]")
    text = render_text(compare_plans([base], [_plan(full_repo.root)], load_roles(full_repo.root), "main", "head"))
    assert "output kpi_targets.mttr_P1: < 4 h -> < 5 h" in text
    assert "LoggingError now assigned to #backend (was #devops)" in text
    assert "weekly KPI report no longer e-mails the product manager" in text
    assert "monthly KPI report no longer e-mails the product manager" in text

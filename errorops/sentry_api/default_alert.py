"""Recognise the alert Sentry creates by itself for every new project.

Evidence (getsentry/sentry): `src/sentry/receivers/rules.py` creates, on `project_created`, a
rule labelled DEFAULT_RULE_LABEL = "Send a notification for high priority issues" with the
conditions NewHighPriorityIssueCondition and ExistingHighPriorityIssueCondition (action_match
"any") and one email action to IssueOwners falling through to ActiveMembers, then converts it
with `IssueAlertMigrator(rule).run()`. The migrator
(`workflow_engine/migration_helpers/issue_alert_migration.py`) names the workflow after the rule
label, sets `created_by_id` to the migrator's user (None here), maps action_match "any" to
logicType "any-short", and links the workflow to the project's error detector, which is how
`GET /workflows/?project=` finds it. Sentry's OpenAPI example for "Fetch Alerts" shows exactly
this workflow: createdBy null, triggers `new_high_priority_issue` + `existing_high_priority_issue`.
"""

from __future__ import annotations

from typing import Any

DEFAULT_ALERT_NAME = "Send a notification for high priority issues"
DEFAULT_TRIGGER_TYPES = frozenset({"new_high_priority_issue", "existing_high_priority_issue"})


def is_default_alert(workflow: dict[str, Any]) -> bool:
    """True for Sentry's default: its name, its two triggers, and no user as creator."""
    triggers = workflow.get("triggers") or {}
    trigger_types = {c.get("type") for c in triggers.get("conditions") or []}
    return (
        workflow.get("name") == DEFAULT_ALERT_NAME
        and workflow.get("createdBy") is None
        and trigger_types == DEFAULT_TRIGGER_TYPES
    )

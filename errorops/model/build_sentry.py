"""Builds the Sentry alerting part of the model from its documents."""

from __future__ import annotations

from typing import Any

from ..load.yaml_source import Document
from .sentry import (
    ErrorType,
    Frequency,
    GithubIssuesSpec,
    IssueAlertSpec,
    MonitorSpec,
    Override,
    SentryAlerting,
    SentryIntegrations,
    SentryRule,
    Threshold,
)
from .position import At


def _monitor(data: dict[str, Any], at: At) -> MonitorSpec:
    t = data["threshold"]
    return MonitorSpec(
        data["aggregate"], data["dataset"], tuple(data["event_types"]), data.get("query", ""),
        tuple(data.get("errors", ())), data["window_seconds"], data.get("comparison_delta_seconds"),
        Threshold(t["above"], t["unit"]), at,
    )


def _triggers(value: str | list[str]) -> tuple[str, ...]:
    return () if value == "every_event" else tuple(value)


def _issue_alert(data: dict[str, Any], at: At) -> IssueAlertSpec:
    filters = tuple(next(iter(f.items())) for f in data.get("filters", ()))
    f = data.get("frequency")
    frequency = Frequency(f["above"], f["interval"]) if f else None
    return IssueAlertSpec(_triggers(data["triggers"]), tuple(data.get("errors", ())), filters, frequency, at)


def _rule(item: dict[str, Any], at: At) -> SentryRule:
    def sub(*path: Any) -> At:
        return At(at.doc, at.path + path)

    return SentryRule(
        item["id"], item["name"], item["severity"], item["owner"],
        _monitor(item["monitor"], sub("monitor")) if "monitor" in item else None,
        _issue_alert(item["issue_alert"], sub("issue_alert")) if "issue_alert" in item else None,
        {env: Override(o.get("threshold"), o.get("window_seconds"), sub("environments", env))
         for env, o in item.get("environments", {}).items()},
        at,
    )


def build_sentry_alerting(kinds: dict[str, tuple[Document, ...]]) -> SentryAlerting:
    error_types = tuple(
        ErrorType(e["id"], e["exception"], e["severity"], e["team"], e.get("message"), At(doc, ("error_types", n)))
        for doc in kinds.get("error_taxonomy", ()) for n, e in enumerate(doc.data["error_types"])
    )
    rule_docs = kinds.get("sentry_alert_rules", ())
    rules = tuple(_rule(r, At(doc, ("rules", n))) for doc in rule_docs for n, r in enumerate(doc.data["rules"]))
    integrations = github_issues = None
    if rule_docs:
        i = rule_docs[0].data["integrations"]
        integrations = SentryIntegrations(
            i["github"]["installation"], i["github"]["repository"], tuple(i["github"].get("labels", ())),
            i.get("pagerduty", {}).get("installation"),
        )
        g = rule_docs[0].data.get("github_issues")
        if g is not None:
            github_issues = GithubIssuesSpec(g["name"], g["owner"], _triggers(g["triggers"]),
                                             At(rule_docs[0], ("github_issues",)))
    return SentryAlerting(error_types, rules, integrations, github_issues)

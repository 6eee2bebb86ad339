"""Builds the typed model from schema-valid documents. References stay as ids here;
the cross-reference checks decide whether they resolve."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..load.sources import Sources
from ..load.yaml_source import Document
from .build_gcp import build_gcp
from .build_sentry import build_sentry_alerting
from .position import At
from .types import (
    ConfigKey,
    Environment,
    EscalationStep,
    Model,
    Notify,
    Organization,
    Recipient,
    Routes,
    SentryProjectSpec,
    SeverityLevel,
    SlackChannel,
    StackFile,
    Team,
)


def _items(docs: tuple[Document, ...], key: str) -> Iterator[tuple[dict[str, Any], At]]:
    """Yield (item, At) for every entry of list ``key`` across the documents of one kind."""
    for doc in docs:
        for index, item in enumerate(doc.data.get(key, [])):
            yield item, At(doc, (key, index))


def _organization(docs: tuple[Document, ...]) -> Organization:
    doc = docs[0]
    org = doc.data["organization"]
    return Organization(org["slug"], org["name"], org["owner_environment"], doc.data["retention_days"], At(doc, ("organization",)))


def _environment(item: dict[str, Any], at: At, default_retention: int) -> Environment:
    spec = item["sentry_project"]
    project = SentryProjectSpec(
        spec["slug"], spec["name"], spec["platform"], tuple(spec["teams"]), spec.get("resolve_age_hours"),
        At(at.doc, at.path + ("sentry_project",)),
    )
    n = item["notify"]
    notify = Notify(n["slack"], tuple(n["email"]), n["github_issue"], n["pagerduty"])
    return Environment(item["id"], item["name"], project, item.get("protect", True),
                       item.get("retention_days", default_retention), notify, item.get("production", False), at)


def _severity(item: dict[str, Any], at: At) -> SeverityLevel:
    r, t = item["routes"], item["response_time"]
    return SeverityLevel(
        item["id"], item["name"], item.get("summary", ""), t["business_hours_minutes"], t.get("always_minutes"),
        item["renotify_minutes"], item["sentry_priority"], tuple(item["criteria"]), tuple(item["actions"]),
        Routes(tuple(r["slack"]), tuple(r["email"]), r["github_issue"], r["pagerduty"]),
        tuple(EscalationStep(tuple(e["notify"]), e["escalate_after_minutes"], At(at.doc, at.path + ("escalation", n)))
              for n, e in enumerate(item.get("escalation", ()))),
        item["throttle_minutes"], item.get("pagerduty_priority"), at,
    )


def _config_keys(project: Document | None) -> tuple[ConfigKey, ...]:
    if project is None:
        return ()
    return tuple(
        ConfigKey(name, spec["type"], spec.get("secret", False), "default" in spec, spec.get("default"),
                  At(project, ("config", name)))
        for name, spec in sorted(project.data.get("config", {}).items())
    )


def _stack(name: str, doc: Document) -> StackFile:
    config = doc.data.get("config", {})
    secure = frozenset(k for k, v in config.items() if isinstance(v, dict) and "secure" in v)
    values = {k: v for k, v in config.items() if k not in secure}
    return StackFile(name, values, secure, At(doc))


def build_model(sources: Sources, kinds: dict[str, tuple[Document, ...]]) -> Model:
    org_docs = kinds["organization"]
    organization = _organization(org_docs)
    targets = kinds["notification_targets"]
    project_name = sources.project.data["name"] if sources.project else "errorops"
    return Model(
        project_name=project_name,
        organization=organization,
        teams=tuple(Team(i["id"], i["name"], at) for i, at in _items(org_docs, "teams")),
        environments=tuple(_environment(i, at, organization.retention_days) for i, at in _items(kinds["environments"], "environments")),
        severity_levels=tuple(_severity(i, at) for i, at in _items(kinds["severity_levels"], "levels")),
        slack_workspace=targets[0].data["slack"]["workspace"],
        slack_channels=tuple(
            SlackChannel(c["id"], c["name"], c["channel_id_config"], At(doc, ("slack", "channels", n)))
            for doc in targets for n, c in enumerate(doc.data["slack"]["channels"])
        ),
        recipients=tuple(Recipient(i["id"], i["name"], i.get("address_config"), i.get("sentry_user_config"),
                                   i.get("pagerduty_user_config"), at,
                                   tuple(i["levels"]) if "levels" in i else None, i.get("production_only", False))
                         for i, at in _items(targets, "recipients")),
        config_keys=_config_keys(sources.project),
        stacks=tuple(_stack(name, doc) for name, doc in sorted(sources.stacks.items())),
        files_by_kind=kinds,
        sentry=build_sentry_alerting(kinds),
        gcp=build_gcp(kinds.get("gcp_monitoring", ())),
    )

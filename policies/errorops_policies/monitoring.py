"""Cloud Monitoring policies carry a runbook and a severity; the no-paging environments page nobody."""

from __future__ import annotations

import re

from .common import (
    ENVIRONMENT_SCHEMA, GCP_ALERT_POLICY, GCP_CHANNEL, SENTRY_ALERT, env_list_schema, environment, get, is_unknown,
    missing_config, plain, str_list,
)

CLOUD_SEVERITIES = ("CRITICAL", "ERROR", "WARNING")
_LEVEL_LABEL = re.compile(r"^p[0-3]$")


def validate_documentation(args, report_violation) -> None:
    if args.resource_type != GCP_ALERT_POLICY:
        return
    props = plain(args.props)
    name = get(props, "displayName", default=args.name)
    content = props.get("documentation", {}).get("content") if isinstance(props.get("documentation"), dict) else None
    if not is_unknown(content) and not (isinstance(content, str) and content.strip()):
        report_violation(f"Cloud Monitoring policy '{name}' has no documentation: the incident must carry its "
                         "runbook (documentation.content).", None)
    severity = props.get("severity")
    if not is_unknown(severity) and severity not in CLOUD_SEVERITIES:
        report_violation(f"Cloud Monitoring policy '{name}' has no severity (one of {', '.join(CLOUD_SEVERITIES)}).",
                         None)
    level = get(props, "userLabels", "severity")
    if not is_unknown(props.get("userLabels")) and not (isinstance(level, str) and _LEVEL_LABEL.match(level)):
        report_violation(f"Cloud Monitoring policy '{name}' has no process level: user label severity must be "
                         "p0, p1, p2 or p3.", None)


# --- no paging ----------------------------------------------------------------------------

NO_PAGING_SCHEMA = {
    "environment": ENVIRONMENT_SCHEMA,
    "noPagingEnvironments": env_list_schema(
        "Environments that never page anyone (environments.yaml notify: without pagerduty)."),
}
_PAGER_ACTIONS = frozenset({"pagerduty", "opsgenie"})
_PAGER_CHANNELS = frozenset({"pagerduty", "opsgenie"})
_PAGER_PACKAGES = ("pagerduty:", "opsgenie:")


def validate_no_paging(args, report_violation) -> None:
    is_pager = args.resource_type.startswith(_PAGER_PACKAGES) or args.resource_type in (SENTRY_ALERT, GCP_CHANNEL)
    if not is_pager:
        return
    config = args.get_config() or {}
    problem = missing_config("dev-never-pages", config, ("noPagingEnvironments",))
    if problem:
        report_violation(problem, None)
        return
    env = environment(config, args.urn)
    if env not in str_list(config, "noPagingEnvironments"):
        return
    why = f"environment '{env}' never pages anyone"
    if args.resource_type.startswith(_PAGER_PACKAGES):
        report_violation(f"'{args.name}' ({args.resource_type}) is paging infrastructure, but {why}.", None)
        return
    props = plain(args.props)
    if args.resource_type == SENTRY_ALERT:
        payload = get(props, "payload", default={}) or {}
        kinds = sorted({str(get(a, "type")) for g in get(payload, "actionFilters", default=[]) or []
                        for a in get(g, "actions", default=[]) or [] if str(get(a, "type")) in _PAGER_ACTIONS})
        if kinds:
            report_violation(f"Sentry alert '{get(payload, 'name', default=args.name)}' pages through "
                             f"{', '.join(kinds)}, but {why}.", None)
    elif args.resource_type == GCP_CHANNEL and str(get(props, "type")) in _PAGER_CHANNELS:
        report_violation(f"notification channel '{args.name}' is a {get(props, 'type')} pager, but {why}.", None)

"""Sentry projects and log buckets survive a destroy in prod; log retention is the declared one."""

from __future__ import annotations

from .common import (
    ENVIRONMENT_SCHEMA, LOG_BUCKETS, SENTRY_PROJECT, env_list_schema, environment, get, missing_config, plain,
    str_list,
)

PROTECTED_TYPES = frozenset({SENTRY_PROJECT, *LOG_BUCKETS})

PROTECT_SCHEMA = {
    "environment": ENVIRONMENT_SCHEMA,
    "protectedEnvironments": env_list_schema(
        "Environments whose Sentry projects and log buckets must be protect: true (environments.yaml protect:)."),
}
RETENTION_SCHEMA = {
    "retentionDays": {
        "type": "integer", "minimum": 1,
        "description": "The declared log retention in days (organization.yaml retention_days), the same in "
                       "every stack.",
    },
}


def validate_protected(args, report_violation) -> None:
    if args.resource_type not in PROTECTED_TYPES:
        return
    config = args.get_config() or {}
    problem = missing_config("protected-in-prod", config, ("protectedEnvironments",))
    if problem:
        report_violation(problem, None)
        return
    env = environment(config, args.urn)
    if env not in str_list(config, "protectedEnvironments"):
        return
    if not args.opts.protect:
        what = "Sentry project" if args.resource_type == SENTRY_PROJECT else "log bucket"
        report_violation(
            f"{what} '{args.name}' in environment '{env}' is not protected: set protect: true (environments.yaml "
            "protect:) so that pulumi destroy or a removed entry cannot delete it and its events or logs.", None)


def validate_retention(args, report_violation) -> None:
    if args.resource_type not in LOG_BUCKETS:
        return
    config = args.get_config() or {}
    problem = missing_config("log-retention", config, ("retentionDays",))
    if problem:
        report_violation(problem, None)
        return
    declared = int(config["retentionDays"])
    days = get(plain(args.props), "retentionDays")
    if days is None:
        report_violation(f"log bucket '{args.name}' sets no retentionDays (Google keeps logs 30 days); the declared "
                         f"retention is {declared} days.", None)
    elif int(days) != declared:
        report_violation(f"log bucket '{args.name}' keeps logs {int(days)} days; the declared retention is "
                         f"{declared} days in every stack.", None)

"""One day of Sentry data for the digest tests, and the figures a person computes from it.

The summarised day is Saturday 2026-11-28 in Europe/London (UTC+0 in November): the day is
2026-11-28T00:00Z to 2026-11-29T00:00Z, the day before 11-27, the week before 11-21, and the
triage window the 24 hours before the 09:00 send: 2026-11-28T09:00Z to 2026-11-29T09:00Z.
"""

from __future__ import annotations

from sentry_double.server import SentryDouble

ORG, PROJECT = "ai-content-factory", "ai-content-factory-prod"
DAY = "2026-11-28"
TOKEN = "sntryu_digest_double_0123456789abcdef"


def hours(day: str, *hh: int) -> list[str]:
    return [f"{day}T{h:02d}:00:00Z" for h in hh]


def seed(double: SentryDouble) -> dict:
    """Issues, spans and alerts of the fixture; returns the workflow ids by name."""
    double.add_project(PROJECT, default_alert=False)
    double.add_project("ai-content-factory-staging", default_alert=False)
    alice = {"id": "7", "name": "Alice Example", "type": "user", "email": "alice@example.invalid"}
    add = double.add_issue
    # P0 security_error: 3 events that day, first seen that day, in the triage window.
    add(PROJECT, "ACF-1", "SecurityError", "Unauthorized access attempt detected", hours(DAY, 10, 11, 12),
        assigned_to=alice)
    # P0 pipeline_validation (ValidationError + message): 2 the day before, 4 that day before 09:00
    # (so not in the triage window); resolved since.
    add(PROJECT, "ACF-2", "ValidationError", "Content generation pipeline failure",
        hours("2026-11-27", 10, 11) + hours(DAY, 1, 2, 3, 4), status="resolved", substatus=None)
    # P1 cache_timeout_error: 5 that day (20-22h... ) and 1 the next morning (triage only); first seen 11-20.
    add(PROJECT, "ACF-3", "CacheTimeoutError", "Redis op timed out",
        hours("2026-11-20", 8) + hours(DAY, 20, 21, 22, 23) + ["2026-11-28T23:30:00Z", "2026-11-29T05:00:00Z"])
    # P2 syllabus_format: 7 that day, 3 the day before.
    add(PROJECT, "ACF-4", "ValidationError", "Unusual syllabus format causing parsing issues in week 3",
        hours("2026-11-27", 1, 2, 3) + hours(DAY, 1, 2, 3, 4, 5, 6, 7))
    # Uncategorized: a class the taxonomy does not know, new that day (2 events) ...
    add(PROJECT, "ACF-5", "KeyError", "'syllabus_id'", hours(DAY, 13, 14))
    # ... and a shared class (ValidationError) whose message matches no error type (1 event, old issue).
    add(PROJECT, "ACF-6", "ValidationError", "Some other message", hours("2026-11-01", 1) + hours(DAY, 15))
    # P2 audit_log_write: only the day before (4 events).
    add(PROJECT, "ACF-7", "LoggingError", "Unable to write to audit log", hours("2026-11-27", 5, 6, 7, 8))
    # Not an error issue: a performance issue is left out of every error figure.
    add(PROJECT, "ACF-8", "N+1 Query", "SELECT ...", hours(DAY, *range(10)), category="performance")
    # Another project's issue: never counted for prod.
    add("ai-content-factory-staging", "ACFS-1", "KeyError", "'x'", hours(DAY, 9))

    spans = double.add_spans
    spans(PROJECT, "content_generation", f"{DAY}T12:00:00Z", [100.0 * n for n in range(1, 21)], failed=2)
    spans(PROJECT, "cache_operation", f"{DAY}T12:00:00Z", [5.0 * n for n in range(1, 11)])
    spans(PROJECT, "/health", f"{DAY}T12:00:00Z", [1.0] * 70)
    spans(PROJECT, "content_generation", "2026-11-27T12:00:00Z", [50.0 * n for n in range(1, 21)], failed=1)
    spans(PROJECT, "cache_operation", "2026-11-27T12:00:00Z", [5.0 * n for n in range(1, 11)])
    spans(PROJECT, "/health", "2026-11-27T12:00:00Z", [1.0] * 50)
    spans(PROJECT, "content_generation", "2026-11-21T12:00:00Z", [60.0 * n for n in range(1, 21)])
    spans(PROJECT, "cache_operation", "2026-11-21T12:00:00Z", [4.0 * n for n in range(1, 11)])
    spans(PROJECT, "/health", "2026-11-21T12:00:00Z", [1.0] * 70)

    # Alerts of the project; the digest lists those whose lastTriggered is in the triage window.
    project_id = double.projects[PROJECT]["id"]
    stream = next(d["id"] for d in double.detectors.values() if d["projectId"] == project_id and d["type"] == "issue_stream")
    fired = {}
    for name, last in (("Security-related errors (any volume)", "2026-11-28T10:00:05Z"),
                       ("Cache errors above 10 per hour", "2026-11-27T10:00:00Z"),
                       ("Any error tagged critical", None)):
        workflow = double._store_workflow({"name": name, "detectorIds": [int(stream)]}, created_by="1")
        workflow["lastTriggered"] = last
        fired[name] = workflow["id"]
    return fired


# --- by hand, from the fixture above ---------------------------------------------------------
# That day: ACF-1 3, ACF-2 4, ACF-3 5, ACF-4 7, ACF-5 2, ACF-6 1 = 22 events in 6 issues.
# Day before: ACF-2 2, ACF-4 3, ACF-7 4 = 9 events in 3 issues.
EXPECTED_LEVELS = {  # level: (events, issues, events before, issues before)
    "P0": (7, 2, 2, 1), "P1": (5, 1, 0, 0), "P2": (7, 1, 7, 2), "P3": (0, 0, 0, 0),
}
EXPECTED_TOTAL = (22, 6, 9, 3)
# Uncategorized: ACF-5 (2) and ACF-6 (1): 3 of 22 events; categorized 19/22 = 86.36%.
EXPECTED_CATEGORIZED = "86.36%"
# Triage (P0/P1, 11-28 09:00Z to 11-29 09:00Z): ACF-1 3 events; ACF-3 4 + 23:30 + next morning = 6.
# Performance: that day 100 requests, 2 failed (2.00%); day before 80, 1 failed (1.25%); week before 100, 0.
# p95 (nearest rank, 20 spans -> the 19th): content_generation 1900 / 950 / 1140 ms; cache 50 / 50 / 40 ms.
# Throughput: 100 / 1440 min = 0.07/min; 80 / 1440 = 0.06/min.


def empty_digest():
    """A Digest of a day without anything, for rendering tests that set a few fields."""
    from errorops.digest.figures import Digest

    return Digest(environment="prod", organization=ORG, project=PROJECT, date=DAY, time_zone="Europe/London",
                  day_start="2026-11-28T00:00:00+00:00", day_end="2026-11-29T00:00:00+00:00", day_hours=24,
                  levels=(), total_events=0, total_issues=0, total_events_before=0, total_issues_before=0,
                  uncategorized=(), uncategorized_events=0, categorized_percent=None, categorized_target=95,
                  new_types=(), triage_hours=24, triage_levels=("P0", "P1"), triage=(), alerts=(), performance=())

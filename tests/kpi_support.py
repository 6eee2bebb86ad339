"""Two weeks of Sentry data for the KPI report tests, and the figures a person computes from them.

The reported week is 2026-11-20 to 2026-11-26 (``--end 2026-11-27``, a Friday) in Europe/London,
UTC+0 in November; the previous week 2026-11-13 to 2026-11-19.
"""

from __future__ import annotations

from sentry_double.server import SentryDouble

ORG, PROJECT = "ai-content-factory", "ai-content-factory-prod"
TOKEN = "sntryu_kpi_double_0123456789abcdef"
END = "2026-11-27"


def at(day: str, hhmm: str) -> str:
    return f"2026-11-{day}T{hhmm}:00Z"


def seed(double: SentryDouble) -> None:
    double.add_project(PROJECT, default_alert=False)
    double.add_project("ai-content-factory-staging", default_alert=False)
    alice = {"id": "7", "name": "Alice Example", "type": "user", "email": "alice@example.invalid"}
    carol = {"id": "9", "name": "Carol Example", "type": "user", "email": "carol@example.invalid"}
    backend = {"id": "3", "name": "backend", "type": "team"}
    add = double.add_issue
    # P0 security_error: first seen 21st 10:00, 3 events; assigned 10:10, resolved 10:40.
    add(PROJECT, "ACF-1", "SecurityError", "Unauthorized access attempt detected",
        [at("21", "10:00"), at("21", "10:05"), at("21", "10:10")], status="resolved", substatus=None,
        assigned_to=alice, activity=[("assigned", at("21", "10:10")), ("set_resolved", at("21", "10:40"))])
    # P0 vertex_ai_connection: first seen 22nd 08:00, resolved 08:20, assigned 08:30; regressed 23rd 09:00
    # (one more event), resolved again 09:10.
    add(PROJECT, "ACF-2", "ConnectionError", "Unable to connect to Vertex AI",
        [at("22", "08:00"), at("22", "08:01"), at("23", "09:00")], status="resolved", substatus=None,
        assigned_to=carol, activity=[("set_resolved", at("22", "08:20")), ("assigned", at("22", "08:30")),
                                     ("set_regression", at("23", "09:00")), ("set_resolved_in_release", at("23", "09:10"))])
    # P1 redis_intermittent (CacheError + message): 6 events from the 24th 09:00; nobody assigned; resolved 14:00.
    add(PROJECT, "ACF-3", "CacheError", "Redis connection intermittent",
        [at("24", f"{h:02d}:00") for h in range(9, 15)], status="resolved", substatus=None,
        activity=[("set_resolved", at("24", "14:00"))])
    # Uncategorized (a class the taxonomy does not know): 2 events on the 25th, unassigned.
    add(PROJECT, "ACF-4", "KeyError", "'syllabus_id'", [at("25", "11:00"), at("25", "12:00")])
    # P2 syllabus_format: first seen on the 1st, resolved on the 2nd, regressed on the 25th (4 events), assigned to a team.
    add(PROJECT, "ACF-5", "ValidationError", "Unusual syllabus format causing parsing issues",
        [at("01", "09:00")] + [at("25", f"{h:02d}:00") for h in (10, 11, 12, 13)], assigned_to=backend,
        substatus="regressed", activity=[("assigned", at("01", "09:30")), ("set_resolved", at("02", "09:00")),
                                         ("set_regression", at("25", "10:00"))])
    # The previous week: P1 cache_timeout_error, 5 events on the 14th from 10:00, assigned 10:30, resolved 12:00.
    add(PROJECT, "ACF-6", "CacheTimeoutError", "Redis op timed out", [at("14", f"10:{m:02d}") for m in range(5)],
        status="resolved", substatus=None, assigned_to=alice,
        activity=[("assigned", at("14", "10:30")), ("set_resolved", at("14", "12:00"))])
    # Not an error issue, and another project's issue: in no figure.
    add(PROJECT, "ACF-7", "N+1 Query", "SELECT ...", [at("21", "01:00")], category="performance")
    add("ai-content-factory-staging", "ACFS-1", "KeyError", "'x'", [at("21", "09:00")])

    spans = double.add_spans
    spans(PROJECT, "content_generation", at("20", "12:00"), [100.0] * 100, failed=1)
    spans(PROJECT, "content_generation", at("21", "12:00"), [100.0] * 100, failed=2)
    spans(PROJECT, "/health", at("22", "12:00"), [1.0] * 50)
    spans(PROJECT, "content_generation", at("15", "12:00"), [100.0] * 200, failed=1)
    spans("ai-content-factory-staging", "content_generation", at("21", "12:00"), [100.0] * 10, failed=10)

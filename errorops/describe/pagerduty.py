"""PagerDuty escalation policies: named, ranked with the routes; changes listed leaf by leaf."""

from __future__ import annotations

from .base import Describer


class EscalationPolicyWords(Describer):
    kind, rank = "PagerDuty escalation policy", 2


DESCRIBERS: dict[str, Describer] = {"pagerduty:index/escalationPolicy:EscalationPolicy": EscalationPolicyWords()}

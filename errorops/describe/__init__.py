"""Planned resources put into words: one place, used by the plan table and by the review of a change.

values.py     one formatter per kind of value (number, duration, percent, anything)
sentence.py   a reviewer sentence: words with values in between, as text or markdown
changes.py    what differs between two JSON values, leaf by leaf; the generic words
roles.py      who a route reaches, named by role ("the team lead"), read from a tree
routes.py     Sentry actions and GCP channels as routes: "posts to Slack #alerts"
base.py       the describer of a resource type: title, table line, summary, changes
sentry.py     Sentry monitors, alerts, projects, teams, keys
gcp.py        Google Cloud alert policies and the resources around them
pagerduty.py  PagerDuty escalation policies
digest.py     the daily digest's scheduler, job, secrets, registry
ownership.py  Sentry ownership rules: who each exception class is assigned to
report.py     the KPI reports' jobs and schedules (the digest's words for the digest's)
"""

from __future__ import annotations

from .base import Describer
from .digest import DESCRIBERS as _DIGEST
from .gcp import DESCRIBERS as _GCP
from .ownership import DESCRIBERS as _OWNERSHIP
from .pagerduty import DESCRIBERS as _PAGERDUTY
from .report import DESCRIBERS as _REPORT
from .sentry import DESCRIBERS as _SENTRY

_DESCRIBERS: dict[str, Describer] = {**_SENTRY, **_GCP, **_PAGERDUTY, **_DIGEST, **_OWNERSHIP, **_REPORT}
_GENERIC = Describer()


def describer(type_: str) -> Describer:
    """The describer of a resource type; the generic one for a type nobody describes."""
    return _DESCRIBERS.get(type_, _GENERIC)


def kind_name(type_: str) -> str:
    return describer(type_).kind or type_


def type_rank(type_: str) -> int:
    return describer(type_).rank

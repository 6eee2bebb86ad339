"""The KPI reports' Cloud Run and Cloud Scheduler jobs in words ("weekly KPI report now also e-mails the
team lead", "monthly KPI report now runs at ..."); every other job of those types is the digest's, and
keeps the digest's words (describe/digest.py), to which these describers hand it."""

from __future__ import annotations

from typing import Any

from .base import Describer, scalar
from .changes import Explained
from .digest import CLOUD_RUN_JOB, DESCRIBERS as DIGEST, SCHEDULER_JOB, _container, _envs
from .roles import Roles
from .sentence import Raw, Sentence, say
from .values import MISSING, get

ROLES_ENV = "REPORT_RECIPIENT_ROLES"  # errorops.deliver.report.RECIPIENT_ROLES (not imported: it loads httpx)


def _period(inputs: dict[str, Any]) -> str | None:
    """"weekly" / "monthly" for a report job or its schedule (by name), None for anything else."""
    name = str(inputs.get("name") or "")
    for period, word in (("week", "weekly"), ("month", "monthly")):
        if name.startswith(f"errorops-report-{period}"):
            return word
    return None


def _roles(inputs: dict[str, Any]) -> list[str]:
    value = (_envs(inputs).get(ROLES_ENV) or {}).get("value") or ""
    return [r for r in str(value).split(",") if r]


def _who(role: str, roles: Roles) -> str:
    return roles.recipient_by_id.get(role, "the " + role.replace("_", " "))


class ReportJobWords(Describer):
    kind = "Cloud Run job"

    def __init__(self) -> None:
        self.digest = DIGEST[CLOUD_RUN_JOB]

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return self.digest.line(inputs, feeder)

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        if _period(inputs) is None:
            return self.digest.summary(stack, inputs, roles)
        return [say("runs {}", Raw(" ".join(_container(inputs).get("args", []) or []))),
                say("e-mails {}", Raw(", ".join(_who(r, roles) for r in _roles(inputs)) or "nobody"))]

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles,
                 ex: Explained) -> list[Sentence]:
        what = _period(new) or _period(old)
        if what is None:
            return self.digest.describe(stack, old, new, roles, ex)
        out: list[Sentence] = []
        before, after = _roles(old), _roles(new)
        if before != after:
            out += [say(f"{what} KPI report now also e-mails {{}}", Raw(_who(r, roles))) for r in after if r not in before]
            out += [say(f"{what} KPI report no longer e-mails {{}}", Raw(_who(r, roles))) for r in before if r not in after]
            for side in (old, new):
                envs = _container(side).get("envs", []) or []
                index = next((n for n, e in enumerate(envs) if isinstance(e, dict) and e.get("name") == ROLES_ENV), None)
                if index is not None:
                    ex.take_under("template", "template", "containers", 0, "envs", index)
        out += scalar(ex, old, new, ("template", "template", "containers", 0, "image"), f"{what} KPI report image {{}} -> {{}}")
        return out


class ReportScheduleWords(Describer):
    kind = "Cloud Scheduler job"

    def __init__(self) -> None:
        self.digest = DIGEST[SCHEDULER_JOB]

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return self.digest.line(inputs, feeder)

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        return self.digest.summary(stack, inputs, roles)

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles,
                 ex: Explained) -> list[Sentence]:
        what = _period(new) or _period(old)
        if what is None:
            return self.digest.describe(stack, old, new, roles, ex)
        when = [(get(side, "schedule", default=MISSING), get(side, "timeZone", default=MISSING)) for side in (old, new)]
        out: list[Sentence] = []
        if when[0] != when[1]:
            ex.take("schedule")
            ex.take("timeZone")
            out.append(say(f"{what} KPI report now runs at {{}} (was {{}})", Raw(f"{when[1][0]} ({when[1][1]})"),
                           Raw(f"{when[0][0]} ({when[0][1]})")))
        out += scalar(ex, old, new, ("paused",), "paused {} -> {}")
        return out


DESCRIBERS: dict[str, Describer] = {CLOUD_RUN_JOB: ReportJobWords(), SCHEDULER_JOB: ReportScheduleWords()}

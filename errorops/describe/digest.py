"""The daily digest's resources in words: the table lines of its scheduler and job, and a
reviewer's sentences ("digest now also e-mails the team lead", "digest now runs at 08:30
daily, Europe/London (was 09:00 ...)"); the rest of its resources by name.
"""

from __future__ import annotations

from typing import Any

from .base import Describer, Named, scalar
from .changes import Explained
from .roles import Roles
from .sentence import Raw, Sentence, say
from .values import MISSING, get

CLOUD_RUN_JOB = "gcp:cloudrunv2/job:Job"
SCHEDULER_JOB = "gcp:cloudscheduler/job:Job"


# --- table lines ---------------------------------------------------------------------------------

def scheduler_job(i: dict[str, Any]) -> str:
    target = i.get("httpTarget") or {}
    who = (target.get("oauthToken") or {}).get("serviceAccountEmail")
    return (f"{i.get('schedule')} {i.get('timeZone')} -> {target.get('httpMethod', 'POST')} {target.get('uri')}"
            f"  as {who}")


def cloud_run_job(i: dict[str, Any]) -> str:
    template = (i.get("template") or {}).get("template") or {}
    containers = template.get("containers") or [{}]
    container = containers[0] if isinstance(containers[0], dict) else {}
    envs = [e for e in container.get("envs") or [] if isinstance(e, dict)]
    secrets = sorted(str(e.get("name")) for e in envs if e.get("valueSource"))
    roles = next((e.get("value") for e in envs if e.get("name") == "DIGEST_RECIPIENT_ROLES"), None)
    mails = f"  e-mails {roles or 'nobody'}" if roles is not None else ""
    return (f"{' '.join(map(str, container.get('args') or []))}{mails}  as {template.get('serviceAccount')}"
            f"  secrets: {', '.join(secrets) or 'none'} (Secret Manager)  image={container.get('image')}")


# --- a reviewer's sentences ----------------------------------------------------------------------

ROLES_ENV = "DIGEST_RECIPIENT_ROLES"  # errorops.deliver.digest.RECIPIENT_ROLES (not imported: it loads httpx)


def _container(inputs: dict[str, Any]) -> dict[str, Any]:
    containers = get(inputs, "template", "template", "containers", default=[]) or []
    return containers[0] if containers and isinstance(containers[0], dict) else {}


def _envs(inputs: dict[str, Any]) -> dict[str, Any]:
    return {str(e.get("name")): e for e in _container(inputs).get("envs", []) or [] if isinstance(e, dict)}


def _roles(inputs: dict[str, Any]) -> list[str]:
    value = (_envs(inputs).get(ROLES_ENV) or {}).get("value") or ""
    return [r for r in str(value).split(",") if r]


def _who(role: str, roles: Roles) -> str:
    return roles.recipient_by_id.get(role, "the " + role.replace("_", " "))


def _env_index(inputs: dict[str, Any], name: str) -> int | None:
    envs = _container(inputs).get("envs", []) or []
    return next((n for n, e in enumerate(envs) if isinstance(e, dict) and e.get("name") == name), None)


class DigestJobWords(Describer):
    kind = "Cloud Run job"

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return cloud_run_job(inputs)

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        if _envs(inputs).get(ROLES_ENV) is None:
            return []
        who = [_who(r, roles) for r in _roles(inputs)]
        return [say("runs {}", Raw(" ".join(_container(inputs).get("args", []) or []))),
                say("e-mails {}", Raw(", ".join(who) or "nobody"))]

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles, ex: Explained) -> list[Sentence]:
        out: list[Sentence] = []
        before, after = _roles(old), _roles(new)
        if before != after:
            out += [say("digest now also e-mails {}", Raw(_who(r, roles))) for r in after if r not in before]
            out += [say("digest no longer e-mails {}", Raw(_who(r, roles))) for r in before if r not in after]
            for side in (old, new):
                index = _env_index(side, ROLES_ENV)
                if index is not None:
                    ex.take_under("template", "template", "containers", 0, "envs", index)
        out += scalar(ex, old, new, ("template", "template", "containers", 0, "image"), "digest image {} -> {}")
        return out


class DigestScheduleWords(Describer):
    kind = "Cloud Scheduler job"

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return scheduler_job(inputs)

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        return [say("runs {} ({})", Raw(str(inputs.get("schedule"))), Raw(str(inputs.get("timeZone"))))]

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles, ex: Explained) -> list[Sentence]:
        when = [(get(side, "schedule", default=MISSING), get(side, "timeZone", default=MISSING)) for side in (old, new)]
        out: list[Sentence] = []
        if when[0] != when[1]:
            ex.take("schedule")
            ex.take("timeZone")
            out.append(say("digest now runs at {} (was {})", Raw(_at(*when[1])), Raw(_at(*when[0]))))
        out += scalar(ex, old, new, ("paused",), "paused {} -> {}")
        return out


def _at(cron: Any, zone: Any) -> str:
    """"0 9 * * *", "Europe/London" -> "09:00 Europe/London"; any other cron as written."""
    parts = str(cron).split()
    if len(parts) == 5 and parts[2:] == ["*", "*", "*"] and parts[0].isdigit() and parts[1].isdigit():
        return f"{int(parts[1]):02d}:{int(parts[0]):02d} daily, {zone}"
    return f"{cron} ({zone})"


DESCRIBERS: dict[str, Describer] = {
    CLOUD_RUN_JOB: DigestJobWords(),
    SCHEDULER_JOB: DigestScheduleWords(),
    "gcp:secretmanager/secret:Secret": Named("Secret Manager secret"),
    "gcp:secretmanager/secretVersion:SecretVersion": Named("Secret Manager secret version"),
    "gcp:artifactregistry/repository:Repository": Named("Artifact Registry repository"),
    "gcp:serviceaccount/account:Account": Named("GCP service account"),
    "gcp:storage/bucket:Bucket": Named("Cloud Storage bucket"),
}

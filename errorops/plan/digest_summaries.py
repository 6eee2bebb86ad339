"""One-line plan summaries of the daily digest's scheduler and job (registered in summaries.py)."""

from __future__ import annotations

from collections.abc import Callable


def scheduler_job(i: dict) -> str:
    target = i.get("httpTarget") or {}
    who = (target.get("oauthToken") or {}).get("serviceAccountEmail")
    return (f"{i.get('schedule')} {i.get('timeZone')} -> {target.get('httpMethod', 'POST')} {target.get('uri')}"
            f"  as {who}")


def cloud_run_job(i: dict) -> str:
    template = (i.get("template") or {}).get("template") or {}
    containers = template.get("containers") or [{}]
    container = containers[0] if isinstance(containers[0], dict) else {}
    envs = [e for e in container.get("envs") or [] if isinstance(e, dict)]
    secrets = sorted(str(e.get("name")) for e in envs if e.get("valueSource"))
    roles = next((e.get("value") for e in envs if e.get("name") == "DIGEST_RECIPIENT_ROLES"), None)
    mails = f"  e-mails {roles or 'nobody'}" if roles is not None else ""
    return (f"{' '.join(map(str, container.get('args') or []))}{mails}  as {template.get('serviceAccount')}"
            f"  secrets: {', '.join(secrets) or 'none'} (Secret Manager)  image={container.get('image')}")


DIGEST_SUMMARIES: dict[str, Callable[[dict], str]] = {
    "gcp:cloudscheduler/job:Job": scheduler_job,
    "gcp:cloudrunv2/job:Job": cloud_run_job,
}

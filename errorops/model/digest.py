"""The daily digest's configuration (alert_rules/digest.yaml) as a typed value.

Built from ``model.files_by_kind["digest"]`` on demand, so the core model stays as it is;
``None`` where the repository has no digest file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .position import At, source_position
from .types import Model


# Every section of the digest, in its default order.
SECTIONS = ("errors", "new_error_types", "triage", "alerts", "performance")


@dataclass(frozen=True)
class KeyTransaction:
    id: str
    name: str
    transaction: str
    at: At = source_position()


@dataclass(frozen=True)
class DigestSpec:
    time: str
    time_zone: str
    environments: tuple[str, ...]
    triage_levels: tuple[str, ...]
    triage_hours: int
    categorized_target_percent: float
    transactions: tuple[KeyTransaction, ...]
    error_rate_percent: float
    p95_regression_percent: float
    slack_channel: str
    email_recipients: tuple[str, ...]
    subject: str
    attempts: int
    backoff_seconds: float
    sections: tuple[str, ...] = SECTIONS
    at: At = source_position()

    @property
    def hour(self) -> int:
        return int(self.time.split(":")[0])

    @property
    def minute(self) -> int:
        return int(self.time.split(":")[1])

    def enabled_in(self, env_id: str) -> bool:
        return env_id in self.environments


def digest_spec(model: Model) -> DigestSpec | None:
    docs = model.files_by_kind.get("digest", ())
    if not docs:
        return None
    doc = docs[0]
    d = doc.data["digest"]
    at = At(doc, ("digest",))
    perf = d["performance"]
    return DigestSpec(
        time=d["schedule"]["time"],
        time_zone=d["schedule"]["time_zone"],
        environments=tuple(d["environments"]),
        triage_levels=tuple(d["triage"]["levels"]),
        triage_hours=d["triage"]["hours"],
        categorized_target_percent=float(d.get("categorized_target_percent", 95)),
        transactions=tuple(KeyTransaction(t["id"], t["name"], t["transaction"],
                                          At(doc, ("digest", "performance", "transactions", n)))
                           for n, t in enumerate(perf["transactions"])),
        error_rate_percent=float(perf["thresholds"]["error_rate_percent"]),
        p95_regression_percent=float(perf["thresholds"]["p95_regression_percent"]),
        slack_channel=d["slack"]["channel"],
        email_recipients=tuple(d["email"]["recipients"]),
        subject=d["email"]["subject"],
        attempts=d["delivery"]["attempts"],
        backoff_seconds=float(d["delivery"].get("backoff_seconds", 2)),
        sections=tuple(d.get("sections", SECTIONS)),
        at=at,
    )

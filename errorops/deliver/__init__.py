"""Deliver one message (subject, text, HTML, Slack blocks) to targets, at most once per key.

Generic on purpose: the digest uses it, and so can any later report. Each target is tried a
bounded number of times (a retryable failure waits, a permanent one stops at once); one target
failing does not keep the others from being tried. Before a target is tried its marker is
claimed in a service (``once``), so a second run of the same day sends nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    blocks: list[dict[str, Any]] = field(default_factory=list)  # Slack Block Kit, as JSON


class DeliveryError(Exception):
    """A target refused or failed; ``retryable``: trying again may succeed; ``retry_after``: the
    wait the receiver asked for, if any."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class PartlyDelivered(DeliveryError):
    """Delivered to some receivers and refused by others: counted as sent (trying again would
    send it twice to those who have it), reported as a failure."""

    def __init__(self, message: str):
        super().__init__(message, retryable=False)


class Target(Protocol):
    @property
    def name(self) -> str: ...  # read only: the targets are frozen dataclasses

    def send(self, message: Message) -> None: ...


# What a service's claim() hands back, for its done() and release().
_Claim = TypeVar("_Claim")


class Once(Protocol[_Claim]):
    def claim(self, key: str) -> _Claim: ...
    def done(self, claim: _Claim) -> None: ...
    def release(self, claim: _Claim) -> None: ...


class AlreadyClaimed(Exception):
    """The key is taken: sent already (``sent`` True), or claimed by a run that did not finish."""

    def __init__(self, message: str, *, sent: bool):
        super().__init__(message)
        self.sent = sent


@dataclass(frozen=True)
class Outcome:
    target: str
    status: str  # "sent", "already sent", "failed"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "failed"


MAX_WAIT = 60.0
# Looked up at each call, so that a test can replace the waits of delivery alone.
_sleep = time.sleep


def _send_with_retries(target: Target, message: Message, attempts: int, backoff: float,
                       sleep: Callable[[float], None]) -> None:
    for attempt in range(attempts):
        try:
            target.send(message)
            return
        except DeliveryError as exc:
            last = attempt + 1 == attempts
            if isinstance(exc, PartlyDelivered):
                raise
            if not exc.retryable or last:
                tries = f" (gave up after {attempt + 1} attempts)" if exc.retryable else ""
                raise DeliveryError(f"{exc}{tries}", retryable=exc.retryable) from None
            wait = exc.retry_after if exc.retry_after is not None else backoff * 2 ** attempt
            sleep(min(max(wait, 0.0), MAX_WAIT))


def deliver(message: Message, targets: Sequence[Target], once: Once[_Claim], key: str, *, attempts: int = 3,
            backoff: float = 2.0, sleep: Callable[[float], None] | None = None) -> list[Outcome]:
    sleep = sleep or _sleep
    outcomes = []
    for target in targets:
        marker = f"{key}/{target.name}"
        try:
            claim = once.claim(marker)
        except AlreadyClaimed as exc:
            outcomes.append(Outcome(target.name, "already sent" if exc.sent else "failed", str(exc)))
            continue
        except DeliveryError as exc:
            outcomes.append(Outcome(target.name, "failed", f"cannot claim {marker}: {exc}"))
            continue
        try:
            _send_with_retries(target, message, attempts, backoff, sleep)
        except PartlyDelivered as exc:
            _done_anyway(once, claim)
            outcomes.append(Outcome(target.name, "failed", str(exc)))
            continue
        except DeliveryError as exc:
            # Not sent: free the key, so that running the job again retries this target.
            try:
                once.release(claim)
            except DeliveryError as release_error:
                exc = DeliveryError(f"{exc}; and the marker could not be released: {release_error}",
                                    retryable=False)
            outcomes.append(Outcome(target.name, "failed", str(exc)))
            continue
        try:
            once.done(claim)
        except DeliveryError as exc:
            outcomes.append(Outcome(target.name, "sent", f"sent, but the marker was not updated: {exc}"))
            continue
        outcomes.append(Outcome(target.name, "sent"))
    return outcomes


def _done_anyway(once: Once[_Claim], claim: _Claim) -> None:
    try:
        once.done(claim)
    except DeliveryError:
        pass  # the claim stays: a second run refuses rather than sends twice

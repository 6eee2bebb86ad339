"""Pytest fixture that runs a fresh SentryDouble on 127.0.0.1 for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import examples
from .server import SentryDouble


@pytest.fixture
def sentry_double() -> Iterator[SentryDouble]:
    double = SentryDouble().start()
    examples.prepare(double)
    try:
        yield double
    finally:
        double.stop()
    assert not double.crashes, "the Sentry double crashed:\n" + "\n".join(double.crashes)


def serving_reads(monkeypatch: pytest.MonkeyPatch, token: str, organization: str) -> Iterator[SentryDouble]:
    """A double for the commands that read Sentry (digest, report), named to them through the
    environment as a deployed job names Sentry. Afterwards: no crash, and every answer it made
    up had the shape of Sentry's published answers."""
    double = SentryDouble(token=token, organization=organization).start()
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", token)
    monkeypatch.setenv("SENTRY_BASE_URL", double.base_url)
    monkeypatch.delenv("ERROROPS_DEBUG", raising=False)
    yield double
    assert not double.crashes, double.crashes
    assert not double.digest.shape_errors, double.digest.shape_errors
    double.stop()

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

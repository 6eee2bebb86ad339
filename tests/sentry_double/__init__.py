"""A real-socket Sentry double for tests: `SentryDouble` and the `sentry_double` fixture."""

from .server import Recorded, SentryDouble

__all__ = ["Recorded", "SentryDouble"]

"""Sentry REST API access: OpenAPI validation, an HTTP client, and Pulumi dynamic resources.

Submodules are imported explicitly (`errorops.sentry_api.resources`) so that using the client
does not load Pulumi.
"""

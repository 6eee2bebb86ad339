"""Workarounds for private behaviour of the Pulumi SDK, in one place.

Each names the SDK version it was written for; tests/test_sentry_api_resources.py
(test_a_program_can_declare_more_dynamic_resources_than_the_recursion_limit) fails if it stops working.
"""

from __future__ import annotations

import pickle
from typing import Optional

import pulumi
from pulumi.dynamic import Resource, ResourceProvider

# pulumi 3.272's serialize_provider wraps pickle._Pickler._batch_setitems anew for every
# dynamic resource and never unwraps it: past about a thousand resources in one program,
# pickling a provider overflows the stack. Each of our resources starts from this one.
_BATCH_SETITEMS = pickle._Pickler._batch_setitems


class PickleSafeResource(Resource):
    """Base of errorops' dynamic resources: restores the pickler before Pulumi pickles the provider."""

    def __init__(self, provider: ResourceProvider, name: str, props: dict, opts: Optional[pulumi.ResourceOptions]):
        pickle._Pickler._batch_setitems = _BATCH_SETITEMS
        super().__init__(provider, name, props, opts)

"""The workarounds for the SDKs' private behaviour (errorops/_pulumi_compat.py and the pack's
_policy_compat.py), checked against the installed SDKs: each still works, and each is still needed.
A failure here after an upgrade says which workaround to re-read, update or delete."""

from __future__ import annotations

import asyncio
import importlib.metadata
import pickle
import re

import pytest

from errorops import _pulumi_compat as compat
from errorops.pipeline import REPO_ROOT

from policy_support import policies_module


def _pinned(requirements: str, package: str) -> str:
    text = (REPO_ROOT / requirements).read_text("utf-8")
    return re.search(rf"^{re.escape(package)}==(\S+)", text, re.M).group(1)


def test_the_workarounds_were_written_for_the_pinned_and_installed_sdks():
    assert compat.WRITTEN_FOR == _pinned("requirements.txt", "pulumi") == importlib.metadata.version("pulumi")
    written = policies_module()._policy_compat.WRITTEN_FOR
    assert written == _pinned("policies/requirements.txt", "pulumi-policy") == importlib.metadata.version("pulumi-policy")


def test_the_sdk_still_leaves_the_pickler_wrapped_so_the_reset_is_needed():
    from pulumi.dynamic.dynamic import ResourceProvider, serialize_provider

    original = pickle._Pickler._batch_setitems
    try:
        serialize_provider(ResourceProvider())
        # Fixed upstream when this fails: PickleSafeResource can go.
        assert pickle._Pickler._batch_setitems is not original
    finally:
        pickle._Pickler._batch_setitems = original


def test_sync_await_still_runs_a_coroutine_to_its_result():
    async def answer():
        await asyncio.sleep(0)
        return 42

    assert compat.sync_await(answer()) == 42


def test_the_wire_form_of_a_secret_is_the_one_the_engine_and_the_pack_use():
    from pulumi.runtime import rpc

    secret = compat.wire_secret("x")
    assert compat.is_wire_secret(secret) and not compat.is_wire_secret({"value": "x"})
    # What the SDK itself produces for a secret output.
    assert rpc._special_sig_key in secret and secret[rpc._special_sig_key] == rpc._special_secret_sig
    # The pack, which cannot import errorops, keeps its own copy of the protocol's constants.
    pack_secrets = policies_module().secrets
    assert (pack_secrets.SPECIAL_SIG_KEY, pack_secrets.SECRET_SIG) == (compat.SECRET_SIG_KEY, compat.SECRET_SIG)


def test_a_pulumi_policy_proxy_still_answers_its_target():
    from pulumi_policy.proxy import unknown_checking_proxy

    raw = {"a": [1, {"b": 2}]}
    proxy = unknown_checking_proxy(raw)
    assert type(proxy).__module__.startswith("pulumi_policy.")
    target = policies_module()._policy_compat.proxy_target(proxy)
    assert isinstance(target, dict) and set(target) == {"a"}
    assert policies_module().common.plain(proxy) == raw


def test_the_pack_patch_still_finds_the_function_it_wraps():
    import pulumi_policy.policy as policy_module

    assert callable(getattr(policy_module, "deserialize_properties", None))


def test_a_secret_path_that_does_not_resolve_is_refused_not_sent_in_plain_text():
    from errorops.check.analyzer_client import PackError, with_secrets

    assert with_secrets({"a": {"b": "x"}}, [("a", "b")]) == {"a": {"b": compat.wire_secret("x")}}
    with pytest.raises(PackError, match="secret at a.c is not in the resource's inputs"):
        with_secrets({"a": {"b": "x"}}, [("a", "c")])


def test_the_source_positions_skipped_offline_are_still_taken_where_the_sdk_took_them():
    import inspect

    from pulumi.runtime import resource

    # The plan replaces this function; it must still exist and still be what registration calls.
    assert callable(resource._get_stack_trace)
    assert "_get_stack_trace()" in inspect.getsource(resource.register_resource)

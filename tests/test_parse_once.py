"""The premise of parse_once.py: nothing downstream of the loader changes a Document.

Under the cache every test shares the Documents of the texts it has seen before, so a stage
that edited one (a default filled in, a list sorted in place) would leak into the next test.
A whole check of a good and of a broken repository, the model, and the plan of every stack
run here through the cache; after each, every Document it holds must equal a fresh parse of
its text.
"""

from __future__ import annotations

from errorops.pipeline import REPO_ROOT, check_repository, load_model
from errorops.plan.runner import plan_stack, stacks_in_order

import parse_once
from conftest import Repo


def assert_unchanged(after: str) -> None:
    documents = parse_once.parsed_documents()
    assert documents
    for text, display, doc in documents:
        fresh, _ = parse_once.fresh_parse(text, display)
        assert (doc, repr(doc.data)) == (fresh, repr(fresh.data)), f"{after} changed {display}"


def test_no_stage_changes_a_parsed_document(full_repo: Repo):
    assert parse_once.installed()
    parse_once.forget()  # only this test's documents: each check parses every one of them again
    assert check_repository(REPO_ROOT).ok
    assert_unchanged("a check")
    model = load_model(REPO_ROOT)
    for stack in stacks_in_order(model, "all"):
        plan_stack(model, stack)
    assert_unchanged("the plans")
    full_repo.edit("Pulumi.dev.yaml", "errorops:environment: dev", "errorops:environment: nowhere")
    assert full_repo.problems()
    assert_unchanged("a cross-reference problem")
    full_repo.append("Pulumi.dev.yaml", "  errorops:teamLeadEmail: someone@example.com\n")
    assert full_repo.problems()
    assert_unchanged("a schema problem and its redaction")

"""Sentry's rules for a project's ownership: PUT /api/0/projects/{org}/{project}/ownership/.

Paths are under getsentry/sentry src/sentry/. The validator is ProjectOwnershipRequestSerializer
(api/endpoints/project_ownership.py): ``validate_autoAssignment`` accepts three values, and
``validate`` limits ``raw`` to 100,000 characters, parses it with the grammar of
ownership/grammar.py (``create_schema_from_issue_owners``: "Parse error: <rule> (line, column)")
and resolves every owner among the project's teams and members ("Invalid rule owners: ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import OrgState, Refusal, rule

AUTO_ASSIGNMENT = {"Auto Assign to Suspect Commits", "Auto Assign to Issue Owner", "Turn off Auto-Assignment"}
MAX_RAW_LENGTH = 100_000
# grammar.py: matcher_type = "url" / "path" / "module" / "codeowners" / event_tag (~r"tags.[^:]+"), then
# sep ":" and an identifier (\S+ or a quoted string); owners = one or more of "#"? \S+.
_MATCHER = re.compile(r'^(?:(?:url|path|module|codeowners|tags\.[^:]+):)?(?:"(?:[^"\\]|\\.)*"|\S+)$')


def _rules(raw: str) -> Iterator[tuple[int, str, list[str]]]:
    for number, line in enumerate(raw.splitlines(), 1):
        text = line.strip(" ")
        if not text or text.startswith("#"):
            continue
        words = text.split(" ")
        yield number, words[0], [w for w in words[1:] if w]


@rule("ownership", "ownership.auto_assignment")
def auto_assignment(body: dict, state: OrgState) -> Iterator[Refusal]:
    """api/endpoints/project_ownership.py: validate_autoAssignment, one of three values."""
    if "autoAssignment" in body and body["autoAssignment"] not in AUTO_ASSIGNMENT:
        yield Refusal(("autoAssignment",), "Invalid selection.")


@rule("ownership", "ownership.raw_length")
def raw_length(body: dict, state: OrgState) -> Iterator[Refusal]:
    """api/endpoints/project_ownership.py: validate, raw of at most DEFAULT_MAX_RAW_LENGTH characters."""
    if isinstance(body.get("raw"), str) and len(body["raw"]) > MAX_RAW_LENGTH:
        yield Refusal(("raw",), f"Raw needs to be <= {MAX_RAW_LENGTH} characters in length")


@rule("ownership", "ownership.raw_grammar")
def raw_grammar(body: dict, state: OrgState) -> Iterator[Refusal]:
    """api/endpoints/project_ownership.py: create_schema_from_issue_owners (ownership/grammar.py parse_rules)."""
    raw = body.get("raw")
    if not isinstance(raw, str):
        return
    for number, matcher, owners in _rules(raw):
        if not _MATCHER.match(matcher) or not owners:
            yield Refusal(("raw",), f"Parse error: ownership (line {number}, column 1)")
            return


@rule("ownership", "ownership.owners")
def owners(body: dict, state: OrgState) -> Iterator[Refusal]:
    """api/endpoints/project_ownership.py: create_schema_from_issue_owners, owners resolved among the project's teams (resolve_actors)."""
    raw = body.get("raw")
    if not isinstance(raw, str):
        return
    bad = set()
    for _number, _matcher, names in _rules(raw):
        for name in names:
            if name.startswith("#"):
                if name[1:] not in state.project_teams:
                    bad.add(name)
            elif name.lower() not in state.user_emails:
                bad.add(name.lower())
    if bad:
        yield Refusal(("raw",), "Invalid rule owners: {}".format(", ".join(sorted(bad))))

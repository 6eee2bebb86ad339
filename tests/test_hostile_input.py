"""Hostile input (issue 13): special files, and values that pass a schema and break later.

Each is refused with ``path:line:col`` and exit 1, never a hang, a traceback or a
reading that differs from Pulumi's.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from errorops.load.yaml_source import MAX_BYTES, MAX_DEPTH, MAX_STRING, load_yaml, parse_text

from conftest import ORG, Repo, run_cli


# --- class 4: one reader, regular files only, bounded by the bytes read -------------------

def _special(repo: Repo, kind: str, outside: Path) -> str:
    """Turn alert_rules/organization.yaml into a special file; return the expected message."""
    path = repo.path(ORG)
    path.unlink()
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
        return "is a symlink to a file outside the repository; copy the file in instead"
    if kind == "fifo":
        os.mkfifo(path)
        return "is a FIFO, not a regular file"
    if kind == "loop":
        path.symlink_to(path.name)
        return "cannot read file: Too many levels of symbolic links"
    if kind == "outside":
        outside.write_text("kind: organization\n", "utf-8")
        path.symlink_to(outside)
        return "is a symlink to a file outside the repository; copy the file in instead"
    if kind == "folder":
        path.mkdir()
        return "is a folder, not a regular file"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "loop", "outside", "folder"])
def test_special_file_is_refused_at_1_1_without_hanging(repo: Repo, tmp_path: Path, kind: str):
    message = _special(repo, kind, tmp_path / "elsewhere.yaml")
    run = run_cli("validate", str(repo.root), cwd=repo.root)
    assert run.code == 1, run.stderr
    assert f"alert_rules/organization.yaml:1:1: {message} (files)" in run.stderr.splitlines()
    assert "Traceback" not in run.stderr


def test_symlink_to_a_device_inside_the_repository_is_refused_by_its_type(repo: Repo):
    # A link inside the repository is followed; what it reaches must still be a regular file.
    os.mkfifo(repo.path("fifo"))
    repo.path(ORG).unlink()
    repo.path(ORG).symlink_to("../fifo")
    assert "alert_rules/organization.yaml:1:1: is a FIFO, not a regular file" in repo.problems()


def test_symlink_inside_the_repository_is_read(repo: Repo):
    repo.path("org.yaml").write_text(repo.read(ORG), "utf-8")
    repo.path(ORG).unlink()
    repo.path(ORG).symlink_to("../org.yaml")
    assert repo.problems() == []


def test_pulumi_yaml_that_is_a_fifo_is_refused_not_ignored(repo: Repo):
    repo.path("Pulumi.yaml").unlink()
    os.mkfifo(repo.path("Pulumi.yaml"))
    assert repo.problems() == ["Pulumi.yaml:1:1: is a FIFO, not a regular file"]


# --- class 3: values that pass validate and break later --------------------------------

AMBIGUOUS = "this plain value reads differently in YAML 1.1 and in YAML 1.2"


@pytest.mark.parametrize("value, message", [
    (".nan", "not a finite number"),
    ("-.inf", "not a finite number"),
    ("9007199254740993", "number out of range"),
    ('"a\\0b"', "text contains the control character or lone surrogate U+0000"),
    ('"\\e[31m"', "text contains the control character or lone surrogate U+001B"),
    ("x" * (MAX_STRING + 1), f"text of {MAX_STRING + 1} characters; values are limited to {MAX_STRING}"),
    ("' '", "text is only whitespace"),
    ("012345", AMBIGUOUS),
    ("yes", AMBIGUOUS),
    ("off", AMBIGUOUS),
    ("1_000", AMBIGUOUS),
    ("1:30", AMBIGUOUS),
    ("1e3", AMBIGUOUS),
])
def test_value_that_would_break_later_is_refused_where_it_is_written(value: str, message: str):
    doc, problems = parse_text(f"kind: organization\nretention_days: {value}\n", "o.yaml")
    assert doc is None
    assert len(problems) == 1 and str(problems[0]).startswith(f"o.yaml:2:17: {message}")


def test_a_lone_surrogate_escape_is_refused_where_it_is_written():
    # libyaml refuses the escape itself (PyYAML's own parser let it through to our check).
    doc, problems = parse_text('kind: organization\nretention_days: "\\ud800"\n', "o.yaml")
    assert doc is None
    assert [str(p) for p in problems] == [
        "o.yaml:2:20: invalid YAML: while parsing a quoted scalar found invalid Unicode character escape code"]


@pytest.mark.parametrize("value, read", [
    ("'012345'", "012345"), ("0x1F", 31), ("12345", 12345), ("true", True), ("1.5", 1.5), ("2026-01-01", "2026-01-01"),
    ('"multi\\nline\\ttext"', "multi\nline\ttext"),
])
def test_values_yaml_1_1_and_1_2_agree_on_are_read(value: str, read):
    doc, problems = parse_text(f"a: {value}\n", "o.yaml")
    assert problems == [] and doc.data == {"a": read}


def test_nesting_past_the_limit_is_refused_before_the_recursion_limit():
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    doc, problems = parse_text(text, "deep.yaml")
    assert doc is None
    assert [str(p) for p in problems] == [f"deep.yaml:1:{4 + MAX_DEPTH - 1}: nesting deeper than {MAX_DEPTH} levels"]


def test_nesting_as_deep_as_the_file_limit_never_reaches_the_composer():
    # libyaml's composer recurses in C: a megabyte of '[' would overflow its stack, not raise.
    text = "[" * (MAX_BYTES - 2) + "\n"
    doc, problems = parse_text(text, "deep.yaml")
    assert [str(p) for p in problems] == [f"deep.yaml:1:{MAX_DEPTH + 1}: nesting deeper than {MAX_DEPTH} levels"]


def test_block_nesting_past_the_limit_names_the_node_too_deep():
    text = "".join(f"{'  ' * n}k{n}:\n" for n in range(MAX_DEPTH)) + f"{'  ' * MAX_DEPTH}leaf: 1\n"
    doc, problems = parse_text(text, "deep.yaml")
    assert [str(p) for p in problems] == [f"deep.yaml:{MAX_DEPTH}:{2 * MAX_DEPTH - 1}: nesting deeper than {MAX_DEPTH} levels"]
    # There, k31 sits inside MAX_DEPTH mappings (the root's included); inside one fewer, it is fine.
    shallower = "".join(f"{'  ' * n}k{n}:\n" for n in range(MAX_DEPTH - 2)) + f"{'  ' * (MAX_DEPTH - 2)}leaf: 1\n"
    assert parse_text(shallower, "ok.yaml")[1] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("a: &x 1\nb: &x 2\n", "2:4: invalid YAML: found duplicate anchor 'x'; first occurrence second occurrence"),
    ("a: [*later]\nb: &later 1\n", "1:5: invalid YAML: found undefined alias 'later'"),
    # A second document is refused as such, whatever it holds.
    ("a: 1\n---\nb: *nothing\n", "2:1: invalid YAML: expected a single YAML document in the file, found more ('---')"),
    ("a: 1\n---\n" + "[" * 100 + "\n", "2:1: invalid YAML: expected a single YAML document in the file, found more ('---')"),
])
def test_anchors_and_documents_are_refused_naming_what_is_wrong(text: str, expected: str):
    doc, problems = parse_text(text, "f.yaml")
    assert doc is None
    assert [str(p) for p in problems] == [f"f.yaml:{expected}"]


def test_octal_looking_stack_value_is_refused_in_the_stack_file(repo: Repo):
    repo.append("Pulumi.dev.yaml", "  errorops:teamLeadSentryUserId: 012345\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.dev.yaml', '012345')}: {AMBIGUOUS}, which Pulumi uses (octal 012, yes/no/on/off, "
        "1_000, 1:30, 1e3); quote it if it is text, or write the number or true/false plainly"
    ]


def test_nan_in_a_rule_file_exits_1_with_its_position(repo: Repo):
    repo.edit(ORG, "retention_days: 90", "retention_days: .nan")
    run = run_cli("validate", str(repo.root), cwd=repo.root)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == f"{repo.at(ORG, '.nan')}: not a finite number (.nan and .inf cannot be planned or sent) (yaml)"


@pytest.mark.parametrize("key, value, declared", [
    ("pagerduty", "maybe", "boolean"), ("pagerduty", "1", "boolean"), ("teamLeadSentryUserId", "true", "string"),
])
def test_stack_value_of_another_type_than_declared_is_refused_where_written(repo: Repo, key: str, value: str, declared: str):
    # Before: validate passed and plan stopped with "ConfigTypeError", naming no line.
    repo.append("Pulumi.dev.yaml", f"  errorops:{key}: {value}\n")
    write = "true or false" if declared == "boolean" else "text"
    assert repo.problems() == [
        f"{repo.at('Pulumi.dev.yaml', value, within=f'errorops:{key}: {value}')}: config key 'errorops:{key}' is "
        f"declared {declared} (at {repo.at('Pulumi.yaml', key, within=f'  {key}:')}); write {write}"
    ]


@pytest.mark.parametrize("key, value", [("pagerduty", "false"), ("pagerduty", "'true'"), ("teamLeadSentryUserId", "'1234567'"),
                                        ("teamLeadSentryUserId", "1234567")])
def test_stack_value_pulumi_reads_as_declared_passes(repo: Repo, key: str, value: str):
    repo.append("Pulumi.dev.yaml", f"  errorops:{key}: {value}\n")
    assert repo.problems() == []


@pytest.mark.parametrize("device, what", [("/dev/zero", "a character device"), ("/dev/urandom", "a character device")])
def test_the_reader_refuses_a_device_by_its_type_even_without_a_repository(device: str, what: str):
    # `errorops validate FILE` has no repository around it: the type check alone must stop it,
    # before a read that would never end (a device's st_size is 0).
    doc, problems = load_yaml(Path(device), "x.yaml")
    assert doc is None and [str(p) for p in problems] == [f"x.yaml:1:1: is {what}, not a regular file"]

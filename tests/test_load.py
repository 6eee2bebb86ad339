"""The strict YAML loader: every refusal names a line and column; positions are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from errorops.load.sources import load_sources
from errorops.load.yaml_source import MAX_BYTES, MAX_NODES, Position, load_yaml, parse_text

from conftest import DATA

CASES = sorted((DATA / "yaml").glob("*.yaml"))


def expected_of(path: Path) -> str:
    """Each fixture's first line is ``# expect: LINE:COL: message``."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), path
    return first[len("# expect: "):]


def test_fixture_files_are_present():
    assert {p.name for p in CASES} >= {
        "duplicate_key.yaml", "tab_indent.yaml", "not_utf8.yaml", "alias_bomb.yaml", "recursive_alias.yaml",
        "merge_key.yaml", "non_scalar_key.yaml", "multiple_documents.yaml", "syntax_error.yaml",
    }


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_broken_file_is_refused_at_exact_position(path: Path):
    doc, problems = load_yaml(path, f"rules/{path.name}")
    assert doc is None
    assert [str(p) for p in problems] == [f"rules/{path.name}:{expected_of(path)}"]


# Inline cases: text -> the one expected "line:col: message".
INLINE = {
    "duplicate top-level key": (
        "kind: organization\nretention_days: 90\nkind: environments\n",
        "3:1: duplicate key 'kind' (first defined at line 1, column 1)",
    ),
    "duplicate key differing only in quoting": (
        "teams:\n  backend: 1\n  'backend': 2\n",
        "3:3: duplicate key 'backend' (first defined at line 2, column 3)",
    ),
    "duplicate integer key and string key": (
        "1: a\n'1': b\n",
        "2:1: duplicate key '1' (first defined at line 1, column 1)",
    ),
    "merge key in flow mapping": (
        "base: &b {x: 1}\nteam: {<<: *b, id: backend}\n",
        "2:8: merge keys ('<<') are not supported; write the keys out",
    ),
    "flow sequence as key": (
        "{[a, b]: 1}\n",
        "1:2: mapping keys must be plain scalars",
    ),
    "mapping as key": (
        "? {a: 1}\n: 2\n",
        "1:3: mapping keys must be plain scalars",
    ),
    "recursive mapping alias": (
        "org: &o\n  self: *o\n",
        "1:6: recursive alias: a node contains itself",
    ),
    "second document, empty": (
        "kind: organization\n---\n",
        "2:1: invalid YAML: expected a single YAML document in the file, found more ('---')",
    ),
    "bad indentation": (
        "teams:\n  - id: backend\n name: Backend\n",
        "3:2: invalid YAML: while parsing a block mapping did not find expected key",
    ),
    "unclosed quote": (
        'name: "AI Content Factory\n',
        "2:1: invalid YAML: while scanning a quoted scalar found unexpected end of stream",
    ),
    "unknown local tag": (
        "retention_days: !days 90\n",
        "1:17: invalid YAML: could not determine a constructor for the tag '!days'",
    ),
}


@pytest.mark.parametrize(("text", "expected"), INLINE.values(), ids=INLINE.keys())
def test_inline_broken_text(text: str, expected: str):
    doc, problems = parse_text(text, "f.yaml")
    assert doc is None
    assert [str(p) for p in problems] == [f"f.yaml:{expected}"]


def test_every_tab_indented_line_is_reported(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("teams:\n\t- id: backend\n  \t  name: Backend\nok: a\tb\n", "utf-8")
    doc, problems = load_yaml(path, "t.yaml")
    assert doc is None
    assert [str(p) for p in problems] == [
        "t.yaml:2:1: tab character in indentation; indent with spaces",
        "t.yaml:3:3: tab character in indentation; indent with spaces",
    ]


def test_tab_inside_a_value_is_not_indentation(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("name: 'a\tb'\n", "utf-8")
    doc, problems = load_yaml(path, "t.yaml")
    assert problems == []
    assert doc.data == {"name": "a\tb"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xff\xfek\x00", "1:1: file is not UTF-8 (byte 0xff cannot be decoded)"),  # UTF-16
        (b"a: 1\nb: 2\nname: caf\xe9\n", "3:10: file is not UTF-8 (byte 0xe9 cannot be decoded)"),
        (b"a: 1\n\x80\n", "2:1: file is not UTF-8 (byte 0x80 cannot be decoded)"),
    ],
    ids=["utf16-bom", "latin1-e-acute", "stray-continuation-byte"],
)
def test_non_utf8_names_line_and_column_of_the_bad_byte(tmp_path: Path, raw: bytes, expected: str):
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    assert [str(p) for p in load_yaml(path, "x.yaml")[1]] == [f"x.yaml:{expected}"]


def test_non_utf8_after_a_byte_order_mark(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\nb: \xff\n")
    assert [str(p) for p in load_yaml(path, "x.yaml")[1]] == ["x.yaml:2:4: file is not UTF-8 (byte 0xff cannot be decoded)"]


def test_non_utf8_column_counts_characters(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes("name: Café ".encode() + b"\xff\n")
    assert [str(p) for p in load_yaml(path, "x.yaml")[1]] == ["x.yaml:1:12: file is not UTF-8 (byte 0xff cannot be decoded)"]


def test_byte_order_mark_is_accepted_and_positions_unchanged(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfkind: organization\nretention_days: 90\n")
    doc, problems = load_yaml(path, "bom.yaml")
    assert problems == []
    assert doc.data == {"kind": "organization", "retention_days": 90}
    assert doc.keys[("retention_days",)] == Position(2, 1)
    assert doc.values[("retention_days",)] == Position(2, 17)


def test_alias_bomb_is_refused():
    # Nine levels of nine: 9**9 (387 million) strings if expanded; refused at MAX_NODES,
    # so the work done is bounded by the limit, not by the expansion.
    path = DATA / "yaml" / "alias_bomb.yaml"
    doc, problems = load_yaml(path, "bomb.yaml")
    assert doc is None
    assert [p.message for p in problems] == [f"document expands to more than {MAX_NODES} nodes (anchors and aliases?)"]


def test_few_aliases_are_fine():
    doc, problems = parse_text("a: &x [1, 2]\nb: *x\nc: *x\n", "f.yaml")
    assert problems == []
    assert doc.data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_file_over_one_mebibyte_is_refused_without_parsing(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"kind: x\n" + b"# " + b"x" * MAX_BYTES + b"\n")
    size = path.stat().st_size
    assert size > MAX_BYTES == 1024 * 1024
    doc, problems = load_yaml(path, "big.yaml")
    assert doc is None
    assert [str(p) for p in problems] == [
        f"big.yaml:1:1: file is larger than {MAX_BYTES} bytes; configuration files are limited to that"
    ]


def test_file_of_exactly_the_limit_is_loaded(tmp_path: Path):
    path = tmp_path / "edge.yaml"
    body = b"kind: organization\n# "
    path.write_bytes(body + b"x" * (MAX_BYTES - len(body) - 1) + b"\n")
    assert path.stat().st_size == MAX_BYTES
    doc, problems = load_yaml(path, "edge.yaml")
    assert problems == []
    assert doc.data == {"kind": "organization"}


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path):
    doc, problems = load_yaml(tmp_path / "nope.yaml", "nope.yaml")
    assert doc is None
    assert [str(p) for p in problems] == ["nope.yaml:1:1: cannot read file: No such file or directory"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"], ids=["empty", "blank-lines", "comment-only"])
def test_empty_file_loads_as_none(text: str):
    doc, problems = parse_text(text, "e.yaml")
    assert problems == []
    assert doc.path == "e.yaml"
    assert doc.data is None
    assert doc.values == {} and doc.keys == {}
    assert doc.position(("anything",)) == Position(1, 1)


def test_dates_stay_text_and_scalars_are_typed():
    doc, problems = parse_text("on: 2024-01-31\nn: 90\nf: 1.5\nb: true\nz: ~\ns: '90'\n", "f.yaml")
    assert problems == []
    assert doc.data == {"on": "2024-01-31", "n": 90, "f": 1.5, "b": True, "z": None, "s": "90"}


POSITIONS_TEXT = """\
# comment
kind: environments
environments:
  - id: prod
    sentry_project:
      teams: [backend, devops]
  - {id: dev, name: Development}
"""


def test_positions_of_values_and_keys():
    doc, problems = parse_text(POSITIONS_TEXT, "e.yaml")
    assert problems == []
    P = Position
    assert doc.values[()] == P(2, 1)
    assert doc.keys[("kind",)] == P(2, 1)
    assert doc.values[("kind",)] == P(2, 7)
    assert doc.keys[("environments",)] == P(3, 1)
    assert doc.values[("environments",)] == P(4, 3)
    assert doc.values[("environments", 0)] == P(4, 5)
    assert doc.keys[("environments", 0, "id")] == P(4, 5)
    assert doc.values[("environments", 0, "id")] == P(4, 9)
    assert doc.keys[("environments", 0, "sentry_project")] == P(5, 5)
    assert doc.values[("environments", 0, "sentry_project", "teams")] == P(6, 14)
    assert doc.values[("environments", 0, "sentry_project", "teams", 0)] == P(6, 15)
    assert doc.values[("environments", 0, "sentry_project", "teams", 1)] == P(6, 24)
    assert doc.values[("environments", 1)] == P(7, 5)
    assert doc.keys[("environments", 1, "name")] == P(7, 15)
    assert doc.values[("environments", 1, "name")] == P(7, 21)


def test_position_falls_back_to_nearest_ancestor():
    doc, _ = parse_text(POSITIONS_TEXT, "e.yaml")
    # No 'slug' under sentry_project: the position of sentry_project's value.
    assert doc.position(("environments", 0, "sentry_project", "slug")) == Position(6, 7)
    assert doc.position(("environments", 5, "id")) == Position(4, 3)
    assert doc.position(("nope", "deeper")) == Position(2, 1)
    # key=True prefers the key; without a recorded key it falls back to the value chain.
    assert doc.position(("environments", 1, "name"), key=True) == Position(7, 15)
    assert doc.position(("environments", 1, "name")) == Position(7, 21)
    assert doc.position(("environments", 1, "missing"), key=True) == Position(7, 5)
    problem = doc.problem(("environments", 0, "id"), "msg", key=True)
    assert str(problem) == "e.yaml:4:5: msg"


def test_load_sources_collects_every_file_problem(tmp_path: Path):
    rules = tmp_path / "alert_rules"
    rules.mkdir()
    (rules / "a.yaml").write_text("x: 1\nx: 2\n", "utf-8")
    (rules / "b.yml").write_text("y:\n\t- 1\n", "utf-8")
    (rules / "c.yaml").write_text("z: 1\n", "utf-8")
    sources, problems = load_sources(tmp_path)
    assert [(Path(p.path).name, p.line, p.column) for p in problems] == [("a.yaml", 2, 1), ("b.yml", 2, 1)]
    assert [Path(d.path).name for d in sources.rules] == ["c.yaml"]


def test_load_sources_on_missing_or_empty_folder(tmp_path: Path):
    _, problems = load_sources(tmp_path / "missing")
    assert [(p.line, p.column, p.message) for p in problems] == [(1, 1, "no such file or folder")]
    _, problems = load_sources(tmp_path)
    assert [p.message for p in problems] == ["no YAML files found (looked for alert_rules/*.yaml)"]


def test_control_character_is_a_positioned_problem():
    doc, problems = parse_text("kind: organization\nname: AI\x07Content\n", "f.yaml")
    assert doc is None
    assert [(p.line, p.column) for p in problems] == [(2, 9)]


def test_huge_integer_is_a_positioned_problem():
    doc, problems = parse_text("retention_days: " + "9" * 5000 + "\n", "f.yaml")
    assert doc is None
    assert [(p.line, p.column) for p in problems] == [(1, 17)]


def test_unknown_tag_on_a_collection_is_refused():
    doc, problems = parse_text('value: !!python/object/apply:os.system ["echo hi"]\n', "f.yaml")
    assert doc is None
    assert [(p.line, p.column) for p in problems] == [(1, 8)]

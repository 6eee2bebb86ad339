"""Nothing is silently dropped when files of one kind are several.

The model merges the *lists* of several files of a kind (two files of ``environments``
give every environment of both). Everything else would be taken from one file and the
others ignored, so it is refused where it is written, naming the first place:

- a kind whose schema says ``"x-one-file": true`` (organization, notification_targets,
  sentry_alert_rules, gcp_monitoring: their sections are read as a whole) in a second file;
- in any other kind, a top-level section that is not a list, in a second file.

Passing: ``alert_rules/environments.yaml`` and ``alert_rules/more_environments.yaml``,
each ``kind: environments`` with an ``environments:`` list (their ids must differ).

Failing (a second ``gcp_monitoring`` file: one of the two would be planned, the other lost)::

    # alert_rules/gcp_monitoring_copy.yaml
    kind: gcp_monitoring
    ...
"""

from __future__ import annotations

from collections.abc import Iterator

from ..load.yaml_source import Document, PathKey
from ..problems import Problem
from .schema import validator


def _where(doc: Document, path: PathKey, key: bool = False) -> str:
    pos = doc.position(path, key=key)
    return f"{doc.path}:{pos.line}:{pos.column}"


def check(kinds: dict[str, list[Document]]) -> Iterator[Problem]:
    for kind, docs in sorted(kinds.items()):
        if len(docs) < 2:
            continue
        schema = validator(kind).schema
        assert not isinstance(schema, bool)  # every rule schema is a JSON object, not true/false
        if schema.get("x-one-file"):
            for doc in docs[1:]:
                yield doc.problem(("kind",), f"kind '{kind}' is already defined in {_where(docs[0], ('kind',))}; "
                                             "it may appear in one file only")
            continue
        first: dict[str, Document] = {}
        for doc in docs:
            for key, value in doc.data.items():
                if key == "kind" or isinstance(value, list):
                    continue  # lists are merged; their ids are checked for duplicates
                if key in first:
                    yield doc.problem((key,), f"section '{key}' of kind '{kind}' is already defined in "
                                              f"{_where(first[key], (key,), key=True)}; only lists are merged across files",
                                      key=True)
                else:
                    first[key] = doc

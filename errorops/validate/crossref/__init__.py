"""Cross-reference rules: each module has one ``check(model)`` that yields problems.

They run on the typed model once every file has passed its schema, so they can
assume shapes and concentrate on meaning: ids that must resolve, ids that must
be unique, files that must agree with each other.
"""

from . import config_keys, known_references, stack_files, unique_ids

RULES = (unique_ids, known_references, config_keys, stack_files)


def check_all(model):
    for rule in RULES:
        yield from rule.check(model)

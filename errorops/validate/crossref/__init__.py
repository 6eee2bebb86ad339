"""Cross-reference rules: each module has one ``check(model)`` that yields problems.

They run on the typed model once every file has passed its schema, so they can
assume shapes and concentrate on meaning: ids that must resolve, ids that must
be unique, files that must agree with each other.
"""

from collections.abc import Iterable, Iterator
from typing import Protocol

from ...model.types import Model
from ...problems import Problem, found_by
from . import config_keys, digest_refs, known_references, ownership_rules, process_numbers, process_rules, sentry_rules
from . import kpi_refs, stack_config_types, stack_files, unique_ids
from . import (
    gcp_condition_count, gcp_config_keys, gcp_documentation, gcp_durations, gcp_environments, gcp_expressions,
    gcp_links, gcp_log_metric_labels, gcp_project_scope, gcp_references, gcp_routes, gcp_unique_ids, gcp_user_labels,
)


class Rule(Protocol):
    """A rule module: its name, and its ``check``."""

    __name__: str

    def check(self, model: Model, /) -> Iterable[Problem]: ...


RULES: tuple[Rule, ...] = (
    unique_ids, known_references, config_keys, stack_files, stack_config_types, sentry_rules, process_rules)
# Google Cloud Monitoring (alert_rules/gcp_monitoring.yaml); each does nothing where that file is absent.
RULES += (gcp_unique_ids, gcp_environments, gcp_references, gcp_routes, gcp_config_keys, gcp_durations,
          gcp_condition_count, gcp_user_labels, gcp_expressions, gcp_project_scope, gcp_log_metric_labels, gcp_links,
          gcp_documentation, process_numbers)
# The daily digest (alert_rules/digest.yaml); does nothing where that file is absent.
RULES += (digest_refs,)
# Sentry ownership rules generated from the taxonomy (error_taxonomy.yaml ownership:).
RULES += (ownership_rules,)
# The KPIs and the review reports (alert_rules/kpis.yaml); does nothing where that file is absent.
RULES += (kpi_refs,)


def rule_id(rule: Rule) -> str:
    """A rule's id, as problems name it: its module's name with dashes (gcp_durations -> gcp-durations)."""
    return rule.__name__.rsplit(".", 1)[-1].replace("_", "-")


def check_all(model: Model) -> Iterator[Problem]:
    for rule in RULES:
        yield from found_by(rule_id(rule), rule.check(model))

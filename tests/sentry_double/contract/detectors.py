"""Sentry's rules for a metric monitor: POST .../projects/{project}/detectors/, PUT .../detectors/{id}/.

Paths are under getsentry/sentry src/sentry/. The validator is MetricIssueDetectorValidator
(incidents/metric_issue_detector.py) over BaseDetectorTypeValidator
(workflow_engine/endpoints/validators/base/detector.py); each data source is a
SnubaQueryValidator(timeWindowSeconds=True) (snuba/snuba_query_validator.py).
"""

from __future__ import annotations

import re

from . import OrgState, Refusal, as_dict, as_list, rule

REQUIRED = "This field is required."
SOURCE_FIELDS = ("dataset", "query", "aggregate", "timeWindow", "environment", "eventTypes")
DATASETS = {"events": 0, "events_analytics_platform": 1, "transactions": 1, "generic_metrics": 1, "metrics": 2}
EVENT_TYPES = {0: {"error", "default"}, 1: {"transaction", "trace_item_log", "trace_item_span"}}
EAP = "events_analytics_platform"
EAP_FUNCTIONS = {"count", "count_unique", "avg", "p50", "p75", "p90", "p95", "p99", "p100", "max", "min", "sum",
                 "epm", "failure_count", "failure_rate", "eps", "apdex", "user_misery"}
CONDITION_TYPES = {"gt", "lt", "gte", "lte", "anomaly_detection"}
ALL_CONDITION_TYPES = CONDITION_TYPES | {"eq", "ne"}
PRIORITIES = {75, 50, 0}  # DetectorPriorityLevel HIGH, MEDIUM, OK; LOW (25) is refused
COMPARISON_DELTAS = {300, 900, 3600, 86400, 604800, 2592000, None}
LOGIC_TYPES = {"any", "any-short", "all", "none"}
_ACTOR = re.compile(r"^(user|team):(\d+)$")


def _sources(body: dict):
    for index, source in enumerate(as_list(body.get("dataSources"))):
        yield index, as_dict(source)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@rule("detector", "detector.source_fields")
def source_fields(body: dict, _state: OrgState):
    """snuba/snuba_query_validator.py: SnubaQueryValidator

    dataset, query (allow_blank), aggregate, time_window and event_types are required;
    environment = EnvironmentField(required=True, allow_null=True): the key must be sent, null
    meaning every environment.
    """
    for index, source in _sources(body):
        for key in SOURCE_FIELDS:
            if key not in source:
                yield Refusal(("dataSources", index, key), REQUIRED)


@rule("detector", "detector.environment_exists")
def environment_exists(body: dict, state: OrgState):
    """api/serializers/rest_framework/environment.py: EnvironmentField.to_internal_value

    Environment.objects.get(organization_id=..., name=data), else
    ValidationError("Environment is not part of this organization"); never created.
    """
    for index, source in _sources(body):
        env = source.get("environment")
        if env is not None and env not in state.environments:
            yield Refusal(("dataSources", index, "environment"), "Environment is not part of this organization")


@rule("detector", "detector.dataset")
def dataset(body: dict, _state: OrgState):
    """snuba/snuba_query_validator.py: validate_dataset, QUERY_TYPE_VALID_DATASETS

    Dataset(value) else "Invalid dataset, valid values are ..."; a queryType that does not go
    with the dataset: "Invalid dataset for this query type. ..."; transactions are refused for new
    monitors (MetricIssueDetectorValidator._validate_transaction_dataset_deprecation).
    """
    for index, source in _sources(body):
        name = source.get("dataset")
        if name is None:
            continue
        if name not in DATASETS:
            yield Refusal(("dataSources", index, "dataset"), f"Invalid dataset, valid values are {sorted(DATASETS)}")
            continue
        query_type = source.get("queryType", DATASETS[name])
        if query_type != DATASETS[name] and not (query_type == 1 and name in {"transactions", "generic_metrics"}):
            yield Refusal(("dataSources", index, "nonFieldErrors"),
                          "Invalid dataset for this query type. Valid datasets are ...")
        if name in {"transactions", "generic_metrics"}:
            yield Refusal(("dataSources", index, "nonFieldErrors"),
                          "Creation of transaction-based alerts is disabled, as we migrate to the span dataset. "
                          "Create span-based alerts (dataset: events_analytics_platform) with the "
                          "is_transaction:true filter instead.")


@rule("detector", "detector.event_types")
def event_types(body: dict, _state: OrgState):
    """snuba/snuba_query_validator.py: validate_event_types, QUERY_TYPE_VALID_EVENT_TYPES

    error/default for the events dataset; transaction, trace_item_log, trace_item_span for
    performance datasets; "Multiple event types not allowed. ..." on events_analytics_platform.
    """
    for index, source in _sources(body):
        name, types = source.get("dataset"), as_list(source.get("eventTypes"))
        if name not in DATASETS or DATASETS[name] not in EVENT_TYPES:
            continue
        valid = EVENT_TYPES[DATASETS[name]]
        if any(t not in valid for t in types):
            yield Refusal(("dataSources", index, "nonFieldErrors"),
                          f"Invalid event types for this dataset. Valid event types are {sorted(valid)}")
        if name == EAP and len(types) > 1:
            yield Refusal(("dataSources", index, "nonFieldErrors"),
                          f"Multiple event types not allowed. Valid event types are {sorted(valid)}")


@rule("detector", "detector.unsupported_query")
def unsupported_query(body: dict, _state: OrgState):
    """snuba/snuba_query_validator.py: UNSUPPORTED_QUERIES = {"release:latest"}, validate_query

    A subscription cannot follow "the latest release": the term is refused in any dataset.
    """
    for index, source in _sources(body):
        for term in str(source.get("query") or "").split():
            if term == "release:latest":
                yield Refusal(("dataSources", index, "query"),
                              f"Unsupported Query: We do not currently support the {term} query")


@rule("detector", "detector.eap_window")
def eap_window(body: dict, _state: OrgState):
    """snuba/snuba_query_validator.py: _validate_time_window

    "Invalid Time Window: Time window for this alert type must be at least 5 minutes." on
    events_analytics_platform. (Whether the detectors path reaches it is version-dependent;
    the double refuses, so errorops never depends on it.)
    """
    for index, source in _sources(body):
        window = source.get("timeWindow")
        if source.get("dataset") == EAP and _number(window) and window < 300:
            yield Refusal(("dataSources", index, "nonFieldErrors"),
                          "Invalid Time Window: Time window for this alert type must be at least 5 minutes.")


@rule("detector", "detector.aggregate")
def aggregate(body: dict, _state: OrgState):
    """incidents/logic.py: check_aggregate_column_support, EAP_FUNCTIONS

    On events_analytics_platform only the functions of EAP_FUNCTIONS; on events a function of
    the errors dataset: "Invalid Metric: We do not currently support this field."
    """
    for index, source in _sources(body):
        text = str(source.get("aggregate") or "")
        match = re.fullmatch(r"([a-z_0-9]+)\((.*)\)", text)
        if source.get("dataset") == EAP:
            ok = bool(match) and match.group(1) in EAP_FUNCTIONS
        elif source.get("dataset") == "events":
            ok = bool(match) and match.group(1) in {"count", "count_unique"}
        else:
            ok = True
        if text and not ok:
            yield Refusal(("dataSources", index, "aggregate"), "Invalid Metric: We do not currently support this field.")


@rule("detector", "detector.config_schema")
def config_schema(body: dict, _state: OrgState):
    """incidents/grouptype.py: MetricIssue.detector_settings.config_schema

    detection_type required, one of static, percent, dynamic; comparison_delta one of
    300, 900, 3600, 86400, 604800, 2592000 (seconds) or null. Enforced at save:
    {"config": ["<jsonschema message>"]}.
    """
    if "config" not in body and "type" in body:
        yield Refusal(("config",), "'detection_type' is a required property")
        return
    config = as_dict(body.get("config"))
    if "config" in body and config.get("detectionType") not in {"static", "percent", "dynamic"}:
        yield Refusal(("config",), f"{config.get('detectionType')!r} is not one of ['static', 'percent', 'dynamic']")
    if config.get("comparisonDelta") not in COMPARISON_DELTAS:
        yield Refusal(("config",), f"{config.get('comparisonDelta')!r} is not one of {sorted(COMPARISON_DELTAS - {None})} or None")


@rule("detector", "detector.condition_group")
def condition_group(body: dict, _state: OrgState):
    """incidents/metric_issue_detector.py: MetricIssueComparisonConditionValidator, validate_conditions

    logicType one of any, any-short, all, none; condition types gt, lt, gte, lte,
    anomaly_detection ("Unsupported type eq"); a number as comparison ("A valid number or dict is
    required."); conditionResult 75, 50 or 0 ("Unsupported condition result": low is refused);
    a resolution (0) condition is required; at most 3 conditions ("Too many conditions").
    """
    if "conditionGroup" not in body:
        return
    group = as_dict(body["conditionGroup"])
    if group.get("logicType") not in LOGIC_TYPES:
        yield Refusal(("conditionGroup", "logicType"), f'"{group.get("logicType")}" is not a valid choice.')
    conditions = as_list(group.get("conditions"))
    for index, condition in enumerate(map(as_dict, conditions)):
        where = ("conditionGroup", "conditions", index)
        kind = condition.get("type")
        if kind not in ALL_CONDITION_TYPES:
            yield Refusal(where + ("type",), f'"{kind}" is not a valid choice.')
        elif kind not in CONDITION_TYPES:
            yield Refusal(where + ("type",), f"Unsupported type {kind}")
        if kind != "anomaly_detection" and not _number(condition.get("comparison")):
            yield Refusal(where + ("comparison",), "A valid number or dict is required.")
        if condition.get("conditionResult") not in PRIORITIES or isinstance(condition.get("conditionResult"), bool):
            yield Refusal(where + ("conditionResult",), "Unsupported condition result")
    typed = [as_dict(c) for c in conditions]
    if not any(c.get("conditionResult") == 0 and not isinstance(c.get("conditionResult"), bool) for c in typed) \
            and not any(c.get("type") == "anomaly_detection" for c in typed):
        yield Refusal(("conditionGroup", "conditions"), "Resolution condition required for metric issue detector.")
    if len(conditions) > 3:
        yield Refusal(("nonFieldErrors",), "Too many conditions")


@rule("detector", "detector.owner")
def owner(body: dict, state: OrgState):
    """api/fields/actor.py: OwnerActorField, parse_and_validate_actor, _validate_team_assignment

    "type:id" with type team or user; the team must be in the organisation; assigning a team
    needs the team:admin scope or membership of that team: "You do not have permission to
    assign this owner" / "You can only assign teams you are a member of" (the wording varies by
    version), unless the organisation has open membership (allow_joinleave).
    """
    yield from owner_refusals(body, state)


def owner_refusals(body: dict, state: OrgState):
    value = body.get("owner")
    if value is None:
        return
    match = _ACTOR.match(str(value)) if isinstance(value, str) else None
    if match is None:
        yield Refusal(("owner",), "Could not parse actor. Format should be `type:id` where type is `team` or `user`.")
        return
    kind, ident = match.groups()
    if kind == "team":
        if ident not in state.teams:
            yield Refusal(("owner",), "Team is not a member of this organization")
        elif "team:admin" not in state.scopes and ident not in state.member_of and not state.open_membership:
            yield Refusal(("owner",), "You can only assign teams you are a member of")
    elif ident not in state.user_ids:
        yield Refusal(("owner",), "User is not a member of this organization")

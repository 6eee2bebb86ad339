"""Advisory: thresholds inside sane bounds, and every rule with a named owner."""

from __future__ import annotations

import re

from .common import GCP_ALERT_POLICY, SENTRY_ALERT, SENTRY_MONITOR, get, is_unknown, plain

# Windows Sentry's detectors accept, and the comparison windows of percent-change monitors.
SENTRY_WINDOW_SECONDS = (60, 86400)
SENTRY_COMPARISON_DELTAS = (300, 900, 3600, 86400, 604800, 2592000)
MAX_PERCENT_CHANGE = 1000
MAX_GCP_DURATION_SECONDS = 86400
_PRIORITY_OK = 0  # conditionResult of a monitor's resolve condition


def _seconds(text) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s\s*", str(text)) if isinstance(text, str) else None
    return float(match.group(1)) if match else None


def _sentry_monitor(payload) -> list[str]:
    out = []
    aggregates = []
    for i, source in enumerate(get(payload, "dataSources", default=[]) or []):
        aggregates.append(str(get(source, "aggregate", default="")))
        window = get(source, "timeWindow")
        if isinstance(window, int | float) and not SENTRY_WINDOW_SECONDS[0] <= window <= SENTRY_WINDOW_SECONDS[1]:
            out.append(f"dataSources[{i}].timeWindow {window:g} s is outside {SENTRY_WINDOW_SECONDS[0]}-"
                       f"{SENTRY_WINDOW_SECONDS[1]} s")
    detection = str(get(payload, "config", "detectionType", default="static"))
    delta = get(payload, "config", "comparisonDelta")
    if detection == "percent" and delta is not None and delta not in SENTRY_COMPARISON_DELTAS:
        out.append(f"config.comparisonDelta {delta:g} s is not one Sentry offers ({SENTRY_COMPARISON_DELTAS})")
    for j, condition in enumerate(get(payload, "conditionGroup", "conditions", default=[]) or []):
        if get(condition, "conditionResult") == _PRIORITY_OK:
            continue
        value = get(condition, "comparison")
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        where = f"conditionGroup.conditions[{j}] threshold {value:g}"
        if value <= 0 and not (detection == "static" and get(condition, "type") == "lt"):
            out.append(f"{where} is not above 0: it fires all the time or never")
        # A percent monitor compares current / baseline * 100 (Sentry's
        # incidents/utils/process_update_helpers.py): "+50%" is 150, and 50 fires on half the baseline.
        elif detection == "percent" and get(condition, "type") in ("gt", "gte") and value <= 100:
            out.append(f"{where}% of the baseline is not above 100%: it fires whenever the value is above "
                       f"{value:g}% of the baseline, nearly always (an increase of X% is {100:g}+X)")
        elif detection == "percent" and value > 100 + MAX_PERCENT_CHANGE:
            out.append(f"{where}% of the baseline is a change above {MAX_PERCENT_CHANGE}%: it would hardly ever fire")
        elif detection == "static" and any(a.startswith("failure_rate(") for a in aggregates) and value > 1:
            out.append(f"{where} is a failure_rate() ratio above 1 (percent not converted?): it can never fire")
        elif detection == "static" and any(a.startswith("count(") for a in aggregates) and value != int(value):
            out.append(f"{where} is a fractional count")
    return out


def _gcp_policy(props) -> list[str]:
    out = []
    for i, condition in enumerate(get(props, "conditions", default=[]) or []):
        for kind, body in condition.items() if isinstance(condition, dict) else ():
            if not kind.startswith("condition") or not isinstance(body, dict):
                continue
            where = f"conditions[{i}].{kind}"
            duration = _seconds(body.get("duration"))
            if duration is not None and (duration > MAX_GCP_DURATION_SECONDS or duration % 60):
                out.append(f"{where}.duration {duration:g} s is not a whole number of minutes up to 24 hours")
            threshold = body.get("thresholdValue")
            if isinstance(threshold, int | float) and not is_unknown(threshold) and threshold < 0:
                out.append(f"{where}.thresholdValue {threshold:g} is negative")
            for j, aggregation in enumerate(body.get("aggregations") or []):
                period = _seconds(get(aggregation, "alignmentPeriod"))
                if period is not None and not 60 <= period <= MAX_GCP_DURATION_SECONDS:
                    out.append(f"{where}.aggregations[{j}].alignmentPeriod {period:g} s is outside 60 s-24 h")
            count = get(body, "trigger", "count")
            if isinstance(count, int | float) and count < 1:
                out.append(f"{where}.trigger.count {count:g} is below 1")
    return out


def validate_thresholds(args, report_violation) -> None:
    props = plain(args.props)
    if args.resource_type == SENTRY_MONITOR:
        payload = get(props, "payload", default={}) or {}
        found, name = _sentry_monitor(payload), get(payload, "name", default=args.name)
    elif args.resource_type == GCP_ALERT_POLICY:
        found, name = _gcp_policy(props), get(props, "displayName", default=args.name)
    else:
        return
    for finding in found:
        report_violation(f"'{name}': {finding}.", None)


_OWNER = re.compile(r"^(team|user):\S.*$")


def validate_owner(args, report_violation) -> None:
    props = plain(args.props)
    if args.resource_type in (SENTRY_ALERT, SENTRY_MONITOR):
        payload = get(props, "payload", default={}) or {}
        owner = payload.get("owner") if isinstance(payload, dict) else None
        if not is_unknown(owner) and not (isinstance(owner, str) and _OWNER.match(owner)):
            report_violation(f"Sentry rule '{get(payload, 'name', default=args.name)}' has no owner: set payload.owner "
                             "to team:<id> (the rule's owner: in sentry_alerts.yaml).", None)
    elif args.resource_type == GCP_ALERT_POLICY:
        team = get(props, "userLabels", "team")
        if not is_unknown(props.get("userLabels")) and not (isinstance(team, str) and team.strip()):
            report_violation(f"Cloud Monitoring policy '{get(props, 'displayName', default=args.name)}' has no owner: "
                             "user label team is missing.", None)

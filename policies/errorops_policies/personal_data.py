"""No personal data in alert filters, labels or tags.

Alert filters, metric labels, user labels and tags are stored and shown in plain text
by Sentry and Google, copied into every incident and notification, and (as labels)
create one time series per value. A user's id, e-mail address, IP address, name or
phone number belongs in the event or log entry, reached from the alert, never in them.

Looked at: a Sentry alert's trigger and filter conditions and a Sentry monitor's query;
every ``filter``/``query`` of a Cloud Monitoring or log-metric resource, the fields it
groups by, and its label extractors and metric label keys; the keys and values of
``labels``, ``userLabels`` and ``tags`` of any resource. A notification channel needs an
e-mail address as a label: there it must be a secret (encrypted, never in plain text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .common import GCP_CHANNEL, SENTRY_ALERT, SENTRY_MONITOR, dotted, get, is_unknown, plain, walk
from .secrets import is_secret

# Field names that hold personal data, as Sentry tags/attributes, log fields or labels.
_PII_FIELD = re.compile(
    r"""(?ix)(?<![a-z0-9])(
        user[._-]?(?:id|email|ip|ip[._-]?address|name|username|phone)
      | userid | username | user
      | e[-_]?mail(?:[._-]?address)?
      | ip(?:[._-]?addr(?:ess)?)? | client[._-]?ip | remote[._-]?(?:ip|addr(?:ess)?) | source[._-]?ip
      | x[._-]forwarded[._-]for
      | phone(?:[._-]?number)? | (?:first|last|full)[._-]?name | date[._-]?of[._-]?birth | ssn
    )(?![a-z0-9])""")
# A bare "user" is Sentry's user context (id, e-mail, IP); elsewhere it is too common a word.
_BARE_USER = re.compile(r"(?i)^user$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")

_LABEL_KEYS = frozenset({"labels", "userLabels", "tags", "labelExtractors"})


def _field_hits(text: str, bare_user: bool = False) -> list[str]:
    hits = [m.group(1) for m in _PII_FIELD.finditer(text) if m.group(1).lower() != "user"]
    if bare_user and _BARE_USER.match(text.strip()):
        hits.append(text.strip())
    return hits


def _value_hits(text: str) -> list[str]:
    return [("an e-mail address" if _EMAIL.fullmatch(m.group(0)) else "an IP address")
            for m in (*_EMAIL.finditer(text), *_IPV4.finditer(text))]


def _text_findings(where: str, text: Any, fields: bool = True) -> Iterator[str]:
    if not isinstance(text, str) or is_unknown(text) or is_secret(text):
        return
    if fields:
        for hit in sorted(set(_field_hits(text))):
            yield f"{where} refers to '{hit}'"
    for hit in sorted(set(_value_hits(text))):
        yield f"{where} contains {hit}"


def _sentry_alert(payload: Mapping) -> Iterator[str]:
    groups = [("triggers", get(payload, "triggers", default={}) or {})]
    groups += [(f"actionFilters[{i}]", g) for i, g in enumerate(get(payload, "actionFilters", default=[]) or [])]
    for where, group in groups:
        for j, condition in enumerate(get(group, "conditions", default=[]) or []):
            comparison = get(condition, "comparison")
            at = f"{where}.conditions[{j}] ({get(condition, 'type', default='?')})"
            if not isinstance(comparison, Mapping):
                continue
            for key in ("key", "attribute"):
                name = get(comparison, key)
                if isinstance(name, str) and (_field_hits(name) or _BARE_USER.match(name.strip())):
                    yield f"{at} filters on the personal-data field '{name}'"
            yield from _text_findings(f"{at} value", get(comparison, "value"), fields=False)


def _sentry_monitor(payload: Mapping) -> Iterator[str]:
    for i, source in enumerate(get(payload, "dataSources", default=[]) or []):
        query = get(source, "query")
        if not isinstance(query, str):
            continue
        # Sentry search syntax: key:value, !key:value, has:key.
        fields = [k for k in re.findall(r"(?:^|[\s(])!?([A-Za-z0-9_.\-\[\]]+):", query) if k != "has"]
        fields += re.findall(r"(?:^|[\s(])!?has:([A-Za-z0-9_.\-]+)", query)
        for field in sorted(set(fields)):
            if _field_hits(field) or _BARE_USER.match(field):
                yield f"dataSources[{i}].query filters on the personal-data field '{field}'"
        for hit in sorted(set(_value_hits(query))):
            yield f"dataSources[{i}].query contains {hit}"


def _labels(path: tuple, value: Any, channel: bool) -> Iterator[str]:
    where = dotted(path)
    if is_unknown(value) or not isinstance(value, Mapping):
        # A whole label map given as a secret is encrypted; anything else is not a label map.
        return
    for key, item in value.items():
        if channel and path == ("labels",) and str(key) == "email_address":
            if not is_secret(item) and item not in (None, ""):
                yield ("labels.email_address is a personal e-mail address in plain text: pass it as a secret "
                       "(pulumi config set --secret ...)")
            continue
        if isinstance(item, str) and is_secret(item):
            continue
        for hit in sorted(set(_field_hits(str(key)))):
            yield f"{where} has the personal-data key '{key}'"
        yield from _text_findings(f"{where}.{key}", item)


def findings(resource_type: str, props: Mapping) -> list[str]:
    out: list[str] = []
    if resource_type == SENTRY_ALERT:
        out += _sentry_alert(get(props, "payload", default={}) or {})
    if resource_type == SENTRY_MONITOR:
        out += _sentry_monitor(get(props, "payload", default={}) or {})
    if resource_type.startswith("gcp:"):
        for path, value in walk(props):
            if not path or isinstance(path[-1], int):
                continue
            key = str(path[-1])
            if key.lower().endswith(("filter", "query")) and isinstance(value, str):
                out += _text_findings(dotted(path), value)
            elif key == "groupByFields" and isinstance(value, list):
                for i, item in enumerate(value):
                    out += _text_findings(dotted(path + (i,)), item, fields=True)
            elif key == "metricDescriptor" and isinstance(value, Mapping):
                for i, label in enumerate(get(value, "labels", default=[]) or []):
                    name = get(label, "key")
                    if isinstance(name, str) and _field_hits(name):
                        out.append(f"{dotted(path)}.labels[{i}] is the personal-data label '{name}'")
    for path, value in walk(props):
        if path and not isinstance(path[-1], int) and str(path[-1]) in _LABEL_KEYS and (
                len(path) == 1 or str(path[-1]) == "labelExtractors"):
            out += _labels(path, value, resource_type == GCP_CHANNEL)
    return sorted(set(out))


def validate_personal_data(args, report_violation) -> None:
    for finding in findings(args.resource_type, plain(args.props)):
        report_violation(f"{finding}. Personal data stays in the event or log entry, never in "
                         "alert filters, labels or tags.", None)

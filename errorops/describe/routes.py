"""Who hears about an alert, in a reviewer's words: "posts to Slack #alerts", "e-mails the team lead"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .roles import Roles
from .sentence import Sentence, say
from .values import get, show


@dataclass(frozen=True)
class Route:
    rank: int
    fragment: str  # words after "now also " / "no longer "; {} takes the values
    values: tuple[Any, ...] = ()

    def sort_key(self) -> tuple[Any, ...]:
        return (self.rank, self.fragment, tuple(show(v) for v in self.values))


def as_words(text: str) -> str:
    """Text that goes into a template as words: a literal "{}" must not take a value."""
    return text.replace("{}", "{ }")


def route_sentences(old: dict[Any, Route], new: dict[Any, Route], lead: str = "") -> list[Sentence]:
    out = []
    also = "now also " if old else "now "
    for key in sorted(new.keys() - old.keys(), key=lambda k: new[k].sort_key()):
        out.append(say(lead + also + new[key].fragment, *new[key].values))
    for key in sorted(old.keys() - new.keys(), key=lambda k: old[k].sort_key()):
        out.append(say(lead + "no longer " + old[key].fragment, *old[key].values))
    if old and not new:
        out.append(say(lead + "now notifies nobody"))
    return out


def route_list(routes: dict[Any, Route]) -> Sentence:
    items = sorted(routes.values(), key=Route.sort_key)
    if not items:
        return say("notifies nobody")
    template = "; ".join(r.fragment for r in items)
    values = tuple(v for r in items for v in r.values)
    return say(template, *values)


def sentry_routes(stack: str, payload: dict[str, Any], roles: Roles) -> dict[tuple[str, ...], tuple[Route, dict[str, Any]]]:
    """Each action of a Sentry alert, keyed by where it goes, with the action itself."""
    routes: dict[tuple[str, ...], tuple[Route, dict[str, Any]]] = {}
    for action_filter in get(payload, "actionFilters", default=[]) or []:
        for action in get(action_filter, "actions", default=[]) or []:
            if not isinstance(action, dict):
                continue
            kind = action.get("type")
            config = action.get("config") or {}
            target = config.get("targetIdentifier")
            key: tuple[str, ...]
            if kind == "slack":
                channel = roles.slack_channel(stack, target, config.get("targetDisplay"))
                key, route = ("slack", str(target)), Route(0, as_words(f"posts to Slack {channel}"))
            elif kind == "email" and config.get("targetType") == "team":
                key, route = ("email", "team", str(target)), Route(1, "e-mails team {}", (target,))
            elif kind == "email":
                role = roles.sentry_user(stack, target)
                route = Route(1, as_words(f"e-mails {role}")) if role else Route(1, "e-mails Sentry user {}", (target,))
                key = ("email", str(config.get("targetType")), str(target))
            elif kind == "github":
                repo = get(action, "data", "additional_fields", "repo", default="")
                key, route = ("github", str(repo)), Route(2, "opens a GitHub issue in {}", (repo,))
            elif kind == "pagerduty":
                service = config.get("targetDisplay") or target
                key, route = ("pagerduty", str(target)), Route(3, "pages on-call through PagerDuty service {}", (service,))
            else:
                key = (str(kind), show(config))
                route = Route(4, "notifies through {} {}", (kind, target if target else config))
            routes[key] = (route, action)
    return routes


def gcp_routes(channels: Any, roles: Roles) -> dict[str, Route]:
    """The notification channels of an alert policy, by the role or channel they reach."""
    routes = {}
    for channel in channels if isinstance(channels, list) else []:
        kind, target = roles.gcp_channel(str(channel))
        if kind == "email":
            routes[str(channel)] = Route(1, as_words(f"e-mails {target}"))
        elif kind == "slack":
            routes[str(channel)] = Route(0, as_words(f"posts to Slack {target}"))
        elif kind == "pagerduty":
            routes[str(channel)] = Route(3, "pages on-call through PagerDuty")
        else:
            routes[str(channel)] = Route(4, "notifies channel {}", (target,))
    return routes

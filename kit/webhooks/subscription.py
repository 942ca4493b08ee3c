"""A LeanIX webhook subscription that posts Integration API run alerts to Slack or Teams (docs/alerts.md §2).

:func:`alert_subscription` only builds the subscription body (reference §8.2) with its generated callback;
nothing is sent. Store it with ``ws.webhooks.create(sub)`` (:class:`kit.webhooks.Webhooks`) or paste it into
LeanIX's webhook administration; check what it would post with :func:`kit.webhooks.preview_callback`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from kit.webhooks.callback_js import callback_source

__all__ = ["CHANNELS", "EVENTS", "alert_subscription", "event_tag_sets"]

#: where an alert can go, and the name used in the default identifier
CHANNELS = {"slack": "Slack", "teams": "Teams"}
#: the run events of reference §8.3, by their short names
EVENTS = ("STARTED", "FINISHED", "ABORTED")
_EVENT_PREFIX = "INTEGRATION_RUN_"


def _http_url(value: object, what: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host, else a ValueError saying so."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a URL string (https://...), got a {type(value).__name__}")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise ValueError(
            f"{what} must be an absolute http(s) URL such as https://hooks.slack.com/services/..., got "
            f"{shown!r}"
        )
    return value.strip()


def _events(events: Iterable[str]) -> list[str]:
    if isinstance(events, str):
        raise TypeError(f"events must be a list of event names, e.g. ['FINISHED', 'ABORTED'], not {events!r}")
    chosen: list[str] = []
    for event in events:
        name = str(event).upper().removeprefix(_EVENT_PREFIX) if isinstance(event, str) else event
        if name not in EVENTS:
            raise ValueError(
                f"unknown event {event!r} in events; choose from {', '.join(EVENTS)} "
                f"(or their long names {', '.join(_EVENT_PREFIX + e for e in EVENTS)})"
            )
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise ValueError(f"events is empty: name at least one of {', '.join(EVENTS)}")
    return chosen


def _connectors(connectors: Iterable[str] | None) -> list[str] | None:
    if connectors is None:
        return None
    if isinstance(connectors, str) or not isinstance(connectors, Iterable):
        raise TypeError(
            f"connectors must be a list of connector ids, e.g. [{connectors!r}], or None for all connectors; "
            f"got a {type(connectors).__name__}"
        )
    found = list(connectors)
    for i, connector in enumerate(found):
        if not isinstance(connector, str) or not connector:
            raise TypeError(
                f"connectors[{i}] must be a connector id (non-empty text, the connectorId of the processor "
                f"configuration), got {connector!r}"
            )
    if not found:
        raise ValueError("connectors is an empty list, so nothing would ever be sent; give None for all")
    return found


def event_tag_sets(events: Iterable[str]) -> list[list[str]]:
    """The ``tagSets`` that select the run ``events`` (INFERRED matching, docs/alerts.md §2):
    ``[["integrations", "INTEGRATION_RUN_FINISHED"], ...]``."""
    return [["integrations", _EVENT_PREFIX + event] for event in _events(events)]


def _optional_text(value: object, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{what} must be text or None, got a {type(value).__name__}")
    return value


def alert_subscription(
    channel: str,
    target_url: str,
    connectors: Iterable[str] | None = None,
    events: Iterable[str] = ("FINISHED", "ABORTED"),
    only_problems: bool = False,
    *,
    identifier: str | None = None,
    workspace_url: str | None = None,
    workspace_id: str | None = None,
    user_id: str | None = None,
    authorization_header: str | None = None,
    active: bool = True,
) -> dict[str, Any]:
    """A PUSH subscription body (reference §8.2) that posts Integration API run alerts to ``channel``.

    ``channel`` is ``"slack"`` (an incoming-webhook URL; a message with mrkdwn blocks) or ``"teams"`` (an
    incoming webhook or Workflows URL; an Adaptive Card 1.4). ``connectors`` limits the alerts to those
    connector ids (None: all); ``events`` are any of STARTED, FINISHED, ABORTED; ``only_problems`` drops a
    FINISHED run without warnings or errors. ``workspace_url`` (``https://acme.leanix.net/MyWorkspace``)
    makes the message link to the run in the sync log; without it the message names the sync log id.
    ``target_url`` is a secret (whoever has it can post): keep it out of notebooks and version control.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; choose 'slack' or 'teams'")
    target = _http_url(target_url, "target_url")
    chosen = _events(events)
    options = {
        "channel": channel,
        "events": chosen,
        "connectors": _connectors(connectors),
        "onlyProblems": bool(only_problems),
        "workspaceUrl": _http_url(workspace_url, "workspace_url").rstrip("/") if workspace_url else None,
    }
    name = _optional_text(identifier, "identifier") or f"lxkit: Integration API runs to {CHANNELS[channel]}"
    if not 1 <= len(name) <= 255:
        raise ValueError(f"identifier must have 1 to 255 characters, got {len(name)}")
    sub: dict[str, Any] = {
        "identifier": name,
        "deliveryType": "PUSH",
        "tagSets": event_tag_sets(chosen),
        "targetUrl": target,
        "targetMethod": "POST",
        "callback": callback_source(options),
        "ignoreError": False,
        "workspaceConstraint": "WORKSPACE",
        "payloadMode": "DEFAULT",
        "maxBatchSize": 512,
        "active": bool(active),
    }
    for key, value, what in (
        ("workspaceId", workspace_id, "workspace_id"),
        ("userId", user_id, "user_id"),
        ("authorizationHeader", authorization_header, "authorization_header"),
    ):
        if _optional_text(value, what) is not None:
            sub[key] = value
    return sub

"""Plain HTTP to a test's own sandbox (no kit client): its bearer token and one GraphQL request."""

from __future__ import annotations

from typing import Any

import requests

from kit.sandbox import SANDBOX_TOKEN, Sandbox


def bearer_of(sandbox: Sandbox) -> str:
    """An access token from the sandbox's MTM token endpoint, as every LeanIX client gets one."""
    answer = requests.post(
        f"{sandbox.url}/services/mtm/v1/oauth2/token",
        auth=("apitoken", SANDBOX_TOKEN),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def post(
    sandbox: Sandbox, bearer: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The whole answer of one GraphQL request (data and errors)."""
    answer = requests.post(
        f"{sandbox.url}/services/pathfinder/v1/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=30,
    )
    assert answer.status_code == 200  # GraphQL answers 200 even with errors (error-handling-in-graphql)
    return dict(answer.json())


def data(
    sandbox: Sandbox, bearer: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``data`` of one GraphQL request that must answer without errors (a test's own look-ups)."""
    answer = post(sandbox, bearer, query, variables)
    assert not answer.get("errors"), f"the sandbox answered errors: {answer['errors']}"
    return dict(answer["data"])


def nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The nodes of a GraphQL connection (none for a null one)."""
    return [edge["node"] for edge in (connection or {}).get("edges") or []]

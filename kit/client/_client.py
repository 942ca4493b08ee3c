"""The LeanIX client: token exchange, GraphQL and REST over one transport. No pandas here."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import requests
from graphql import GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse

from kit.client._auth import TOKEN_PATH, TokenManager
from kit.client._errors import AuthenticationError, FieldPermissionError, GraphQLError, LeanIXError
from kit.client._excerpt import excerpt
from kit.client._transport import RetryPolicy, Transport
from kit.config import Secret

__all__ = ["LeanIXClient"]

log = logging.getLogger("kit.client")

GRAPHQL_PATH = "/services/pathfinder/v1/graphql"


class LeanIXClient:
    """Talks to one LeanIX instance with one API token.

    >>> client = LeanIXClient("https://acme.leanix.net", Secret(token))   # doctest: +SKIP
    >>> client.graphql("{ allFactSheets(first: 1) { totalCount } }")   # doctest: +SKIP

    ``session`` may be injected (proxies, certificates); ``retry`` tunes the transport retries.
    """

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (10.0, 120.0),
    ) -> None:
        if not isinstance(token, Secret):
            raise TypeError("token must be a kit.config.Secret (so it never shows in logs or reprs)")
        self._token = token
        self.transport = Transport(base_url, session=session, retry=retry, timeout=timeout)
        self.transport.secrets.append(token)  # never quoted from an error body
        self.tokens = TokenManager(self._exchange)

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    def __repr__(self) -> str:
        return f"LeanIXClient({self.base_url!r})"

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> LeanIXClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- identity -----------------------------------------------------------------------------------
    @property
    def claims(self) -> dict[str, Any]:
        """Claims of the current access token (decoded, not verified)."""
        return self.tokens.claims

    @property
    def workspace_id(self) -> str | None:
        return self.claims.get("principal", {}).get("permission", {}).get("workspaceId")

    @property
    def workspace_name(self) -> str | None:
        return self.claims.get("principal", {}).get("permission", {}).get("workspaceName")

    @property
    def instance_url(self) -> str | None:
        return self.claims.get("instanceUrl")

    def _exchange(self) -> dict[str, Any]:
        response = self.transport.send(
            "POST",
            TOKEN_PATH,
            idempotent=True,
            data={"grant_type": "client_credentials"},
            auth=("apitoken", self._token.reveal()),
            ok_statuses=(400, 401, 403),
        )
        if response.status_code in (400, 401, 403):
            raise AuthenticationError(
                f"{self.base_url} rejected the API token (HTTP {response.status_code} from the token "
                "endpoint). Check LEANIX_API_TOKEN: it may be mistyped, revoked, expired, or belong to "
                "another instance than LEANIX_HOST.",
                status=response.status_code,
                url=self.base_url + TOKEN_PATH,
            )
        return _json(response, self.base_url + TOKEN_PATH)

    # -- raw calls ------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool | None = None,
        params: Mapping[str, Any] | None = None,
        json: object = None,
    ) -> Any:
        """Call a service path (``/services/...``) with the bearer token; returns decoded JSON or None.

        A 401 renews the token once and repeats the call (a call rejected for its token had no effect).
        """
        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD", "PUT", "DELETE")
        for attempt in (1, 2):
            bearer = self.tokens.bearer()
            response = self.transport.send(
                method,
                path,
                idempotent=idempotent,
                headers={"Authorization": f"Bearer {bearer}"},
                params=dict(params) if params else None,
                json=json,
                ok_statuses=(401,),
            )
            if response.status_code != 401:
                return _json(response, self.base_url + path)
            self.tokens.invalidate(bearer)
            log.info("access token rejected (HTTP 401); renewing it%s", "" if attempt == 1 else " failed")
        raise AuthenticationError(
            f"{method} {self.base_url}{path} answered HTTP 401 even with a fresh access token. Check that "
            "LEANIX_API_TOKEN belongs to this workspace and that its user is allowed to call this service.",
            status=401,
            url=self.base_url + path,
        )

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(
        self,
        path: str,
        json: object = None,
        params: Mapping[str, Any] | None = None,
        *,
        idempotent: bool = False,
    ) -> Any:
        return self.request("POST", path, params=params, json=json, idempotent=idempotent)

    def put(self, path: str, json: object = None, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("PUT", path, params=params, json=json)

    def delete(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("DELETE", path, params=params)

    # -- GraphQL ----------------------------------------------------------------------------------------
    def graphql(
        self, query: str, variables: Mapping[str, Any] | None = None, operation_name: str | None = None
    ) -> dict[str, Any]:
        """Run a GraphQL document; returns ``data``. Queries are retried, mutations are not.

        Raises :class:`GraphQLError` (or :class:`FieldPermissionError`) when the answer carries ``errors``.
        """
        body: dict[str, Any] = {"query": query}
        if variables:
            body["variables"] = dict(variables)
        if operation_name:
            body["operationName"] = operation_name
        answer = self.request(
            "POST", GRAPHQL_PATH, json=body, idempotent=not is_mutation(query, operation_name)
        )
        if not isinstance(answer, dict):
            raise LeanIXError(f"POST {self.base_url}{GRAPHQL_PATH} answered without a JSON object.")
        errors = answer.get("errors")
        if errors:
            cls = FieldPermissionError if FieldPermissionError.matches(errors) else GraphQLError
            raise cls(errors, operation_name)
        return answer.get("data") or {}

    def graphql_pages(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        connection: str = "allFactSheets",
        page_size: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Follow ``first``/``after`` cursors; yields each page's connection object.

        The query must declare ``$first: Int`` and ``$after: String`` and pass them to ``connection``.
        """
        after: str | None = None
        while True:
            data = self.graphql(query, {**(variables or {}), "first": page_size, "after": after})
            page = data.get(connection) or {}
            yield page
            info = page.get("pageInfo") or {}
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not after:
                return


@lru_cache(maxsize=256)
def is_mutation(query: str, operation_name: str | None = None) -> bool:
    """Whether the operation that would run is a mutation (so it must not be repeated blindly)."""
    try:
        document = parse(query, no_location=True)
    except GraphQLSyntaxError:
        return False  # the server will report the syntax error; nothing runs, so retrying is harmless
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [d for d in operations if d.name and d.name.value == operation_name] or operations
    return bool(operations) and operations[0].operation == OperationType.MUTATION


def _json(response: requests.Response, url: str) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        kind = excerpt(response.headers.get("Content-Type", ""), limit=80) or "no content type"
        raise LeanIXError(
            f"{url} answered HTTP {response.status_code} with a body that is not JSON ({kind}). Is "
            "LEANIX_HOST a LeanIX instance?",
            status=response.status_code,
            url=url,
        ) from None

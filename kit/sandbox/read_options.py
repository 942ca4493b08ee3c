"""Read arguments and fields of Pathfinder GraphQL beyond filters and paging: relation validity filters,
``allTags(filter:)``, ``allFactSheets(hierarchy: {mode: FULL_TREE})``, ``naFields`` and ``comments``.

- ``validityFilter: {activeFrom, activeUntil}`` on a relation connection keeps the relations whose validity
  (their ``activeFrom``/``activeUntil``, either unset = unbounded) overlaps the filter's interval (either unset
  = unbounded): "a relation is matched by the filter if and only if the relation validity interval has a
  non-empty intersection with the filter interval" (https://help.sap.com/docs/leanix/ea/managing-relations-between-fact-sheets).
- ``allTags(filter: {tagGroupName})`` lists the tags of that group
  (https://help.sap.com/docs/leanix/ea/assigning-tags-to-fact-sheets-based-on-custom-calculated-field).
- ``hierarchy: {mode: FULL_TREE}`` answers the matches with their whole hierarchy: each match's parents up to
  the top, the match, then its children, depth first (the migration guide's "Get a Fact Sheet Hierarchy by
  Root ID", https://help.sap.com/docs/leanix/ea/migrating-from-fact-sheets-rest-api-to-graphql-api).
- ``naFields`` are the fields and relations set as intentionally empty (``/naFields`` patches).
- ``comments(filter: {status})``: the sandbox keeps no comments, so the connection is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from graphql import GraphQLError

__all__ = [
    "full_tree",
    "resolve_comments",
    "resolve_na_fields",
    "resolve_tags",
    "validity_resolver",
]


def _iso_date(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)[:10]
    try:
        date.fromisoformat(text)
    except ValueError:
        raise GraphQLError(
            f"validityFilter.{where} must be a date like 2018-07-01, got {value!r}.",
            extensions={"errorType": "BAD_REQUEST"},
        ) from None
    return text


def _overlaps(node: Mapping[str, Any], start: str | None, end: str | None) -> bool:
    active_from = node.get("activeFrom")
    active_until = node.get("activeUntil")
    if active_from and end is not None and str(active_from)[:10] > end:
        return False
    return not (active_until and start is not None and str(active_until)[:10] < start)


def validity_resolver(connection: str) -> Any:
    """The resolver of one relation connection field: its value, narrowed by ``validityFilter`` if given."""

    def resolve(
        record: Mapping[str, Any], _info: Any, validityFilter: Mapping[str, Any] | None = None
    ) -> Any:  # noqa: N803
        value = record.get(connection)
        if not validityFilter or value is None:
            return value
        start = _iso_date(validityFilter.get("activeFrom"), "activeFrom")
        end = _iso_date(validityFilter.get("activeUntil"), "activeUntil")
        edges = [e for e in value["edges"] if _overlaps(e.node, start, end)]
        return {"totalCount": len(edges), "edges": edges}

    resolve.plain_without_arguments = True  # type: ignore[attr-defined]  # see graphql_api._plan_field
    return resolve


def resolve_tags(
    _root: Any,
    info: Any,
    first: int | None = None,
    after: str | None = None,
    filter: Mapping[str, Any] | None = None,  # noqa: A002 - LeanIX's name
) -> Any:
    """``allTags``: every tag, or with ``filter: {tagGroupName}`` the tags of that group."""
    from kit.sandbox.graphql_api import _page  # noqa: PLC0415 - graphql_api imports this module

    tags: Iterable[Mapping[str, Any]] = info.context.api.store.tags.values()
    group_name = (filter or {}).get("tagGroupName")
    if group_name is not None:
        tags = [t for t in tags if (t.get("tagGroup") or {}).get("name") == group_name]
    items = list(tags)
    return _page(items, first, after, len(items))


def full_tree(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``rows`` with their hierarchies: per row (in order) its parents from the top down, the row and its
    descendants depth first; each fact sheet once, archived relatives left out."""
    seen: set[str] = set()
    out: list[Mapping[str, Any]] = []

    def emit(rec: Mapping[str, Any]) -> None:
        if rec["id"] not in seen and rec.get("status") != "ARCHIVED":
            seen.add(rec["id"])
            out.append(rec)

    def related(rec: Mapping[str, Any], connection: str) -> list[Mapping[str, Any]]:
        value = rec.get(connection)
        return [e.node["factSheet"] for e in value["edges"]] if value else []

    def descend(rec: Mapping[str, Any], path: set[str]) -> None:
        for child in related(rec, "relToChild"):
            if child["id"] not in path:
                emit(child)
                descend(child, path | {child["id"]})

    for row in rows:
        chain: list[Mapping[str, Any]] = []
        parent = related(row, "relToParent")
        while parent and parent[0]["id"] not in {r["id"] for r in chain} | {row["id"]}:
            chain.append(parent[0])
            parent = related(parent[0], "relToParent")
        for ancestor in reversed(chain):
            emit(ancestor)
        if row["id"] not in seen:
            seen.add(row["id"])
            out.append(row)
        descend(row, {row["id"]})
    return out


def resolve_na_fields(record: Mapping[str, Any], _info: Any) -> list[str]:
    return list(record.get("naFields") or ())


def resolve_comments(
    _record: Mapping[str, Any],
    _info: Any,
    filter: Mapping[str, Any] | None = None,  # noqa: A002 - LeanIX's name
) -> dict[str, Any]:
    """A fact sheet's comments: the sandbox keeps none (any ``filter``), so an empty connection."""
    return {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}

"""The live source: a workspace read through GraphQL into records, type by type on first use."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from typing import Any

from kit.frames.paging import READ_ATTEMPTS, REREAD_PAUSE, Pass, archive_passes, read_pages
from kit.frames.reader import WorkspaceReader
from kit.integration.facets import scope_filter
from kit.leanix import RELATION_BASE_FIELDS, FieldDef, FieldKind
from kit.leanix.introspection import SCALARS
from kit.sources.base import Record, RecordView, group_of, tag_of

__all__ = ["LiveView"]

_LIVE_PAGE = """
query lxkitViewPage($first: Int, $after: String, $type: FactSheetType, $filter: FilterInput) {
  allFactSheets(first: $first, after: $after, factSheetType: $type, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { %s } }
  }
}
"""
_TAG_GROUPS = "{ allTagGroups { edges { node { id name shortName mode restrictToFactSheetTypes } } } }"
_TAGS = "{ allTags { edges { node { id name description color tagGroup { id name } } } } }"


class _Collected(list[Any]):
    """A list that takes pages of nodes, converted by ``convert`` (a page sink for :func:`read_pages`)."""

    def __init__(self, convert: Callable[[dict[str, Any]], Any]) -> None:
        super().__init__()
        self.convert = convert

    def add(self, nodes: list[dict[str, Any]]) -> None:
        self.extend(self.convert(node) for node in nodes)


class LiveView(RecordView):
    """A live workspace read through GraphQL, type by type on first use (active and archived fact sheets).

    ``metamodel`` is ``workspace.model``. ``select`` sends the scope to Pathfinder as a ``filter`` (its own
    semantics) and maps the answer onto the loaded records. Users are the subscribers found on the records
    (users live in MTM, not in GraphQL). Records carry the fields of the workspace's model, lifecycles with
    phases, external ids, tags, subscriptions, relations (with their fields) and completion; documents are
    not read. A type that changes while it is paged through is read again (the workspace's
    ``read_attempts``, ``reread_pause``), then :class:`~kit.client.InconsistentRead` is raised (see
    :mod:`kit.frames.paging`).
    """

    def __init__(
        self,
        workspace: WorkspaceReader,
        types: Iterable[str] | None = None,
        today: date | None = None,
        *,
        page_size: int = 500,
    ) -> None:
        super().__init__(today, workspace.model)
        self.workspace = workspace
        self.types = list(types) if types is not None else None
        self.page_size = page_size
        self._tag_data: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None
        self._ids_of_type: dict[str, dict[str, Record]] = {}

    def __repr__(self) -> str:
        return f"LiveView({self.workspace!r})"

    def _known_types(self) -> Collection[str]:
        return self.types if self.types is not None else self.workspace.types()

    def _load(self, type: str | None) -> list[Record]:  # noqa: A002
        if type is None:
            return [r for t in self._known_types() for r in self.records(t)]
        query = _LIVE_PAGE % f"id ... on {type} {{ {_node_selection(self.workspace, type)} }}"
        return self._read(query, type, archive_passes(None, True), self.page_size, _live_record)

    def select(self, scope: Mapping[str, Any], type: str | None = None) -> list[Record]:  # noqa: A002
        """Pathfinder's answer to ``allFactSheets(factSheetType: type, filter: scope)``, as records."""
        if type is not None and type not in self._known_types():
            return []
        filt = {k: v for k, v in scope_filter(scope).items() if v not in ([], "")}
        found = self._read(
            _LIVE_PAGE % "id type",
            type,
            [Pass(filt or None)],
            max(self.page_size, 1000),
            lambda node: (node["id"], node["type"]),
            what=f"the {type} fact sheets in scope" if type else "the fact sheets in scope",
        )
        out = []
        for fs_id, fs_type in found:
            index = self._ids_of_type.get(fs_type)
            if index is None:
                index = self._ids_of_type[fs_type] = {r["id"]: r for r in self.records(fs_type)}
            if fs_id in index:
                out.append(index[fs_id])
        return out

    def _read(
        self,
        query: str,
        type: str | None,  # noqa: A002
        passes: list[Pass],
        page_size: int,
        convert: Callable[[dict[str, Any]], Any],
        what: str | None = None,
    ) -> list[Any]:
        """Every page of ``query``, converted node by node; read again if the workspace moved meanwhile."""
        result: list[Any] = read_pages(
            self.workspace.client,
            query,
            lambda: _Collected(convert),
            type=type,
            kind="fact sheets",
            passes=passes,
            page_size=page_size,
            attempts=getattr(self.workspace, "read_attempts", READ_ATTEMPTS),
            pause=getattr(self.workspace, "reread_pause", REREAD_PAUSE),
            what=what,
        )
        return result

    def _tags_and_groups(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if self._tag_data is None:
            graphql = self.workspace.client.graphql
            groups = [e["node"] for e in graphql(_TAG_GROUPS)["allTagGroups"]["edges"]]
            tags = [tag_of(e["node"]) for e in graphql(_TAGS)["allTags"]["edges"]]
            self._tag_data = ([group_of(g) for g in groups], tags)
        return self._tag_data

    def tag_groups(self) -> list[Mapping[str, Any]]:
        return list(self._tags_and_groups()[0])

    def tags(self) -> list[Mapping[str, Any]]:
        return list(self._tags_and_groups()[1])


_BASE_SELECTION = (
    "type name displayName description category status level qualitySeal lxState createdAt updatedAt "
    "completion { completion percentage } tags { id name description color tagGroup { id name } } "
    "subscriptions { edges { node { id type user { id email firstName lastName displayName } "
    "roles { id name } } } }"
)
_NEEDS_SELECTION = (FieldKind.OBJECT, FieldKind.LOCATION, FieldKind.PROJECT, FieldKind.MILESTONE)


def _plain(f: FieldDef) -> bool:
    """A field read without a sub-selection (objects other than lifecycle and external id are not read)."""
    if f.kind == FieldKind.LIST:
        return f.graphql_type in SCALARS
    return f.kind not in _NEEDS_SELECTION


def _node_selection(ws: WorkspaceReader, type_name: str) -> str:
    """Everything a record needs from one type, in GraphQL, from the workspace's meta model."""
    model = ws.model
    parts = [_BASE_SELECTION]
    for f in model.type(type_name).fields:
        if f.kind == FieldKind.LIFECYCLE:
            parts.append(f"{f.name} {{ asString phases {{ phase startDate }} }}")
        elif f.kind == FieldKind.EXTERNALID:
            parts.append(f"{f.name} {{ externalId externalUrl comment status }}")
        elif _plain(f):
            parts.append(f.name)
    for name, rel in model.relations_of(type_name).items():
        names = dict.fromkeys(f.name for f in (*RELATION_BASE_FIELDS, *rel.fields) if _plain(f))
        target = "factSheet { id type name displayName }"
        parts.append(f"{name} {{ edges {{ node {{ id {' '.join(names)} {target} }} }} }}")
    return " ".join(parts)


def _live_record(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL node completed to the record shape (relation ``type``, ``totalCount``, ``userName``)."""
    for key, value in node.items():
        if isinstance(value, dict) and "edges" in value:
            value.setdefault("totalCount", len(value["edges"] or ()))
            for edge in value["edges"] or ():
                if key.startswith("rel"):
                    edge["node"].setdefault("type", key)
                user = edge["node"].get("user") if key == "subscriptions" else None
                if user is not None:
                    user.setdefault("userName", user.get("email"))
    return node

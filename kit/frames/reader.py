"""A LeanIX workspace read into typed pandas DataFrames: fact sheets, their tidy facets, and Integration API
runs. :class:`kit.workspace.Workspace` adds what writes (runs) and what stores (snapshots) on top."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

import pandas as pd

from kit.attended import attended
from kit.client import FieldPermissionError, LeanIXClient
from kit.frame import as_frame
from kit.frames.columns import FrameBuilder
from kit.frames.paging import READ_ATTEMPTS, REREAD_PAUSE, archive_passes, read_pages
from kit.frames.queries import FrameQuery, long_query, wide_query
from kit.frames.runs import RunsMixin
from kit.frames.tidy import (
    FanOut,
    Rows,
    RowSink,
    TypeFrames,
    lifecycle_rows,
    relation_rows,
    subscription_rows,
    tag_rows,
)
from kit.leanix import INTROSPECTION_QUERY, MetaModel, RelationDef

__all__ = ["DeniedFieldsWarning", "TypeFrames", "WorkspaceReader", "read_type"]

log = logging.getLogger("kit.workspace")  # the name users configure logging by

_PAGE_QUERY = """
query lxkitFactSheets($first: Int, $after: String, $type: FactSheetType, $filter: FilterInput) {
  allFactSheets(first: $first, after: $after, factSheetType: $type, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { %s } }
  }
}
"""


class DeniedFieldsWarning(UserWarning):
    """Some requested fields were dropped because the token's user may not read them."""


class WorkspaceReader(RunsMixin):
    """The reading half of a workspace, reached through a :class:`~kit.client.LeanIXClient`.

    Frames share column names with the GraphQL API (``businessCriticality``, ``lifecycle`` …); type, status
    and single-select columns are categoricals in the workspace's own order, timestamps are UTC datetimes.

    A type whose fact sheets change while it is paged through is read again from the start, up to
    ``read_attempts`` times ``reread_pause`` seconds apart, then :class:`~kit.client.InconsistentRead` is
    raised (see :mod:`kit.frames.paging`).
    """

    def __init__(
        self,
        client: LeanIXClient,
        *,
        page_size: int = 1000,
        progress: bool | None = None,
        read_attempts: int = READ_ATTEMPTS,
        reread_pause: float = REREAD_PAUSE,
    ) -> None:
        self.client = client
        self.page_size = page_size
        self.progress = progress
        self.read_attempts = read_attempts
        self.reread_pause = reread_pause
        self._model: MetaModel | None = None

    def __repr__(self) -> str:
        return f"Workspace({self.client.base_url!r}, workspace={self.name!r})"

    def __str__(self) -> str:
        """For people: ``workspace 'Demo Corp' at https://acme.leanix.net``."""
        return f"workspace {self.name!r} at {self.client.base_url}" if self.name else self.client.base_url

    @property
    def name(self) -> str | None:
        return self.client.workspace_name

    @property
    def id(self) -> str | None:
        return self.client.workspace_id

    @property
    def host(self) -> str:
        return self.client.base_url

    # -- the model ----------------------------------------------------------------------------------------
    @property
    def model(self) -> MetaModel:
        """The workspace's meta model, read by GraphQL introspection once."""
        if self._model is None:
            self._model = MetaModel.from_introspection(self.client.graphql(INTROSPECTION_QUERY))
        return self._model

    def types(self) -> list[str]:
        """The workspace's fact sheet types."""
        return list(self.model.type_names)

    def fields(self, type: str) -> pd.DataFrame:  # noqa: A002 - the user's word
        """The type's fields: name, LeanIX kind (``SINGLE_SELECT``, ``LIFECYCLE``, ... and ``RELATION`` for
        relation connections), GraphQL type, allowed values (selects) and relation fields."""
        model = self.model
        rows = [
            {
                "field": f.name,
                "kind": f.kind.value,
                "graphqlType": f.graphql_type or None,
                "values": list(f.values) or None,
                "relationFields": None,
            }
            for f in model.fields_of(type)
        ]
        rows += [
            {
                "field": name,
                "kind": "RELATION",
                "graphqlType": rel.target,
                "values": None,
                "relationFields": [f.name for f in rel.fields] or None,
            }
            for name, rel in model.relations_of(type).items()
        ]
        frame = pd.DataFrame(rows, columns=["field", "kind", "graphqlType", "values", "relationFields"])
        return as_frame(frame.astype({"field": "string", "kind": "category", "graphqlType": "string"}))

    # -- fact sheets --------------------------------------------------------------------------------------
    def factsheets(
        self,
        type: str,  # noqa: A002
        fields: list[str] | None = None,
        filter: Mapping[str, Any] | None = None,  # noqa: A002
        include_archived: bool = False,
        *,
        page_size: int | None = None,
        progress: bool | None = None,
        on_denied: str = "raise",
    ) -> pd.DataFrame:
        """One row per fact sheet of ``type``.

        ``fields``: extra fields (default: every plain field of the type, custom ones included); ``filter``:
        a LeanIX ``FilterInput`` (facetFilters, fullTextSearch, ids, externalIds); ``on_denied='drop'`` leaves
        out fields the user may not read, with a :class:`DeniedFieldsWarning`, instead of raising.
        """
        if on_denied not in ("raise", "drop"):
            raise ValueError("on_denied must be 'raise' or 'drop'")
        query = wide_query(self.model, type, fields)
        while True:
            try:
                builder = self._read(
                    type,
                    "fact sheets",
                    query.selection,
                    partial(FrameBuilder, query.columns),
                    filter,
                    include_archived,
                    page_size,
                    progress,
                )
                return builder.frame()
            except FieldPermissionError as exc:
                if on_denied != "drop":
                    raise
                denied = {f for t, f in exc.denied_fields if t == type.lower()}
                if not denied & set(query.fields):
                    raise
                message = f"{type}: dropped fields the token's user may not read: {', '.join(sorted(denied))}"
                warnings.warn(message, DeniedFieldsWarning, stacklevel=2)
                log.warning(message)
                query = wide_query(self.model, type, [f for f in query.fields if f not in denied])

    def tags(self, type: str, filter=None, include_archived: bool = False) -> pd.DataFrame:  # noqa: A002
        """One row per tag assignment: fact sheet, tag group, tag (ids and names)."""
        return self._long("tags", type, tag_rows, filter, include_archived)

    def lifecycles(self, type: str, filter=None, include_archived: bool = False) -> pd.DataFrame:  # noqa: A002
        """One row per lifecycle phase: fact sheet, phase, start date, whether it is the current phase."""
        return self._long("lifecycles", type, lifecycle_rows, filter, include_archived)

    def subscriptions(self, type: str, filter=None, include_archived: bool = False) -> pd.DataFrame:  # noqa: A002
        """One row per subscription: fact sheet, user, subscription type and roles (comma separated)."""
        return self._long("subscriptions", type, subscription_rows, filter, include_archived)

    def relations(
        self, type: str, relation: str, filter=None, include_archived: bool = False
    ) -> pd.DataFrame:  # noqa: A002
        """One row per relation: from/to ids and names, relation fields, activeFrom/activeUntil."""
        info = self._relation(type, relation)
        return self._long("relations", type, relation_rows(relation), filter, include_archived, info)

    def _relation(self, type: str, relation: str) -> RelationDef:  # noqa: A002
        info = self.model.relations_of(type).get(relation)
        if info is None:
            self.model.field(type, relation)  # an unknown name: UnknownField with close matches
            raise ValueError(f"{type}.{relation} is not a relation; see ws.fields({type!r}) for relations.")
        return info

    def _long(self, kind, type, rows: Rows, filter, include_archived, relation=None) -> pd.DataFrame:  # noqa: A002
        query: FrameQuery = long_query(kind, self.model, relation)
        if kind == "lifecycles" and self.model.type(type).field("lifecycle") is None:
            return FrameBuilder(query.columns).frame()  # the type has no lifecycle: an empty, typed frame
        sink = self._read(
            type,
            kind,
            f"id name {query.selection}",
            lambda: RowSink(query, rows),
            filter,
            include_archived,
            None,
            None,
            what=f"the {type} relations {relation.name}" if relation is not None else None,
        )
        return sink.frame()

    # -- paging -------------------------------------------------------------------------------------------
    def _read(
        self,
        type: str,  # noqa: A002
        kind: str,
        selection: str,
        new_sink: Callable[[], Any],
        filter: Mapping[str, Any] | None,  # noqa: A002
        include_archived: bool,
        page_size: int | None,
        progress: bool | None,
        what: str | None = None,
    ) -> Any:
        """Every page of ``type`` into a fresh ``new_sink()``: active fact sheets first and then, if asked,
        the archived ones; read again from the start when the pages show the type changed meanwhile.

        Pages are handed on one at a time, so a frame builder can convert and drop each page's JSON.
        """
        self.model.type(type)  # a clear error for an unknown type before any paging
        wanted = self.progress if progress is None else progress
        return read_pages(
            self.client,
            _PAGE_QUERY % f"id ... on {type} {{ {selection} }}",
            new_sink,
            type=type,
            kind=kind,
            passes=archive_passes(filter, include_archived),
            page_size=page_size or self.page_size,
            attempts=self.read_attempts,
            pause=self.reread_pause,
            what=what,
            progress=lambda total: _progress_bar(total, type, wanted),
        )


def read_type(
    ws: WorkspaceReader,
    type: str,  # noqa: A002
    include_archived: bool = True,
    *,
    relations: Iterable[str] | None = None,
    filter: Mapping[str, Any] | None = None,  # noqa: A002
    page_size: int | None = None,
    progress: bool | None = None,
) -> TypeFrames:
    """Every frame of ``type`` in one paging pass (per archive pass): the fact sheets with all their
    fields, tags, lifecycle phases, subscriptions and the ``relations`` named (default: every relation
    connection of the type), each frame equal to what ``ws.factsheets``, ``ws.tags`` … return.

    The pass selects the wide fields and every connection at once and builds all frames from each page;
    a type changing under the read is read again from the start as a whole. A field the token's user may
    not read raises :class:`~kit.client.FieldPermissionError` (there is no ``on_denied`` here).
    """
    model = ws.model
    wide = wide_query(model, type, None)
    names = list(model.relations_of(type) if relations is None else relations)
    infos = {name: ws._relation(type, name) for name in names}
    queries: dict[str, tuple[FrameQuery, Rows]] = {
        "tags": (long_query("tags", model), tag_rows),
        "subscriptions": (long_query("subscriptions", model), subscription_rows),
    }
    has_lifecycle = model.type(type).field("lifecycle") is not None
    if has_lifecycle:
        queries["lifecycles"] = (long_query("lifecycles", model), lifecycle_rows)
    for name, info in infos.items():
        queries[f"relation:{name}"] = (long_query("relations", model, info), relation_rows(name))
    selection = " ".join([wide.selection, *(q.selection for q, _ in queries.values())])

    def new_sink() -> FanOut:
        sinks: dict[str, Any] = {"factsheets": FrameBuilder(wide.columns)}
        sinks.update({key: RowSink(query, rows) for key, (query, rows) in queries.items()})
        return FanOut(sinks)

    sinks = ws._read(
        type, "fact sheets", selection, new_sink, filter, include_archived, page_size, progress
    ).sinks
    lifecycles = (
        sinks["lifecycles"].frame()
        if has_lifecycle
        else FrameBuilder(long_query("lifecycles", model).columns).frame()
    )
    return TypeFrames(
        type=type,
        factsheets=sinks["factsheets"].frame(),
        tags=sinks["tags"].frame(),
        lifecycles=lifecycles,
        subscriptions=sinks["subscriptions"].frame(),
        relations={name: sinks[f"relation:{name}"].frame() for name in infos},
    )


def _progress_bar(total: int | None, label: str, wanted: bool | None):
    if wanted is None:
        wanted = _interactive()
    if not wanted:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=label, unit=" fact sheets", leave=False)


def _interactive() -> bool:
    """A person is watching (:func:`kit.attended.attended`): a ``tqdm.auto`` bar in a kernel is a widget,
    which a run nobody watches (papermill) must not be sent."""
    return attended()

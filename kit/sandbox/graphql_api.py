"""Pathfinder GraphQL for the sandbox: LeanIX's schema built from the meta model, executed by graphql-core.

The schema is generated from :class:`~kit.leanix.metamodel.MetaModel` (never listed by hand), so
introspection, validation messages and field types follow the workspace's meta model like LeanIX does.
``allFactSheets`` supports LeanIX's filter language (facet filters, full-text search, ids, external ids),
sorting and forward-only cursor paging. Filtering and sorting are :mod:`kit.integration.facets`, the code the
integration engine's workspace views use too; filtered and sorted result lists are cached per store version
so paging through 100,000 fact sheets filters once. Parsed and validated documents are cached by query text.
Without ``first`` every match is returned, as LeanIX does. ``filterOptions`` on the connection is
:mod:`kit.sandbox.filter_options`.

Plain ``allFactSheets`` queries (one root field; totalCount, pageInfo and edges with cursor and node; inline
fragments on the node; no named fragments, directives or fields with resolvers) skip graphql-core: the answer
is built straight from the records with the same field plans the executor uses (:func:`_direct_answer`), and
is the very answer graphql-core gives; anything else, and any value or argument that would raise an error,
goes through graphql-core.

For tests of reads that must notice a workspace changing under them, :attr:`PathfinderGraphQL.between_pages`
(off by default) is called with a :class:`PageServed` after each answer that served an ``allFactSheets`` page,
under the sandbox's lock and after the answer is complete, so a hook can archive, create or delete fact sheets
between one page and the next the way an integration running alongside would.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    build_schema,
    execute_sync,
    get_named_type,
    is_leaf_type,
    is_list_type,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Path

try:  # graphql-core 3.3; on 3.2 queries run on the stock executor (slower on big pages, same answers)
    from graphql.execution.incremental.incremental_executor import IncrementalExecutor
except ImportError:  # pragma: no cover - depends on the installed graphql-core
    IncrementalExecutor = None  # type: ignore[assignment,misc]

from kit.errors import LxkitError
from kit.integration.facets import FacetError, compile_filter, facet_values, sort_records
from kit.leanix.metamodel import BASE_FIELD_NAMES, MetaModel
from kit.sandbox import mutations
from kit.sandbox.documents import resolve_documents
from kit.sandbox.filter_options import filter_options
from kit.sandbox.read_options import (
    full_tree,
    resolve_comments,
    resolve_na_fields,
    resolve_tags,
    validity_resolver,
)
from kit.sandbox.schema import build_sdl, relation_type_name
from kit.sandbox.store import Store

__all__ = ["DEFAULT_PAGE_SIZE", "PageServed", "PathfinderGraphQL", "build_sdl"]

DEFAULT_PAGE_SIZE: int | None = None
"""Page size when a query gives no ``first``: None, every match, as LeanIX's ``allFactSheets`` does."""
_CURSOR_PREFIX = "lxkit:"
_DOCUMENT_CACHE_SIZE = 256
_RESULT_CACHE_SIZE = 16
_MAX_TOKENS = 50_000

# -------------------------------------------------------------------------------------------------------
# Resolvers and execution


@dataclass(frozen=True)
class PageServed:
    """One ``allFactSheets`` page the sandbox served: what a ``between_pages`` hook is given."""

    store: Store
    type: str | None  # the factSheetType argument
    filter: Mapping[str, Any] | None
    first_row: int  # 0-based position of the page's first row in the whole result
    rows: int  # rows on this page
    size: int  # rows asked for (``first``)
    total: int  # the totalCount this page reported
    has_next: bool

    @property
    def number(self) -> int:
        """1 for the first page, 2 for the next … (pages of ``size`` rows)."""
        return self.first_row // self.size + 1 if self.size else 1


class _Context:
    """Per-request state handed to resolvers through ``info.context``."""

    __slots__ = ("api", "denied_seen", "served")

    def __init__(self, api: PathfinderGraphQL) -> None:
        self.api = api
        self.denied_seen: set[int] = set()
        self.served: list[PageServed] | None = [] if api.between_pages is not None else None


class _PageEdge:
    """An ``allFactSheets`` edge; the cursor is only encoded when a query asks for it."""

    __slots__ = ("node", "offset")

    def __init__(self, node: Any, offset: int) -> None:
        self.node = node
        self.offset = offset

    @property
    def cursor(self) -> str:
        return _encode_cursor(self.offset)


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def _decode_cursor(cursor: str | None) -> int:
    """Offset of the last row already seen (-1 for none)."""
    if cursor is None or cursor == "":
        return -1
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith(_CURSOR_PREFIX):
            offset = int(text[len(_CURSOR_PREFIX) :])
            if offset >= 0:
                return offset
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise GraphQLError(f"Invalid cursor '{cursor}': pass the endCursor of the previous page.")


def _page(
    items: Sequence[Any], first: int | None, after: str | None, default_first: int | None
) -> dict[str, Any]:
    """A relay connection over ``items`` (forward only); no ``first`` and no default: every item after ``after``."""
    start = _decode_cursor(after) + 1
    size = (default_first if default_first is not None else len(items)) if first is None else first
    if size < 0:
        raise GraphQLError(f"'first' must not be negative, got {size}.")
    end = min(start + size, len(items))
    edges = [_PageEdge(items[i], i) for i in range(start, end)]
    return {
        "totalCount": len(items),
        "pageInfo": {"hasNextPage": end < len(items), "endCursor": edges[-1].cursor if edges else None},
        "edges": edges,
    }


def _resolve_all_factsheets(
    _root: Any,
    info: Any,
    first: int | None = None,
    after: str | None = None,
    factSheetType: str | None = None,  # noqa: N803 - GraphQL argument name
    filter: Mapping[str, Any] | None = None,  # noqa: A002
    sort: Sequence[Mapping[str, Any]] | None = None,
    hierarchy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    api: PathfinderGraphQL = info.context.api
    rows = _with_hierarchy(api.select(factSheetType, filter, sort), hierarchy)
    page = _page(rows, first, after, api.default_page_size)
    page["_query"] = (factSheetType, filter, rows)  # for filterOptions
    narrow = _edge_narrowing(api.store, filter)
    if narrow is not None:
        for edge in page["edges"]:
            edge.node = narrow(edge.node)
    if info.context.served is not None:
        edges = page["edges"]
        info.context.served.append(
            PageServed(
                store=api.store,
                type=factSheetType,
                filter=filter,
                first_row=edges[0].offset if edges else _decode_cursor(after) + 1,
                rows=len(edges),
                size=(api.default_page_size or len(rows)) if first is None else first,
                total=page["totalCount"],
                has_next=page["pageInfo"]["hasNextPage"],
            )
        )
    return page


def _with_hierarchy(rows: list[dict[str, Any]], hierarchy: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """``hierarchy: {mode: FULL_TREE}``: the matches with their parents and children (:func:`full_tree`)."""
    if hierarchy and hierarchy.get("mode") == "FULL_TREE":
        return full_tree(rows)  # type: ignore[return-value]
    return rows


def _resolve_factsheet(_root: Any, info: Any, id: str) -> Any:  # noqa: A002
    found = info.context.api.store.factsheet(id)
    if found is None:
        raise GraphQLError(
            f"Fact sheet with id '{id}' not found: check the id (allFactSheets lists them).",
            extensions={"errorType": "NOT_FOUND"},
        )
    return found


def _edge_narrowing(
    store: Store, filt: Mapping[str, Any] | None
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """What an INCLUSIVE relation-fields filter does to the fact sheets it returns: their connection of that
    relation keeps only the edges whose fields pass (LeanIX's strict filtering), on a copy of the record.
    None when the filter has no such facet."""
    relations = store.metamodel.relation_names
    narrowed: list[tuple[str, Callable[[Mapping[str, Any]], Sequence[str]]]] = []
    for facet in (filt or {}).get("facetFilters") or ():
        if (
            facet
            and facet.get("facetKey") in relations
            and facet.get("relationFieldsFilter")
            and facet.get("relationFieldsFilterOperator") == "INCLUSIVE"
        ):
            key = facet["facetKey"]
            narrowed.append((key, facet_values(key, facet, today=store.today, schema=store.metamodel)))
    if not narrowed:
        return None

    def narrow(record: dict[str, Any]) -> dict[str, Any]:
        out = dict(record)
        for key, values in narrowed:
            connection = record.get(key)
            if not connection or not connection["totalCount"]:
                continue
            keep = set(values(record))
            edges = [e for e in connection["edges"] if e.node["factSheet"]["id"] in keep]
            out[key] = {"totalCount": len(edges), "edges": edges}
        return out

    return narrow


def _resolve_filter_options(connection: Mapping[str, Any], info: Any) -> dict[str, Any]:
    fact_sheet_type, filt, rows = connection["_query"]
    return filter_options(info.context.api.store, fact_sheet_type, filt, rows)


def _plain_without_arguments(resolver: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a resolver whose answer, when the query passes no arguments, is the source's own value: the
    executor's plans may then read the value directly (see :func:`_plan_field`)."""
    resolver.plain_without_arguments = True  # type: ignore[attr-defined]
    return resolver


@_plain_without_arguments
def _resolve_subscriptions(
    record: Mapping[str, Any],
    _info: Any,
    filter: Mapping[str, Any] | None = None,  # noqa: A002 - LeanIX's name
) -> Any:
    """A fact sheet's subscriptions; ``filter: {userId, type}`` keeps those of one user and/or type."""
    connection = record.get("subscriptions")
    if not filter or connection is None:
        return connection
    user_id, kind = filter.get("userId"), filter.get("type")
    edges = [
        e
        for e in connection["edges"]
        if (user_id is None or e.node["user"]["id"] == user_id) and (kind is None or e.node["type"] == kind)
    ]
    return {"totalCount": len(edges), "edges": edges}


def _resolve_relation_type(_node: Any, info: Any) -> str:
    """A relation node's ``type``: its GraphQL type name (``RelApplicationToITComponent``), as in LeanIX."""
    return str(info.parent_type.name)


def _resolve_permission(user: Mapping[str, Any], info: Any) -> dict[str, Any]:
    """The user's workspace permission in MTM's shape; a store user without one is an active MEMBER."""
    given = user.get("permission") or {}
    workspace_id = info.context.api.store.workspace_id
    return {
        "id": given.get("id") or f"{workspace_id}:{user.get('id')}",
        "role": given.get("role") or "MEMBER",
        "status": given.get("status") or "ACTIVE",
        "workspaceId": given.get("workspaceId") or workspace_id,
    }


def _list_resolver(attribute: str) -> Callable[..., dict[str, Any]]:
    def resolve(_root: Any, info: Any, first: int | None = None, after: str | None = None) -> dict[str, Any]:
        items = list(getattr(info.context.api.store, attribute).values())
        return _page(items, first, after, default_first=len(items))

    return resolve


def _resolve_group_tags(group: Mapping[str, Any], info: Any) -> dict[str, Any]:
    tags = [t for t in info.context.api.store.tags.values() if t["tagGroup"] is group]
    return _page(tags, None, None, default_first=len(tags))


def _denied_resolver(message: str) -> Callable[..., None]:
    """Resolver of a field the user may not read: one error per selection of the field, value null."""

    def resolve(_source: Any, info: Any, **_args: Any) -> None:
        key = id(info.field_nodes[0])
        seen = info.context.denied_seen
        if key not in seen:
            seen.add(key)
            raise GraphQLError(message)
        return None

    return resolve


def _fast_field(source: Any, info: Any, **_args: Any) -> Any:
    """graphql-core's default resolver minus its abstract ``Mapping`` check for the common plain dict."""
    if type(source) is dict:
        return source.get(info.field_name)
    if isinstance(source, Mapping):
        return source.get(info.field_name)
    return getattr(source, info.field_name, None)


def _type_of(value: Any, _info: Any, _abstract: Any) -> str:
    return value["__typename"]


_LEAF_PLANS: WeakKeyDictionary[GraphQLObjectType, dict[str, tuple[GraphQLLeafType, bool]]] = (
    WeakKeyDictionary()
)


def _leaf_plan(parent_type: GraphQLObjectType) -> dict[str, tuple[GraphQLLeafType, bool]]:
    """Fields of a type that read a scalar or enum straight from the source: no resolver, no arguments."""
    plan = _LEAF_PLANS.get(parent_type)
    if plan is None:
        plan = {}
        for name, field in parent_type.fields.items():
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if field.resolve is None and not field.args and not is_list_type(inner) and is_leaf_type(inner):
                plan[name] = (get_named_type(inner), isinstance(field.type, GraphQLNonNull))  # type: ignore[assignment]
        _LEAF_PLANS[parent_type] = plan
    return plan


_Completer = Callable[[Any], Any]
"""Completes one field's value as graphql-core would, or raises :class:`_Bail`."""


class _Bail(Exception):
    """Internal: a value the plain path does not complete (null in a non-null field, an odd type …)."""


_FIELD_PLANS: dict[tuple[int, int], tuple[FieldNode, GraphQLObjectType, _Completer | None]] = {}
_MAX_FIELD_PLANS = 4096


def _field_plan(parent_type: GraphQLObjectType, field_details_list: Sequence[Any]) -> _Completer | None:
    """How to complete a field whose whole sub-selection is plain (cached per field node): fields without
    resolvers, arguments, directives or fragments, on object, list and leaf types only; else None."""
    first = field_details_list[0].node
    key = (id(parent_type), id(first))
    hit = _FIELD_PLANS.get(key)
    if hit is not None and hit[0] is first and hit[1] is parent_type:  # the entry keeps both ids alive
        return hit[2]
    plan = None
    if first.name.value != "__typename" and all(
        d.defer_usage is None and d.fragment_variable_values is None for d in field_details_list
    ):
        plan = _plan_field(parent_type, [d.node for d in field_details_list])
    if len(_FIELD_PLANS) >= _MAX_FIELD_PLANS:
        _FIELD_PLANS.clear()
    _FIELD_PLANS[key] = (first, parent_type, plan)
    return plan


def _plan_field(parent_type: GraphQLObjectType, nodes: Sequence[FieldNode]) -> _Completer | None:
    name = nodes[0].name.value
    if any(n.arguments or n.directives or n.name.value != name for n in nodes):
        return None
    if name == "__typename":
        type_name = parent_type.name
        return lambda _value: type_name
    field = parent_type.fields.get(name)
    if field is not None and field.resolve is _resolve_relation_type:
        type_name = parent_type.name
        return lambda _value: type_name
    if field is None or (
        field.resolve is not None and not getattr(field.resolve, "plain_without_arguments", False)
    ):
        return None
    return _plan_type(field.type, nodes)  # no arguments given (checked above): the source's own value


def _plan_type(output_type: GraphQLOutputType, nodes: Sequence[FieldNode]) -> _Completer | None:
    nullable = not isinstance(output_type, GraphQLNonNull)
    inner = output_type if nullable else output_type.of_type  # type: ignore[union-attr]
    if isinstance(inner, GraphQLList):
        item = _plan_type(inner.of_type, nodes)
        return None if item is None else _complete_list(item, nullable)
    if is_leaf_type(inner):
        return None if any(n.selection_set for n in nodes) else _complete_leaf(inner, nullable)
    if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
        fields = _plan_selection(inner, nodes)
        return None if fields is None else _complete_object(fields, nullable)
    return None  # interfaces and unions resolve their type: graphql-core's path


def _plan_selection(
    object_type: GraphQLObjectType, nodes: Sequence[FieldNode]
) -> list[tuple[str, str, _Completer]] | None:
    """(response name, field name, completer) per response name, in the order graphql-core collects them."""
    groups: dict[str, list[FieldNode]] = {}
    for node in nodes:
        if node.selection_set and not _collect(object_type, node.selection_set.selections, groups):
            return None
    out = []
    for response, group in groups.items():
        plan = _plan_field(object_type, group)
        if plan is None:
            return None
        out.append((response, group[0].name.value, plan))
    return out


def _collect(
    object_type: GraphQLObjectType, selections: Iterable[Any], groups: dict[str, list[FieldNode]]
) -> bool:
    """Group ``selections`` by response name for an object of ``object_type`` as graphql-core's field
    collection does, inline fragments on that type (or an interface it implements) included. False for what
    plans leave to graphql-core: directives, named fragment spreads."""
    for selection in selections:
        if selection.directives:
            return False
        if isinstance(selection, FieldNode):
            response = selection.alias.value if selection.alias else selection.name.value
            groups.setdefault(response, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if not (
                condition is None
                or condition == object_type.name
                or any(i.name == condition for i in object_type.interfaces)
            ):
                return False  # another type's fragment (a union member …): graphql-core decides
            if not _collect(object_type, selection.selection_set.selections, groups):
                return False
        else:
            return False
    return True


def _unchanged_test(leaf_type: Any) -> Callable[[Any], bool]:
    """A cheap test for values graphql-core's serializer gives back unchanged (a str for String and ID, an
    int in 32-bit range for Int, a finite float for Float, a bool for Boolean, a value's own name for enums
    built from SDL); anything else is coerced by graphql-core's serializer."""
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return lambda v: type(v) is str
    if leaf_type is GraphQLInt:
        return lambda v: type(v) is int and -2147483648 <= v <= 2147483647
    if leaf_type is GraphQLFloat:
        return lambda v: type(v) is float and math.isfinite(v)
    if leaf_type is GraphQLBoolean:
        return lambda v: type(v) is bool
    if isinstance(leaf_type, GraphQLEnumType) and all(e.value == n for n, e in leaf_type.values.items()):
        names = frozenset(leaf_type.values)
        return lambda v: type(v) is str and v in names
    return lambda _v: False


def _complete_leaf(leaf_type: Any, nullable: bool) -> _Completer:
    coerce = leaf_type.coerce_output_value
    unchanged = _unchanged_test(leaf_type)

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _Bail
        if unchanged(value):
            return value
        try:
            coerced = coerce(value)
        except Exception:  # noqa: BLE001 - graphql-core's path reports it properly
            raise _Bail from None
        if coerced is None or coerced is Undefined:
            raise _Bail
        return coerced

    return complete


def _complete_object(fields: list[tuple[str, str, _Completer]], nullable: bool) -> _Completer:
    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _Bail
        if type(value) is dict or isinstance(value, Mapping):
            get = value.get
            return {response: field(get(name)) for response, name, field in fields}
        return {response: field(getattr(value, name, None)) for response, name, field in fields}

    return complete


def _complete_list(item: _Completer, nullable: bool) -> _Completer:
    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _Bail
        if type(value) is not list and type(value) is not tuple:
            raise _Bail
        return [item(entry) for entry in value]

    return complete


class _FastExecutor(IncrementalExecutor or object):  # type: ignore[misc]
    """graphql-core's executor with shortcuts for plain scalar fields, which are most of a fact sheet, and
    for plain sub-selections (tags, subscriptions, relation connections, lifecycles).

    A leaf field without resolver or arguments is read from the source and coerced in place, skipping the
    per-field resolve-info and completion machinery (about 3x faster on large pages). Anything unusual
    (null in a non-null field, a value that does not coerce, resolvers, objects, lists) takes graphql-core's
    own path, so results and errors are the same.

    A field whose whole sub-selection is plain (objects, lists and leaves without resolvers, arguments,
    directives or fragments) is completed by a plan compiled once per field node (:func:`_field_plan`),
    about 8x faster than the per-field machinery on relation connections; a value the plan cannot complete
    (a null in a non-null field, a value of an unexpected type) sends the whole field down graphql-core's
    path, which gives the same answer or the error it reports.
    """

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        leaves = _leaf_plan(parent_type)
        results: dict[str, Any] = {}
        as_dict = isinstance(source_value, Mapping)
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            leaf = leaves.get(node.name.value)
            if leaf is not None and not node.arguments:
                name = node.name.value
                value = source_value.get(name) if as_dict else getattr(source_value, name, None)
                if value is None:
                    if not leaf[1]:
                        results[response_name] = None
                        continue
                else:
                    try:
                        coerced = leaf[0].coerce_output_value(value)
                    except Exception:  # noqa: BLE001 - let the slow path report it properly
                        coerced = None
                    if coerced is not None and coerced is not Undefined:
                        results[response_name] = coerced
                        continue
            planned = _field_plan(parent_type, field_details_list)
            if planned is not None:
                name = node.name.value
                value = source_value.get(name) if as_dict else getattr(source_value, name, None)
                try:
                    results[response_name] = planned(value)
                    continue
                except _Bail:
                    pass  # graphql-core's own path gives the same answer, or the error it reports
            result = self.execute_field(
                parent_type,
                source_value,
                field_details_list,
                Path(path, response_name, parent_type.name),
                position_context,
            )
            if result is not Undefined:
                results[response_name] = result
        return results


def _object_type(schema: GraphQLSchema, name: str) -> GraphQLObjectType:
    """The object type ``name`` of the generated schema."""
    found = schema.type_map[name]
    if not isinstance(found, GraphQLObjectType):
        raise TypeError(f"{name} is a {type(found).__name__} in the sandbox schema, not an object type")
    return found


class _Compiled:
    """A schema with resolvers for one (meta model, denied fields) pair, plus its document cache."""

    def __init__(self, metamodel: MetaModel, denied: frozenset[tuple[str, str]]) -> None:
        self.schema: GraphQLSchema = build_schema(build_sdl(metamodel))
        query = self.schema.query_type
        assert query is not None
        query.fields["allFactSheets"].resolve = _resolve_all_factsheets
        query.fields["factSheet"].resolve = _resolve_factsheet
        query.fields["allTags"].resolve = resolve_tags
        query.fields["allTagGroups"].resolve = _list_resolver("tag_groups")
        query.fields["allSubscriptionRoles"].resolve = _list_resolver("subscription_roles")
        _object_type(self.schema, "TagGroup").fields["tags"].resolve = _resolve_group_tags
        _object_type(self.schema, "FactSheetConnection").fields[
            "filterOptions"
        ].resolve = _resolve_filter_options
        _object_type(self.schema, "User").fields["permission"].resolve = _resolve_permission
        for tdef in metamodel.types:
            fields = _object_type(self.schema, tdef.name).fields
            fields["subscriptions"].resolve = _resolve_subscriptions
            fields["documents"].resolve = resolve_documents
            fields["comments"].resolve = resolve_comments
            fields["naFields"].resolve = resolve_na_fields
            for connection in metamodel.relations_of(tdef.name):
                fields[connection].resolve = validity_resolver(connection)
                node = relation_type_name(tdef.name, connection)
                _object_type(self.schema, node).fields["type"].resolve = _resolve_relation_type
        mutations.attach(self.schema)
        for type_name, field_name in denied:
            message = f"No permission: fact_sheet_fields:read:{type_name.lower()}:{field_name}"
            _object_type(self.schema, type_name).fields[field_name].resolve = _denied_resolver(message)
        self._documents: OrderedDict[str, tuple[DocumentNode | None, list[GraphQLError]]] = OrderedDict()
        self._lock = threading.Lock()

    def document(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        """Parsed and validated document (or its errors), cached by query text."""
        with self._lock:
            hit = self._documents.get(query)
            if hit is not None:
                self._documents.move_to_end(query)
                return hit
        try:
            parsed = parse(query, max_tokens=_MAX_TOKENS)
            doc: DocumentNode | None = parsed
            errors = validate(self.schema, parsed)
        except GraphQLError as error:
            doc, errors = None, [error]
        entry = (None if errors else doc, errors)
        with self._lock:
            self._documents[query] = entry
            if len(self._documents) > _DOCUMENT_CACHE_SIZE:
                self._documents.popitem(last=False)
        return entry


@lru_cache(maxsize=16)
def _compiled(metamodel: MetaModel, denied: frozenset[tuple[str, str]]) -> _Compiled:
    return _Compiled(metamodel, denied)


class PathfinderGraphQL:
    """Executes Pathfinder GraphQL against a :class:`Store`; never raises for a bad query."""

    def __init__(
        self,
        store: Store,
        denied_fields: Iterable[str] = (),
        *,
        default_page_size: int | None = DEFAULT_PAGE_SIZE,
        between_pages: Callable[[PageServed], None] | None = None,
    ) -> None:
        """``denied_fields`` like ``"Application.businessCriticality"`` answer LeanIX's permission error.

        ``between_pages`` (tests only; None = off) is called with each :class:`PageServed` once the answer
        that served it is complete, before it is sent: it may change :attr:`store` (the caller holds the
        sandbox's lock), so the client's next page sees the change.
        """
        self.store = store
        self.default_page_size = default_page_size
        self.between_pages = between_pages
        self.direct = True
        """Answer plain ``allFactSheets`` queries straight from the records (:func:`_direct_answer`); False
        sends every query through graphql-core (benchmarks compare the two)."""
        self._denied = _parse_denied(store.metamodel, denied_fields)
        self._compiled = _compiled(store.metamodel, self._denied)
        self._results: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def schema(self) -> GraphQLSchema:
        return self._compiled.schema

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
    ) -> dict[str, Any]:
        """Run one request; returns ``{"data": ...}`` plus ``"errors"`` when anything went wrong."""
        try:
            if not isinstance(query, str) or not query.strip():
                return _error_result("Must provide a query string.")
            if variables is not None and not isinstance(variables, dict):
                return _error_result("'variables' must be a JSON object.")
            document, errors = self._compiled.document(query)
            if document is None:
                return {"data": None, "errors": [e.formatted for e in errors]}
            if mutations.is_mutation(document, operation_name):
                return mutations.execute_mutation(self, document, variables, operation_name)
            if self.direct and self.between_pages is None:
                answer = _direct_answer(self, document, variables, operation_name)
                if answer is not None:
                    return answer
            context = _Context(self)
            result = execute_sync(
                self.schema,
                document,
                context_value=context,
                variable_values=variables,
                operation_name=operation_name,
                field_resolver=_fast_field,
                type_resolver=_type_of,
                **_EXECUTOR,
            )
        except Exception as error:  # noqa: BLE001 - the HTTP layer must always get an answer
            return _error_result(f"Internal sandbox error: {type(error).__name__}: {error}")
        if context.served and self.between_pages is not None:
            try:
                for page in context.served:
                    self.between_pages(page)
            except Exception as error:  # noqa: BLE001 - a broken test hook must show, not hang a client
                return _error_result(f"Sandbox between_pages hook failed: {type(error).__name__}: {error}")
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return out

    def select(
        self,
        fact_sheet_type: str | None = None,
        filter: Mapping[str, Any] | None = None,  # noqa: A002 - LeanIX's name
        sort: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Records matching ``allFactSheets`` arguments, in result order (cached per store version)."""
        if isinstance(sort, Mapping):
            sort = [sort]
        key = (
            fact_sheet_type,
            json.dumps(filter, sort_keys=True, default=str) if filter else None,
            json.dumps(sort, sort_keys=True, default=str) if sort else None,
            self.store.version,
        )
        with self._lock:
            rows = self._results.get(key)
            if rows is not None:
                self._results.move_to_end(key)
                return rows
        rows = _Selection(self.store, fact_sheet_type, filter or {}).run()
        if sort:
            rows = _sorted(self.store.metamodel, rows, sort)
        with self._lock:
            self._results[key] = rows
            if len(self._results) > _RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return rows


_EXECUTOR: dict[str, Any] = {"executor_class": _FastExecutor} if IncrementalExecutor is not None else {}


def _error_result(message: str) -> dict[str, Any]:
    return {"data": None, "errors": [{"message": message}]}


def _parse_denied(metamodel: MetaModel, denied_fields: Iterable[str]) -> frozenset[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for item in denied_fields:
        type_name, _, field_name = str(item).partition(".")
        tdef = metamodel.type(type_name) if metamodel.has_type(type_name) else None
        known = tdef is not None and (
            tdef.field(field_name) is not None
            or field_name in metamodel.relations_of(type_name)
            or field_name in BASE_FIELD_NAMES
        )
        if not known:
            raise LxkitError(
                f"Denied field {item!r} is not '<FactSheetType>.<field>' of this meta model "
                "(e.g. 'Application.businessCriticality')"
            )
        out.add((type_name, field_name))
    return frozenset(out)


# -------------------------------------------------------------------------------------------------------
# Filtering and sorting: the shared implementation in kit.integration.facets


class _Selection:
    """One evaluation of ``allFactSheets``' type argument and ``FilterInput`` against the store."""

    def __init__(self, store: Store, fact_sheet_type: str | None, filt: Mapping[str, Any]) -> None:
        self.store = store
        self.mm = store.metamodel
        self.type = fact_sheet_type
        self.filter = filt

    def run(self) -> list[dict[str, Any]]:
        try:
            compiled = compile_filter(
                self.filter,
                type=self.type,
                today=self.store.today,
                tag_group_ids=self.store.tag_groups,
                schema=self.mm,
            )
        except FacetError as error:
            raise GraphQLError(str(error)) from None
        return compiled.select(self._candidates(compiled.types))  # type: ignore[return-value]

    def _candidates(self, types: frozenset[str] | None) -> Iterable[dict[str, Any]]:
        if types is None:
            return self.store.factsheets()
        known = [t for t in types if self.mm.has_type(t)]
        if len(known) == 1:
            return self.store.factsheets(known[0])
        wanted = set(known)
        return (r for r in self.store.factsheets() if r["type"] in wanted)


def _sorted(mm: MetaModel, rows: list[dict[str, Any]], sortings: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Stable multi-key sort; empty values go last in either direction."""
    try:
        return sort_records(rows, sortings, mm)  # type: ignore[return-value]
    except FacetError as error:
        raise GraphQLError(str(error)) from None


# -------------------------------------------------------------------------------------------------------
# The direct path: plain allFactSheets queries answered straight from the records


class _DirectPlan:
    """How to answer one document's ``allFactSheets`` without graphql-core: the root field, its connection
    selection (totalCount, pageInfo, edges with cursor and node) and, per fact sheet type met, the node's
    completers (built on first use)."""

    __slots__ = ("connection", "document", "field", "node_nodes", "node_plans", "operation", "response")

    def __init__(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        field: FieldNode,
        connection: list[tuple[str, str, Any]],
        node_nodes: list[FieldNode],
    ) -> None:
        self.document = document  # kept alive: plans are cached by its id
        self.operation = operation
        self.field = field
        self.response = field.alias.value if field.alias else field.name.value
        self.connection = connection
        self.node_nodes = node_nodes
        self.node_plans: dict[str, list[tuple[str, str, _Completer]] | None] = {}

    def node_plan(self, schema: GraphQLSchema, type_name: str) -> list[tuple[str, str, _Completer]] | None:
        plan = self.node_plans.get(type_name, Undefined)
        if plan is Undefined:
            found = schema.type_map.get(type_name)
            plan = (
                _plan_selection(found, self.node_nodes)
                if isinstance(found, GraphQLObjectType) and found.is_type_of is None
                else None
            )
            self.node_plans[type_name] = plan
        return plan  # type: ignore[return-value]


_DIRECT_PLANS: dict[tuple[int, str | None], tuple[DocumentNode, _DirectPlan | None]] = {}
_MAX_DIRECT_PLANS = 256


def _direct_plan(document: DocumentNode, operation_name: str | None) -> _DirectPlan | None:
    """The document's direct plan (or None), cached per document and operation."""
    key = (id(document), operation_name)
    hit = _DIRECT_PLANS.get(key)
    if hit is not None and hit[0] is document:  # the entry keeps its document alive, so ids stay unique
        return hit[1]
    plan = _make_direct_plan(document, operation_name)
    if len(_DIRECT_PLANS) >= _MAX_DIRECT_PLANS:
        _DIRECT_PLANS.clear()
    _DIRECT_PLANS[key] = (document, plan)
    return plan


_CONNECTION_FIELDS = {"totalCount", "pageInfo", "edges", "__typename"}
_PAGE_INFO_FIELDS = {"hasNextPage", "endCursor", "__typename"}
_EDGE_FIELDS = {"node", "cursor", "__typename"}


def _plain_fields(node: FieldNode, allowed: set[str]) -> list[FieldNode] | None:
    """The sub-fields of ``node`` when all are plain fields among ``allowed`` with distinct response names."""
    if node.selection_set is None:
        return None
    out: list[FieldNode] = []
    seen: set[str] = set()
    for selection in node.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives or selection.arguments:
            return None
        response = selection.alias.value if selection.alias else selection.name.value
        if selection.name.value not in allowed or response in seen:
            return None
        seen.add(response)
        out.append(selection)
    return out


def _make_direct_plan(document: DocumentNode, operation_name: str | None) -> _DirectPlan | None:
    """A plan when the document is one query of one ``allFactSheets`` field whose connection selection is
    plain; None sends the request through graphql-core."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != len(document.definitions):
        return None  # named fragments: graphql-core
    if operation_name is None:
        operation = operations[0] if len(operations) == 1 else None
    else:
        operation = next((o for o in operations if o.name and o.name.value == operation_name), None)
    if operation is None or operation.operation is not OperationType.QUERY or operation.directives:
        return None
    roots = operation.selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode) or roots[0].directives:
        return None
    root = roots[0]
    if root.name.value != "allFactSheets":
        return None
    connection: list[tuple[str, str, Any]] = []
    node_nodes: list[FieldNode] = []
    for field in _plain_fields(root, _CONNECTION_FIELDS) or ():
        response, name = (field.alias or field.name).value, field.name.value
        sub: Any = None
        if name == "pageInfo":
            sub = _plain_fields(field, _PAGE_INFO_FIELDS)
        elif name == "edges":
            edge_fields = _plain_fields(field, _EDGE_FIELDS)
            if edge_fields is None:
                return None
            sub = [((f.alias or f.name).value, f.name.value) for f in edge_fields]
            if node_nodes and any(f.name.value == "node" for f in edge_fields):
                return None  # several node selections: graphql-core
            node_nodes = [f for f in edge_fields if f.name.value == "node"]
            if len(node_nodes) > 1:
                return None
        if name in ("pageInfo", "edges") and sub is None:
            return None
        if name == "pageInfo":
            sub = [((f.alias or f.name).value, f.name.value) for f in sub]
        connection.append((response, name, sub))
    if not connection:
        return None
    return _DirectPlan(document, operation, root, connection, node_nodes)


def _direct_answer(
    api: PathfinderGraphQL,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> dict[str, Any] | None:
    """The answer graphql-core would give to a plain ``allFactSheets`` query, built straight from the
    records with the executor's field plans; None when the query or a value needs graphql-core (fragments
    it cannot place, resolvers, errors of any kind), which then answers it, errors and all."""
    plan = _direct_plan(document, operation_name)
    if plan is None:
        return None
    schema = api.schema
    query_type = schema.query_type
    assert query_type is not None
    try:
        coerced = get_variable_values(schema, plan.operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):
            return None
        args = get_argument_values(query_type.fields["allFactSheets"], plan.field, coerced)
        rows = _with_hierarchy(
            api.select(args.get("factSheetType"), args.get("filter"), args.get("sort")), args.get("hierarchy")
        )
        page = _page(rows, args.get("first"), args.get("after"), api.default_page_size)
    except GraphQLError:
        return None
    edges: list[_PageEdge] = page["edges"]
    narrow = _edge_narrowing(api.store, args.get("filter"))
    try:
        out: dict[str, Any] = {}
        for response, name, sub in plan.connection:
            if name == "totalCount":
                out[response] = page["totalCount"]
            elif name == "__typename":
                out[response] = "FactSheetConnection"
            elif name == "pageInfo":
                info = page["pageInfo"]
                out[response] = {r: "PageInfo" if n == "__typename" else info[n] for r, n in sub}
            else:
                out[response] = [_direct_edge(api, plan, edge, sub, narrow) for edge in edges]
    except _Bail:
        return None
    return {"data": {plan.response: out}}


def _direct_edge(
    api: PathfinderGraphQL,
    plan: _DirectPlan,
    edge: _PageEdge,
    fields: list[tuple[str, str]],
    narrow: Callable[[dict[str, Any]], dict[str, Any]] | None,
) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for response, name in fields:
        if name == "cursor":
            answer[response] = edge.cursor
        elif name == "__typename":
            answer[response] = "FactSheetEdge"
        else:
            record = edge.node if narrow is None else narrow(edge.node)
            node_plan = plan.node_plan(api.schema, record["__typename"])
            if node_plan is None:
                raise _Bail
            get = record.get
            answer[response] = {r: complete(get(n)) for r, n, complete in node_plan}
    return answer

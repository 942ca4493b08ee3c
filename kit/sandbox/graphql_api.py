"""Pathfinder GraphQL for the sandbox: LeanIX's schema built from the meta model, executed by graphql-core.

The schema is generated from :class:`~kit.leanix.metamodel.MetaModel` (never listed by hand), so
introspection, validation messages and field types follow the workspace's meta model like LeanIX does.
``allFactSheets`` supports LeanIX's filter language (facet filters, full-text search, ids, external ids),
sorting and forward-only cursor paging. Filtering and sorting are :mod:`kit.integration.facets`, the code the
integration engine's workspace views use too; filtered and sorted result lists are cached per store version
so paging through 100,000 fact sheets filters once. Parsed and validated documents are cached by query text.

For tests of reads that must notice a workspace changing under them, :attr:`PathfinderGraphQL.between_pages`
(off by default) is called with a :class:`PageServed` after each answer that served an ``allFactSheets`` page,
under the sandbox's lock and after the answer is complete, so a hook can archive, create or delete fact sheets
between one page and the next the way an integration running alongside would.
"""

from __future__ import annotations

import base64
import binascii
import json
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
    GraphQLError,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    build_schema,
    execute_sync,
    get_named_type,
    is_leaf_type,
    is_list_type,
    parse,
    validate,
)
from graphql.pyutils import Path

try:  # graphql-core 3.3; on 3.2 queries run on the stock executor (slower on big pages, same answers)
    from graphql.execution.incremental.incremental_executor import IncrementalExecutor
except ImportError:  # pragma: no cover - depends on the installed graphql-core
    IncrementalExecutor = None  # type: ignore[assignment,misc]

from kit.errors import LxkitError
from kit.integration.facets import FacetError, compile_filter, sort_records
from kit.leanix.metamodel import BASE_FIELD_NAMES, MetaModel
from kit.sandbox import mutations
from kit.sandbox.schema import build_sdl
from kit.sandbox.store import Store

__all__ = ["DEFAULT_PAGE_SIZE", "PageServed", "PathfinderGraphQL", "build_sdl"]

DEFAULT_PAGE_SIZE = 40
"""Page size when a query gives no ``first`` (LeanIX's REST default; see the report for GraphQL)."""
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


def _page(items: Sequence[Any], first: int | None, after: str | None, default_first: int) -> dict[str, Any]:
    """A relay connection over ``items`` (forward only)."""
    start = _decode_cursor(after) + 1
    size = default_first if first is None else first
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
) -> dict[str, Any]:
    api: PathfinderGraphQL = info.context.api
    rows = api.select(factSheetType, filter, sort)
    page = _page(rows, first, after, api.default_page_size)
    if info.context.served is not None:
        edges = page["edges"]
        info.context.served.append(
            PageServed(
                store=api.store,
                type=factSheetType,
                filter=filter,
                first_row=edges[0].offset if edges else _decode_cursor(after) + 1,
                rows=len(edges),
                size=api.default_page_size if first is None else first,
                total=page["totalCount"],
                has_next=page["pageInfo"]["hasNextPage"],
            )
        )
    return page


def _resolve_factsheet(_root: Any, info: Any, id: str) -> Any:  # noqa: A002
    return info.context.api.store.factsheet(id)


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
    if field is None or field.resolve is not None or field.args:
        return None
    return _plan_type(field.type, nodes)


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
        for selection in node.selection_set.selections if node.selection_set else ():
            if not isinstance(selection, FieldNode) or selection.directives:
                return None
            response = selection.alias.value if selection.alias else selection.name.value
            groups.setdefault(response, []).append(selection)
    out = []
    for response, group in groups.items():
        plan = _plan_field(object_type, group)
        if plan is None:
            return None
        out.append((response, group[0].name.value, plan))
    return out


def _complete_leaf(leaf_type: Any, nullable: bool) -> _Completer:
    coerce = leaf_type.coerce_output_value
    as_is = leaf_type is GraphQLString or leaf_type is GraphQLID  # both give a str back unchanged

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _Bail
        if as_is and type(value) is str:
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
        query.fields["allTags"].resolve = _list_resolver("tags")
        query.fields["allTagGroups"].resolve = _list_resolver("tag_groups")
        query.fields["allSubscriptionRoles"].resolve = _list_resolver("subscription_roles")
        _object_type(self.schema, "TagGroup").fields["tags"].resolve = _resolve_group_tags
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
        default_page_size: int = DEFAULT_PAGE_SIZE,
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

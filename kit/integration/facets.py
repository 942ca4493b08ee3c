"""LeanIX facet filters and scopes evaluated on fact sheet records, the way Pathfinder evaluates them.

One implementation serves the sandbox's ``allFactSheets``, the workspace views' ``select`` and the
Integration API's search and deletion scopes. It takes a ``FilterInput`` (``facetFilters``,
``fullTextSearch``/``quickSearch``, ``ids``, ``externalIds``) or an iAPI scope of the same shape and
gives a predicate over records in the GraphQL node shape (see :mod:`kit.integration.view`)::

    flt = compile_filter({"facetFilters": [{"facetKey": "FactSheetTypes", "keys": ["Project"]}]})
    projects = flt.select(records)

Semantics: facets are ANDed; within a facet ``OR`` needs one key, ``AND`` all keys, ``NOR`` none of
them; a record without a value has the key ``__missing__``; a facet without keys does not restrict; archived
fact sheets are left out unless a ``TrashBin`` facet has keys; empty ``ids``/``externalIds`` lists do not
restrict (iAPI scopes always carry ``"ids": []``). With a meta model (``schema``, a
:class:`~kit.leanix.MetaModel`) unknown facet keys are errors; without one a key is read from each record (a
field, a relation connection or a tag group id).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from kit.errors import LxkitError
from kit.leanix import LIFECYCLE_PHASES, FieldKind, MetaModel
from kit.leanix import record as rec

__all__ = [
    "GLOBAL_FACETS",
    "MISSING",
    "FacetError",
    "Filter",
    "compile_filter",
    "facet_values",
    "scope_filter",
    "select",
    "sort_records",
]

MISSING = "__missing__"
GLOBAL_FACETS = (
    "FactSheetTypes",
    "_TAGS_",
    "lifecycle",
    "Subscriptions",
    "TrashBin",
    "lxState",
    "hierarchyLevel",
    "DataQuality",
    "category",
)
_FILTER_KEYS = ("facetFilters", "fullTextSearch", "quickSearch", "ids", "externalIds")
_EMPTY: Mapping[str, Any] = {}

Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]
Values = Callable[[Record], Sequence[str]]


class FacetError(LxkitError):
    """A facet filter or sorting names a key the workspace does not have."""


def scope_filter(scope: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``FilterInput`` part of an iAPI scope (drops ``omitArchivedFactSheets`` and the like)."""
    return {k: scope[k] for k in _FILTER_KEYS if scope and scope.get(k) is not None}


class Filter:
    """A compiled filter: call it on a record, or :meth:`select` from records.

    ``types`` is the set of fact sheet types the filter can match (None: any), so a caller holding records
    per type scans only those.
    """

    __slots__ = ("_predicates", "types")

    def __init__(self, types: frozenset[str] | None, predicates: list[Predicate]) -> None:
        self.types = types
        self._predicates = tuple(predicates)

    def __call__(self, record: Record) -> bool:
        if self.types is not None and record.get("type") not in self.types:
            return False
        return all(p(record) for p in self._predicates)

    def select(self, records: Iterable[Record]) -> list[Record]:
        """The records that pass, in their order."""
        return [r for r in records if self(r)]


def compile_filter(
    filter: Mapping[str, Any] | None,  # noqa: A002 - LeanIX's name
    *,
    type: str | None = None,  # noqa: A002
    today: date | None = None,
    tag_group_ids: Collection[str] | None = None,
    schema: MetaModel | None = None,
) -> Filter:
    """Compile a ``FilterInput`` or iAPI scope; ``type`` is ``allFactSheets``' ``factSheetType`` argument.

    ``today`` decides lifecycle date filters (default: the real date); ``tag_group_ids`` tells tag group
    facet keys from field names (default: any key no record has as a field is tried as a tag group).
    """
    filt = filter or _EMPTY
    types: set[str] | None = {type} if type else None
    predicates: list[Predicate] = []
    trash_bin = False
    for facet in filt.get("facetFilters") or ():
        if not facet:
            continue
        key = facet.get("facetKey")
        if not key:
            raise FacetError(f"A facet filter needs a facetKey: {dict(facet)!r}")
        keys = [str(k) for k in facet.get("keys") or () if k is not None]
        operator = str(facet.get("operator") or "OR").upper()
        if operator not in ("OR", "AND", "NOR"):
            raise FacetError(f"Facet {key!r}: operator must be OR, AND or NOR, not {operator!r}")
        if key == "FactSheetTypes" and keys and operator == "OR":
            types = set(keys) if types is None else types & set(keys)  # narrows the scan
            continue
        if key == "TrashBin" and keys:
            trash_bin = True
        pred = _facet(key, keys, operator, facet, today, tag_group_ids, schema)
        if pred is not None:
            predicates.append(pred)
    if not trash_bin:
        predicates.insert(0, lambda r: r.get("status", "ACTIVE") == "ACTIVE")
    predicates.extend(_search_predicates(filt))
    return Filter(None if types is None else frozenset(types), predicates)


def select(
    records: Iterable[Record],
    filter: Mapping[str, Any] | None,  # noqa: A002
    *,
    type: str | None = None,  # noqa: A002
    today: date | None = None,
    tag_group_ids: Collection[str] | None = None,
    schema: MetaModel | None = None,
    sort: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
) -> list[Record]:
    """The records passing ``filter`` (see :func:`compile_filter`), sorted by ``sort`` when given."""
    compiled = compile_filter(filter, type=type, today=today, tag_group_ids=tag_group_ids, schema=schema)
    rows = compiled.select(records)
    return sort_records(rows, sort, schema) if sort else rows


# -------------------------------------------------------------------------------------------------------
# Facets


def _facet(
    key: str,
    keys: list[str],
    operator: str,
    facet: Mapping[str, Any],
    today: date | None,
    tag_group_ids: Collection[str] | None,
    schema: MetaModel | None,
) -> Predicate | None:
    rel_filter = facet.get("relationFieldsFilter")
    narrowing = (rel_filter and _may_be_relation(key, schema)) or (
        key == "Subscriptions" and facet.get("subscriptionFilter")
    )
    if not keys and not narrowing:
        return None  # a facet without keys does not restrict
    values = _facet_values(key, facet, today, tag_group_ids, schema)
    wanted = set(keys)
    if not wanted:  # relation field or subscription filter alone: any qualifying relation or subscription
        return lambda r: values(r)[0] != MISSING
    if operator == "AND":
        return lambda r: wanted.issubset(values(r))
    if operator == "NOR":
        return lambda r: wanted.isdisjoint(values(r))
    return lambda r: not wanted.isdisjoint(values(r))


def facet_values(
    key: str,
    facet: Mapping[str, Any] | None = None,
    *,
    today: date | None = None,
    tag_group_ids: Collection[str] | None = None,
    schema: MetaModel | None = None,
) -> Values:
    """A function giving a record's keys for facet ``key`` (``__missing__`` when it has none), as the filter
    sees them: ``facet`` (a facet filter of that key) adds its ``dateFilter``, ``relationFieldsFilter`` or
    ``subscriptionFilter``. Used to count facet results (``filterOptions``) the way the filter matches."""
    return _facet_values(key, facet or _EMPTY, today, tag_group_ids, schema)


def _may_be_relation(key: str, schema: MetaModel | None) -> bool:
    return key in schema.relation_names if schema is not None else key not in GLOBAL_FACETS


def _facet_values(
    key: str,
    facet: Mapping[str, Any],
    today: date | None,
    tag_group_ids: Collection[str] | None,
    schema: MetaModel | None,
) -> Values:
    """A function giving a record's keys for this facet (``__missing__`` when it has none)."""
    if key == "FactSheetTypes":
        return lambda r: (r.get("type") or MISSING,)
    if key == "_TAGS_":
        return lambda r: rec.tag_ids(r) or (MISSING,)
    if tag_group_ids is not None and key in tag_group_ids:
        return _tag_group_values(key)
    if key == "lifecycle":
        return _lifecycle_values(facet.get("dateFilter"), today)
    if key == "Subscriptions":
        return _subscription_values(facet.get("subscriptionFilter"))
    if key == "TrashBin":
        return lambda r: ("archived",) if rec.is_archived(r) else ("active",)
    if key == "lxState":
        return lambda r: (r.get("lxState") or MISSING,)
    if key == "hierarchyLevel":
        return lambda r: (str(r.get("level", 1)),)
    if key == "DataQuality":
        return _data_quality
    if key == "category":
        return lambda r: (r.get("category") or MISSING,)
    if schema is None:
        return _dynamic_values(key, facet)
    if key in schema.relation_names:
        return _relation_values(key, facet)
    spec = schema.fields_by_name.get(key)
    kind = spec.kind if spec is not None else None
    if kind in (FieldKind.SINGLE_SELECT, FieldKind.STRING, FieldKind.DATE):
        return lambda r: (r.get(key) or MISSING,)
    if kind is FieldKind.MULTIPLE_SELECT:
        return lambda r: r.get(key) or (MISSING,)
    if kind in (FieldKind.DOUBLE, FieldKind.INTEGER):
        return lambda r: (MISSING,) if r.get(key) is None else (str(r[key]),)
    raise FacetError(
        f"Unknown facet key '{key}'. Use one of {', '.join(GLOBAL_FACETS)}, a tag group id, "
        "a relation name or a single-select field name."
    )


def _tag_group_values(group_id: str) -> Values:
    def values(r: Record) -> Sequence[str]:
        return [t["id"] for t in r.get("tags") or () if rec.tag_group_id(t) == group_id] or (MISSING,)

    return values


def _dynamic_values(key: str, facet: Mapping[str, Any]) -> Values:
    """Keys read from the record itself: a relation connection, a field value, or else a tag group id."""
    relation = _relation_values(key, facet)
    tag_group = _tag_group_values(key)

    def values(r: Record) -> Sequence[str]:
        value = r.get(key)
        if value is None:
            return tag_group(r)
        if isinstance(value, Mapping):
            if "edges" in value:
                return relation(r)
            inner = value.get("externalId", value.get("asString"))
            return (str(inner),) if inner else (MISSING,)
        if isinstance(value, list | tuple):
            return [str(v) for v in value] or (MISSING,)
        if isinstance(value, bool):
            return ("true" if value else "false",)
        return (str(value) or MISSING,)

    return values


def _subscription_values(subscription_filter: Mapping[str, Any] | None) -> Values:
    """Ids of the users subscribed; with a ``subscriptionFilter`` (``{type, roleId}``, either optional) only
    subscriptions of that type that carry that role count."""
    if not subscription_filter:
        return lambda r: rec.subscribers(r) or (MISSING,)
    kind = subscription_filter.get("type")
    role_id = subscription_filter.get("roleId")
    if kind is not None and str(kind).upper() not in ("RESPONSIBLE", "ACCOUNTABLE", "OBSERVER"):
        raise FacetError(
            f"Facet 'Subscriptions': subscriptionFilter.type must be RESPONSIBLE, ACCOUNTABLE or OBSERVER, "
            f"not {kind!r}"
        )
    wanted_type = str(kind).upper() if kind is not None else None

    def matches(sub: Mapping[str, Any]) -> bool:
        if wanted_type is not None and sub.get("type") != wanted_type:
            return False
        return role_id is None or any(role.get("id") == role_id for role in sub.get("roles") or ())

    def values(r: Record) -> Sequence[str]:
        return [s["user"]["id"] for s in rec.subscriptions(r) if matches(s)] or (MISSING,)

    return values


def _data_quality(r: Record) -> list[str]:
    out = []
    if not any(s.get("type") == "RESPONSIBLE" for s in rec.subscriptions(r)):
        out.append("_noResponsible_")
    if r.get("lxState") == "BROKEN_QUALITY_SEAL":
        out.append("_qualitySealBroken_")
    if not r.get("description"):
        out.append("_noDescription_")
    if not r.get("lifecycle"):
        out.append("_noLifecycle_")
    return out or [MISSING]


def _relation_values(name: str, facet: Mapping[str, Any]) -> Values:
    """Target ids of a record's relations ``name`` whose relation fields pass the facet's field filter."""
    conditions = [
        (c["fieldName"], set(c.get("values") or ())) for c in facet.get("relationFieldsFilter") or () if c
    ]
    exclusive = facet.get("relationFieldsFilterOperator") == "EXCLUSIVE"

    def passes(node: Mapping[str, Any]) -> bool:
        for fname, allowed in conditions:
            value = node.get(fname)
            present = (
                bool(allowed.intersection(value)) if isinstance(value, list | tuple) else value in allowed
            )
            if present == exclusive:
                return False
        return True

    def values(r: Record) -> Sequence[str]:
        return [n["factSheet"]["id"] for n in rec.nodes(r, name) if passes(n)] or (MISSING,)

    return values


def _lifecycle_values(date_filter: Mapping[str, Any] | None, today: date | None) -> Values:
    """Current phase; with a RANGE the phases active at any time in it; with a POINT the phase on that day."""
    if not date_filter:
        return lambda r: (rec.current_phase(r) or MISSING,)
    kind = date_filter.get("type") or "RANGE"
    day = today or date.today()
    if kind == "TODAY":
        start = end = day.isoformat()
    elif kind == "END_OF_MONTH":
        start = end = day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()
    elif kind == "END_OF_YEAR":
        start = end = date(day.year, 12, 31).isoformat()
    elif kind == "POINT":
        start = end = date_filter.get("from") or date_filter.get("to") or day.isoformat()
    else:
        start, end = date_filter.get("from") or "0000-01-01", date_filter.get("to") or "9999-12-31"

    def values(r: Record) -> Sequence[str]:
        if not r.get("lifecycle"):
            return (MISSING,)
        phases = rec.lifecycle_phases(r)
        out = []
        for i, phase in enumerate(phases):
            until = phases[i + 1]["startDate"] if i + 1 < len(phases) else "9999-12-31"
            if phase["startDate"] <= end and until > start:
                out.append(phase["phase"])
        return out or (MISSING,)

    return values


def _search_predicates(filt: Mapping[str, Any]) -> list[Predicate]:
    preds: list[Predicate] = []
    text = filt.get("fullTextSearch") or filt.get("quickSearch")
    if text:
        needle = str(text).casefold()

        def matches(r: Record) -> bool:
            return any(needle in (r.get(k) or "").casefold() for k in ("name", "displayName", "description"))

        preds.append(matches)
    ids = filt.get("ids")
    if ids:
        wanted = set(ids)
        preds.append(lambda r: r.get("id") in wanted)
    external = filt.get("externalIds")
    if external:
        by_field: dict[str, set[str]] = {}
        for item in external:
            fname, sep, value = str(item or "").partition("/")
            fname, value = (fname, value) if sep else ("externalId", fname)
            by_field.setdefault(fname, set()).add(value)

        def has_external(r: Record) -> bool:
            return any(rec.external_id(r, fname) in values for fname, values in by_field.items())

        preds.append(has_external)
    return preds


# -------------------------------------------------------------------------------------------------------
# Sorting


def sort_records(
    records: Iterable[Record],
    sortings: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
    schema: MetaModel | None = None,
) -> list[Record]:
    """Stable multi-key sort like ``allFactSheets(sort: …)``; empty values go last in either direction."""
    out = list(records)
    if isinstance(sortings, Mapping):
        sortings = [sortings]
    for sorting in reversed([s for s in sortings or () if s]):
        key = sorting.get("key") or "name"
        mode = sorting.get("mode") or "BY_FIELD"
        value_of = _sort_value("lifecycle" if mode == "BY_LIFECYCLE_LAST_PHASE" else key, schema)
        keyed = [(value_of(r), r) for r in out]
        present = [kr for kr in keyed if kr[0] is not None]
        present.sort(key=lambda kr: kr[0], reverse=sorting.get("order") == "desc")
        out = [r for _, r in present] + [r for v, r in keyed if v is None]
    return out


def _casefolded(key: str) -> Callable[[Record], Any]:
    return lambda r: r[key].casefold() if r.get(key) else None


def _sort_value(key: str, schema: MetaModel | None) -> Callable[[Record], Any]:
    if key in ("name", "displayName", "fullName", "description", "type", "category"):
        return _casefolded(key)
    if key in ("updatedAt", "createdAt", "status", "lxState", "qualitySeal", "id", "level", "rev"):
        return lambda r: r.get(key)
    if key == "completion":
        return lambda r: (r.get("completion") or _EMPTY).get("completion")
    if key == "lifecycle":
        order = {p: i for i, p in enumerate(schema.lifecycle_phases if schema else LIFECYCLE_PHASES)}
        return lambda r: order.get(rec.current_phase(r) or "")
    if schema is None:
        return _dynamic_sort_value(key)
    spec = schema.fields_by_name.get(key)
    if spec is None or spec.kind in (FieldKind.MULTIPLE_SELECT, FieldKind.LIFECYCLE):
        raise FacetError(f"Cannot sort by '{key}': use name, displayName, updatedAt or a field of the type.")
    if spec.kind is FieldKind.SINGLE_SELECT:
        ranks = {v: i for i, v in enumerate(spec.values)}
        return lambda r: ranks.get(r.get(key) or "")
    if spec.kind is FieldKind.EXTERNALID:
        return lambda r: rec.external_id(r, key)
    if spec.kind is FieldKind.STRING:
        return _casefolded(key)
    return lambda r: r.get(key)


def _dynamic_sort_value(key: str) -> Callable[[Record], Any]:
    """Without a meta model: strings case-insensitively, external ids by value, numbers as they are."""

    def value(r: Record) -> Any:
        v = r.get(key)
        if isinstance(v, Mapping):
            v = v.get("externalId")
        if isinstance(v, str):
            return v.casefold() or None
        if isinstance(v, list | tuple):
            raise FacetError(f"Cannot sort by '{key}': it holds several values.")
        return v

    return value

"""``filterOptions { facets { ... } }`` of an ``allFactSheets`` connection: the facets a client can filter on.

LeanIX answers, per facet, its key, the operators it takes, the operator in use, and one result per key with
the number of fact sheets carrying it (the inventory's facet panel). The sandbox lists the facets of the fact
sheet type in scope (the ``factSheetType`` argument, or a ``FactSheetTypes`` facet with one key), in this
order: ``FactSheetTypes``, ``lifecycle``, ``category`` (types with categories), the type's select fields, its
tag groups, ``_TAGS_`` (tags outside any group), ``Subscriptions``, its relations, ``DataQuality``,
``lxState``, ``TrashBin``, ``hierarchyLevel``; without a type in scope the fields and relations are left
out. Counts are taken over the fact sheets the current filter matches, and keys are read by
:func:`kit.integration.facets.facet_values`, the code the filter itself uses, so a count is the
``totalCount`` a client gets when it adds that key to the filter. Enumerable keys (types, select values,
phases, tags, quality states) are listed even at count 0; users, relation targets and hierarchy levels only
when some match has them (or the filter selects them). Keys a fact sheet can lack end with ``__missing__``
(name ``n/a``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from kit.integration.facets import MISSING, facet_values
from kit.leanix import record as rec
from kit.leanix.metamodel import FieldKind, MetaModel
from kit.sandbox.store import LX_STATES, Store

__all__ = ["filter_options", "scope_type"]

_ALL_OPERATORS = ("OR", "AND", "NOR")
_SINGLE_VALUED = ("OR", "NOR")  # AND of two keys can never match a one-valued facet
_DATA_QUALITY = {
    "_noResponsible_": "No responsible",
    "_qualitySealBroken_": "Quality seal broken",
    "_noDescription_": "No description",
    "_noLifecycle_": "No lifecycle",
}
_TRASH_BIN = {"active": "Active", "archived": "Archived"}
_MISSING_NAME = "n/a"

Result = dict[str, Any]


def scope_type(fact_sheet_type: str | None, filt: Mapping[str, Any] | None) -> str | None:
    """The one fact sheet type a query is about: the argument, or the only key of an OR ``FactSheetTypes``."""
    if fact_sheet_type:
        return fact_sheet_type
    for facet in (filt or {}).get("facetFilters") or ():
        if facet and facet.get("facetKey") == "FactSheetTypes":
            keys = facet.get("keys") or []
            if len(keys) == 1 and str(facet.get("operator") or "OR").upper() == "OR":
                return str(keys[0])
    return None


def filter_options(
    store: Store,
    fact_sheet_type: str | None,
    filt: Mapping[str, Any] | None,
    rows: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """``{"facets": [...]}`` for an ``allFactSheets`` query whose filtered result is ``rows``."""
    return {"facets": _Facets(store, scope_type(fact_sheet_type, filt), filt or {}, rows).build()}


class _Facets:
    """One evaluation of the facet list: the store, the type in scope, the filter given and its matches."""

    def __init__(
        self, store: Store, type_name: str | None, filt: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        self.store = store
        self.mm: MetaModel = store.metamodel
        self.type = type_name if type_name and self.mm.has_type(type_name) else None
        self.rows = rows
        self.given: dict[str, Mapping[str, Any]] = {}
        for facet in filt.get("facetFilters") or ():
            if facet and facet.get("facetKey"):
                self.given.setdefault(str(facet["facetKey"]), facet)

    # -- the list ---------------------------------------------------------------------------------------

    def build(self) -> list[dict[str, Any]]:
        out = [self._enumerated("FactSheetTypes", [(t, t) for t in self.mm.type_names], _SINGLE_VALUED)]
        tdef = self.mm.type(self.type) if self.type else None
        if tdef is None or tdef.field("lifecycle") is not None:
            phases = [(p, p) for p in self.mm.lifecycle_phases]
            out.append(self._enumerated("lifecycle", phases, _ALL_OPERATORS, missing=True))
        if tdef is not None and tdef.categories:
            out.append(self._enumerated("category", [(c, c) for c in tdef.categories], _SINGLE_VALUED, True))
        for fdef in tdef.fields if tdef is not None else ():
            if fdef.is_select:
                multiple = fdef.kind is FieldKind.MULTIPLE_SELECT
                operators = _ALL_OPERATORS if multiple else _SINGLE_VALUED
                out.append(self._enumerated(fdef.name, [(v, v) for v in fdef.values], operators, True))
        for group in self.store.tag_groups.values():
            restricted = group.get("restrictToFactSheetTypes") or ()
            if (
                self.type is None
                and restricted
                or self.type is not None
                and restricted
                and self.type not in restricted
            ):
                continue
            tags = [(t["id"], t["name"]) for t in self.store.tags.values() if t["tagGroup"] is group]
            operators = _SINGLE_VALUED if group.get("mode") == "SINGLE" else _ALL_OPERATORS
            out.append(self._enumerated(group["id"], tags, operators, missing=True))
        other = [(t["id"], t["name"]) for t in self.store.tags.values() if t["tagGroup"] is None]
        out.append(self._enumerated("_TAGS_", other, _ALL_OPERATORS, missing=True))
        out.append(self._subscriptions())
        for name, rdef in (self.mm.relations_of(self.type) if self.type else {}).items():
            out.append(self._relation(name, [f for f in rdef.fields if f.is_select]))
        out.append(self._enumerated("DataQuality", list(_DATA_QUALITY.items()), _ALL_OPERATORS))
        out.append(self._enumerated("lxState", [(s, s) for s in LX_STATES], _SINGLE_VALUED))
        out.append(self._enumerated("TrashBin", list(_TRASH_BIN.items()), _SINGLE_VALUED))
        levels = self._counts("hierarchyLevel")
        keys = sorted(set(levels) | set(self._selected("hierarchyLevel")), key=_level_order)
        out.append(self._facet("hierarchyLevel", [(k, k) for k in keys], levels, _SINGLE_VALUED))
        return out

    # -- facet kinds --------------------------------------------------------------------------------

    def _enumerated(
        self, key: str, keys: list[tuple[str, str]], operators: Sequence[str], missing: bool = False
    ) -> dict[str, Any]:
        """A facet whose keys are known up front; listed at count 0 too."""
        if missing:
            keys = [*keys, (MISSING, _MISSING_NAME)]
        return self._facet(key, keys, self._counts(key), operators)

    def _subscriptions(self) -> dict[str, Any]:
        counts = self._counts("Subscriptions")
        users = self.store.users
        ids = [u for u in counts if u != MISSING] + [
            u for u in self._selected("Subscriptions") if u != MISSING
        ]
        keys = [(u, _user_name(users.get(u))) for u in dict.fromkeys(ids)]
        keys.sort(key=lambda kv: kv[1].casefold())
        facet = self._facet("Subscriptions", [*keys, (MISSING, _MISSING_NAME)], counts, _ALL_OPERATORS)
        chosen = self.given.get("Subscriptions", {}).get("subscriptionFilter")
        if chosen:
            kind = chosen.get("type")
            facet["subscriptionFilter"] = {
                "type": str(kind).upper() if kind is not None else None,
                "roleId": chosen.get("roleId"),
            }
        return facet

    def _relation(self, name: str, select_fields: Iterable[Any]) -> dict[str, Any]:
        counts = self._counts(name)
        targets = {
            n["factSheet"]["id"]: n["factSheet"].get("displayName") or n["factSheet"].get("name") or ""
            for r in self.rows
            for n in rec.nodes(r, name)
        }
        ids = [t for t in counts if t != MISSING] + [t for t in self._selected(name) if t != MISSING]
        keys = [(t, targets.get(t) or _fact_sheet_name(self.store, t)) for t in dict.fromkeys(ids)]
        keys.sort(key=lambda kv: kv[1].casefold())
        facet = self._facet(name, [*keys, (MISSING, _MISSING_NAME)], counts, _ALL_OPERATORS)
        given = self.given.get(name, {})
        chosen = {
            c["fieldName"]: set(c.get("values") or ()) for c in given.get("relationFieldsFilter") or () if c
        }
        facet["relationFieldsFilterOperator"] = given.get("relationFieldsFilterOperator")
        facet["relationFieldsFilter"] = [
            {
                "fieldName": f.name,
                "values": [{"key": v, "selected": v in chosen.get(f.name, ())} for v in f.values],
            }
            for f in select_fields
        ]
        return facet

    # -- shared -------------------------------------------------------------------------------------

    def _facet(
        self, key: str, keys: list[tuple[str, str]], counts: Mapping[str, int], operators: Sequence[str]
    ) -> dict[str, Any]:
        given = self.given.get(key, {})
        selected = set(self._selected(key))
        facet: dict[str, Any] = {
            "facetKey": key,
            "possibleOperators": list(operators),
            "operator": str(given.get("operator") or "OR").upper(),
            "total": len(self.rows),
            "results": [
                {"name": name, "key": k, "count": counts.get(k, 0), "selected": k in selected}
                for k, name in keys
            ],
            "dateFilter": self._date_filter(given) if key == "lifecycle" else None,
            "subscriptionFilter": None,
            "relationFieldsFilterOperator": None,
            "relationFieldsFilter": None,
        }
        return facet

    def _counts(self, key: str) -> Counter[str]:
        """How many matches carry each key of facet ``key``, read as the filter reads them."""
        values: Callable[[Mapping[str, Any]], Sequence[str]] = facet_values(
            key,
            self.given.get(key),
            today=self.store.today,
            tag_group_ids=self.store.tag_groups,
            schema=self.mm,
        )
        counts: Counter[str] = Counter()
        for row in self.rows:
            counts.update(set(values(row)))
        return counts

    def _selected(self, key: str) -> list[str]:
        return [str(k) for k in self.given.get(key, {}).get("keys") or () if k is not None]

    def _date_filter(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The lifecycle facet's date filter as given, with the earliest and latest phase start of the matches."""
        starts = [p["startDate"] for r in self.rows for p in rec.lifecycle_phases(r)]
        chosen = given.get("dateFilter") or {}
        return {
            "type": chosen.get("type"),
            "from": chosen.get("from"),
            "to": chosen.get("to"),
            "minDate": min(starts) if starts else None,
            "maxDate": max(starts) if starts else None,
        }


def _user_name(user: Mapping[str, Any] | None) -> str:
    if not user:
        return ""
    return str(user.get("displayName") or user.get("email") or user.get("id") or "")


def _fact_sheet_name(store: Store, fs_id: str) -> str:
    found = store.factsheet(fs_id)
    return str(found.get("displayName") or found.get("name") or "") if found else fs_id


def _level_order(level: str) -> tuple[int, str]:
    return (int(level), level) if level.isdigit() else (1 << 30, level)

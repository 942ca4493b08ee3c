"""The meta model: fact sheet types, their fields with LeanIX's kinds, relations in both directions and the
lifecycle phases, with lookups that name what is known when a name is not.

A meta model is declared (the sandbox's ``kit.sandbox.metamodel.DEFAULT_METAMODEL``), read from a GraphQL
introspection answer (:meth:`MetaModel.from_introspection`, a live workspace's ``ws.model``) or from its
JSON form (:meth:`MetaModel.to_dict` / :meth:`MetaModel.from_dict`, a snapshot's manifest). Select values
are kept in their meaningful order (worst to best, low to high): LeanIX shows them so and reports rely on it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from kit.errors import LxkitError
from kit.leanix.constants import BASE_FIELD_NAMES, BASE_FIELDS, LIFECYCLE_PHASES, RELATION_NODE_KEYS
from kit.leanix.introspection import metamodel_dict

__all__ = [
    "BASE_FIELD_NAMES",
    "FactSheetTypeDef",
    "FieldDef",
    "FieldKind",
    "MetaModel",
    "MetaModelError",
    "RELATION_BASE_FIELDS",
    "RelationDef",
    "UnknownFactSheetType",
    "UnknownField",
]

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
_RESERVED_ENUM_VALUES = {"true", "false", "null"}
_HIERARCHY = ("relToParent", "relToChild")


class MetaModelError(LxkitError):
    """The meta model is inconsistent, or its JSON form is malformed."""


class UnknownFactSheetType(MetaModelError):
    """A fact sheet type the workspace does not have."""


class UnknownField(MetaModelError):
    """A field or relation a fact sheet type does not have."""


class FieldKind(StrEnum):
    """Kinds of fact sheet and relation fields, as LeanIX's data model names them.

    ``BOOLEAN`` is a GraphQL Boolean; ``LIST`` and ``OBJECT`` are values of a shape that has no LeanIX kind
    (a list of plain values, a nested object): introspection finds them, the kit reads them as they are.
    """

    STRING = "STRING"
    SINGLE_SELECT = "SINGLE_SELECT"
    MULTIPLE_SELECT = "MULTIPLE_SELECT"
    DOUBLE = "DOUBLE"
    INTEGER = "INTEGER"
    DATE = "DATE"
    LIFECYCLE = "LIFECYCLE"
    EXTERNALID = "EXTERNALID"
    BOOLEAN = "BOOLEAN"
    LOCATION = "LOCATION"
    PROJECT = "PROJECT"
    MILESTONE = "MILESTONE"
    FACTSHEETSTATE = "FACTSHEETSTATE"
    LIST = "LIST"
    OBJECT = "OBJECT"


@dataclass(frozen=True)
class FieldDef:
    """One field; ``values`` (select kinds only) are ordered worst to best or low to high; ``graphql_type``
    is the GraphQL type name introspection found (empty when declared)."""

    name: str
    kind: FieldKind
    values: tuple[str, ...] = ()
    graphql_type: str = ""

    @property
    def is_select(self) -> bool:
        return self.kind in (FieldKind.SINGLE_SELECT, FieldKind.MULTIPLE_SELECT)


@dataclass(frozen=True)
class RelationDef:
    """A relation seen from ``source``; ``reverse_name`` is the same relation seen from ``target`` (empty
    when the workspace has no reverse connection)."""

    name: str
    source: str
    target: str
    reverse_name: str
    fields: tuple[FieldDef, ...] = ()

    def reversed(self) -> RelationDef:
        """The same relation seen from the other end (same fields)."""
        if not self.reverse_name:
            raise MetaModelError(f"Relation {self.name!r} has no reverse connection on {self.target!r}")
        return RelationDef(self.reverse_name, self.target, self.source, self.name, self.fields)


@dataclass(frozen=True)
class FactSheetTypeDef:
    """A fact sheet type: its own fields (the base fields every type has are not listed), whether it has
    ``relToParent``/``relToChild``, and its ``categories`` (subtypes, the ``category`` field)."""

    name: str
    fields: tuple[FieldDef, ...] = ()
    hierarchical: bool = True
    categories: tuple[str, ...] = ()

    def field(self, name: str) -> FieldDef | None:
        """The own field called ``name`` or None."""
        return self._fields_by_name.get(name)

    @cached_property
    def _fields_by_name(self) -> dict[str, FieldDef]:
        return {f.name: f for f in self.fields}


RELATION_BASE_FIELDS = (
    FieldDef("activeFrom", FieldKind.DATE),
    FieldDef("activeUntil", FieldKind.DATE),
    FieldDef("description", FieldKind.STRING),
)
"""Every relation carries these, in LeanIX as in the sandbox; declare only the extra fields of a relation."""


@dataclass(frozen=True)
class MetaModel:
    """Fact sheet types and relations, with lookups; hierarchical types get ``relToParent``/``relToChild``."""

    types: tuple[FactSheetTypeDef, ...]
    relations: tuple[RelationDef, ...]
    lifecycle_phases: tuple[str, ...] = LIFECYCLE_PHASES

    def __post_init__(self) -> None:
        _validate(self)

    # -- building ----------------------------------------------------------------------------------------
    @classmethod
    def from_introspection(cls, answer: Mapping[str, Any]) -> MetaModel:
        """The meta model in a GraphQL introspection answer (``kit.leanix.INTROSPECTION_QUERY``'s ``data``)."""
        return cls.from_dict(metamodel_dict(answer))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (a snapshot's manifest keeps it); :meth:`from_dict` gives an equal meta model back."""
        return {
            "types": [
                {
                    "name": t.name,
                    "fields": [_field_dict(f) for f in t.fields],
                    "hierarchical": t.hierarchical,
                    "categories": list(t.categories),
                }
                for t in self.types
            ],
            "relations": [
                {
                    "name": r.name,
                    "source": r.source,
                    "target": r.target,
                    "reverseName": r.reverse_name,
                    "fields": [_field_dict(f) for f in r.fields],
                }
                for r in self.relations
            ],
            "lifecyclePhases": list(self.lifecycle_phases),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MetaModel:
        """The meta model in its JSON form; a missing or misspelt key is an error naming the right one."""
        top = _keys(data, "the meta model", required=("types",), optional=("relations", "lifecyclePhases"))
        types = []
        for raw in _list(top["types"], "types"):
            t = _keys(raw, "a type", required=("name",), optional=("fields", "hierarchical", "categories"))
            name = _text(t["name"], "a type's name")
            types.append(
                FactSheetTypeDef(
                    name,
                    tuple(_field(f, name) for f in _list(t.get("fields", ()), f"{name}.fields")),
                    _bool(t.get("hierarchical", True), f"{name}.hierarchical"),
                    tuple(_text(c, f"{name}.categories") for c in _list(t.get("categories", ()), name)),
                )
            )
        relations = []
        for raw in _list(top.get("relations", ()), "relations"):
            r = _keys(raw, "a relation", ("name", "source", "target"), optional=("reverseName", "fields"))
            name = _text(r["name"], "a relation's name")
            relations.append(
                RelationDef(
                    name,
                    _text(r["source"], f"{name}.source"),
                    _text(r["target"], f"{name}.target"),
                    _text(r.get("reverseName", ""), f"{name}.reverseName"),
                    tuple(_field(f, name) for f in _list(r.get("fields", ()), f"{name}.fields")),
                )
            )
        raw_phases = _list(top.get("lifecyclePhases", LIFECYCLE_PHASES), "lifecyclePhases")
        phases = tuple(_text(p, "lifecyclePhases") for p in raw_phases)
        return cls(tuple(types), tuple(relations), phases)

    # -- lookups -----------------------------------------------------------------------------------------
    @property
    def type_names(self) -> tuple[str, ...]:
        """Type names in declaration order."""
        return tuple(t.name for t in self.types)

    def type(self, name: str) -> FactSheetTypeDef:
        """The type called ``name``; raises :class:`UnknownFactSheetType` with a close match otherwise."""
        try:
            return self._types_by_name[name]
        except KeyError:
            raise UnknownFactSheetType(
                f"Unknown fact sheet type {name!r}.{_hint(name, self.type_names)} "
                f"This workspace has: {', '.join(self.type_names)}."
            ) from None

    def has_type(self, name: str) -> bool:
        return name in self._types_by_name

    def base_fields(self, type_name: str) -> tuple[FieldDef, ...]:
        """The fields every fact sheet has (``kit.leanix.constants.BASE_FIELDS``), ``category`` with the
        type's categories as values."""
        tdef = self.type(type_name)
        return tuple(
            FieldDef(name, FieldKind(kind), tdef.categories if name == "category" else (), graphql_type)
            for name, (kind, graphql_type) in BASE_FIELDS.items()
        )

    def fields_of(self, type_name: str) -> tuple[FieldDef, ...]:
        """Base fields, then the type's own fields."""
        return self.base_fields(type_name) + self.type(type_name).fields

    def field(self, type_name: str, name: str) -> FieldDef:
        """A base or own field of the type; raises :class:`UnknownField` with close matches otherwise."""
        tdef = self.type(type_name)
        found = tdef.field(name)
        if found is not None:
            return found
        if name in BASE_FIELDS:
            return next(f for f in self.base_fields(type_name) if f.name == name)
        known = [*BASE_FIELDS, *(f.name for f in tdef.fields), *self.relations_of(type_name)]
        raise UnknownField(
            f"{type_name} has no field {name!r}.{_hint(name, known, 3)} "
            f"See ws.fields({type_name!r}) for all of them."
        )

    def relations_of(self, type_name: str) -> Mapping[str, RelationDef]:
        """Connections of a type by connection name, both directions, each oriented from ``type_name``."""
        self.type(type_name)
        return self._relations_by_type[type_name]

    def relation(self, type_name: str, name: str) -> RelationDef:
        """The relation ``name`` seen from ``type_name``; raises :class:`UnknownField` if it has none."""
        rels = self.relations_of(type_name)
        rel = rels.get(name)
        if rel is None:
            raise UnknownField(
                f"Fact sheet type {type_name!r} has no relation {name!r}.{_hint(name, list(rels))} "
                f"It has: {', '.join(rels) or 'none'}."
            )
        return rel

    @cached_property
    def relation_names(self) -> frozenset[str]:
        """Every connection name on any type (both directions, including relToParent/relToChild)."""
        return frozenset(n for rels in self._relations_by_type.values() for n in rels)

    @cached_property
    def fields_by_name(self) -> dict[str, FieldDef]:
        """Own fields of all types by name (first declaration wins when types share a name)."""
        out: dict[str, FieldDef] = {}
        for t in self.types:
            for f in t.fields:
                out.setdefault(f.name, f)
        return out

    @cached_property
    def _types_by_name(self) -> dict[str, FactSheetTypeDef]:
        return {t.name: t for t in self.types}

    @cached_property
    def _relations_by_type(self) -> dict[str, dict[str, RelationDef]]:
        out: dict[str, dict[str, RelationDef]] = {t.name: {} for t in self.types}
        for rel in self.relations:
            out[rel.source][rel.name] = rel
            if rel.reverse_name:
                out[rel.target][rel.reverse_name] = rel.reversed()
        for t in self.types:
            if t.hierarchical:
                parent = RelationDef("relToParent", t.name, t.name, "relToChild", RELATION_BASE_FIELDS)
                out[t.name]["relToParent"] = parent
                out[t.name]["relToChild"] = parent.reversed()
        return out


def _hint(name: str, known: Iterable[str], n: int = 1) -> str:
    close = difflib.get_close_matches(name, list(known), n=n)
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


# -- validation --------------------------------------------------------------------------------------------


def _validate(mm: MetaModel) -> None:
    seen: set[str] = set()
    for t in mm.types:
        if not _NAME.match(t.name) or t.name in seen:
            raise MetaModelError(f"Fact sheet type name {t.name!r} is invalid or declared twice")
        seen.add(t.name)
        _validate_fields(t.name, t.fields, reserved=BASE_FIELD_NAMES)
    for rel in mm.relations:
        for end in (rel.source, rel.target):
            if end not in seen:
                raise MetaModelError(f"Relation {rel.name!r} refers to unknown type {end!r}")
        _validate_fields(rel.name, rel.fields, reserved=RELATION_NODE_KEYS)
    per_type: dict[str, set[str]] = {name: set() for name in seen}
    for rel in mm.relations:
        ends = ((rel.source, rel.name), (rel.target, rel.reverse_name))
        for owner, name in ends if rel.reverse_name else ends[:1]:
            if not _NAME.match(name) or name in per_type[owner] or name in _HIERARCHY:
                raise MetaModelError(f"Connection {name!r} is invalid or declared twice on type {owner!r}")
            per_type[owner].add(name)
    for t in mm.types:
        clash = per_type[t.name] & {f.name for f in t.fields}
        if clash:
            raise MetaModelError(f"Type {t.name!r} has a field and a relation both called {sorted(clash)}")
    if len(set(mm.lifecycle_phases)) != len(mm.lifecycle_phases):
        raise MetaModelError("Lifecycle phases must be unique")


def _validate_fields(owner: str, fields: Iterable[FieldDef], reserved: frozenset[str]) -> None:
    names: set[str] = set()
    for f in fields:
        if not _NAME.match(f.name) or f.name in names or f.name in reserved:
            raise MetaModelError(f"Field {f.name!r} of {owner!r} is invalid, reserved or declared twice")
        if not isinstance(f.kind, FieldKind):
            raise MetaModelError(f"Field {owner}.{f.name}: kind {f.kind!r} is not a FieldKind")
        names.add(f.name)
        if f.is_select:
            if not f.values:
                raise MetaModelError(f"Select field {owner}.{f.name} needs values")
            bad = [v for v in f.values if not _NAME.match(v) or v in _RESERVED_ENUM_VALUES]
            if bad or len(set(f.values)) != len(f.values):
                raise MetaModelError(f"Select field {owner}.{f.name} has invalid or repeated values {bad}")
        elif f.values:
            raise MetaModelError(f"Only select fields take values ({owner}.{f.name})")


# -- the JSON form -----------------------------------------------------------------------------------------


def _field_dict(f: FieldDef) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "kind": f.kind.value}
    if f.values:
        out["values"] = list(f.values)
    if f.graphql_type:
        out["graphqlType"] = f.graphql_type
    return out


def _field(raw: Any, owner: str) -> FieldDef:
    f = _keys(raw, f"a field of {owner}", required=("name", "kind"), optional=("values", "graphqlType"))
    name = _text(f["name"], f"a field name of {owner}")
    kind = f["kind"]
    if kind not in FieldKind.__members__:
        raise MetaModelError(
            f"Field {owner}.{name}: unknown kind {kind!r}.{_hint(str(kind), FieldKind.__members__)} "
            f"Kinds: {', '.join(FieldKind.__members__)}."
        )
    values = tuple(_text(v, f"{owner}.{name}.values") for v in _list(f.get("values", ()), f"{owner}.{name}"))
    return FieldDef(name, FieldKind(kind), values, _text(f.get("graphqlType", ""), f"{owner}.{name}"))


def _keys(raw: Any, what: str, required: tuple[str, ...], optional: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise MetaModelError(f"{what[:1].upper()}{what[1:]} must be a mapping, not {type(raw).__name__}")
    allowed = (*required, *optional)
    missing = [k for k in required if k not in raw]
    for key in raw:
        if key not in allowed:
            # a close spelling, else the one required key that is missing ('type' written for 'kind')
            hint = _hint(str(key), allowed) or (f" Did you mean {missing[0]!r}?" if len(missing) == 1 else "")
            raise MetaModelError(f"Unknown key {key!r} in {what}.{hint} Keys: {', '.join(allowed)}.")
    if missing:
        raise MetaModelError(f"{what[:1].upper()}{what[1:]} needs {', '.join(repr(k) for k in missing)}")
    return raw


def _list(raw: Any, what: str) -> list[Any]:
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Iterable):
        raise MetaModelError(f"{what} must be a list, not {type(raw).__name__}")
    return list(raw)


def _text(raw: Any, what: str) -> str:
    if not isinstance(raw, str):
        raise MetaModelError(f"{what} must be a string, not {raw!r}")
    return raw


def _bool(raw: Any, what: str) -> bool:
    if not isinstance(raw, bool):
        raise MetaModelError(f"{what} must be true or false, not {raw!r}")
    return raw

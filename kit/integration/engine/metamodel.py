"""What the engine knows about fact sheet fields: kinds (single or multi value, number, date ...), allowed
select values and relation end types — from the meta model, the caller (``fields=``), or the workspace's
own records.

Sources, strongest first:

1. ``fields``: a :class:`kit.leanix.MetaModel`, or ``{type: {field: kind}}`` where a kind is a name
   (``"MULTIPLE_SELECT"``), a :class:`~kit.leanix.FieldKind`, a mapping ``{"kind", "values"}`` or a
   :class:`~kit.leanix.FieldDef`.
2. ``view.metamodel`` (a :class:`kit.leanix.MetaModel`; a live workspace's is ``ws.model``) when there is one.
3. Only when neither gives a meta model: inference from the view's records (a sample per type): lists are
   MULTIPLE_SELECT, floats DOUBLE, ints INTEGER, ``{"phases"}`` LIFECYCLE, ``{"externalId"}`` EXTERNALID,
   other strings STRING.

Rule: "Field 'x' does not exist for type T" (UNKNOWN_FIELD) is only reported for a type an explicit source
(1 or 2) describes — records of a snapshot may lack fields nobody fetched, so inference never rejects a key.
For a type no source describes, every key is accepted as a single-value field of unknown kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from kit.leanix import EXTERNAL_ID_SUBFIELDS, LIFECYCLE_PHASES, FieldDef, MetaModel
from kit.leanix.constants import READ_ONLY_FIELDS, UPDATABLE_BASE_FIELDS

__all__ = ["FieldInfo", "FieldModel", "MULTI_KINDS"]

#: kinds whose updates take every candidate (a list), not the first one
MULTI_KINDS = frozenset({"MULTIPLE_SELECT", "PROJECT", "MILESTONE"})
_SAMPLE = 200


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """How one update key of a fact sheet type is written."""

    key: str
    field: str
    sub: str | None
    kind: str | None  # None: unknown kind (the value is written as evaluated)
    multi: bool = False
    allowed: tuple[str, ...] = ()


def _kind_name(kind: Any) -> str:
    """The kind's name from a name, a FieldKind, a ``{"kind", "values"}`` mapping or a FieldDef."""
    if isinstance(kind, Mapping):
        kind = kind.get("kind")
    elif isinstance(kind, FieldDef):
        kind = kind.kind
    return str(kind).upper()


def _allowed(kind: Any) -> tuple[str, ...]:
    values = (
        kind.get("values")
        if isinstance(kind, Mapping)
        else kind.values
        if isinstance(kind, FieldDef)
        else None
    )
    if isinstance(values, str) or not isinstance(values, Iterable):
        return ()
    return tuple(str(v) for v in values)


def _infer_kind(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Mapping):
        if "phases" in value or "asString" in value:
            return "LIFECYCLE"
        if "externalId" in value:
            return "EXTERNALID"
        return None
    if isinstance(value, list | tuple):
        return "MULTIPLE_SELECT" if all(isinstance(v, str) for v in value) else None
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    return None


def _view_metamodel(view: Any) -> MetaModel | None:
    """The meta model a view carries (``view.metamodel``; None: unknown)."""
    found = getattr(view, "metamodel", None)
    return found if isinstance(found, MetaModel) else None


class FieldModel:
    """Field kinds per fact sheet type, relation end types, and the key lookup used by every update."""

    def __init__(self, fields: Any = None, view: Any = None, extra_types: Iterable[str] = ()) -> None:
        self.explicit: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {}
        self.categories: dict[str, tuple[str, ...]] = {}
        self.inferred: dict[str, dict[str, tuple[str | None, tuple[str, ...]]]] = {}
        self.relations: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.metamodel: MetaModel | None = None
        self._view = view
        self._cache: dict[tuple[str | None, str], FieldInfo | str] = {}
        for source in (fields, _view_metamodel(view)):
            if source is not None:
                self._load(source)
        self.lifecycle_phases = self.metamodel.lifecycle_phases if self.metamodel else LIFECYCLE_PHASES
        self.types: set[str] = set(self.explicit) | set(extra_types)

    # -- loading ---------------------------------------------------------------------------------------

    def _load(self, source: MetaModel | Mapping[str, Any]) -> None:
        if isinstance(source, Mapping):
            for type_name, fields in source.items():
                target = self.explicit.setdefault(str(type_name), {})
                for name, kind in fields.items():
                    target.setdefault(str(name), (_kind_name(kind), _allowed(kind)))
            return
        if not isinstance(source, MetaModel):
            raise TypeError(
                f"fields= takes a kit.leanix.MetaModel or {{type: {{field: kind}}}}, not {type(source).__name__}"
            )
        for type_def in source.types:
            target = self.explicit.setdefault(type_def.name, {})
            for field in type_def.fields:
                target.setdefault(field.name, (field.kind.value, field.values))
            if type_def.categories:
                self.categories.setdefault(type_def.name, type_def.categories)
        if self.metamodel is None:
            self.metamodel = source

    def _fields_of(self, type_name: str | None) -> tuple[dict[str, tuple[Any, tuple[str, ...]]] | None, bool]:
        """(fields, explicit) for a type; inferred from the view's records when no source describes it."""
        if type_name is None:
            return None, False
        fields = self.explicit.get(type_name)
        if fields is not None:
            return fields, True
        if self._view is None or self.metamodel is not None:
            return None, False  # a meta model is known: never guess from records
        inferred = self.inferred.get(type_name)
        if inferred is None:
            inferred = self.inferred[type_name] = self._infer(type_name)
        return (inferred or None), False

    def _infer(self, type_name: str) -> dict[str, tuple[str | None, tuple[str, ...]]]:
        found: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        try:
            records = islice(self._view.records(type_name), _SAMPLE)
            for record in records:
                for key, value in record.items():
                    if key in READ_ONLY_FIELDS or key.startswith("rel"):
                        continue
                    known = found.get(key)
                    if known is None or known[0] is None:
                        found[key] = (_infer_kind(value), ())
        except Exception:  # a view that cannot enumerate: nothing inferred
            return {}
        return found

    # -- lookups ---------------------------------------------------------------------------------------

    def describes(self, type_name: str | None) -> bool:
        """True when an explicit source lists this type's fields."""
        return type_name in self.explicit

    def lookup(self, type_name: str | None, key: str) -> FieldInfo | str:
        """How ``key`` is written on ``type_name``, or a message when the field does not exist."""
        cache_key = (type_name, key)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._cache[cache_key] = self._lookup(type_name, key)
        return found

    def _lookup(self, type_name: str | None, key: str) -> FieldInfo | str:
        fields, explicit = self._fields_of(type_name)
        field, dot, sub = key.partition(".")
        missing = f"Field '{key}' does not exist for type {type_name}"
        declared = fields.get(field) if fields else None
        kind: str | None
        if not dot:
            if declared is None and field in UPDATABLE_BASE_FIELDS:
                kind = UPDATABLE_BASE_FIELDS[field]
                allowed = self.categories.get(type_name or "", ()) if field == "category" else ()
                return FieldInfo(key, field, None, kind, kind in MULTI_KINDS, allowed)
            if declared is None:
                return missing if explicit else FieldInfo(key, field, None, None)
            kind, allowed = declared
            if kind == "LIFECYCLE":
                return f"Field '{key}' is a lifecycle: write one phase, e.g. 'lifecycle.active'"
            return FieldInfo(key, field, None, kind, kind in MULTI_KINDS, allowed)
        kind = declared[0] if declared else None
        if declared is None and not explicit:
            kind = "LIFECYCLE" if field == "lifecycle" else "EXTERNALID" if field == "externalId" else None
        if kind == "LIFECYCLE":
            if sub not in self.lifecycle_phases:
                return (
                    f"Field '{key}' does not exist for type {type_name}: lifecycle phases are "
                    + ", ".join(self.lifecycle_phases)
                )
            return FieldInfo(key, field, sub, "LIFECYCLE")
        if kind == "EXTERNALID":
            if sub not in EXTERNAL_ID_SUBFIELDS:
                return (
                    f"Field '{key}' does not exist for type {type_name}: external id parts are "
                    + ", ".join(EXTERNAL_ID_SUBFIELDS)
                )
            return FieldInfo(key, field, sub, "EXTERNALID")
        if declared is None and not explicit:
            return FieldInfo(key, field, sub, None)
        return missing

    def external_id_fields(self, type_name: str) -> tuple[str, ...]:
        """Names of the EXTERNALID fields of a type (empty when unknown)."""
        fields, _ = self._fields_of(type_name)
        return tuple(name for name, (kind, _) in (fields or {}).items() if kind == "EXTERNALID")

    # -- relations -------------------------------------------------------------------------------------

    def relation_ends(self, connection: str) -> tuple[str | None, str | None, str | None]:
        """(source type, target type, reverse connection name); None where it cannot be told."""
        known = self.relations.get(connection)
        if known is None:
            known = self.relations[connection] = self._relation_ends(connection)
        return known

    def _relation_ends(self, connection: str) -> tuple[str | None, str | None, str | None]:
        if connection == "relToParent":
            return None, None, "relToChild"
        if connection == "relToChild":
            return None, None, "relToParent"
        if self.metamodel is not None:
            for type_name in self.metamodel.type_names:
                relation = self.metamodel.relations_of(type_name).get(connection)
                if relation is not None:
                    return relation.source, relation.target, relation.reverse_name or None
        match = re.match(r"^rel([A-Z]\w*?)To([A-Z]\w*)$", connection)
        if match is None:
            return None, None, None
        head = connection[3:]
        src = max((t for t in self.types if head.startswith(t + "To")), key=len, default=None)
        tgt = max((t for t in self.types if connection.endswith("To" + t)), key=len, default=None)
        if src is not None and tgt is not None:
            middle = connection[3 + len(src) + 2 : len(connection) - len(tgt)]
            reverse = f"rel{tgt}To{src}" if not middle else None
        else:
            reverse = f"rel{match[2]}To{match[1]}"
        return src, tgt, reverse

"""LeanIX's data model and constants: the one meta model every other layer reads.

Holds :class:`MetaModel` (fact sheet types, fields with LeanIX's kinds, relations in both directions,
lifecycle phases; declared, introspected or read from JSON), the fact sheet record accessor
(:mod:`kit.leanix.record`, over the GraphQL node shape) and LeanIX's constants (:mod:`kit.leanix.constants`).

May import: ``kit.errors`` only (and the standard library). No HTTP, no pandas.
"""

from kit.leanix import record
from kit.leanix.constants import BASE_FIELDS, EXTERNAL_ID_SUBFIELDS, LIFECYCLE_PHASES
from kit.leanix.introspection import INTROSPECTION_QUERY
from kit.leanix.metamodel import (
    RELATION_BASE_FIELDS,
    FactSheetTypeDef,
    FieldDef,
    FieldKind,
    MetaModel,
    MetaModelError,
    RelationDef,
    UnknownFactSheetType,
    UnknownField,
)

__all__ = [
    "BASE_FIELDS",
    "EXTERNAL_ID_SUBFIELDS",
    "INTROSPECTION_QUERY",
    "LIFECYCLE_PHASES",
    "RELATION_BASE_FIELDS",
    "FactSheetTypeDef",
    "FieldDef",
    "FieldKind",
    "MetaModel",
    "MetaModelError",
    "RelationDef",
    "UnknownFactSheetType",
    "UnknownField",
    "record",
]

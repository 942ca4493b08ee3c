"""The meta model of the sandbox workspace: fact sheet types, their fields and their relations.

One description drives everything the sandbox serves: the GraphQL schema is generated from it and the demo
generator fills exactly these fields and relations, so the two can never disagree. Single-select values are
kept in their meaningful order (worst to best, low to high) because LeanIX shows them in that order and
reports rely on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from kit.errors import LxkitError

__all__ = [
    "DEFAULT_METAMODEL",
    "FactSheetTypeDef",
    "FieldDef",
    "FieldKind",
    "MetaModel",
    "MetaModelError",
    "RELATION_BASE_FIELDS",
    "RelationDef",
]

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
_RESERVED_ENUM_VALUES = {"true", "false", "null"}


class MetaModelError(LxkitError):
    """The meta model is inconsistent or a type / relation name is unknown."""


class FieldKind(StrEnum):
    """Kinds of fact sheet and relation fields, as LeanIX's data model names them."""

    STRING = "STRING"
    SINGLE_SELECT = "SINGLE_SELECT"
    MULTIPLE_SELECT = "MULTIPLE_SELECT"
    DOUBLE = "DOUBLE"
    INTEGER = "INTEGER"
    DATE = "DATE"
    LIFECYCLE = "LIFECYCLE"
    EXTERNALID = "EXTERNALID"


@dataclass(frozen=True)
class FieldDef:
    """One field; ``values`` (select kinds only) are ordered worst to best or low to high."""

    name: str
    kind: FieldKind
    values: tuple[str, ...] = ()

    @property
    def is_select(self) -> bool:
        return self.kind in (FieldKind.SINGLE_SELECT, FieldKind.MULTIPLE_SELECT)


@dataclass(frozen=True)
class RelationDef:
    """A relation seen from ``source``; ``reverse_name`` is the same relation seen from ``target``."""

    name: str
    source: str
    target: str
    reverse_name: str
    fields: tuple[FieldDef, ...] = ()

    def reversed(self) -> RelationDef:
        """The same relation seen from the other end (same fields)."""
        return RelationDef(self.reverse_name, self.target, self.source, self.name, self.fields)


@dataclass(frozen=True)
class FactSheetTypeDef:
    """A fact sheet type; ``categories`` are its subtypes (the ``category`` field)."""

    name: str
    fields: tuple[FieldDef, ...] = ()
    hierarchical: bool = True
    categories: tuple[str, ...] = ()

    def field(self, name: str) -> FieldDef | None:
        """The field called ``name`` or None."""
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

# Fact sheet fields every type has; a type field must not reuse one of these names.
BASE_FIELD_NAMES = frozenset(
    {
        "id",
        "name",
        "displayName",
        "fullName",
        "description",
        "type",
        "category",
        "rev",
        "status",
        "level",
        "qualitySeal",
        "lxState",
        "createdAt",
        "updatedAt",
        "completion",
        "permissions",
        "tags",
        "subscriptions",
    }
)


@dataclass(frozen=True)
class MetaModel:
    """Fact sheet types and relations, with lookups; hierarchical types get ``relToParent``/``relToChild``."""

    types: tuple[FactSheetTypeDef, ...]
    relations: tuple[RelationDef, ...]
    lifecycle_phases: tuple[str, ...] = ("plan", "phaseIn", "active", "phaseOut", "endOfLife")

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def type_names(self) -> tuple[str, ...]:
        """Type names in declaration order."""
        return tuple(t.name for t in self.types)

    def type(self, name: str) -> FactSheetTypeDef:
        """The type called ``name``; raises :class:`MetaModelError` naming the known types otherwise."""
        try:
            return self._types_by_name[name]
        except KeyError:
            raise MetaModelError(
                f"Unknown fact sheet type {name!r}; known types: {', '.join(self.type_names)}"
            ) from None

    def has_type(self, name: str) -> bool:
        return name in self._types_by_name

    def relations_of(self, type_name: str) -> Mapping[str, RelationDef]:
        """Connections of a type by connection name, both directions, each oriented from ``type_name``."""
        self.type(type_name)
        return self._relations_by_type[type_name]

    def relation(self, type_name: str, name: str) -> RelationDef:
        """The relation ``name`` seen from ``type_name``; raises :class:`MetaModelError` if it has none."""
        rel = self.relations_of(type_name).get(name)
        if rel is None:
            raise MetaModelError(
                f"Fact sheet type {type_name!r} has no relation {name!r}; "
                f"it has: {', '.join(self._relations_by_type[type_name]) or 'none'}"
            )
        return rel

    @cached_property
    def relation_names(self) -> frozenset[str]:
        """Every connection name on any type (both directions, including relToParent/relToChild)."""
        return frozenset(n for rels in self._relations_by_type.values() for n in rels)

    @cached_property
    def fields_by_name(self) -> dict[str, FieldDef]:
        """Fact sheet fields of all types by name (first declaration wins when types share a name)."""
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
            out[rel.target][rel.reverse_name] = rel.reversed()
        for t in self.types:
            if t.hierarchical:
                parent = RelationDef("relToParent", t.name, t.name, "relToChild", RELATION_BASE_FIELDS)
                out[t.name]["relToParent"] = parent
                out[t.name]["relToChild"] = parent.reversed()
        return out


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
        _validate_fields(rel.name, rel.fields, reserved=frozenset({"id", "type", "factSheet"}))
    per_type: dict[str, set[str]] = {name: set() for name in seen}
    for rel in mm.relations:
        for owner, name in ((rel.source, rel.name), (rel.target, rel.reverse_name)):
            if name in per_type[owner] or name in ("relToParent", "relToChild"):
                raise MetaModelError(f"Connection {name!r} is declared twice on type {owner!r}")
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
        names.add(f.name)
        if f.is_select:
            if not f.values:
                raise MetaModelError(f"Select field {owner}.{f.name} needs values")
            bad = [v for v in f.values if not _NAME.match(v) or v in _RESERVED_ENUM_VALUES]
            if bad or len(set(f.values)) != len(f.values):
                raise MetaModelError(f"Select field {owner}.{f.name} has invalid or repeated values {bad}")
        elif f.values:
            raise MetaModelError(f"Only select fields take values ({owner}.{f.name})")


# ---------------------------------------------------------------------------------------------------------
# The default meta model: v4 types plus the v3 types Project, Process and UserGroup.

_K = FieldKind


def _single(name: str, *values: str) -> FieldDef:
    return FieldDef(name, _K.SINGLE_SELECT, values)


def _f(name: str, kind: FieldKind) -> FieldDef:
    return FieldDef(name, kind)


_LIFECYCLE = _f("lifecycle", _K.LIFECYCLE)
_EXTERNAL_ID = _f("externalId", _K.EXTERNALID)
_ALIAS = _f("alias", _K.STRING)
_BUSINESS_CRITICALITY = _single(
    "businessCriticality",
    "administrativeService",
    "businessOperational",
    "businessCritical",
    "missionCritical",
)
_FUNCTIONAL_SUITABILITY = _single(
    "functionalSuitability", "unreasonable", "insufficient", "appropriate", "perfect"
)
_TECHNICAL_SUITABILITY = _single(
    "technicalSuitability", "inappropriate", "unreasonable", "adequate", "fullyAppropriate"
)


def _rel(name: str, source: str, target: str, reverse: str, *fields: FieldDef) -> RelationDef:
    return RelationDef(name, source, target, reverse, RELATION_BASE_FIELDS + fields)


_TYPES = (
    FactSheetTypeDef(
        "Objective",
        (
            _LIFECYCLE,
            _f("progress", _K.INTEGER),
            _single("objectiveStatus", "offTrack", "atRisk", "onTrack", "achieved"),
        ),
        categories=("strategic", "tactical"),
    ),
    FactSheetTypeDef(
        "Platform",
        (_LIFECYCLE, _ALIAS, _single("strategicImportance", "low", "medium", "high")),
        categories=("digital", "technical"),
    ),
    FactSheetTypeDef(
        "Initiative",
        (
            _LIFECYCLE,
            _f("budgetOpEx", _K.DOUBLE),
            _f("budgetCapEx", _K.DOUBLE),
            _single("initiativeStatus", "red", "yellow", "green"),
            _single("businessValue", "low", "medium", "high"),
        ),
        categories=("idea", "program", "project", "epic"),
    ),
    FactSheetTypeDef(
        "Organization",
        (_ALIAS, _LIFECYCLE, _EXTERNAL_ID),
        categories=("businessUnit", "region", "legalEntity", "team", "customer"),
    ),
    FactSheetTypeDef(
        "BusinessCapability",
        (_ALIAS, _LIFECYCLE, _single("strategicImportance", "low", "medium", "high")),
    ),
    FactSheetTypeDef(
        "BusinessContext",
        (_LIFECYCLE, _ALIAS),
        categories=("process", "valueStream", "customerJourney", "businessProduct"),
    ),
    FactSheetTypeDef(
        "DataObject",
        (
            _ALIAS,
            _LIFECYCLE,
            _single("dataClassification", "public", "internal", "confidential", "restricted"),
            FieldDef(
                "personalData", _K.MULTIPLE_SELECT, ("contactData", "financialData", "healthData", "hrData")
            ),
        ),
    ),
    FactSheetTypeDef(
        "Application",
        (
            _BUSINESS_CRITICALITY,
            _f("businessCriticalityDescription", _K.STRING),
            _FUNCTIONAL_SUITABILITY,
            _f("functionalSuitabilityDescription", _K.STRING),
            _TECHNICAL_SUITABILITY,
            _f("technicalSuitabilityDescription", _K.STRING),
            _ALIAS,
            _f("release", _K.STRING),
            _LIFECYCLE,
            _EXTERNAL_ID,
            _f("totalAnnualCost", _K.DOUBLE),
            _f("numberOfUsers", _K.INTEGER),
            _single("hostingType", "onPremise", "iaas", "paas", "saas"),
            _f("goLiveDate", _K.DATE),
        ),
        categories=("businessApplication", "microservice", "deployment"),
    ),
    FactSheetTypeDef(
        "Interface",
        (
            _LIFECYCLE,
            _EXTERNAL_ID,
            _single("frequency", "onDemand", "monthly", "weekly", "daily", "hourly", "realTime"),
            _single("dataFlowDirection", "incoming", "outgoing", "bidirectional"),
            FieldDef("interfaceType", _K.MULTIPLE_SELECT, ("api", "file", "database", "message", "manual")),
        ),
        hierarchical=False,
        categories=("logicalInterface", "api"),
    ),
    FactSheetTypeDef(
        "Provider",
        (
            _ALIAS,
            _EXTERNAL_ID,
            _single("providerCriticality", "low", "medium", "high", "critical"),
            _single("providerQuality", "poor", "satisfactory", "good", "excellent"),
        ),
        hierarchical=False,
    ),
    FactSheetTypeDef(
        "ITComponent",
        (
            _LIFECYCLE,
            _EXTERNAL_ID,
            _TECHNICAL_SUITABILITY,
            _single("obsolescenceRiskStatus", "unaddressed", "riskAccepted", "riskAddressed", "noRisk"),
            _f("version", _K.STRING),
            _f("totalAnnualCost", _K.DOUBLE),
            _ALIAS,
        ),
        categories=("software", "hardware", "service", "saas", "iaas", "paas"),
    ),
    FactSheetTypeDef("TechnicalStack", (_ALIAS,)),
    FactSheetTypeDef(
        "Project",
        (
            _LIFECYCLE,
            _f("budgetOpEx", _K.DOUBLE),
            _f("budgetCapEx", _K.DOUBLE),
            _single("projectStatus", "red", "yellow", "green"),
            _single("businessValue", "low", "medium", "high"),
            _single("projectRisk", "high", "medium", "low"),
            _EXTERNAL_ID,
        ),
        categories=("transformation", "maintenance", "compliance"),
    ),
    FactSheetTypeDef(
        "Process",
        (_LIFECYCLE, _single("processMaturity", "initial", "repeatable", "defined", "managed", "optimizing")),
    ),
    FactSheetTypeDef("UserGroup", (_LIFECYCLE, _f("numberOfUsers", _K.INTEGER))),
)

_USAGE = FieldDef("usage", _K.MULTIPLE_SELECT, ("create", "read", "update", "delete"))

_RELATIONS = (
    _rel(
        "relApplicationToITComponent",
        "Application",
        "ITComponent",
        "relITComponentToApplication",
        _TECHNICAL_SUITABILITY,
        _f("costTotalAnnual", _K.DOUBLE),
    ),
    _rel(
        "relApplicationToBusinessCapability",
        "Application",
        "BusinessCapability",
        "relBusinessCapabilityToApplication",
        _FUNCTIONAL_SUITABILITY,
        _single("supportType", "leading", "supporting"),
    ),
    _rel(
        "relInterfaceToProviderApplication",
        "Interface",
        "Application",
        "relProviderApplicationToInterface",
    ),
    _rel(
        "relInterfaceToConsumerApplication",
        "Interface",
        "Application",
        "relConsumerApplicationToInterface",
    ),
    _rel("relInterfaceToDataObject", "Interface", "DataObject", "relDataObjectToInterface", _USAGE),
    _rel("relApplicationToDataObject", "Application", "DataObject", "relDataObjectToApplication", _USAGE),
    _rel("relITComponentToProvider", "ITComponent", "Provider", "relProviderToITComponent"),
    _rel(
        "relITComponentToTechnologyStack",
        "ITComponent",
        "TechnicalStack",
        "relTechnologyStackToITComponent",
    ),
    _rel(
        "relApplicationToUserGroup",
        "Application",
        "UserGroup",
        "relUserGroupToApplication",
        _single("usageType", "user", "owner"),
    ),
    _rel(
        "relApplicationToOrganization",
        "Application",
        "Organization",
        "relOrganizationToApplication",
        _single("usageType", "user", "owner"),
    ),
    _rel("relApplicationToProcess", "Application", "Process", "relProcessToApplication"),
    _rel(
        "relApplicationToBusinessContext", "Application", "BusinessContext", "relBusinessContextToApplication"
    ),
    _rel("relProjectToApplication", "Project", "Application", "relApplicationToProject"),
    _rel("relInitiativeToApplication", "Initiative", "Application", "relApplicationToInitiative"),
    _rel("relInitiativeToObjective", "Initiative", "Objective", "relObjectiveToInitiative"),
    _rel(
        "relObjectiveToBusinessCapability",
        "Objective",
        "BusinessCapability",
        "relBusinessCapabilityToObjective",
    ),
    _rel("relPlatformToApplication", "Platform", "Application", "relApplicationToPlatform"),
    _rel(
        "relBusinessCapabilityToBusinessContext",
        "BusinessCapability",
        "BusinessContext",
        "relBusinessContextToBusinessCapability",
    ),
)

DEFAULT_METAMODEL = MetaModel(types=_TYPES, relations=_RELATIONS)
"""Meta model v4 (12 types) plus v3's Project, Process and UserGroup, with LeanIX's relation names."""

"""The sandbox workspace's meta model, declared once: meta model v4's types plus v3's Project, Process and
UserGroup, with LeanIX's relation names.

The sandbox's GraphQL schema is generated from it (:mod:`kit.sandbox.schema`) and the demo generator fills
exactly these fields and relations, so the two can never disagree.
"""

from __future__ import annotations

from kit.leanix import RELATION_BASE_FIELDS, FactSheetTypeDef, FieldDef, FieldKind, MetaModel, RelationDef

__all__ = ["CUSTOM_FIELDS", "DEFAULT_METAMODEL"]

_K = FieldKind


def _single(name: str, *values: str) -> FieldDef:
    return FieldDef(name, _K.SINGLE_SELECT, values)


def _f(name: str, kind: FieldKind) -> FieldDef:
    return FieldDef(name, kind)


def _rel(name: str, source: str, target: str, reverse: str, *fields: FieldDef) -> RelationDef:
    return RelationDef(name, source, target, reverse, RELATION_BASE_FIELDS + fields)


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

# The demo workspace's custom fields: the ones SAP's GraphQL examples read and write ("Retrieving Custom Fact
# Sheet Attributes": capEx/opEx on ITComponent; "Updating a Fact Sheet": serviceNowId, a string, and
# supportedPlatforms, a multiple select set to ["macOS", "windows"]). A real workspace adds its own in the same
# way: plain fields of the type, next to the meta model's.
_CUSTOM_APPLICATION = (
    _f("serviceNowId", _K.STRING),
    FieldDef(
        "supportedPlatforms", _K.MULTIPLE_SELECT, ("windows", "macOS", "linux", "iOS", "android", "web")
    ),
)
_CUSTOM_ITCOMPONENT = (_f("capEx", _K.DOUBLE), _f("opEx", _K.DOUBLE))

CUSTOM_FIELDS: dict[str, tuple[str, ...]] = {
    "Application": tuple(f.name for f in _CUSTOM_APPLICATION),
    "ITComponent": tuple(f.name for f in _CUSTOM_ITCOMPONENT),
}
"""The demo workspace's custom fields by type (the demo fills them in its own step, after the rest)."""

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
            *_CUSTOM_APPLICATION,
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
            *_CUSTOM_ITCOMPONENT,
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
    # Successors within a type (the application or IT component that replaces this one), as the default meta
    # model has them; only the base relation fields (activeFrom, activeUntil, description).
    _rel("relToSuccessor", "Application", "Application", "relToPredecessor"),
    _rel("relToSuccessor", "ITComponent", "ITComponent", "relToPredecessor"),
)

DEFAULT_METAMODEL = MetaModel(types=_TYPES, relations=_RELATIONS)
"""Meta model v4 (12 types) plus v3's Project, Process and UserGroup, with LeanIX's relation names, successor
relations on Application and ITComponent and the custom fields of :data:`CUSTOM_FIELDS`."""

"""The known keys of every object in LDIFs, processor configurations and inbound mappings, declared once.

Each object kind is a :class:`Shape` (its keys with their :class:`Key` types); processors get one shape per
``processorType``. The validator (:mod:`.validate`) walks data against these tables and the linter's
unknown-key rule reads the same tables, so a key added here is known everywhere.

Key types are written as small strings: ``string``, ``boolean``, ``integer``, ``number``, ``any``, ``map``
(a free-form JSON object), a shape name (``Filter``), ``list:<type>``, and unions ``string|boolean``.
Sources: the Integration API swagger (``InboundProcessor``, ``FilterConfig``, ``PatchTemplate`` ...), the SAP
LeanIX docs (``exactType``, ``updatedInDuration``, ``inboundToDo``, ``executionRestrictions`` ...) and the
SAP Signavio integration docs for inbound mappings; see ``/work/shared/reference/leanix-api.md`` §5, §6, §15.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

__all__ = [
    "COMMENT_KEYS",
    "PROCESSOR_COMMON",
    "PROCESSOR_TYPES",
    "SHAPES",
    "Key",
    "ProcessorType",
    "Shape",
    "processor_shape",
]

#: Keys LeanIX accepts anywhere as comments (ignored by the engine).
COMMENT_KEYS = frozenset({"description", "processorDescription", "comment"})


@dataclass(frozen=True)
class Key:
    """The type and constraints of one key; ``juel`` strings are templates, ``regex`` strings Java regexes."""

    type: str
    required: bool = False
    juel: bool = False
    regex: bool = False
    enum: tuple[str, ...] = ()
    ignore_case: bool = False
    minimum: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Shape:
    """One kind of JSON object: its keys, and groups of keys of which exactly one must be present."""

    name: str
    keys: Mapping[str, Key]
    one_of: tuple[str, ...] = ()
    #: combinations of ``one_of`` keys that are allowed together anyway
    together: tuple[frozenset[str], ...] = ()
    #: unknown keys are reported (False for free-form objects)
    closed: bool = True


@dataclass(frozen=True)
class ProcessorType:
    """A ``processorType``: its direction, the keys it needs and the shape that lists all its keys."""

    name: str
    direction: str
    required: tuple[str, ...] = ()
    shape: str = field(default="")


S = Key("string")
J = Key("string", juel=True)
R = Key("string", regex=True)
B = Key("boolean")
STRINGS = Key("list:string")
JUELS = Key("list:string", juel=True)
MAP = Key("map")

SHAPES: dict[str, Shape] = {}


def _define(name: str, keys: dict[str, Key], **options: object) -> None:
    SHAPES[name] = Shape(name, keys, **options)  # type: ignore[arg-type]


# -- LDIF (§5) -------------------------------------------------------------------------------------------

_HEADER = Key("string", max_length=500)
_define(
    "Ldif",
    {
        "connectorType": Key("string", required=True, max_length=500),
        "connectorId": Key("string", required=True, max_length=500),
        "connectorVersion": _HEADER,
        "lxVersion": Key("string", required=True, max_length=500),
        "lxWorkspace": _HEADER,
        "description": _HEADER,
        # documented as mandatory, but the vendor's own "pure cleanup" LDIF omits it; the API defaults to inbound
        "processingDirection": Key("string", enum=("inbound", "outbound"), ignore_case=True),
        "processingMode": Key("string", enum=("partial", "full"), ignore_case=True),
        "customFields": MAP,
        "chunkInformation": Key("ChunkInformation"),
        "content": Key("list:Content"),
    },
)
_define(
    "ChunkInformation",
    {name: Key("integer", minimum=0) for name in ("firstDataObject", "lastDataObject", "maxDataObject")},
)
_define(
    "Content",
    {
        "type": Key("string", required=True),
        "id": Key("string", required=True),
        "data": Key("map", required=True),
    },
)

# -- processor configuration: root (§6.1) -----------------------------------------------------------------

_define(
    "Configuration",
    {
        "connectorType": S,
        "connectorId": S,
        "connectorVersion": S,
        "processingDirection": Key("string", enum=("inbound", "outbound"), ignore_case=True),
        "processingMode": Key("string", enum=("partial", "full"), ignore_case=True),
        "processors": Key("list:Processor"),
        "variables": MAP,
        "deletionScope": Key("DeletionScope"),
        "dataProvider": Key("DataProvider"),
        "credentials": Key("Credentials"),
        "targetLdif": Key("TargetLdif"),
        "scope": Key("Scope"),
        "dataConsumer": Key("DataConsumer"),
        "defaultInput": MAP,
        "sequentialExecution": B,
        "executionGroups": STRINGS,
        "executionRestrictions": Key("ExecutionRestrictions"),
        "scheduling": Key("Scheduling"),
    },
)
_define("DataProvider", {"url": J, "type": S})
_define("Credentials", {"apiToken": S, "useTechnicalUser": B, "technicalUserId": S})
_define("TargetLdif", {"ldifKeys": Key("list:KeyValue"), "dataConsumer": Key("DataConsumer")})
_define(
    "DataConsumer",
    {
        "type": Key("string", required=True, enum=("leanixStorage", "azureStorage")),
        "connectionString": S,
        "containerName": S,
    },
)
_define("ExecutionRestrictions", {"defaultTechnicalUser": B, "userIds": STRINGS})
_define("Scheduling", {"type": S})

# -- shared templates (§6.3, §6.4) ----------------------------------------------------------------------------

_define(
    "Filter",
    {
        "exactType": S,
        "type": R,
        "id": R,
        "advanced": J,
        "onRead": J,
        "updatedInDuration": S,
        "updatedAtDuration": S,  # the swagger's spelling; the docs write updatedInDuration
    },
)
_define("RegexReplace", {"match": R, "replace": S})
_define("KeyTemplate", {"expr": Key("string", required=True, juel=True), "regexReplace": Key("RegexReplace")})
_define(
    "KeyValue",
    {"key": Key("string", required=True, juel=True), "value": Key("string", required=True, juel=True)},
)
_define("ForEach", {"elementOf": Key("string", required=True, juel=True), "filter": J})
_define(
    "Variable",
    {
        "key": Key("string", required=True, juel=True),
        "value": Key("string", required=True, juel=True),
        "forEach": Key("ForEach"),
    },
)
_define(
    "Value",
    {
        "expr": J,
        "map": Key("list:KeyValue"),
        "object": J,
        "regexMatch": R,
        "regexReplace": Key("RegexReplace"),
        "forEach": Key("ForEach"),
    },
    one_of=("expr", "map", "object"),
)
_define(
    "Update",
    {
        "key": Key("KeyTemplate", required=True),
        "values": Key("list:Value", required=True),
        "op": S,
        "optional": B,
        "forEach": Key("ForEach"),
    },
)
_define(
    "OutputField",
    {
        "key": Key("KeyTemplate", required=True),
        "values": Key("list:Value"),
        "mode": Key("string", enum=("selectFirst", "list")),
        "optional": B,
        "forEach": Key("ForEach"),
    },
)

# -- identifiers and scopes ----------------------------------------------------------------------------------

_define("ExternalId", {"id": Key("KeyTemplate", required=True), "type": Key("KeyTemplate", required=True)})
_define(
    "ExternalIdSet",
    {"ids": Key("string", required=True, juel=True), "type": Key("KeyTemplate", required=True)},
)
_define("Identifier", {"internal": J, "external": Key("ExternalId")}, one_of=("internal", "external"))
_define(
    "SearchIdentifier",
    {"internal": J, "external": Key("ExternalId"), "search": Key("Search")},
    one_of=("internal", "external", "search"),
    together=(frozenset({"external", "search"}),),  # documented: try the external id, then search
)
_define("IdentifierSet", {"internal": J, "external": Key("ExternalIdSet")}, one_of=("internal", "external"))
_define(
    "ToDoIdentifier",
    {"internal": J, "external": Key("string|ExternalId", juel=True)},
    one_of=("internal", "external"),
)
_define(
    "Search",
    {
        "scope": Key("Scope"),
        "filter": J,
        "multipleMatchesAllowed": Key("boolean|string", juel=True),
        "scopeFromBookmark": J,
        "projectionScope": MAP,
    },
)
_define(
    "Scope",
    {
        "facetFilters": Key("list:Facet"),
        "ids": JUELS,
        "externalIds": JUELS,
        "omitArchivedFactSheets": B,
        "fullTextSearch": J,
    },
)
_define(
    "Facet",
    {
        "facetKey": Key("string", required=True, juel=True),
        "operator": J,
        "keys": JUELS,
        "dateFilter": MAP,
        "subscriptionFilter": MAP,
        "relationFieldsFilter": Key("any"),
        "targetFacets": Key("any"),
    },
)

# -- read sections -----------------------------------------------------------------------------------------------

_define(
    "Read",
    {
        "fields": STRINGS,
        "relations": Key("ReadRelations"),
        "tags": Key("ReadTags"),
        "subscriptions": Key("ReadSubscriptions"),
        "documents": Key("ReadDocuments"),
        "impacts": Key("ReadImpacts"),
        "metrics": Key("Metric|list:Metric"),
        "noNullForOrdinal": B,
        "multipleFields": J,
    },
)
_define(
    "ReadRelations",
    {
        "filter": STRINGS,
        "fields": STRINGS,
        "targetFields": STRINGS,
        "constrainingRelations": B,
        "multipleFields": J,
        "multipleFilters": J,
        "multipleTargetFields": J,
    },
)
_define("ReadTags", {"groups": STRINGS, "multipleGroups": Key("string|list:string", juel=True)})
_define("ReadSubscriptions", {"types": STRINGS})
_define("ReadDocuments", {"filter": R})
_define("ReadImpacts", {"readAll": B})
_define(
    "Metric",
    {
        "name": S,
        "measurement": J,
        "fieldName": J,
        "aggregationFunction": J,
        "groupBy": J,
        "start": J,
        "end": J,
        "duration": J,
        "rules": Key("MetricRule|list:MetricRule"),
    },
)
_define("MetricRule", {"key": J, "comparator": J, "compareWith": J})

# -- deletion scopes (§6.7) ---------------------------------------------------------------------------------------

_RATIO = Key("number", minimum=0)
_define(
    "DeletionScope",
    {
        "maximumDeletionRatio": Key("DeletionRatio"),
        "factSheets": Key("list:FactSheetDeletion"),
        "relations": Key("list:RelationDeletion"),
        "tags": Key("list:TagDeletion"),
        "subscriptions": Key("list:SubscriptionDeletion"),
        "documents": Key("list:DocumentDeletion"),
        "impacts": Key("list:ImpactDeletion"),
        "todos": Key("list:ToDoDeletion"),
    },
)
_define(
    "DeletionRatio",
    {
        kind: _RATIO
        for kind in ("factSheets", "relations", "tags", "subscriptions", "documents", "impacts", "todos")
    },
)
_define(
    "FactSheetDeletion", {"scope": Key("Scope"), "owner": Key("Owner"), "read": Key("Read"), "advanced": J}
)
_define(
    "Owner", {"fieldName": Key("string", required=True), "ownerId": Key("string", required=True, juel=True)}
)
_define("RelationDeletion", {"relationTypes": STRINGS, "scope": Key("Scope"), "advanced": J})
_define("TagDeletion", {"tagScopes": Key("list:TagScope"), "scope": Key("Scope"), "advanced": J})
_define("TagScope", {"group": R, "tag": R})
_define(
    "SubscriptionDeletion",
    {"subscriptionScopes": Key("list:SubscriptionScope"), "scope": Key("Scope"), "advanced": J},
)
_define("SubscriptionScope", {"type": S, "roles": STRINGS})
_define(
    "DocumentDeletion",
    {"documentMatches": Key("list:string", regex=True), "scope": Key("Scope"), "advanced": J},
)
_define("ImpactDeletion", {"scope": Key("Scope"), "advanced": J})
_define("ToDoDeletion", {"filterObject": Key("ToDoFilter"), "advanced": J})
_define("ToDoFilter", {"todoIds": STRINGS, "externalIds": STRINGS, "states": STRINGS})

# -- processors (§6.2, §6.3) --------------------------------------------------------------------------------------

_INBOUND_COMMON: dict[str, Key] = {
    "processorType": Key("string", required=True),
    "processorName": S,
    "filter": Key("Filter"),
    "run": Key("integer", minimum=0),
    "enabled": B,
    "forEach": J,
    "allowManyIterations": B,
    "variables": Key("list:Variable"),
    "mode": Key("string", enum=("createOrUpdate", "delete")),
    "logLevel": Key("string", enum=("off", "warning", "debug")),
    "updates": Key("list:Update"),
    "read": Key("Read"),
}
#: The keys every inbound processor has (used when a processor's type is unknown).
PROCESSOR_COMMON = _INBOUND_COMMON

_OUTBOUND_COMMON: dict[str, Key] = {
    "processorType": Key("string", required=True),
    "processorName": S,
    "filter": Key("Filter"),
    "enabled": B,
    "logLevel": Key("string", enum=("off", "warning", "debug")),
    "scope": Key("Scope"),
    "fields": STRINGS,
    "relations": Key("ReadRelations"),
    "tags": Key("ReadTags"),
    "subscriptions": Key("ReadSubscriptions"),
    "documents": Key("ReadDocuments"),
    "metrics": Key("Metric|list:Metric"),
    "output": Key("list:OutputField"),
    "noNullForOrdinal": B,
    "multipleFields": J,
    "dataConsumer": Key("DataConsumer"),
}
_TYPE_J = Key("string", required=True, juel=True)
_PROCESSORS: dict[str, tuple[str, tuple[str, ...], dict[str, Key]]] = {
    "inboundFactSheet": (
        "inbound",
        ("type", "identifier"),
        {"type": _TYPE_J, "identifier": Key("SearchIdentifier"), "readOnly": B},
    ),
    # constrainingRelations replaces the source's relations of this type, addConstrainingRelations only
    # adds (the default); optional turns "fact sheet not found" into info (reference §6.2)
    "inboundRelation": (
        "inbound",
        ("type", "from", "to"),
        {
            "type": _TYPE_J,
            "from": Key("Identifier"),
            "to": Key("Identifier"),
            "read": Key("Read|list:Read"),
            "constrainingRelations": B,
            "addConstrainingRelations": B,
            "optional": B,
        },
    ),
    "inboundTag": (
        "inbound",
        (),
        {"identifier": Key("SearchIdentifier"), "factSheets": Key("IdentifierSet")},
    ),
    "inboundSubscription": ("inbound", ("identifier",), {"identifier": Key("SearchIdentifier")}),
    "inboundDocument": ("inbound", ("identifier",), {"identifier": Key("SearchIdentifier")}),
    "inboundImpact": ("inbound", ("identifier",), {"identifier": Key("SearchIdentifier")}),
    "inboundMetrics": ("inbound", (), {}),
    "inboundToDo": ("inbound", (), {"identifier": Key("ToDoIdentifier")}),
    "variableProcessor": ("inbound", (), {"identifier": Key("SearchIdentifier")}),
    "writeToLdif": (
        "inbound",
        (),
        {"identifier": Key("SearchIdentifier"), "updates": Key("list:OutputField")},
    ),
    "outboundFactSheet": ("outbound", (), {}),
}

PROCESSOR_TYPES: dict[str, ProcessorType] = {}
for _name, (_direction, _required, _extra) in _PROCESSORS.items():
    _keys = {**(_INBOUND_COMMON if _direction == "inbound" else _OUTBOUND_COMMON), **_extra}
    _keys = {k: (replace(v, required=True) if k in _required else v) for k, v in _keys.items()}
    _define(f"Processor:{_name}", _keys)
    PROCESSOR_TYPES[_name] = ProcessorType(_name, _direction, _required, f"Processor:{_name}")


def processor_shape(processor_type: str) -> Shape | None:
    """The shape of a processor of this type, or None for an unknown type."""
    known = PROCESSOR_TYPES.get(processor_type)
    return SHAPES[known.shape] if known else None


# -- SAP Signavio inbound mappings (§15) -----------------------------------------------------------------------

_define("InboundMappings", {"inboundMappings": Key("list:InboundMapping", required=True)})
_define(
    "InboundMapping",
    {
        "leanixType": Key("string", required=True, enum=("factSheetField", "tag", "subscription")),
        "fields": Key("list:MappingField", required=True),
    },
)
_define(
    "MappingField",
    {
        "leanixFieldName": Key("string", required=True),
        "inboundPropertyPath": Key("string", required=True, juel=True),
        "valueMappings": Key("list:ValueMapping"),
        "defaultValue": Key("string|number|boolean"),
        "ignoreUnknownProperty": B,
    },
)
_define(
    "ValueMapping",
    {
        "regexMatch": Key("string", required=True, regex=True),
        "outputExpression": Key("string", required=True, juel=True),
    },
)

"""LeanIX's fixed vocabulary, listed once: lifecycle phases, the base fields of every fact sheet, external id
parts, and the keys every fact sheet type accepts in an Integration API update."""

from __future__ import annotations

__all__ = [
    "BASE_FIELDS",
    "BASE_FIELD_NAMES",
    "DATETIME_FIELDS",
    "EXTERNAL_ID_SUBFIELDS",
    "FACT_SHEET_STATUSES",
    "KNOWN_REVERSES",
    "LIFECYCLE_PHASES",
    "LX_STATES",
    "READ_ONLY_FIELDS",
    "RELATION_NODE_KEYS",
    "SUBSCRIPTION_TYPES",
    "UPDATABLE_BASE_FIELDS",
]

LIFECYCLE_PHASES = ("plan", "phaseIn", "active", "phaseOut", "endOfLife")
"""LeanIX's default lifecycle phases in their natural order (a later phase wins on the same start day)."""

FACT_SHEET_STATUSES = ("ACTIVE", "ARCHIVED")
LX_STATES = ("APPROVED", "BROKEN_QUALITY_SEAL", "DRAFT", "REJECTED")
SUBSCRIPTION_TYPES = ("ACCOUNTABLE", "RESPONSIBLE", "OBSERVER")

BASE_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("STRING", "ID"),
    "name": ("STRING", "String"),
    "displayName": ("STRING", "String"),
    "fullName": ("STRING", "String"),
    "description": ("STRING", "String"),
    "type": ("STRING", "String"),
    "category": ("SINGLE_SELECT", "String"),
    "rev": ("INTEGER", "Long"),
    "status": ("SINGLE_SELECT", "FactSheetStatus"),
    "level": ("INTEGER", "Int"),
    "qualitySeal": ("STRING", "String"),
    "lxState": ("FACTSHEETSTATE", "FactSheetLxState"),
    "createdAt": ("DATE", "DateTime"),
    "updatedAt": ("DATE", "DateTime"),
    "completion": ("OBJECT", "FactSheetCompletion"),
    "permissions": ("OBJECT", "FactSheetPermissions"),
    "tags": ("OBJECT", "Tag"),
    "subscriptions": ("OBJECT", "SubscriptionConnection"),
    "documents": ("OBJECT", "DocumentConnection"),
    "naFields": ("OBJECT", "[String]"),  # fields and relations marked "not applicable"
    "comments": ("OBJECT", "CommentConnection"),
}
"""Fields every fact sheet has: name -> (kind, GraphQL type). A type's own fields never reuse these names."""

BASE_FIELD_NAMES = frozenset(BASE_FIELDS)

DATETIME_FIELDS = frozenset({"createdAt", "updatedAt"})
"""Base fields holding a timestamp (an ISO string in the API)."""

READ_ONLY_FIELDS = BASE_FIELD_NAMES - {"name", "description", "category", "lxState"} | {"__typename"}
"""Record keys that an Integration API update never writes."""

UPDATABLE_BASE_FIELDS: dict[str, str] = {
    "name": "STRING",
    "description": "STRING",
    "category": "SINGLE_SELECT",
    "lxState": "FACTSHEETSTATE",
    "location": "LOCATION",
    "projectStatus": "PROJECT",
    "lxMilestones": "MILESTONE",
}
"""Update keys every fact sheet type accepts, with their kind (a type's own declaration wins)."""

EXTERNAL_ID_SUBFIELDS = ("externalId", "externalUrl", "comment", "status", "externalVersion")
"""Parts of an external id field an update may write (``externalId.externalUrl``)."""

RELATION_NODE_KEYS = frozenset({"id", "type", "factSheet"})
"""Keys of a relation node that are not relation fields."""

KNOWN_REVERSES = {
    "relToSuccessor": "relToPredecessor",
    "relToPredecessor": "relToSuccessor",
    "relToRequires": "relToRequiredBy",
    "relToRequiredBy": "relToRequires",
}
"""Reverse connections whose names do not mirror (``relAToB``/``relBToA``); relToParent/relToChild aside."""

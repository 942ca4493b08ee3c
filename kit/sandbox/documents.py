"""A fact sheet's documents (LeanIX calls them resources) in the sandbox's GraphQL: the ``documents``
connection on every fact sheet and the ``createDocument``, ``updateDocument`` and ``deleteDocument`` mutations.

Shapes follow "Managing Fact Sheet Resources (GraphQL)" (https://help.sap.com/docs/leanix/ea/managing-resources-on-fact-sheet):
``createDocument(factSheetId:, name:, url:, description:, documentType:)`` answers the new document with its
``factSheetId``; a link gets origin ``CUSTOM_LINK`` (the page's retrieval example); ``updateDocument(id:,
patches:)`` takes JSON patches on ``/name``, ``/url``, ``/description``, ``/documentType``, ``/origin``,
``/metadata`` and ``/refId``; ``deleteDocument(id:)`` answers ``null``, as the page's example response shows.
Documents are kept in :attr:`Store.documents` (by fact sheet and name), which the REST API, the integration
engine's view and Integration API runs read and write too; every change is in the event log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kit.sandbox.patches import PatchError
from kit.sandbox.store import Store

__all__ = ["DOCUMENT_RESOLVERS", "resolve_documents"]

_PATCHABLE = ("name", "url", "description", "documentType", "origin", "metadata", "refId")


def _node(fs_id: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    return {**doc, "factSheetId": fs_id}


def resolve_documents(record: Mapping[str, Any], info: Any) -> dict[str, Any]:
    """A fact sheet's ``documents`` connection, in the order they were added."""
    store: Store = info.context.api.store
    docs = store.documents.get(record["id"]) or {}
    edges = [{"node": _node(record["id"], doc), "cursor": None} for doc in docs.values()]
    return {"totalCount": len(edges), "edges": edges}


def _create_document(
    store: Store,
    factSheetId: str,  # noqa: N803 - LeanIX's argument names
    name: str,
    url: str | None = None,
    description: str | None = None,
    documentType: str | None = None,  # noqa: N803
    origin: str | None = None,
    metadata: str | None = None,
    refId: str | None = None,  # noqa: N803
    validateOnly: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    if store.factsheet(factSheetId) is None:
        raise PatchError(f"Fact sheet with id '{factSheetId}' does not exist.", "NOT_FOUND")
    if not name.strip():
        raise PatchError(
            "A document needs a name: give createDocument a non-empty 'name'.", "MODEL_COMPLIANT"
        )
    doc = store.add_document(
        factSheetId,
        name,
        url=url,
        description=description,
        origin=origin,
        document_type=documentType,
        metadata=metadata,
        ref_id=refId,
    )
    return _node(factSheetId, doc)


def _update_document(
    store: Store,
    id: str,  # noqa: A002
    patches: Sequence[Mapping[str, Any]],
    validateOnly: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    found = store.document(id)
    if found is None:
        raise PatchError(f"Document with id '{id}' does not exist.", "NOT_FOUND")
    changes: dict[str, Any] = {}
    for patch in patches:
        op, path, value = str(patch.get("op")), str(patch.get("path") or ""), patch.get("value")
        key = path[1:] if path.startswith("/") else ""
        if key not in _PATCHABLE:
            raise PatchError(
                f"The path '{path}' is invalid for a document; use one of "
                + ", ".join(f"/{k}" for k in _PATCHABLE)
                + ".",
                "BUSINESS_LOGIC",
                path,
            )
        if op == "remove":
            if key == "name":
                raise PatchError("A document's name cannot be removed; replace it.", "BUSINESS_LOGIC", path)
            changes[key] = None
        elif op in ("add", "replace"):
            changes[key] = None if value is None else str(value)
        else:
            raise PatchError(f"Unknown patch operation '{op}' at path '{path}'; use add, replace or remove.")
    doc = store.update_document(id, **changes) if changes else found[1]
    return _node(found[0], doc)


def _delete_document(
    store: Store,
    id: str,  # noqa: A002
    validateOnly: bool | None = None,  # noqa: N803
) -> None:
    if store.document(id) is None:
        raise PatchError(f"Document with id '{id}' does not exist.", "NOT_FOUND")
    store.delete_document(id)


DOCUMENT_RESOLVERS: dict[str, Callable[..., Any]] = {
    "createDocument": _create_document,
    "updateDocument": _update_document,
    "deleteDocument": _delete_document,
}
"""Mutation resolvers (``store, **arguments``), run by :mod:`kit.sandbox.mutations` in its savepoints."""

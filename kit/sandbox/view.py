"""The sandbox store as a workspace view for the integration engine (:class:`StoreView`)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import date
from typing import Any

from kit.sandbox.store import Store
from kit.sources.base import RecordView

__all__ = ["StoreView"]


class StoreView(RecordView):
    """A :class:`~kit.integration.view.WorkspaceView` over the sandbox store's records (no copies).

    ``metamodel`` is the store's. Indexes are rebuilt when the store changes (its ``version``); ``select``
    uses the meta model, so an unknown facet key is an error as in the sandbox's GraphQL. Fact sheets with
    documents (kept beside the records in ``store.documents``) read them as a ``documents`` connection.
    """

    def __init__(self, store: Store, today: date | None = None) -> None:
        super().__init__(today or store.today, store.metamodel)
        self.store = store

    def __repr__(self) -> str:
        return f"StoreView({self.store.workspace_name!r}, fact_sheets={len(self.store)})"

    def _version(self) -> Any:
        return self.store.version, len(self.store.documents)

    def _known_types(self) -> Collection[str]:
        return self.store.metamodel.type_names

    def _load(self, type: str | None) -> list[Mapping[str, Any]]:  # noqa: A002
        return [self._with_documents(r) for r in self.store.factsheets(type)]

    def record(self, id: str) -> Mapping[str, Any] | None:  # noqa: A002
        """The fact sheet record with this LeanIX id (with its documents), or None; read from the store."""
        record = self.store.factsheet(id)
        return None if record is None else self._with_documents(record)

    def _with_documents(self, record: Mapping[str, Any]) -> Mapping[str, Any]:
        documents = self.store.documents.get(record["id"])
        return record if documents is None else _WithDocuments(record, documents)

    def tag_groups(self) -> list[Mapping[str, Any]]:
        return list(self.store.tag_groups.values())

    def tags(self) -> list[Mapping[str, Any]]:
        return list(self.store.tags.values())

    def users(self) -> list[Mapping[str, Any]]:
        return list(self.store.users.values())


class _WithDocuments(Mapping[str, Any]):
    """A store record plus its documents as a ``documents`` connection, read live from the store."""

    __slots__ = ("_documents", "_record")

    def __init__(self, record: Mapping[str, Any], documents: Mapping[str, Mapping[str, Any]]) -> None:
        self._record = record
        self._documents = documents

    def __getitem__(self, key: str) -> Any:
        if key != "documents":
            return self._record[key]
        nodes = [{"id": d.get("id"), "name": name, **d} for name, d in self._documents.items()]
        return {"totalCount": len(nodes), "edges": [{"node": n} for n in nodes]}

    def __iter__(self) -> Iterator[str]:
        yield from self._record
        if "documents" not in self._record:
            yield "documents"

    def __len__(self) -> int:
        return len(self._record) + ("documents" not in self._record)

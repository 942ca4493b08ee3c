"""What the integration engine may know about a workspace, and what a run touched.

The engine never does I/O: workspace state reaches it through a :class:`WorkspaceView`, which a plain list of
fact sheets, a snapshot, a live workspace and the sandbox's store each provide. Records are in the GraphQL
node shape the sandbox store uses (and ``ws.factsheets`` reads):

``{"id", "type", "name", "displayName", "description", "category", "status" ("ACTIVE"|"ARCHIVED"),
"level", "lxState", "createdAt", "updatedAt", "tags": [{"id", "name", "tagGroup": {"id", "name"}}],
"lifecycle": {"asString", "phases": [{"phase", "startDate"}]} | None,
"externalId": {"externalId", ...} | None  (any EXTERNALID field by its name),
"subscriptions": {"edges": [{"node": {"id", "type", "user": {"id", "email", ...}, "roles": [{"id", "name"}]}}]},
"<relation connection>": {"edges": [{"node": {"id", "activeFrom", "activeUntil", "description", <fields>,
"factSheet": <record or {"id", "type", "name"}>}}]},
"documents": {"edges": [{"node": {"id", "name", "url", "description", "documentType", "origin"}}]} (optional),
<any other field of the type>: value}``

Edges may be mappings or objects supporting ``edge["node"]``; treat every record as read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

from kit.leanix.metamodel import MetaModel

__all__ = ["Touched", "WorkspaceView"]


@runtime_checkable
class WorkspaceView(Protocol):
    """Read-only access to a workspace for previews, scope checks and deletion predictions."""

    #: the date that decides current lifecycle phases and date facets (a fixed one makes previews repeatable)
    today: date

    #: the workspace's meta model; None when unknown (the engine then infers field kinds from records)
    metamodel: MetaModel | None

    def records(self, type: str | None = None) -> Iterable[Mapping[str, Any]]:  # noqa: A002
        """Every fact sheet record (of one type), archived ones included."""

    def record(self, id: str) -> Mapping[str, Any] | None:  # noqa: A002
        """The fact sheet record with this LeanIX id, or None."""

    def find_external(self, type: str, field: str, value: str) -> Mapping[str, Any] | None:  # noqa: A002
        """The fact sheet of ``type`` whose external id field ``field`` (e.g. ``externalId``) is ``value``.

        Active ones win over archived ones (a run matching an archived sheet by external id creates a new one).
        """

    def select(self, scope: Mapping[str, Any], type: str | None = None) -> list[Mapping[str, Any]]:  # noqa: A002
        """Fact sheets in a LeanIX scope / FilterInput (``facetFilters``, ``ids``, ``externalIds``,
        ``fullTextSearch``), evaluated like Pathfinder does: archived excluded unless the TrashBin facet asks."""

    def tag_groups(self) -> list[Mapping[str, Any]]:
        """``{"id", "name", "shortName", "mode", "restrictToFactSheetTypes"}`` per tag group."""

    def tags(self) -> list[Mapping[str, Any]]:
        """``{"id", "name", "description", "color", "tagGroup": {"id", "name"} | None}`` per tag."""

    def users(self) -> list[Mapping[str, Any]]:
        """``{"id", "email", "userName", "firstName", "lastName"}`` per user."""

    def tag_resolver(self) -> Any:
        """An object with ``tag_group_id(group)`` and ``tag_id(group, tag)`` for JUEL's
        ``integration.tags.getTagGroupId/getTagId`` (``kit.integration.juel.TagResolver``)."""


@dataclass
class Touched:
    """What a run touched; everything in a deletion scope that it did not touch is deleted (FULL mode)."""

    factsheets: set[str] = field(default_factory=set)  # existing fact sheet ids matched or written
    relations: set[tuple[str, str, str]] = field(
        default_factory=set
    )  # (connection on source, source id, target id)
    tags: set[tuple[str, str]] = field(default_factory=set)  # (fact sheet id, tag id)
    subscriptions: set[tuple[str, str, str]] = field(default_factory=set)  # (fact sheet id, user id, type)
    documents: set[tuple[str, str]] = field(default_factory=set)  # (fact sheet id, document name)

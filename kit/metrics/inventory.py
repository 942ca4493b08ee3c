"""What a KPI's ``compute`` reads: :class:`Inventory`, the active fact sheets of a snapshot or a workspace."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pandas as pd

from kit.formatting import factsheet_url
from kit.frame import as_frame
from kit.leanix import MetaModel, UnknownFactSheetType, UnknownField
from kit.metrics.ids import isin
from kit.snapshot import Snapshot, load_snapshot

__all__ = ["Inventory"]

_EMPTY = {
    "factsheets": ("id", "name", "type", "status"),
    "relations": ("fromId", "fromName", "relation", "toId", "toName", "toType"),
    "tags": ("id", "name", "tagGroup", "tag"),
    "lifecycles": ("id", "name", "phase", "startDate", "current"),
    "subscriptions": ("id", "name", "subscriptionType", "userId", "userEmail", "roles"),
}

_TAG_GROUPS = "{ allTagGroups { edges { node { name } } } }"


def _empty(kind: str) -> pd.DataFrame:
    return as_frame(pd.DataFrame({c: pd.Series(dtype="string") for c in _EMPTY[kind]}))


class Inventory:
    """A lazy, caching reader over a :class:`~kit.snapshot.Snapshot` (or its folder) or a live
    :class:`~kit.workspace.Workspace`: active fact sheets only, each frame read once.

    ``today`` is the date the values describe: given, else the snapshot's ``createdAt`` date, else today.
    A type the source lacks gives an empty frame; an unknown relation of a known type raises
    :class:`~kit.leanix.UnknownField`.
    """

    def __init__(self, source: Any, today: dt.date | str | None = None) -> None:
        if isinstance(source, str | os.PathLike):
            source = load_snapshot(source)
        if not callable(getattr(source, "factsheets", None)):
            raise TypeError(f"Inventory reads a Snapshot or a Workspace, not {type(source).__name__}")
        self.source = source
        if isinstance(today, str):
            today = dt.date.fromisoformat(today)
        if isinstance(today, dt.datetime):
            today = today.date()
        if today is None:
            today = (
                source.created_at.date() if isinstance(source, Snapshot) else dt.datetime.now(dt.UTC).date()
            )
        self.today: dt.date = today
        self._cache: dict[tuple[str, ...], pd.DataFrame] = {}
        self._types: list[str] | None = None

    def __repr__(self) -> str:
        return f"Inventory({self.source!r}, today={self.today.isoformat()})"

    @property
    def types(self) -> list[str]:
        """The source's fact sheet types (a snapshot: those it holds; a workspace: its meta model's)."""
        if self._types is None:
            self._types = list(self.source.types())
        return list(self._types)

    @property
    def model(self) -> MetaModel | None:
        """The workspace's meta model, when the source has one."""
        model = getattr(self.source, "model", None)
        return model if isinstance(model, MetaModel) else None

    def _cached(self, key: tuple[str, ...], read: Any) -> pd.DataFrame:
        if key not in self._cache:
            self._cache[key] = read()
        return self._cache[key]

    def factsheets(self, type: str) -> pd.DataFrame:  # noqa: A002 - LeanIX's word
        """The type's active fact sheets (empty when the source has none of the type)."""

        def read() -> pd.DataFrame:
            if type not in self.types:
                return _empty("factsheets")
            try:
                frame = self.source.factsheets(type, include_archived=False)
            except UnknownFactSheetType:
                return _empty("factsheets")
            if "status" in frame.columns:
                frame = frame[frame["status"] != "ARCHIVED"].reset_index(drop=True)
            return frame

        return self._cached(("factsheets", type), read)

    def ids(self, type: str) -> pd.Series:  # noqa: A002
        """The ids of the type's active fact sheets."""
        return self.factsheets(type)["id"]

    def _long(self, kind: str, type: str) -> pd.DataFrame:  # noqa: A002
        def read() -> pd.DataFrame:
            if self.factsheets(type).empty:
                return _empty(kind)
            if isinstance(self.source, Snapshot):  # one file for all types: read it once, keep the active
                frame = self._cached(
                    (kind, ""), lambda: getattr(self.source, kind)(None, include_archived=True)
                )
            else:
                frame = getattr(self.source, kind)(type, include_archived=False)
            if frame.empty and not len(frame.columns):
                return _empty(kind)
            return frame[isin(frame["id"], self.ids(type))].reset_index(drop=True)

        return self._cached((kind, type), read)

    def tags(self, type: str) -> pd.DataFrame:  # noqa: A002
        """One row per tag assignment of the type's active fact sheets (tagGroup, tag)."""
        return self._long("tags", type)

    def lifecycles(self, type: str) -> pd.DataFrame:  # noqa: A002
        """One row per lifecycle phase of the type's active fact sheets (phase, startDate, current)."""
        return self._long("lifecycles", type)

    def subscriptions(self, type: str) -> pd.DataFrame:  # noqa: A002
        """One row per subscription of the type's active fact sheets (subscriptionType, user, roles)."""
        return self._long("subscriptions", type)

    def relations(self, type: str, relation: str) -> pd.DataFrame:  # noqa: A002
        """The ``relation`` of the type's active fact sheets to active fact sheets (fromId, toId, toType …).

        An unknown relation of a type the source has raises :class:`~kit.leanix.UnknownField`."""

        def read() -> pd.DataFrame:
            model = self.model
            if model is not None and type in model.type_names and relation not in model.relations_of(type):
                model.field(type, relation)  # UnknownField with close matches
                raise UnknownField(f"{type}.{relation} is not a relation of {type}.")
            if self.factsheets(type).empty:
                return _empty("relations")
            # a snapshot filters archived fact sheets by reading every type again: the ids at hand do it
            archived = isinstance(self.source, Snapshot)
            frame = self.source.relations(type, relation, include_archived=archived)
            if frame.empty and not len(frame.columns):
                return _empty("relations")
            frame = frame[isin(frame["fromId"], self.ids(type))]
            targets = [str(t) for t in pd.unique(frame["toType"].dropna())] if "toType" in frame else []
            active = pd.concat([self.ids(t) for t in targets]) if targets else pd.Series([], dtype="string")
            return frame[isin(frame["toId"], active)].reset_index(drop=True)

        return self._cached(("relations", type, relation), read)

    def tag_groups(self) -> list[str]:
        """Every tag group of the workspace (its directory), by name."""

        def read() -> pd.DataFrame:
            directory = getattr(self.source, "directory", None)
            if isinstance(self.source, Snapshot):
                listed = directory() if directory is not None else None
                names = [g["name"] for g in listed["tagGroups"]] if listed else None
                if names is None:
                    names = [g for t in self.types for g in self.tags(t)["tagGroup"].dropna()]
            else:
                answer = self.source.client.graphql(_TAG_GROUPS)
                names = [e["node"]["name"] for e in answer["allTagGroups"]["edges"]]
            return pd.DataFrame({"tagGroup": pd.Series(list(dict.fromkeys(names)), dtype="string")})

        return [str(g) for g in self._cached(("tag_groups",), read)["tagGroup"]]

    def link(self, id: str) -> str | None:  # noqa: A002 - LeanIX's word
        """The fact sheet's address in the workspace (``https://host/Workspace/factsheet/Type/id``), or None
        when the host or workspace name is unknown or no active fact sheet has that id."""
        host, name = getattr(self.source, "host", None), getattr(self.source, "name", None)
        if not host or not name:
            return None
        found = next((t for t in self.types if (self.ids(t) == id).any()), None)
        if found is None:
            return None
        return factsheet_url(host, name, found, id)

"""What every source shares: :class:`RecordView` (indexes, ``select``, tag names) and record helpers.

A source implements :class:`~kit.integration.view.WorkspaceView` over records in the GraphQL node shape
(documented in :mod:`kit.integration.view`); subclasses only say where the records come from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from kit.integration.facets import compile_filter, scope_filter
from kit.leanix import MetaModel

__all__ = ["OTHER_TAGS", "Record", "RecordView", "ViewTagResolver"]

Record = Mapping[str, Any]
OTHER_TAGS = "Other tags"
"""How LeanIX names the pseudo group of tags that belong to no tag group."""


class ViewTagResolver:
    """Tag group and tag ids by name (a :class:`~kit.integration.juel.TagResolver`)."""

    def __init__(self, tag_groups: Iterable[Mapping[str, Any]], tags: Iterable[Mapping[str, Any]]) -> None:
        self._groups = list(tag_groups)
        self._group_ids = {g["name"]: g["id"] for g in reversed(self._groups)}
        self._tag_ids: dict[tuple[str | None, str], str] = {}
        for tag in reversed(list(tags)):
            group = tag.get("tagGroup")
            self._tag_ids[(group.get("name") if group else None, tag["name"])] = tag["id"]

    def tag_group_id(self, group_name: str) -> str | None:
        """Id of the tag group called ``group_name``, or None."""
        return self._group_ids.get(group_name)

    def tag_id(self, group_name: str | None, tag_name: str) -> str | None:
        """Id of tag ``tag_name`` in group ``group_name`` (None, "" or "Other tags": no group), or None."""
        found = self._tag_ids.get((group_name, tag_name))
        if found is None and group_name in (None, "", OTHER_TAGS):
            found = self._tag_ids.get((None, tag_name))
        return found

    def all_tag_groups(self) -> list[dict[str, Any]]:
        """``integration.tags.getAllTagGroups()``: ``{id, name}`` per tag group."""
        return [{"id": g["id"], "name": g["name"]} for g in self._groups]


class RecordView:
    """The view logic over records held per type; subclasses say where records come from.

    Subclasses implement :meth:`_load` (records of one type, or of all types for None) and may override
    :meth:`_known_types`, :meth:`tag_groups`, :meth:`tags`, :meth:`users` and :meth:`_version` (a token
    that changes when the underlying data changes, which drops the indexes).

    ``metamodel`` is the workspace's :class:`~kit.leanix.MetaModel` (None: unknown; the engine then infers
    field kinds from the records); ``select`` evaluates facets with it, so an unknown facet key is then an
    error, as in LeanIX.
    """

    def __init__(self, today: date | None = None, metamodel: MetaModel | None = None) -> None:
        self.today = today or date.today()
        self.metamodel: MetaModel | None = metamodel
        self._by_type: dict[str | None, list[Record]] = {}
        self._by_id: dict[str, Record] | None = None
        self._external: dict[str, dict[tuple[str, str], Record]] = {}
        self._group_ids: list[str] | None = None
        self._seen_version: Any = None

    # -- to implement ---------------------------------------------------------------------------------
    def _load(self, type: str | None) -> list[Record]:  # noqa: A002
        raise NotImplementedError

    def _known_types(self) -> Collection[str] | None:
        """The types the data has (None: unknown, load all to find out)."""
        return None

    def _version(self) -> Any:
        return None

    def tag_groups(self) -> list[Mapping[str, Any]]:
        """``{"id", "name", "shortName", "mode", "restrictToFactSheetTypes"}`` per tag group."""
        return groups_of(self.tags())

    def tags(self) -> list[Mapping[str, Any]]:
        """``{"id", "name", "description", "color", "tagGroup": {"id", "name"} | None}`` per tag."""
        return tags_of(self.records())

    def users(self) -> list[Mapping[str, Any]]:
        """``{"id", "email", "userName", "firstName", "lastName"}`` per user (here: every subscriber)."""
        return users_of(self.records())

    # -- the WorkspaceView protocol ---------------------------------------------------------------------
    def records(self, type: str | None = None) -> list[Record]:  # noqa: A002
        """Every fact sheet record (of one type), archived ones included; [] for a type the workspace lacks."""
        self._check_version()
        rows = self._by_type.get(type)
        if rows is None:
            known = self._known_types()
            if type is not None and known is not None and type not in known:
                return []
            if type is not None and None in self._by_type:
                rows = [r for r in self._by_type[None] if r.get("type") == type]
            else:
                rows = self._load(type)
            self._by_type[type] = rows
        return rows

    def record(self, id: str) -> Record | None:  # noqa: A002
        """The fact sheet record with this LeanIX id, or None."""
        self._check_version()
        if self._by_id is None:
            self._by_id = {r["id"]: r for r in self.records()}
        return self._by_id.get(id)

    def find_external(self, type: str, field: str, value: str) -> Record | None:  # noqa: A002
        """The fact sheet of ``type`` whose external id ``field`` is ``value``; active ones win."""
        self._check_version()
        index = self._external.get(type)
        if index is None:
            index = self._external[type] = external_index(self.records(type))
        return index.get((field, value))

    def select(self, scope: Mapping[str, Any], type: str | None = None) -> list[Record]:  # noqa: A002
        """Fact sheets in a scope / FilterInput, evaluated like Pathfinder (archived only with TrashBin)."""
        self._check_version()
        if self._group_ids is None:
            self._group_ids = [g["id"] for g in self.tag_groups()]
        flt = compile_filter(
            scope_filter(scope),
            type=type,
            today=self.today,
            tag_group_ids=self._group_ids,
            schema=self.metamodel,
        )
        if flt.types is None:
            return flt.select(self.records())
        return [r for t in sorted(flt.types) for r in self.records(t) if flt(r)]

    def tag_resolver(self) -> ViewTagResolver:
        """Resolves names for ``integration.tags.getTagGroupId('Region')`` and ``getTagId``."""
        return ViewTagResolver(self.tag_groups(), self.tags())

    def _check_version(self) -> None:
        version = self._version()
        if version != self._seen_version:
            self._by_type.clear()
            self._external.clear()
            self._by_id = None
            self._group_ids = None
            self._seen_version = version


# ---------------------------------------------------------------------------------------------------------
# Record helpers every source uses


def tag_of(tag: Mapping[str, Any]) -> dict[str, Any]:
    """A tag in the view's shape (``tagGroup`` reduced to ``{id, name}``)."""
    group = tag.get("tagGroup")
    return {
        "id": tag["id"],
        "name": tag.get("name"),
        "description": tag.get("description"),
        "color": tag.get("color"),
        "tagGroup": {"id": group["id"], "name": group.get("name")} if group else None,
    }


def group_of(group: Mapping[str, Any]) -> dict[str, Any]:
    """A tag group in the view's shape."""
    return {
        "id": group["id"],
        "name": group.get("name"),
        "shortName": group.get("shortName"),
        "mode": group.get("mode"),
        "restrictToFactSheetTypes": list(group.get("restrictToFactSheetTypes") or ()),
    }


def tags_of(records: Iterable[Record]) -> list[Mapping[str, Any]]:
    """Every tag on the records, once, in order of first use."""
    seen: dict[str, dict[str, Any]] = {}
    for rec in records:
        for tag in rec.get("tags") or ():
            if tag["id"] not in seen:
                seen[tag["id"]] = tag_of(tag)
    return list(seen.values())


def groups_of(tags: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Every tag group the tags belong to, once."""
    seen: dict[str, dict[str, Any]] = {}
    for tag in tags:
        group = tag.get("tagGroup")
        if group and group["id"] not in seen:
            seen[group["id"]] = group_of(group)
    return list(seen.values())


def user_of(user: Mapping[str, Any]) -> dict[str, Any]:
    """A user in the view's shape (``userName`` defaults to the e-mail, as in LeanIX)."""
    return {
        "id": user["id"],
        "email": user.get("email"),
        "userName": user.get("userName") or user.get("email"),
        "firstName": user.get("firstName"),
        "lastName": user.get("lastName"),
    }


def users_of(records: Iterable[Record]) -> list[Mapping[str, Any]]:
    """Every subscriber of the records, once."""
    seen: dict[str, dict[str, Any]] = {}
    for rec in records:
        for edge in (rec.get("subscriptions") or {}).get("edges") or ():
            user = edge["node"].get("user")
            if user and user.get("id") not in seen:
                seen[user["id"]] = user_of(user)
    return list(seen.values())


def external_index(records: Iterable[Record]) -> dict[tuple[str, str], Record]:
    """(external id field, value) → record; an active fact sheet wins over an archived one."""
    index: dict[tuple[str, str], Record] = {}
    for rec in records:
        for name, value in rec.items():
            if isinstance(value, Mapping) and "externalId" in value and value.get("externalId") is not None:
                key = (name, str(value["externalId"]))
                held = index.get(key)
                if held is None or (held.get("status") == "ARCHIVED" and rec.get("status") != "ARCHIVED"):
                    index[key] = rec
    return index

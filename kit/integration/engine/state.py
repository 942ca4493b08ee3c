"""The workspace as the run sees it: the view's records, plus what the run has written so far.

Fact sheets are wrapped in :class:`SheetState` on first use (existing ones by id, new ones by
``(type, external id field, value)``); writes land in the sheet's ``values`` overlay, so a later run level
(or a later item) sees them as ``before`` values and through ``lx``. The view itself is never changed.
Search scopes (``view.select``) see the workspace as given: fact sheets this run creates are found by their
external ids, not by search.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .metamodel import FieldModel
from .records import sheet_ref

__all__ = ["RunState", "SheetState", "record_value"]

BASE_PROJECTION = (
    "id",
    "type",
    "name",
    "displayName",
    "fullName",
    "description",
    "category",
    "status",
    "level",
)


def _edges(connection: Any) -> list[Mapping[str, Any]]:
    if not connection:
        return []
    edges = connection.get("edges") if isinstance(connection, Mapping) else None
    return [edge["node"] for edge in edges or ()]


def record_value(record: Mapping[str, Any] | None, key: str) -> Any:
    """The value of an update key in a workspace record (``lifecycle.active``, ``externalId.comment`` ...)."""
    if record is None:
        return None
    field, dot, sub = key.partition(".")
    value = record.get(field)
    if not dot:
        return list(value) if isinstance(value, tuple) else value
    if value is None:
        return None
    if isinstance(value, Mapping) and "phases" in value:
        for phase in value.get("phases") or ():
            if phase.get("phase") == sub:
                return phase.get("startDate")
        return None
    return value.get(sub) if isinstance(value, Mapping) else None


class SheetState:
    """One fact sheet during the run: existing (``record``), to be created (``is_new``), or assumed to
    exist (``assumed``: no workspace was given, so an endpoint the run does not create is taken on trust)."""

    __slots__ = (
        "assumed",
        "is_new",
        "level",
        "record",
        "ref",
        "relations_added",
        "status",
        "subscriptions",
        "tags",
        "type",
        "values",
    )

    def __init__(
        self,
        record: Mapping[str, Any] | None,
        type_name: str | None,
        external: tuple[str, str] | None = None,
        *,
        assumed: bool = False,
    ) -> None:
        self.record = record
        self.type = record.get("type") if record is not None else type_name
        self.is_new = record is None and not assumed
        self.assumed = assumed
        self.level: int | None = None  # the run level that creates it (new fact sheets only)
        rid = record.get("id") if record is not None else None
        self.ref = sheet_ref(rid, self.type, None if rid else external)
        self.status = (record.get("status") or "ACTIVE") if record is not None else "ACTIVE"
        self.values: dict[str, Any] = {}
        self.tags: dict[tuple[str | None, str], bool] | None = None  # (group, tag) -> assigned, lazily
        self.subscriptions: dict[tuple[str, Any], tuple[Any, ...]] | None = None  # (email, type) -> roles
        self.relations_added: dict[str, dict[str, Any]] = {}  # connection -> {target key: target sheet}

    @property
    def id(self) -> str | None:
        return self.ref.id

    @property
    def name(self) -> Any:
        return self.get("name")

    def get(self, key: str) -> Any:
        """The current value of an update key (this run's writes first)."""
        values = self.values
        if key in values:
            return values[key]
        return record_value(self.record, key)

    # -- lx views --------------------------------------------------------------------------------------

    def project(self, fields: Any) -> dict[str, Any]:
        """``lx.factsheet``: base fields plus ``fields``, with this run's writes applied."""
        record = self.record or {}
        out = {key: record.get(key) for key in BASE_PROJECTION}
        out["type"] = self.type
        for field in fields or ():
            out[field] = record.get(field)
        for key, value in self.values.items():
            field, dot, sub = key.partition(".")
            if not dot:
                out[field] = value
                continue
            current = out.get(field, record.get(field))
            if field == "lifecycle" or (isinstance(current, Mapping) and "phases" in current):
                phases = [dict(p) for p in ((current or {}).get("phases") or ()) if p.get("phase") != sub]
                if value is not None:
                    phases.append({"phase": sub, "startDate": value})
                out[field] = {"phases": phases}
            else:
                merged = dict(current) if isinstance(current, Mapping) else {}
                merged[sub] = value
                out[field] = merged
        out["status"] = self.status
        return out

    def current_tags(self) -> dict[tuple[str | None, str], bool]:
        """(group name or None, tag name) -> assigned, including this run's changes."""
        if self.tags is None:
            self.tags = {}
            for tag in (self.record or {}).get("tags") or ():
                group = tag.get("tagGroup") or {}
                self.tags[(group.get("name"), tag.get("name"))] = True
        return self.tags

    def facet_record(self, state: RunState) -> dict[str, Any]:
        """A new fact sheet in the record shape facet filters read (Pathfinder's node): base fields and this
        run's writes, its external id, and its tags with the ids the workspace has for them (a tag this run
        creates has none yet, so no tag facet can select it)."""
        out = self.project(())
        out["id"] = None
        out["level"] = out.get("level") or 1
        if self.ref.external is not None:
            field, value = self.ref.external
            current = out.get(field)
            out[field] = {**(current if isinstance(current, Mapping) else {}), "externalId": value}
        tags = []
        for (group, name), assigned in self.current_tags().items():
            if not assigned:
                continue
            _tag, group_record, _single, _restricted, tag_id = state.tag_and_group(group, name)
            group_id = group_record.get("id") if group_record is not None else None
            tags.append(
                {"id": tag_id, "name": name, "tagGroup": {"id": group_id, "name": group} if group else None}
            )
        out["tags"] = tags
        return out

    def tags_view(self, spec: Any) -> list[dict[str, Any]]:
        groups = spec.get("groups") if isinstance(spec, Mapping) else None
        out = []
        for (group, name), assigned in self.current_tags().items():
            if assigned and (not groups or group in groups):
                out.append({"name": name, "tagGroup": {"name": group} if group else None})
        return out

    def current_subscriptions(self) -> dict[tuple[str, Any], tuple[Any, ...]]:
        """(user email, subscription type) -> role names, including this run's changes."""
        if self.subscriptions is None:
            self.subscriptions = {}
            for node in _edges((self.record or {}).get("subscriptions")):
                user = node.get("user") or {}
                roles = tuple(r.get("name") for r in node.get("roles") or ())
                self.subscriptions[(str(user.get("email") or "").lower(), node.get("type"))] = roles
        return self.subscriptions

    def subscriptions_view(self, spec: Any) -> list[dict[str, Any]]:
        types = spec.get("types") if isinstance(spec, Mapping) else None
        return [
            {"type": kind, "user": {"email": email}, "roles": [{"name": r} for r in roles]}
            for (email, kind), roles in self.current_subscriptions().items()
            if not types or kind in types
        ]

    def relations_view(self, spec: Any) -> list[dict[str, Any]]:
        wanted = spec.get("filter") if isinstance(spec, Mapping) else None
        record = self.record or {}
        out = []
        for key, value in record.items():
            if not key.startswith("rel") or (wanted and key not in wanted):
                continue
            for node in _edges(value):
                target = node.get("factSheet") or {}
                entry = {k: v for k, v in node.items() if k != "factSheet"}
                entry["type"] = key
                entry["target"] = {k: target.get(k) for k in ("id", "type", "name", "displayName")}
                out.append(entry)
        for connection, targets in self.relations_added.items():
            if wanted and connection not in wanted:
                continue
            for sheet in targets.values():
                out.append(
                    {"type": connection, "target": {"id": sheet.id, "type": sheet.type, "name": sheet.name}}
                )
        return out

    def documents_view(self, pattern: Any) -> list[dict[str, Any]]:
        """The fact sheet's documents whose name ``pattern`` (a compiled ``read.documents.filter``, None for
        all) finds; a pattern over its time budget raises JuelEvaluationError."""
        nodes = _edges((self.record or {}).get("documents"))
        return [dict(n) for n in nodes if pattern is None or pattern.search(str(n.get("name") or ""))]

    def existing_relations(self, connection: str) -> list[Mapping[str, Any]]:
        """Relation nodes of ``connection`` in the workspace record."""
        return _edges((self.record or {}).get(connection))

    def __repr__(self) -> str:
        return f"SheetState({self.ref!r}, status={self.status!r}, new={self.is_new})"


class RunState:
    """Every fact sheet, tag, tag group and user the run has looked at or created."""

    def __init__(self, view: Any, model: FieldModel) -> None:
        self.view = view
        self.model = model
        self.by_id: dict[str, SheetState] = {}
        self.new: dict[tuple[str | None, str, str], SheetState] = {}
        self.new_any: dict[tuple[str, str], SheetState] = {}
        self.assumed: dict[tuple[str | None, str, str], SheetState] = {}
        self._view_types: list[str] | None = None
        self._groups: dict[str, dict[str, Any]] | None = None
        self._tags: dict[tuple[str | None, str], dict[str, Any]] | None = None
        self._users: dict[str, dict[str, Any]] | None = None
        self.created_groups: dict[str, dict[str, Any]] = {}
        self.created_tags: dict[tuple[str | None, str], dict[str, Any]] = {}
        self._tag_pairs: dict[tuple[str | None, str], tuple[Any, Any, bool, Any, Any]] = {}

    # -- fact sheets -----------------------------------------------------------------------------------

    def wrap(self, record: Mapping[str, Any]) -> SheetState:
        rid = str(record.get("id"))
        sheet = self.by_id.get(rid)
        if sheet is None:
            sheet = self.by_id[rid] = SheetState(record, None)
        return sheet

    def find_id(self, fs_id: str) -> SheetState | None:
        sheet = self.by_id.get(fs_id)
        if sheet is not None or self.view is None:
            return sheet
        record = self.view.record(fs_id)
        return self.wrap(record) if record is not None else None

    def view_types(self) -> list[str]:
        if self._view_types is None:
            seen: dict[str, None] = {}
            if self.view is not None:
                for record in self.view.records():
                    seen.setdefault(record.get("type"), None)
            self._view_types = [t for t in seen if t]
        return self._view_types

    def find_external(self, type_name: str | None, field: str, value: str) -> SheetState | None:
        """The fact sheet with that external id: created by this run first, then the workspace's
        (active before archived). ``type_name`` None searches every type."""
        if type_name is None:
            sheet = self.new_any.get((field, value))
            if sheet is not None:
                return sheet
            for candidate in dict.fromkeys([*sorted(self.model.types), *self.view_types()]):
                found = self._find_view_external(candidate, field, value)
                if found is not None:
                    return found
            return None
        sheet = self.new.get((type_name, field, value))
        if sheet is not None:
            return sheet
        return self._find_view_external(type_name, field, value)

    def _find_view_external(self, type_name: str, field: str, value: str) -> SheetState | None:
        if self.view is None:
            return None
        record = self.view.find_external(type_name, field, value)
        return self.wrap(record) if record is not None else None

    def create(self, type_name: str, field: str, value: str, level: int | None = None) -> SheetState:
        sheet = SheetState(None, type_name, (field, value))
        sheet.level = level
        self.new[(type_name, field, value)] = sheet
        self.new_any.setdefault((field, value), sheet)
        return sheet

    def assume(self, type_name: str | None, field: str, value: str) -> SheetState:
        """A fact sheet taken to exist because no workspace was given (referenced by its external id)."""
        key = (type_name, field, value)
        sheet = self.assumed.get(key)
        if sheet is None:
            sheet = self.assumed[key] = SheetState(None, type_name, (field, value), assumed=True)
            sheet.ref = sheet_ref(None, type_name, (field, value))
        return sheet

    def allowed_values(self, type_name: str | None, field: str) -> tuple[str, ...]:
        info = self.model.lookup(type_name, field)
        return info.allowed if not isinstance(info, str) else ()

    # -- tags and users --------------------------------------------------------------------------------

    def _tag_maps(
        self,
    ) -> tuple[dict[str, dict[str, Any]], dict[tuple[str | None, str], dict[str, Any]]]:
        """(tag groups by name, tags by (group name, tag name)) of the workspace, loaded on first use."""
        if self._groups is None or self._tags is None:
            view = self.view
            self._groups = {g["name"]: dict(g) for g in (view.tag_groups() if view is not None else [])}
            self._tags = {}
            for tag in view.tags() if view is not None else []:
                group = (tag.get("tagGroup") or {}).get("name")
                self._tags[(group, tag["name"])] = dict(tag)
        return self._groups, self._tags

    def tag_and_group(self, group: str | None, name: str) -> tuple[Any, Any, bool, Any, Any]:
        """(tag, tag group, group is SINGLE mode, group's type restriction, tag id) by name; tag and group
        are None when missing (group None for "Other tags")."""
        found = self._tag_pairs.get((group, name))
        if found is None:
            tag = self.tag(group, name)
            record = self.tag_group(group) if group is not None else None
            single = record is not None and str(record.get("mode") or "").upper() == "SINGLE"
            restricted = (record.get("restrictToFactSheetTypes") or ()) if record is not None else ()
            found = (tag, record, single, restricted, tag.get("id") if tag is not None else None)
            if tag is not None and (group is None or record is not None):
                self._tag_pairs[(group, name)] = found
        return found

    def create_group(self, name: str, mode: str, restrict: list[str]) -> dict[str, Any]:
        record = self.created_groups[name] = {
            "name": name,
            "mode": mode,
            "restrictToFactSheetTypes": restrict,
        }
        return record

    def create_tag(self, group: str | None, name: str) -> dict[str, Any]:
        record = self.created_tags[(group, name)] = {
            "name": name,
            "tagGroup": {"name": group} if group else None,
        }
        return record

    def tag_group(self, name: str) -> dict[str, Any] | None:
        return self._tag_maps()[0].get(name) or self.created_groups.get(name)

    def tag(self, group: str | None, name: str) -> dict[str, Any] | None:
        return self._tag_maps()[1].get((group, name)) or self.created_tags.get((group, name))

    def _user_map(self) -> dict[str, dict[str, Any]]:
        """Users by lower-case e-mail, loaded on first use."""
        if self._users is None:
            users = self.view.users() if self.view is not None else []
            self._users = {str(u.get("email") or "").lower(): dict(u) for u in users}
        return self._users

    def user(self, email: str) -> dict[str, Any] | None:
        return self._user_map().get(email.lower())

    def add_user(self, email: str, details: dict[str, Any]) -> None:
        self._user_map()[email.lower()] = details

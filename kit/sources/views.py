"""Workspace views: a list of fact sheets, a snapshot or a live workspace, read the way the engine needs.

Each class implements :class:`~kit.integration.view.WorkspaceView` over records in the GraphQL node shape and
answers ``select(scope)`` with :mod:`kit.integration.facets` (the live view asks Pathfinder itself). Each
also gives a :class:`ViewTagResolver` for ``integration.tags.getTagGroupId/getTagId`` in JUEL.

    view = NodesView([{"id": "1", "type": "Project", "name": "P1", "externalId": {"externalId": "prj-1"}}])
    view.find_external("Project", "externalId", "prj-1")["name"]   # 'P1'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from kit.frames.paging import READ_ATTEMPTS, REREAD_PAUSE, Pass, archive_passes, read_pages
from kit.integration.facets import FacetSchema, compile_filter, scope_filter
from kit.leanix.introspection import SCALARS

if TYPE_CHECKING:
    import pandas as pd

    from kit.frames.reader import WorkspaceReader as Workspace
    from kit.snapshot import Snapshot

__all__ = ["LiveView", "NodesView", "RecordView", "SnapshotView", "ViewTagResolver"]

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
    """

    schema: FacetSchema | None = None

    def __init__(self, today: date | None = None) -> None:
        self.today = today or date.today()
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
        return _groups_of(self.tags())

    def tags(self) -> list[Mapping[str, Any]]:
        """``{"id", "name", "description", "color", "tagGroup": {"id", "name"} | None}`` per tag."""
        return _tags_of(self.factsheets())

    def users(self) -> list[Mapping[str, Any]]:
        """``{"id", "email", "userName", "firstName", "lastName"}`` per user (here: every subscriber)."""
        return _users_of(self.factsheets())

    # -- the WorkspaceView protocol ---------------------------------------------------------------------
    def factsheets(self, type: str | None = None) -> list[Record]:  # noqa: A002
        """Every fact sheet (of one type), archived ones included; [] for a type the workspace lacks."""
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

    def factsheet(self, id: str) -> Record | None:  # noqa: A002
        """The fact sheet with this LeanIX id, or None."""
        self._check_version()
        if self._by_id is None:
            self._by_id = {r["id"]: r for r in self.factsheets()}
        return self._by_id.get(id)

    def find_external(self, type: str, field: str, value: str) -> Record | None:  # noqa: A002
        """The fact sheet of ``type`` whose external id ``field`` is ``value``; active ones win."""
        self._check_version()
        index = self._external.get(type)
        if index is None:
            index = self._external[type] = _external_index(self.factsheets(type))
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
            schema=self.schema,
        )
        if flt.types is None:
            return flt.select(self.factsheets())
        return [r for t in sorted(flt.types) for r in self.factsheets(t) if flt(r)]

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


class NodesView(RecordView):
    """A plain list of fact sheet records (GraphQL node shape), e.g. hand-written in a test or notebook.

    Tags, tag groups and users default to those found on the records.
    """

    def __init__(
        self,
        nodes: Iterable[Mapping[str, Any]],
        *,
        tag_groups: Iterable[Mapping[str, Any]] | None = None,
        tags: Iterable[Mapping[str, Any]] | None = None,
        users: Iterable[Mapping[str, Any]] | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(today)
        self._nodes = list(nodes)
        self._tags = _tags_of(self._nodes) if tags is None else [_tag(t) for t in tags]
        self._groups = _groups_of(self._tags) if tag_groups is None else [_group(g) for g in tag_groups]
        self._users = _users_of(self._nodes) if users is None else [dict(u) for u in users]

    def __repr__(self) -> str:
        return f"NodesView({len(self._nodes)} fact sheets)"

    def _load(self, type: str | None) -> list[Record]:  # noqa: A002
        return [r for r in self._nodes if type is None or r.get("type") == type]

    def tag_groups(self) -> list[Mapping[str, Any]]:
        return self._groups

    def tags(self) -> list[Mapping[str, Any]]:
        return self._tags

    def users(self) -> list[Mapping[str, Any]]:
        return self._users


# ---------------------------------------------------------------------------------------------------------
# Snapshot


class SnapshotView(RecordView):
    """Records rebuilt from a snapshot's frames, type by type on first use.

    ``today`` defaults to the snapshot's date (its lifecycles' current phases are as of then). What a
    snapshot does not hold stays empty: tag colors and descriptions, tag group modes, subscription role ids,
    multi-select relation fields, documents. A column named ``externalId`` or ending in ``ExternalId`` is read
    as an external id field; users are the subscribers (``userName`` = e-mail, as in the sandbox).
    """

    def __init__(self, snapshot: Snapshot, today: date | None = None) -> None:
        super().__init__(today or snapshot.created_at.date())
        self.snapshot = snapshot
        self._long: dict[str, dict[str, list[dict[str, Any]]]] | None = None

    def __repr__(self) -> str:
        return f"SnapshotView({self.snapshot!r})"

    def _known_types(self) -> Collection[str]:
        return self.snapshot.types()

    def _load(self, type: str | None) -> list[Record]:  # noqa: A002
        if type is None:
            return [r for t in self.snapshot.types() for r in self.factsheets(t)]
        long = self._long_frames()
        records = _rows(self.snapshot.factsheets(type, include_archived=True))
        relations = self.snapshot.relations(type)
        by_source = _group_rows(_rows(relations), "fromId") if not relations.empty else {}
        for rec in records:
            _finish_snapshot_record(rec, long, by_source.get(rec["id"], ()))
        return records

    def _long_frames(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        if self._long is None:
            self._long = {
                name: _group_rows(_rows(getattr(self.snapshot, name)()), "id")
                for name in ("tags", "lifecycles", "subscriptions")
            }
        return self._long

    def tags(self) -> list[Mapping[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for rows in self._long_frames()["tags"].values():
            for row in rows:
                if row["tagId"] not in seen:
                    seen[row["tagId"]] = _snapshot_tag(row)
        return list(seen.values())

    def users(self) -> list[Mapping[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for rows in self._long_frames()["subscriptions"].values():
            for row in rows:
                seen.setdefault(row["userId"], _snapshot_user(row))
        return list(seen.values())


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Frame rows as dicts of plain values: NA → None, categoricals → str, datetimes → ISO text."""
    if frame.empty:
        return []
    columns = {name: _plain_column(frame[name]) for name in frame.columns}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _plain_column(series: pd.Series) -> list[Any]:
    import pandas as pd

    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [None if pd.isna(v) else _timestamp(v) for v in series]
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [None if pd.isna(v) else str(v) for v in series.astype(object)]
    if series.dtype == object:
        return [_plain_object(v) for v in series]
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _plain_object(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "tolist"):  # numpy arrays of multi-select values
        return [str(v) for v in value.tolist()]
    if isinstance(value, float) and value != value:
        return None
    return value


def _timestamp(value: Any) -> str:
    """A pandas timestamp as LeanIX writes it (UTC, milliseconds, ``Z``)."""
    if value.tzinfo is not None:
        value = value.tz_convert("UTC").tz_localize(None)
    return value.isoformat(timespec="milliseconds") + "Z"


def _group_rows(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


_BASE_RELATION_KEYS = ("fromId", "fromName", "relation", "toId", "toName", "toType", "relationId")


def _finish_snapshot_record(
    rec: dict[str, Any], long: Mapping[str, Mapping[str, list[dict[str, Any]]]], relations: Iterable[dict]
) -> None:
    """Turn a wide-frame row into a node: lifecycle, external ids, tags, subscriptions, relations."""
    fs_id = rec["id"]
    for name in [n for n in rec if n == "externalId" or n.endswith("ExternalId")]:
        if rec[name] is not None and not isinstance(rec[name], Mapping):
            rec[name] = {"externalId": rec[name], "externalUrl": None, "comment": None, "status": None}
    if rec.get("completion") is not None:
        rec["completion"] = {"completion": rec["completion"], "percentage": round(rec["completion"] * 100)}
    if "lifecycle" in rec:
        phases = [
            {"phase": row["phase"], "startDate": row["startDate"][:10]}
            for row in long["lifecycles"].get(fs_id, ())
        ]
        rec["lifecycle"] = {"asString": rec["lifecycle"], "phases": phases} if phases else None
    rec["tags"] = [_snapshot_tag(row) for row in long["tags"].get(fs_id, ())]
    subs = [_snapshot_subscription(row) for row in long["subscriptions"].get(fs_id, ())]
    rec["subscriptions"] = {"totalCount": len(subs), "edges": [{"node": s} for s in subs]}
    for row in relations:
        conn = rec.setdefault(row["relation"], {"totalCount": 0, "edges": []})
        node = {"id": row["relationId"], "type": row["relation"]}
        for key, value in row.items():
            if key not in _BASE_RELATION_KEYS:
                node[key] = value[:10] if key in ("activeFrom", "activeUntil") and value else value
        node["factSheet"] = {"id": row["toId"], "type": row["toType"], "name": row["toName"]}
        conn["edges"].append({"node": node})
        conn["totalCount"] += 1


def _snapshot_tag(row: Mapping[str, Any]) -> dict[str, Any]:
    group = {"id": row["tagGroupId"], "name": row["tagGroup"]} if row.get("tagGroupId") else None
    return {"id": row["tagId"], "name": row["tag"], "description": None, "color": None, "tagGroup": group}


def _snapshot_user(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["userId"],
        "email": row["userEmail"],
        "userName": row["userEmail"],
        "displayName": row["userName"],
        "firstName": None,
        "lastName": None,
    }


def _snapshot_subscription(row: Mapping[str, Any]) -> dict[str, Any]:
    roles = [{"id": None, "name": n.strip()} for n in (row.get("roles") or "").split(",") if n.strip()]
    return {
        "id": row["subscriptionId"],
        "type": row["subscriptionType"],
        "user": _snapshot_user(row),
        "roles": roles,
    }


# ---------------------------------------------------------------------------------------------------------
# Live workspace


_LIVE_PAGE = """
query lxkitViewPage($first: Int, $after: String, $type: FactSheetType, $filter: FilterInput) {
  allFactSheets(first: $first, after: $after, factSheetType: $type, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { %s } }
  }
}
"""
_TAG_GROUPS = "{ allTagGroups { edges { node { id name shortName mode restrictToFactSheetTypes } } } }"
_TAGS = "{ allTags { edges { node { id name description color tagGroup { id name } } } } }"


class _Collected(list):
    """A list that takes pages of nodes, converted by ``convert`` (a page sink for :func:`read_pages`)."""

    def __init__(self, convert) -> None:
        super().__init__()
        self.convert = convert

    def add(self, nodes: list[dict[str, Any]]) -> None:
        self.extend(self.convert(node) for node in nodes)


class LiveView(RecordView):
    """A live workspace read through GraphQL, type by type on first use (active and archived fact sheets).

    ``select`` sends the scope to Pathfinder as a ``filter`` (its own semantics) and maps the answer onto
    the loaded records. Users are the subscribers found on the records (users live in MTM, not in GraphQL).
    Records carry the fields of :attr:`Workspace.model`, lifecycles with phases, external ids, tags,
    subscriptions, relations (with their scalar fields) and completion; documents are not read. A type that
    changes while it is paged through is read again (the workspace's ``read_attempts``, ``reread_pause``),
    then :class:`~kit.client.InconsistentRead` is raised (see :mod:`kit.frames.paging`).
    """

    def __init__(
        self,
        workspace: Workspace,
        types: Iterable[str] | None = None,
        today: date | None = None,
        *,
        page_size: int = 500,
    ) -> None:
        super().__init__(today)
        self.workspace = workspace
        self.types = list(types) if types is not None else None
        self.page_size = page_size
        self._tag_data: tuple[list[dict], list[dict]] | None = None
        self._ids_of_type: dict[str, dict[str, Record]] = {}

    def __repr__(self) -> str:
        return f"LiveView({self.workspace!r})"

    def _known_types(self) -> Collection[str]:
        return self.types if self.types is not None else self.workspace.types()

    def _load(self, type: str | None) -> list[Record]:  # noqa: A002
        if type is None:
            return [r for t in self._known_types() for r in self.factsheets(t)]
        query = _LIVE_PAGE % f"id ... on {type} {{ {_node_selection(self.workspace, type)} }}"
        return self._read(query, type, archive_passes(None, True), self.page_size, _live_record)

    def select(self, scope: Mapping[str, Any], type: str | None = None) -> list[Record]:  # noqa: A002
        """Pathfinder's answer to ``allFactSheets(factSheetType: type, filter: scope)``, as records."""
        if type is not None and type not in self._known_types():
            return []
        filt = {k: v for k, v in scope_filter(scope).items() if v not in ([], "")}
        found = self._read(
            _LIVE_PAGE % "id type",
            type,
            [Pass(filt or None)],
            max(self.page_size, 1000),
            lambda node: (node["id"], node["type"]),
            what=f"the {type} fact sheets in scope" if type else "the fact sheets in scope",
        )
        out = []
        for fs_id, fs_type in found:
            index = self._ids_of_type.get(fs_type)
            if index is None:
                index = self._ids_of_type[fs_type] = {r["id"]: r for r in self.factsheets(fs_type)}
            if fs_id in index:
                out.append(index[fs_id])
        return out

    def _read(self, query: str, type, passes, page_size: int, convert, what: str | None = None) -> list:  # noqa: A002
        """Every page of ``query``, converted node by node; read again if the workspace moved meanwhile."""
        return read_pages(
            self.workspace.client,
            query,
            lambda: _Collected(convert),
            type=type,
            kind="fact sheets",
            passes=passes,
            page_size=page_size,
            attempts=getattr(self.workspace, "read_attempts", READ_ATTEMPTS),
            pause=getattr(self.workspace, "reread_pause", REREAD_PAUSE),
            what=what,
        )

    def _tags_and_groups(self) -> tuple[list[dict], list[dict]]:
        if self._tag_data is None:
            graphql = self.workspace.client.graphql
            groups = [e["node"] for e in graphql(_TAG_GROUPS)["allTagGroups"]["edges"]]
            tags = [_tag(e["node"]) for e in graphql(_TAGS)["allTags"]["edges"]]
            self._tag_data = ([_group(g) for g in groups], tags)
        return self._tag_data

    def tag_groups(self) -> list[Mapping[str, Any]]:
        return self._tags_and_groups()[0]

    def tags(self) -> list[Mapping[str, Any]]:
        return self._tags_and_groups()[1]


def _node_selection(ws: Workspace, type_name: str) -> str:
    """Everything a record needs from one type, in GraphQL (from the workspace's introspected model)."""
    parts = []
    for name, info in ws.model.type(type_name).fields.items():
        kind = info.kind
        if kind in ("scalar", "enum") or (kind == "list" and (info.values or info.graphql_type in SCALARS)):
            parts.append(name)
        elif kind == "lifecycle":
            parts.append(f"{name} {{ asString phases {{ phase startDate }} }}")
        elif kind == "externalId":
            parts.append(f"{name} {{ externalId externalUrl comment status }}")
        elif kind == "completion":
            parts.append(f"{name} {{ completion percentage }}")
        elif kind == "tags":
            parts.append(f"{name} {{ id name description color tagGroup {{ id name }} }}")
        elif kind == "subscriptions":
            parts.append(
                f"{name} {{ edges {{ node {{ id type user {{ id email firstName lastName displayName }} "
                "roles { id name } } } }"
            )
        elif kind == "relation":
            rel_fields = " ".join(f.name for f in info.relation_fields if f.name != "factSheet")
            target = "factSheet { id type name displayName }"
            parts.append(f"{name} {{ edges {{ node {{ id {rel_fields} {target} }} }} }}")
    return " ".join(parts)


def _live_record(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL node completed to the record shape (relation ``type``, ``totalCount``, ``userName``)."""
    for key, value in node.items():
        if isinstance(value, dict) and "edges" in value:
            value.setdefault("totalCount", len(value["edges"] or ()))
            for edge in value["edges"] or ():
                if key.startswith("rel"):
                    edge["node"].setdefault("type", key)
                user = edge["node"].get("user") if key == "subscriptions" else None
                if user is not None:
                    user.setdefault("userName", user.get("email"))
    return node


# ---------------------------------------------------------------------------------------------------------
# Shared helpers


def _tag(tag: Mapping[str, Any]) -> dict[str, Any]:
    group = tag.get("tagGroup")
    return {
        "id": tag["id"],
        "name": tag.get("name"),
        "description": tag.get("description"),
        "color": tag.get("color"),
        "tagGroup": {"id": group["id"], "name": group.get("name")} if group else None,
    }


def _group(group: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": group["id"],
        "name": group.get("name"),
        "shortName": group.get("shortName"),
        "mode": group.get("mode"),
        "restrictToFactSheetTypes": list(group.get("restrictToFactSheetTypes") or ()),
    }


def _tags_of(records: Iterable[Record]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for rec in records:
        for tag in rec.get("tags") or ():
            if tag["id"] not in seen:
                seen[tag["id"]] = _tag(tag)
    return list(seen.values())


def _groups_of(tags: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for tag in tags:
        group = tag.get("tagGroup")
        if group and group["id"] not in seen:
            seen[group["id"]] = _group(group)
    return list(seen.values())


def _users_of(records: Iterable[Record]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for rec in records:
        for edge in (rec.get("subscriptions") or {}).get("edges") or ():
            user = edge["node"].get("user")
            if user and user.get("id") not in seen:
                seen[user["id"]] = {
                    "id": user["id"],
                    "email": user.get("email"),
                    "userName": user.get("userName") or user.get("email"),
                    "firstName": user.get("firstName"),
                    "lastName": user.get("lastName"),
                }
    return list(seen.values())


def _external_index(records: Iterable[Record]) -> dict[tuple[str, str], Record]:
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

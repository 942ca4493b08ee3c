"""The snapshot source: records rebuilt from a snapshot's frames, type by type on first use."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from kit.snapshot import Snapshot
from kit.sources.base import Record, RecordView, group_of, tag_of

__all__ = ["SnapshotView"]


class SnapshotView(RecordView):
    """Records rebuilt from a snapshot's frames, type by type on first use.

    ``today`` defaults to the snapshot's date (its lifecycles' current phases are as of then). Tag groups
    (with their modes), tags and subscription role ids come from the snapshot's directory (format 3); older
    snapshots lack them (groups and tags are then those on the records, role ids None). Documents are not
    kept. A column named ``externalId`` or ending in ``ExternalId`` is read
    as an external id field; users are the subscribers (``userName`` = e-mail, as in the sandbox).
    """

    def __init__(self, snapshot: Snapshot, today: date | None = None) -> None:
        super().__init__(today or snapshot.created_at.date(), snapshot.model)
        self.snapshot = snapshot
        self._directory = snapshot.directory()
        roles = (self._directory or {}).get("subscriptionRoles") or ()
        self._role_ids: dict[str, str | None] = {r["name"]: r["id"] for r in roles}
        self._long: dict[str, dict[str, list[dict[str, Any]]]] | None = None

    def __repr__(self) -> str:
        return f"SnapshotView({self.snapshot!r})"

    def _known_types(self) -> Collection[str]:
        return self.snapshot.types()

    def _load(self, type: str | None) -> list[Record]:  # noqa: A002
        if type is None:
            return [r for t in self.snapshot.types() for r in self.records(t)]
        long = self._long_frames()
        rows = _rows(self.snapshot.factsheets(type, include_archived=True))
        relations = self.snapshot.relations(type, include_archived=True)
        by_source = _group_rows(_rows(relations), "fromId") if not relations.empty else {}
        for rec in rows:
            _finish_snapshot_record(rec, long, by_source.get(rec["id"], ()), self._role_ids)
        return list(rows)

    def _long_frames(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        if self._long is None:
            self._long = {
                name: _group_rows(_rows(_long_frame(self.snapshot, name)), "id")
                for name in ("tags", "lifecycles", "subscriptions")
            }
        return self._long

    def tag_groups(self) -> list[Mapping[str, Any]]:
        if self._directory is None:
            return super().tag_groups()
        return [group_of(g) for g in self._directory["tagGroups"]]

    def tags(self) -> list[Mapping[str, Any]]:
        if self._directory is not None:
            return [tag_of(t) for t in self._directory["tags"]]
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
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [None if pd.isna(v) else _timestamp(v) for v in series]
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [None if pd.isna(v) else str(v) for v in series.astype(object)]
    if series.dtype == object:
        return [_plain_object(v) for v in series]
    return [None if _is_na(v) else v for v in series.astype(object).tolist()]


def _is_na(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


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
    rec: dict[str, Any],
    long: Mapping[str, Mapping[str, list[dict[str, Any]]]],
    relations: Iterable[dict[str, Any]],
    role_ids: Mapping[str, str | None],
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
    subs = [_snapshot_subscription(row, role_ids) for row in long["subscriptions"].get(fs_id, ())]
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


def _snapshot_subscription(row: Mapping[str, Any], role_ids: Mapping[str, str | None]) -> dict[str, Any]:
    names = [n.strip() for n in (row.get("roles") or "").split(",") if n.strip()]
    roles = [{"id": role_ids.get(n), "name": n} for n in names]
    return {
        "id": row["subscriptionId"],
        "type": row["subscriptionType"],
        "user": _snapshot_user(row),
        "roles": roles,
    }


def _long_frame(snapshot: Snapshot, name: str) -> pd.DataFrame:
    """Tags, lifecycles or subscriptions of every fact sheet, archived ones included."""
    frame: pd.DataFrame = getattr(snapshot, name)(include_archived=True)
    return frame

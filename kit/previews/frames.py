"""The preview's frames: a predicted run's plan records, warnings, stats, variables and deletions as DataFrames.

:class:`PlanFrames` builds each frame from a :class:`~kit.integration.predict.Prediction` on first access and
caches it. Fact sheets are shown as ``*_id``, ``*_ref`` (the id, or ``new Application externalId=x``),
``*_type`` and ``*_name``; the writes frame also carries a new fact sheet's external id as data
(``target_external_field``, ``target_external_id``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd

from kit.frame import as_frame
from kit.integration.plan import (
    DocumentWrite,
    FactSheetRef,
    FieldWrite,
    ImpactWrite,
    MetricPoint,
    RelationWrite,
    StatusWrite,
    SubscriptionWrite,
    TagWrite,
    ToDoWrite,
)
from kit.integration.predict import Prediction
from kit.previews.not_evaluated import COLUMNS as NOT_EVALUATED_COLUMNS
from kit.previews.not_evaluated import not_evaluated

__all__ = ["FRAMES", "PlanFrames", "paused_gc", "same_value"]

#: frames in display order (those that are empty are left out of summaries, HTML and workbooks)
FRAMES = (
    "output",
    "changes",
    "writes",
    "relations",
    "tags",
    "subscriptions",
    "documents",
    "metrics",
    "impacts",
    "todos",
    "variables",
    "warnings",
    "infos",
    "not_evaluated",
    "stats_processors",
    "stats_levels",
    "deletions_frame",
    "removals_frame",
)
ORIGIN_COLUMNS = ["level", "processor", "processor_index", "content_id", "content_type"]
_REF_COLUMNS = ("id", "ref", "type", "name")
_INTEGER_COLUMNS = ("level", "processor_index", "count")
_BOOLEAN_COLUMNS = ("changed", "create_tag", "create_group", "new_user", "cancelled")
_DELETION_COLUMNS = ["kind", "id", "type", "name", "detail", "cancelled"]

T = TypeVar("T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pauses the cyclic GC while building large frames from millions of acyclic plan records (its full
    collections would otherwise rescan them over and over)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _frame_builder(method: Callable[[Any], T]) -> cached_property[T]:
    """``cached_property`` whose computation runs with the GC paused."""

    def build(self: Any) -> T:
        with paused_gc():
            return method(self)

    build.__doc__ = method.__doc__
    build.__name__ = method.__name__
    return cached_property(build)


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns (None stays None, lists stay lists) except counters (int) and flags (bool)."""
    if frame.empty:
        return as_frame(frame)
    kinds: dict[str, Any] = {}
    for column in frame.columns:
        if column in _BOOLEAN_COLUMNS:
            kinds[column] = bool
        elif column in _INTEGER_COLUMNS and frame[column].notna().all():
            kinds[column] = "int64"
    return as_frame(frame.astype(kinds) if kinds else frame)


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def same_value(before: Any, after: Any) -> bool:
    """Whether writing ``after`` over ``before`` changes nothing (empties equal, numbers by value,
    multi-values as sets, text against numbers by their text)."""
    if _empty(before) and _empty(after):
        return True
    if _empty(before) or _empty(after):
        return False
    if isinstance(before, list | tuple) or isinstance(after, list | tuple):
        as_list = lambda v: list(v) if isinstance(v, list | tuple) else [v]  # noqa: E731
        try:
            return sorted(map(str, as_list(before))) == sorted(map(str, as_list(after)))
        except TypeError:
            return as_list(before) == as_list(after)
    if isinstance(before, int | float) and isinstance(after, int | float) and not isinstance(before, bool):
        return float(before) == float(after)
    if before == after:
        return True
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        return False
    return str(before) == str(after)


def deletions_frame(prediction: Any) -> pd.DataFrame:
    """One row per item a :class:`~kit.integration.deletion.DeletionPrediction` would delete: kind, id,
    type, name, detail, cancelled (empty for None)."""
    rows: list[tuple[Any, ...]] = []
    if prediction is not None:
        for kind, pred in prediction.kinds.items():
            rows.extend(
                (kind, item.id, item.type, item.name, item.detail, pred.cancelled) for item in pred.to_delete
            )
    frame = pd.DataFrame(rows, columns=_DELETION_COLUMNS)
    return as_frame(frame.astype({"cancelled": bool}))


class PlanFrames:
    """The frames of one prediction (see the module docstring); ``prediction`` is set by the subclass."""

    prediction: Prediction

    def _setup_frames(self) -> None:
        self._origin_cache: dict[int, tuple[Any, ...]] = {}

    # -- lookups ------------------------------------------------------------------------------------------

    def _ref_info(self, ref: FactSheetRef | None) -> tuple[Any, Any, Any, Any]:
        """(id, readable reference, type, name) of a fact sheet reference."""
        return self.prediction.describe(ref)

    def _target_columns(self, ref: FactSheetRef | None, prefix: str = "target") -> dict[str, Any]:
        return dict(zip((f"{prefix}_{c}" for c in _REF_COLUMNS), self._ref_info(ref), strict=True))

    def _origin_columns(self, origin: Any) -> tuple[Any, ...]:
        if origin is None:
            return (None, None, None, None, None)
        key = id(origin)
        found = self._origin_cache.get(key)
        if found is None:
            found = self._origin_cache[key] = (
                origin.level,
                origin.processor_name,
                origin.processor_index,
                origin.content_id,
                origin.content_type,
            )
        return found

    def _origin_dict(self, origin: Any) -> dict[str, Any]:
        return dict(zip(ORIGIN_COLUMNS, self._origin_columns(origin), strict=True))

    def _records(self, kind: type | tuple[type, ...]) -> list[Any]:
        return [w for w in self.prediction.result.plan.writes if isinstance(w, kind)]

    @staticmethod
    def _frame(rows: list[dict[str, Any]], minimal: list[str]) -> pd.DataFrame:
        if rows:
            return typed(pd.DataFrame(rows, dtype=object))
        return as_frame(pd.DataFrame(columns=[*ORIGIN_COLUMNS, *minimal]))

    # -- frames -------------------------------------------------------------------------------------------

    @_frame_builder
    def writes(self) -> pd.DataFrame:
        """Fact sheet writes: one row per key (FieldWrite) or status change (archive/restore). A fact sheet
        the run creates (or assumes) has its external id field and value in ``target_external_field`` and
        ``target_external_id``."""
        columns = [
            *ORIGIN_COLUMNS,
            "target_id",
            "target_ref",
            "target_type",
            "target_name",
            "target_external_field",
            "target_external_id",
            "action",
            "key",
            "before",
            "after",
            "changed",
        ]
        rows = []
        known = self.prediction.view is not None
        ref_info, origin_columns = self._ref_info, self._origin_columns
        for w in self.prediction.result.plan.writes:
            kind = type(w)
            if kind is FieldWrite:
                ref = w.target
                value = w.value
                if ref.id is None or not known:
                    changed = not (value is None or value == "" or value == [])
                else:
                    changed = not same_value(w.before, value)
                external = ref.external if ref.id is None and ref.external is not None else (None, None)
                rows.append(
                    (
                        *origin_columns(w.origin),
                        *ref_info(ref),
                        *external,
                        w.action,
                        w.key,
                        w.before,
                        value,
                        changed,
                    )
                )
            elif kind is StatusWrite:
                ref = w.target
                external = ref.external if ref.id is None and ref.external is not None else (None, None)
                before, after = ("ARCHIVED", "ACTIVE") if w.action == "restore" else ("ACTIVE", "ARCHIVED")
                rows.append(
                    (
                        *origin_columns(w.origin),
                        *ref_info(ref),
                        *external,
                        w.action,
                        "status",
                        before,
                        after,
                        True,
                    )
                )
        return typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @cached_property
    def changes(self) -> pd.DataFrame:
        """The writes that change something (value after ≠ before; every write of a new fact sheet)."""
        frame = self.writes
        return frame[frame["changed"]].reset_index(drop=True) if not frame.empty else frame

    @_frame_builder
    def relations(self) -> pd.DataFrame:
        """Relations upserted (or deleted by ``constrainingRelations``); ``exists``: already in the workspace."""
        columns = [
            *ORIGIN_COLUMNS,
            "action",
            "type",
            *(f"source_{c}" for c in _REF_COLUMNS),
            *(f"target_{c}" for c in _REF_COLUMNS),
            "fields",
            "exists",
        ]
        rows = []
        view = self.prediction.view
        for w in self._records(RelationWrite):
            exists = None
            if view is not None and w.source.id is not None and w.target.id is not None:
                record = view.record(w.source.id) or {}
                connection = record.get(w.type) or {}
                edges = connection.get("edges") if isinstance(connection, Mapping) else None
                exists = any((e["node"].get("factSheet") or {}).get("id") == w.target.id for e in edges or ())
            rows.append(
                (
                    *self._origin_columns(w.origin),
                    w.action,
                    w.type,
                    *self._ref_info(w.source),
                    *self._ref_info(w.target),
                    w.fields,
                    exists,
                )
            )
        return typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @_frame_builder
    def tags(self) -> pd.DataFrame:
        """Tag assignments added/removed (``create`` rows: a tag or group created without assignment)."""
        columns = [
            *ORIGIN_COLUMNS,
            "action",
            *(f"target_{c}" for c in _REF_COLUMNS),
            "group",
            "tag",
            "create_tag",
            "create_group",
            "details",
        ]
        rows = [
            (
                *self._origin_columns(w.origin),
                w.action,
                *self._ref_info(w.target if w.action != "create" else None),
                w.group,
                w.tag,
                w.create_tag,
                w.create_group,
                w.details,
            )
            for w in self._records(TagWrite)
        ]
        return typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @_frame_builder
    def subscriptions(self) -> pd.DataFrame:
        """Subscriptions added or removed: user, type, roles, comment, ``role_comments`` (role -> its own
        comment); ``new_user``: the run invites them."""
        rows = [
            {
                **self._origin_dict(w.origin),
                "action": w.action,
                **self._target_columns(w.target),
                "user": w.user,
                "type": w.type,
                "roles": list(w.roles),
                "comment": w.comment,
                "role_comments": dict(w.role_comments),
                "new_user": w.new_user,
            }
            for w in self._records(SubscriptionWrite)
        ]
        return self._frame(
            rows, ["action", "target_id", "user", "type", "roles", "comment", "role_comments", "new_user"]
        )

    @_frame_builder
    def documents(self) -> pd.DataFrame:
        """Documents (links) added or removed."""
        rows = [
            {
                **self._origin_dict(w.origin),
                "action": w.action,
                **self._target_columns(w.target),
                "name": w.name,
                **{k: w.values.get(k) for k in ("url", "description", "documentType", "origin")},
                "metadata": w.values.get("metadata"),
            }
            for w in self._records(DocumentWrite)
        ]
        return self._frame(
            rows, ["action", "target_id", "name", "url", "description", "documentType", "origin"]
        )

    @_frame_builder
    def metrics(self) -> pd.DataFrame:
        """Metrics points (one per processed item of an inboundMetrics processor)."""
        rows = [
            {
                **self._origin_dict(w.origin),
                "measurement": w.measurement,
                "time": w.time,
                "fields": dict(w.fields),
                "tags": dict(w.tags),
            }
            for w in self._records(MetricPoint)
        ]
        return self._frame(rows, ["measurement", "time", "fields", "tags"])

    @_frame_builder
    def impacts(self) -> pd.DataFrame:
        """Impacts written (inboundImpact)."""
        rows = [
            {
                **self._origin_dict(w.origin),
                **self._target_columns(w.target),
                **{k: w.values.get(k) for k in ("groupName", "description", "impacts")},
            }
            for w in self._records(ImpactWrite)
        ]
        return self._frame(rows, ["target_id", "groupName", "description", "impacts"])

    @_frame_builder
    def todos(self) -> pd.DataFrame:
        """To-dos written (inboundToDo)."""
        keys = (
            "externalId",
            "factSheetId",
            "title",
            "description",
            "category",
            "status",
            "resolution",
            "dueDate",
        )
        rows = [
            {**self._origin_dict(w.origin), **{k: w.values.get(k) for k in keys}}
            for w in self._records(ToDoWrite)
        ]
        return self._frame(rows, list(keys))

    @cached_property
    def output(self) -> pd.DataFrame:
        """The exported LDIF (an outbound run's, or writeToLdif's): one row per content object with ``id``,
        ``type`` and one column per ``data`` key (None where an object lacks the key; a data key named ``id`` or
        ``type`` becomes ``data.id`` / ``data.type``); empty without an output LDIF."""
        ldif = self.prediction.result.plan.output_ldif
        rows = []
        columns: dict[str, None] = {"id": None, "type": None}
        for item in (ldif or {}).get("content") or ():
            row = {"id": item.get("id"), "type": item.get("type")}
            for key, value in (item.get("data") or {}).items():
                column = f"data.{key}" if key in ("id", "type") else str(key)
                columns.setdefault(column, None)
                row[column] = value
            rows.append(row)
        rows = [{column: row.get(column) for column in columns} for row in rows]  # a missing key: None
        return typed(pd.DataFrame(rows, columns=list(columns), dtype=object))

    @_frame_builder
    def variables(self) -> pd.DataFrame:
        """Variables by key and the run level that wrote them (readable from the next level on)."""
        rows = [
            {"key": key, "level": level, "count": len(values), "values": list(values)}
            for (key, level), values in self.prediction.result.variables.items()
        ]
        frame = typed(pd.DataFrame(rows, columns=["key", "level", "count", "values"], dtype=object))
        return (
            frame.sort_values(["level", "key"], kind="stable").reset_index(drop=True)
            if not frame.empty
            else frame
        )

    @_frame_builder
    def warnings(self) -> pd.DataFrame:
        """Warning records flattened: processor name and index, content, ``key`` (the update key or field the
        warning is about, None when it is about no field), message, detail, category, status. INFO records
        (expected misses of ``optional`` processors) are not warnings: they are in :attr:`infos`."""
        return self._log_frame(info=False)

    @_frame_builder
    def infos(self) -> pd.DataFrame:
        """INFO records (status ``INFO``), in the columns of :attr:`warnings`: what ``optional`` processors
        expected to miss (e.g. a relation whose 'to' fact sheet does not exist)."""
        return self._log_frame(info=True)

    def _log_frame(self, *, info: bool) -> pd.DataFrame:
        result = self.prediction.result
        keys = result.warning_keys
        rows = [
            {
                "processor": w["processor"]["name"],
                "processor_index": w["processor"]["index"],
                "content": w["content"],
                "key": keys[i] if i < len(keys) else None,
                "message": w["message"],
                "detail": w["detail"],
                "category": w["category"],
                "status": w["status"],
            }
            for i, w in enumerate(result.warnings)
            if (w["status"] == "INFO") is info
        ]
        columns = [
            "processor",
            "processor_index",
            "content",
            "key",
            "message",
            "detail",
            "category",
            "status",
        ]
        return typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @cached_property
    def not_evaluated(self) -> pd.DataFrame:
        """What the evaluation left out, one row per processor part: processor, processor_index, what, path
        (JSON path in the configuration), why (see :mod:`kit.previews.not_evaluated`)."""
        rows = not_evaluated(self.prediction.configuration)
        return typed(pd.DataFrame(rows, columns=NOT_EVALUATED_COLUMNS, dtype=object))

    @cached_property
    def stats_processors(self) -> pd.DataFrame:
        """``/stats`` processorStatistics, one row per processor, plus the kit's ``warningCount`` (WARNING
        and ERROR records) and ``infoCount`` (INFO records), kept apart."""
        frame = pd.DataFrame(self.prediction.stats["processorStatistics"])
        if frame.empty:
            return as_frame(frame)
        counted = {p.index: p.stats for p in self.prediction.result.compiled.processors}
        frame["warningCount"] = [counted[i].warnings if i in counted else 0 for i in frame["processorIndex"]]
        frame["infoCount"] = [counted[i].infos if i in counted else 0 for i in frame["processorIndex"]]
        return as_frame(frame)

    @cached_property
    def stats_levels(self) -> pd.DataFrame:
        """``/stats`` singleRunLevelStatistics, one row per run level."""
        return as_frame(pd.DataFrame(self.prediction.stats["singleRunLevelStatistics"]))

    @cached_property
    def deletions_frame(self) -> pd.DataFrame:
        """What the deletion scopes would delete (empty without a prediction)."""
        return deletions_frame(self.prediction.deletions)

    @property
    def removals_frame(self) -> pd.DataFrame:
        """One row per item the run would archive or delete (``removals.items``)."""
        return as_frame(self.prediction.removals.items)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every non-empty frame by name, in display order."""
        return {name: frame for name in FRAMES if not (frame := getattr(self, name)).empty}

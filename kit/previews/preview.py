"""Preview a processor configuration offline: what a run would write, warn and delete, as DataFrames.

    >>> from kit.previews.preview import preview
    >>> shown = preview("config.json", "ldif.json", workspace)     # doctest: +SKIP
    >>> shown                                                        # doctest: +SKIP  (summary + tables)
    >>> shown.changes, shown.warnings, shown.deletions              # doctest: +SKIP
    >>> shown.to_excel("preview.xlsx"); shown.to_html("preview.html")  # doctest: +SKIP

``config`` is one configuration or several (the LDIF is bound to one of them like iAPI does), ``config`` and
``ldif`` are dicts, JSON text or file paths (validated by :mod:`kit.integration.inputs`, whose errors point at
line and column). ``workspace`` is None, a :class:`~kit.integration.view.WorkspaceView`, a
:class:`~kit.snapshot.Snapshot`, a :class:`~kit.workspace.Workspace` or a list of fact sheet records in the
GraphQL node shape. Without a workspace external ids are taken as new and deletions cannot be predicted (the
``notes`` say so).

``Preview.plan`` is the :class:`~kit.integration.plan.RunPlan` an applier replays: the engine's writes in
execution order, followed by the deletion writes of a FULL-mode run when they are predicted and not cancelled.
Frames are built on first access and cached.
"""

from __future__ import annotations

import gc
import html
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from kit.integration import inputs
from kit.integration.engine import EngineResult, bind, evaluate
from kit.integration.engine.export import cell_text, write_xlsx
from kit.integration.engine.stats import stats_document
from kit.integration.plan import (
    DocumentWrite,
    FactSheetRef,
    FieldWrite,
    ImpactWrite,
    MetricPoint,
    RelationWrite,
    RunPlan,
    StatusWrite,
    SubscriptionWrite,
    TagWrite,
    ToDoWrite,
)
from kit.integration.removals import Removals, count_removals
from kit.integration.view import WorkspaceView
from kit.outputs import atomic_file, check_output_file
from kit.sources import as_source as as_view

__all__ = ["Preview", "as_view", "load_inputs", "preview"]

#: frames in display order (those that are empty are left out of summaries, HTML and workbooks)
FRAMES = (
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
    "stats_processors",
    "stats_levels",
    "deletions_frame",
    "removals_frame",
)
_ORIGIN_COLUMNS = ["level", "processor", "processor_index", "content_id", "content_type"]
_REF_COLUMNS = ("id", "ref", "type", "name")
_HEAD_ROWS = 10
_HTML_ROW_LIMIT = 5000


# -- inputs -------------------------------------------------------------------------------------------------


def _load(source: Any, kind: str) -> dict[str, Any]:
    """A validated configuration or LDIF as a plain dict."""
    loaded = inputs.load_config(source) if kind == "config" else inputs.load_ldif(source)
    return loaded.data


def load_inputs(config: Any, ldif: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(configurations, LDIF) as plain dicts, validated; ``config`` may be one or a list."""
    items = list(config) if isinstance(config, list | tuple) else [config]
    configs = [
        c.data if hasattr(c, "data") and not isinstance(c, Mapping) else _load(c, "config") for c in items
    ]
    data = ldif.data if hasattr(ldif, "data") and not isinstance(ldif, Mapping) else _load(ldif, "ldif")
    return configs, data


# -- the preview ---------------------------------------------------------------------------------------------


def preview(
    config: Any,
    ldif: Any,
    workspace: Any = None,
    *,
    fields: Any = None,
    now: datetime | None = None,
) -> Preview:
    """What a run of ``ldif`` through ``config`` would do to ``workspace`` (see the module docstring)."""
    configs, data = load_inputs(config, ldif)
    view = as_view(workspace)
    now = now or datetime.now().replace(microsecond=0)
    with _paused_gc():
        return _preview(configs, data, view, fields, now)


def _preview(
    configs: list[dict[str, Any]], data: dict[str, Any], view: Any, fields: Any, now: datetime
) -> Preview:
    result = evaluate(configs, data, view, fields=fields, now=now)
    notes = list(result.notes)
    configuration = result.configuration
    mode = str(configuration.get("processingMode") or "partial").lower()
    scopes = configuration.get("deletionScope")
    deletions = None
    if mode != "full":
        if scopes:
            notes.append("PARTIAL mode: deletion scopes are ignored")
    elif scopes:
        if view is None:
            notes.append("no workspace given: deletions cannot be computed")
        else:
            from kit.integration.deletion import predict_deletions

            deletions = predict_deletions(
                configuration, view, result.plan.touched, header=result.header, now=now
            )
    return Preview(result, data, view, deletions, notes, now)


_INTEGER_COLUMNS = ("level", "processor_index", "count")
_BOOLEAN_COLUMNS = ("changed", "create_tag", "create_group", "new_user")


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pauses the cyclic GC while building large frames from millions of acyclic plan records (its full
    collections would otherwise rescan them over and over)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _frame_builder(method: Any) -> Any:
    """``cached_property`` whose computation runs with the GC paused."""

    def build(self: Any) -> Any:
        with _paused_gc():
            return method(self)

    build.__doc__ = method.__doc__
    build.__name__ = method.__name__
    return cached_property(build)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns (None stays None, lists stay lists) except counters (int) and flags (bool)."""
    if frame.empty:
        return frame
    kinds: dict[str, Any] = {}
    for column in frame.columns:
        if column in _BOOLEAN_COLUMNS:
            kinds[column] = bool
        elif column in _INTEGER_COLUMNS and frame[column].notna().all():
            kinds[column] = "int64"
    return frame.astype(kinds) if kinds else frame


def _ref_text(ref: FactSheetRef | None, new: bool) -> str | None:
    """The id, or ``new Application externalId=x`` for a fact sheet the run creates (without ``new`` for one
    assumed to exist)."""
    if ref is None:
        return None
    if ref.id is not None:
        return ref.id
    if ref.external is None:
        return None
    field, value = ref.external
    return f"{'new ' if new else ''}{ref.type or 'fact sheet'} {field}={value}"


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _same(before: Any, after: Any) -> bool:
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


class Preview:
    """A predicted run: the plan, frames of what it writes, warnings, stats, variables, deletions and notes."""

    def __init__(
        self,
        result: EngineResult,
        ldif: Mapping[str, Any],
        view: WorkspaceView | None,
        deletions: Any,
        notes: list[str],
        now: datetime,
    ) -> None:
        self.result = result
        self.ldif = ldif
        self.view = view
        self.now = now
        #: :class:`~kit.integration.deletion.DeletionPrediction` of a FULL-mode run with a workspace, or None
        self.deletions = deletions
        #: what the prediction assumed or could not do, in words
        self.notes = notes
        self.configuration = result.configuration
        writes = list(result.plan.writes)
        if deletions is not None:
            writes.extend(deletions.writes())
        #: the run's plan (engine writes, then deletion writes that are not cancelled)
        self.plan = RunPlan(writes=writes, touched=result.plan.touched, output_ldif=result.plan.output_ldif)
        #: the output LDIF of writeToLdif processors (None without them)
        self.output_ldif = result.plan.output_ldif
        #: Warning records in iAPI's shape
        self.warning_records = result.warnings
        deleted = []
        if deletions is not None and not deletions.cancelled:
            frame = deletions.frame()
            deleted = [
                {"kind": k, "id": i, "type": t, "name": n}
                for k, i, t, n in zip(frame["kind"], frame["id"], frame["type"], frame["name"], strict=True)
            ]
        #: ``/stats`` in iAPI's shape (``deletedObjects``: what the deletion scopes would delete)
        self.stats = stats_document(
            result.compiled.processors,
            result.stats["singleRunLevelStatistics"],
            {p["processorIndex"]: p["errorCount"] for p in result.stats["processorStatistics"]},
            deleted,
        )
        state = result.state
        #: ids of the FactSheetRef objects of fact sheets this run creates (refs are shared per fact sheet)
        self._new_refs: set[int] = {id(s.ref) for s in state.new.values()} if state is not None else set()
        self._ref_cache: dict[int, tuple[Any, Any, Any, Any]] = {}
        self._origin_cache: dict[int, tuple[Any, ...]] = {}

    # -- lookups ------------------------------------------------------------------------------------------

    @cached_property
    def _names(self) -> dict[int, Any]:
        """Names by ``id(ref)`` of every fact sheet the run looked at, created or assumed."""
        state = self.result.state
        names: dict[int, Any] = {}
        if state is None:
            return names
        for group in (state.by_id.values(), state.new.values(), state.assumed.values()):
            for sheet in group:
                names[id(sheet.ref)] = sheet.get("name") if sheet.record is not None or sheet.is_new else None
        return names

    def _ref_info(self, ref: FactSheetRef | None) -> tuple[Any, Any, Any, Any]:
        """(id, readable reference, type, name) of a target, cached per reference object."""
        if ref is None:
            return (None, None, None, None)
        key = id(ref)
        found = self._ref_cache.get(key)
        if found is None:
            name = self._names.get(key)
            if name is None and ref.id is not None and self.view is not None:
                record = self.view.factsheet(ref.id)
                name = record.get("name") if record is not None else None
            found = self._ref_cache[key] = (ref.id, _ref_text(ref, key in self._new_refs), ref.type, name)
        return found

    def _target_columns(self, ref: FactSheetRef | None, prefix: str = "target") -> dict[str, Any]:
        fs_id, text, type_name, name = self._ref_info(ref)
        return {
            f"{prefix}_id": fs_id,
            f"{prefix}_ref": text,
            f"{prefix}_type": type_name,
            f"{prefix}_name": name,
        }

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

    def _records(self, kind: type | tuple[type, ...]) -> list[Any]:
        return [w for w in self.result.plan.writes if isinstance(w, kind)]

    # -- frames -------------------------------------------------------------------------------------------

    @_frame_builder
    def writes(self) -> pd.DataFrame:
        """Fact sheet writes: one row per key (FieldWrite) or status change (archive/restore)."""
        columns = [
            *_ORIGIN_COLUMNS,
            "target_id",
            "target_ref",
            "target_type",
            "target_name",
            "action",
            "key",
            "before",
            "after",
            "changed",
        ]
        rows = []
        known = self.view is not None
        ref_info, origin_columns = self._ref_info, self._origin_columns
        for w in self.result.plan.writes:
            kind = type(w)
            if kind is FieldWrite:
                ref = w.target
                value = w.value
                if ref.id is None or not known:
                    changed = not (value is None or value == "" or value == [])
                else:
                    changed = not _same(w.before, value)
                rows.append(
                    (*origin_columns(w.origin), *ref_info(ref), w.action, w.key, w.before, value, changed)
                )
            elif kind is StatusWrite:
                before, after = ("ARCHIVED", "ACTIVE") if w.action == "restore" else ("ACTIVE", "ARCHIVED")
                rows.append(
                    (*origin_columns(w.origin), *ref_info(w.target), w.action, "status", before, after, True)
                )
        return _typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @cached_property
    def changes(self) -> pd.DataFrame:
        """The writes that change something (value after ≠ before; every write of a new fact sheet)."""
        frame = self.writes
        return frame[frame["changed"]].reset_index(drop=True) if not frame.empty else frame

    @_frame_builder
    def relations(self) -> pd.DataFrame:
        """Relations upserted (or deleted by ``constrainingRelations``); ``exists``: already in the workspace."""
        columns = [
            *_ORIGIN_COLUMNS,
            "action",
            "type",
            *(f"source_{c}" for c in _REF_COLUMNS),
            *(f"target_{c}" for c in _REF_COLUMNS),
            "fields",
            "exists",
        ]
        rows = []
        view = self.view
        for w in self._records(RelationWrite):
            exists = None
            if view is not None and w.source.id is not None and w.target.id is not None:
                record = view.factsheet(w.source.id) or {}
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
        return _typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @_frame_builder
    def tags(self) -> pd.DataFrame:
        """Tag assignments added/removed (``create`` rows: a tag or group created without assignment)."""
        columns = [
            *_ORIGIN_COLUMNS,
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
        return _typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @_frame_builder
    def subscriptions(self) -> pd.DataFrame:
        rows = [
            {
                **dict(zip(_ORIGIN_COLUMNS, self._origin_columns(w.origin), strict=True)),
                "action": w.action,
                **self._target_columns(w.target),
                "user": w.user,
                "type": w.type,
                "roles": list(w.roles),
                "comment": w.comment,
                "new_user": w.new_user,
            }
            for w in self._records(SubscriptionWrite)
        ]
        return self._frame(rows, ["action", "target_id", "user", "type", "roles", "comment", "new_user"])

    @_frame_builder
    def documents(self) -> pd.DataFrame:
        rows = [
            {
                **dict(zip(_ORIGIN_COLUMNS, self._origin_columns(w.origin), strict=True)),
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
                **dict(zip(_ORIGIN_COLUMNS, self._origin_columns(w.origin), strict=True)),
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
        rows = [
            {
                **dict(zip(_ORIGIN_COLUMNS, self._origin_columns(w.origin), strict=True)),
                **self._target_columns(w.target),
                **{k: w.values.get(k) for k in ("groupName", "description", "impacts")},
            }
            for w in self._records(ImpactWrite)
        ]
        return self._frame(rows, ["target_id", "groupName", "description", "impacts"])

    @_frame_builder
    def todos(self) -> pd.DataFrame:
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
            {
                **dict(zip(_ORIGIN_COLUMNS, self._origin_columns(w.origin), strict=True)),
                **{k: w.values.get(k) for k in keys},
            }
            for w in self._records(ToDoWrite)
        ]
        return self._frame(rows, list(keys))

    @_frame_builder
    def variables(self) -> pd.DataFrame:
        """Variables by key and the run level that wrote them (readable from the next level on)."""
        rows = [
            {"key": key, "level": level, "count": len(values), "values": list(values)}
            for (key, level), values in self.result.variables.items()
        ]
        frame = _typed(pd.DataFrame(rows, columns=["key", "level", "count", "values"], dtype=object))
        return (
            frame.sort_values(["level", "key"], kind="stable").reset_index(drop=True)
            if not frame.empty
            else frame
        )

    @_frame_builder
    def warnings(self) -> pd.DataFrame:
        """Warning records flattened: processor name and index, content, message, detail, category, status."""
        rows = [
            {
                "processor": w["processor"]["name"],
                "processor_index": w["processor"]["index"],
                "content": w["content"],
                "message": w["message"],
                "detail": w["detail"],
                "category": w["category"],
                "status": w["status"],
            }
            for w in self.warning_records
        ]
        columns = ["processor", "processor_index", "content", "message", "detail", "category", "status"]
        return _typed(pd.DataFrame(rows, columns=columns, dtype=object))

    @cached_property
    def stats_processors(self) -> pd.DataFrame:
        return pd.DataFrame(self.stats["processorStatistics"])

    @cached_property
    def stats_levels(self) -> pd.DataFrame:
        return pd.DataFrame(self.stats["singleRunLevelStatistics"])

    @cached_property
    def removals(self) -> Removals:
        """What the run would archive or delete, by kind: processors (``mode: delete``, constraining relations,
        single-select tag groups) and the deletion scopes that are not cancelled. ``removals.total`` is the
        number a real run asks to confirm."""
        unknown = []
        full = str(self.configuration.get("processingMode") or "").lower() == "full"
        if self.deletions is None and full and self.configuration.get("deletionScope"):
            unknown.append("deletion scopes, as no workspace was given")
        processors = self.configuration.get("processors")
        return count_removals(
            self.result.plan.writes,
            self.deletions,
            processors=processors if isinstance(processors, list) else None,
            describe=self._ref_info,
            unknown=unknown,
        )

    @cached_property
    def deletions_frame(self) -> pd.DataFrame:
        """What the deletion scopes would delete (empty without a prediction)."""
        if self.deletions is None:
            return pd.DataFrame(columns=["kind", "id", "type", "name", "detail", "cancelled"])
        return self.deletions.frame()

    @property
    def removals_frame(self) -> pd.DataFrame:
        """One row per item the run would archive or delete (``removals.items``)."""
        return self.removals.items

    @staticmethod
    def _frame(rows: list[dict[str, Any]], minimal: list[str]) -> pd.DataFrame:
        if rows:
            return _typed(pd.DataFrame(rows, dtype=object))
        return pd.DataFrame(columns=[*_ORIGIN_COLUMNS, *minimal])

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every non-empty frame by name, in display order."""
        return {name: frame for name in FRAMES if not (frame := getattr(self, name)).empty}

    # -- text ---------------------------------------------------------------------------------------------

    def summary(self) -> str:
        """A few lines: what would be created/updated/archived, other writes, warnings, deletions, notes."""
        config = self.configuration
        content = self.ldif.get("content") or []
        levels = self.stats["singleRunLevelStatistics"]
        lines = [
            f"Run of {config.get('connectorType')}/{config.get('connectorId')} {config.get('connectorVersion')} "
            f"({str(config.get('processingMode') or 'partial').upper()}): {len(content):,} content items, "
            f"{len(levels)} run level(s)"
        ]
        writes = self.result.plan.writes
        field_writes = [w for w in writes if type(w) is FieldWrite]
        created = {id(w.target) for w in field_writes if w.action == "create"}
        updated = {id(w.target) for w in field_writes if w.action == "update"}
        statuses = [w for w in writes if type(w) is StatusWrite]
        changed = int(self.writes["changed"].sum()) if not self.writes.empty else 0
        parts = []
        if created:
            parts.append(f"{len(created):,} created")
        if updated:
            parts.append(f"{len(updated):,} updated")
        for action in ("archive", "restore"):
            count = sum(1 for w in statuses if w.action == action)
            if count:
                parts.append(f"{count:,} {action}d")
        if parts:
            lines.append(
                f"Fact sheets: {', '.join(parts)} ({len(field_writes):,} field writes, {changed:,} changing a value)"
            )
        for label, kind in (
            ("Relations", RelationWrite),
            ("Tag assignments", TagWrite),
            ("Subscriptions", SubscriptionWrite),
            ("Documents", DocumentWrite),
        ):
            counts: dict[str, int] = {}
            for w in writes:
                if type(w) is kind:
                    counts[w.action] = counts.get(w.action, 0) + 1
            if counts:
                lines.append(f"{label}: " + ", ".join(f"{n:,} {a}" for a, n in counts.items()))
        for label, kind in (("Metrics points", MetricPoint), ("Impacts", ImpactWrite), ("To-dos", ToDoWrite)):
            count = sum(1 for w in writes if type(w) is kind)
            if count:
                lines.append(f"{label}: {count:,}")
        if self.output_ldif is not None:
            lines.append(f"Output LDIF: {len(self.output_ldif.get('content') or []):,} content items")
        if self.warning_records:
            errors = sum(1 for w in self.warning_records if w["status"] == "ERROR")
            by_category: dict[str, int] = {}
            for w in self.warning_records:
                by_category[w["category"]] = by_category.get(w["category"], 0) + 1
            top = ", ".join(f"{c} {n:,}" for c, n in sorted(by_category.items(), key=lambda kv: -kv[1]))
            lines.append(f"Warnings: {len(self.warning_records):,} ({errors:,} errors): {top}")
        else:
            lines.append("Warnings: none")
        lines.append(self.removals.line())
        if self.deletions is not None:
            lines.extend(f"Deletions: {line}" for line in self.deletions.summary())
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "Preview(\n  " + self.summary().replace("\n", "\n  ") + "\n)"

    def _repr_html_(self) -> str:
        parts = [_summary_html(self.summary())]
        for name, frame in self.frames().items():
            if name == "writes" and "changes" in self.frames():
                continue
            shown = frame.head(_HEAD_ROWS).map(cell_text)
            more = f" (first {_HEAD_ROWS} of {len(frame):,})" if len(frame) > _HEAD_ROWS else ""
            parts.append(f"<h4>{html.escape(name)}{more}</h4>{shown.to_html(index=False, escape=True)}")
        return "<div class='lxkit-preview'>" + "".join(parts) + "</div>"

    # -- export -------------------------------------------------------------------------------------------

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """One sheet per non-empty frame (plus ``summary``); lists and maps as JSON text."""
        sheets = {"summary": pd.DataFrame({"summary": self.summary().splitlines()}), **self.frames()}
        if self.output_ldif is not None:
            sheets["output_ldif"] = pd.DataFrame(self.output_ldif.get("content") or [])
        target = check_output_file(path, suffixes=(".xlsx",))
        with atomic_file(target) as work:
            write_xlsx(work, sheets)
        return target

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """A self-contained page: summary, then every non-empty frame (the first 5,000 rows of each)."""
        sections = [_summary_html(self.summary())]
        for name, frame in self.frames().items():
            shown = frame.head(_HTML_ROW_LIMIT).map(cell_text)
            more = (
                f" (first {_HTML_ROW_LIMIT:,} of {len(frame):,} rows)" if len(frame) > _HTML_ROW_LIMIT else ""
            )
            sections.append(
                f"<h2 id='{name}'>{html.escape(name)}{more}</h2>{shown.to_html(index=False, escape=True, border=0)}"
            )
        if self.output_ldif is not None:
            text = json.dumps(self.output_ldif, indent=2, ensure_ascii=False, default=str)
            sections.append(f"<h2 id='output_ldif'>output LDIF</h2><pre>{html.escape(text)}</pre>")
        title = html.escape(
            f"Preview of {self.configuration.get('connectorId')} {self.configuration.get('connectorVersion')}"
        )
        page = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title><style>{_CSS}</style></head>"
            f"<body><h1>{title}</h1>{''.join(sections)}</body></html>"
        )
        target = check_output_file(path, suffixes=(".html", ".htm"))
        with atomic_file(target) as work:
            work.write_text(page, encoding="utf-8")
        return target


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;font-size:13px;margin-bottom:1.5em}"
    "th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0;position:sticky;top:0}pre{background:#f7f7f7;padding:1em}"
    "ul.summary li{margin:2px 0}"
)


def _summary_html(summary: str) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in summary.splitlines())
    return f"<ul class='summary'>{items}</ul>"


def binding_of(config: Any, ldif: Any) -> Mapping[str, Any]:
    """The configuration the LDIF binds to (validated inputs; raises BindingError naming the difference)."""
    configs, data = load_inputs(config, ldif)
    return bind(configs, data)

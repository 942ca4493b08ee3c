"""Check a configuration's scope before a run: how much it would touch and how many requests it would make.

The vendor's advice is "check scope before firing test runs". :func:`scope_check` does that offline in a few
named steps over one :func:`kit.integration.predict.predict`: the content items each processor matched
(``exactType``, ``type``, ``id``, ``advanced``; ``onRead`` is checked per fact sheet afterwards, so counts are
upper bounds) and its ``forEach`` executions come from the engine's processor stats, the search scopes from
the scopes the engine searched (none without a workspace; not when an external id matched first); it sizes
those and every deletion scope with ``view.select`` and estimates the GraphQL requests.

How requests are estimated (per processor execution, i.e. per matched item or forEach element):

* inboundFactSheet: 1 lookup + 1 mutation (readOnly: the lookup only); a search identifier instead reads each
  distinct scope once (one request per 1,000 fact sheets) and may update every fact sheet in it (upper bound,
  the search ``filter`` is not applied);
* inboundRelation: 2 lookups + 1 mutation; inboundTag, inboundSubscription, inboundDocument, inboundImpact,
  inboundToDo: 1 lookup + 1 mutation; inboundMetrics, variableProcessor, writeToLdif: none (no Pathfinder);
* deletion scopes (FULL mode): one read per 1,000 fact sheets in scope, plus one mutation per item in scope
  (upper bound: as if the run touched nothing).

The same model counts ``graphQLRequestCount`` in the engine's stats, so a preview refines these numbers.

Removals: the scope sizes above are upper bounds, but what a real run would archive or delete must be one
number — the one ``ws.run(..., test=False)`` asks to confirm. So, unless ``removals=False``, the scope check
also reports the prediction's ``removals`` (processors and deletion scopes, :func:`kit.integration.removals
.count_removals`): exact counts per kind with a workspace; without one only what
the processors remove is known (deletion scopes need the workspace, which the line says).
Thresholds (``search_limit``, ``request_limit``) turn sizes into warnings, as the vendor's best practice asks
(restrict search and deletion scopes while testing).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from kit.frame import as_frame
from kit.integration.deletion import KINDS as DELETION_KINDS
from kit.integration.engine.configuration import Compiler
from kit.integration.engine.context import RunIntegration, ViewTags
from kit.integration.engine.identifiers import IdentifierTemplate, ScopeTemplate
from kit.integration.engine.processor import Processor
from kit.integration.engine.warnings import Category
from kit.integration.juel import JuelEvaluationError
from kit.integration.predict import Prediction, predict
from kit.integration.removals import Removals
from kit.integration.view import WorkspaceView
from kit.previews.preview import load_inputs
from kit.sources import as_source as as_view

__all__ = ["ScopeCheck", "scope_check"]

_PAGE = 1000
_PER_EXECUTION = {
    "inboundFactSheet": 2,
    "inboundRelation": 3,
    "inboundTag": 2,
    "inboundSubscription": 2,
    "inboundDocument": 2,
    "inboundImpact": 2,
    "inboundToDo": 2,
    "inboundMetrics": 0,
    "variableProcessor": 0,
    "writeToLdif": 0,
}


@dataclass
class ScopeCheck:
    """Matched items per processor, search and deletion scope sizes, a request estimate and warnings."""

    processors: list[dict[str, Any]]
    search_scopes: list[dict[str, Any]]
    deletion_scopes: list[dict[str, Any]]
    estimated_requests: int
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: what a run would archive or delete (the preview's count), None when not computed (``removals=False``)
    removals: Removals | None = None

    def frame(self) -> pd.DataFrame:
        """One row per processor: index, name, type, level, enabled, matched items, executions, search scope
        sizes and estimated requests."""
        columns = [
            "index",
            "name",
            "type",
            "level",
            "enabled",
            "matched_items",
            "executions",
            "search_scopes",
            "search_fact_sheets_max",
            "estimated_requests",
        ]
        frame = pd.DataFrame(self.processors, columns=columns, dtype=object)
        counts = ["index", "level", "matched_items", "executions", "search_scopes", "estimated_requests"]
        return as_frame(
            frame.astype({c: "int64" for c in counts} | {"enabled": bool}) if not frame.empty else frame
        )

    def search_frame(self) -> pd.DataFrame:
        """One row per distinct evaluated search scope: processor, role, scope (JSON), fact sheets."""
        return as_frame(
            pd.DataFrame(
                self.search_scopes, columns=["processor_index", "processor", "role", "scope", "fact_sheets"]
            )
        )

    def deletion_frame(self) -> pd.DataFrame:
        """One row per deletion scope entry: kind, index, scope (JSON), fact sheets, items in scope."""
        return as_frame(
            pd.DataFrame(self.deletion_scopes, columns=["kind", "index", "scope", "fact_sheets", "items"])
        )

    def summary(self) -> str:
        matched = sum(p["matched_items"] for p in self.processors)
        lines = [
            f"{len(self.processors)} processor(s) match {matched:,} (item, processor) pairs; "
            f"about {self.estimated_requests:,} GraphQL requests"
        ]
        if self.search_scopes:
            largest = max((s["fact_sheets"] or 0) for s in self.search_scopes)
            lines.append(
                f"Search scopes: {len(self.search_scopes):,} distinct, largest {largest:,} fact sheets"
            )
        for scope in self.deletion_scopes:
            lines.append(
                f"Deletion scope {scope['kind']}[{scope['index']}]: {scope['fact_sheets']:,} fact sheets, "
                f"{scope['items']:,} items"
            )
        if self.removals is not None:
            lines.append(self.removals.line())
        lines.extend(f"Warning: {w}" for w in self.warnings)
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "ScopeCheck(\n  " + self.summary().replace("\n", "\n  ") + "\n)"

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.summary().splitlines())
        parts = [f"<ul>{items}</ul>", self.frame().to_html(index=False, escape=True)]
        for title, frame in (
            ("search scopes", self.search_frame()),
            ("deletion scopes", self.deletion_frame()),
            ("removals", self.removals.items if self.removals is not None else pd.DataFrame()),
        ):
            if not frame.empty:
                parts.append(f"<h4>{title}</h4>{frame.head(20).to_html(index=False, escape=True)}")
        return "<div class='lxkit-scope'>" + "".join(parts) + "</div>"


#: the engine's identifier roles (``Run.select``) as the scope check names them
_ROLES = {"identifier": "identifier", "'from' fact sheet": "from", "'to' fact sheet": "to"}


@dataclass
class _Limits:
    search: int
    requests: int
    scopes: int


def _scope_key(scope: Any) -> str:
    return json.dumps(scope, sort_keys=True, default=str)


def _edges(connection: Any) -> int:
    if isinstance(connection, Mapping):
        return len(connection.get("edges") or ())
    return 0


def _deletion_items(kind: str, entry: Mapping[str, Any], records: list[Mapping[str, Any]]) -> int:
    """Items a deletion scope entry covers on its fact sheets (upper bound: ``advanced`` not applied)."""
    if kind == "factSheets":
        return len(records)
    if kind == "relations":
        wanted = entry.get("relationTypes") or []
        return sum(
            _edges(value)
            for record in records
            for key, value in record.items()
            if key.startswith("rel") and (not wanted or key in wanted)
        )
    if kind == "tags":
        return sum(len(record.get("tags") or ()) for record in records)
    return sum(_edges(record.get(kind)) for record in records)


class _Sizer:
    """``len(view.select(scope, type))`` once per distinct scope and type; None without a workspace."""

    def __init__(self, view: WorkspaceView | None) -> None:
        self.view = view
        self._sizes: dict[tuple[str, str | None], int] = {}

    def __call__(self, scope: Any, type_name: str | None) -> int | None:
        if self.view is None:
            return None
        key = (_scope_key(scope), type_name)
        if key not in self._sizes:
            self._sizes[key] = len(self.view.select(scope, type_name))
        return self._sizes[key]


def scope_check(
    config: Any,
    ldif: Any,
    workspace: Any = None,
    *,
    fields: Any = None,
    now: datetime | None = None,
    search_limit: int = 1000,
    request_limit: int = 10_000,
    max_scopes: int = 500,
    removals: bool = True,
) -> ScopeCheck:
    """Sizes of what a run would touch (see the module docstring); ``search_limit`` warns about search and
    deletion scopes with more fact sheets, ``request_limit`` about a larger request estimate;
    ``max_scopes`` caps the distinct search scopes sized per processor; ``removals`` (default) also reports
    what a run would archive or delete."""
    configs, data = load_inputs(config, ldif)
    view = as_view(workspace)
    prediction = predict(configs, data, view, fields=fields, now=now)
    limits = _Limits(search_limit, request_limit, max_scopes)
    size = _Sizer(view)
    warnings: list[str] = []
    notes: list[str] = []
    rows, search_rows = _processors(prediction, size, limits, warnings, notes)
    deletion_rows = _deletion_scopes(prediction, notes)
    total = sum(row["estimated_requests"] for row in rows) + _deletion_requests(
        deletion_rows, limits, warnings
    )
    if total > request_limit:
        warnings.append(
            f"about {total:,} GraphQL requests (more than {request_limit:,}): the run would be long"
        )
    notes.extend(_general_notes(prediction))
    removed = prediction.removals if removals else None
    return ScopeCheck(rows, search_rows, deletion_rows, total, warnings, notes, removed)


def _processors(
    prediction: Prediction, size: _Sizer, limits: _Limits, warnings: list[str], notes: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per processor (matched items and executions from the engine's stats, its search scopes
    sized, requests estimated) and one row per search scope."""
    result = prediction.result
    failures: dict[int, int] = {}
    for record in result.warnings:
        if record["category"] == Category.JUEL_EVALUATION:
            index = record["processor"]["index"]
            failures[index] = failures.get(index, 0) + 1
    searched_by: dict[int, list[tuple[str, str, str | None, int]]] = {}
    for (index, role, scope, type_name), uses in result.searches.items():
        searched_by.setdefault(index, []).append((_ROLES.get(role, role), scope, type_name, uses))
    rows: list[dict[str, Any]] = []
    search_rows: list[dict[str, Any]] = []
    for processor in result.compiled.processors:
        scopes = searched_by.get(processor.index, [])
        if len(scopes) > limits.scopes:
            scopes = scopes[: limits.scopes]
            notes.append(
                f"processor {processor.index}: only the first {limits.scopes} distinct search scopes were sized"
            )
        requests, sizes = _requests(processor, scopes, size, search_rows, limits, warnings)
        if failures.get(processor.index):
            notes.append(f"processor {processor.index}: {failures[processor.index]:,} expression(s) failed")
        if processor.enabled and processor.stats.processed == 0:
            notes.append(f"processor {processor.index} ({processor.name}) matches no content item")
        rows.append(
            {
                "index": processor.index,
                "name": processor.name,
                "type": processor.processor_type,
                "level": processor.level,
                "enabled": processor.enabled,
                "matched_items": processor.stats.processed,
                "executions": processor.stats.executions,
                "search_scopes": len(scopes),
                "search_fact_sheets_max": max(sizes) if sizes else None,
                "estimated_requests": requests,
            }
        )
    return rows, search_rows


def _requests(
    processor: Processor,
    scopes: list[tuple[str, str, str | None, int]],
    size: _Sizer,
    search_rows: list[dict[str, Any]],
    limits: _Limits,
    warnings: list[str],
) -> tuple[int, list[int]]:
    """The processor's estimated requests (see the module docstring) and its search scope sizes."""
    read_only = bool(getattr(processor, "read_only", False))
    per_execution = 1 if read_only else _PER_EXECUTION.get(processor.processor_type, 0)
    identifier = getattr(processor, "identifier", None)
    searched = (
        processor.processor_type == "inboundFactSheet"
        and isinstance(identifier, IdentifierTemplate)
        and identifier.search_scope is not None
    )
    requests = 0 if searched else processor.stats.executions * per_execution
    sizes = []
    for role, text, type_name, uses in scopes:
        count = size(json.loads(text), type_name)
        sizes.append(count or 0)
        search_rows.append(
            {
                "processor_index": processor.index,
                "processor": processor.name,
                "role": role,
                "scope": text,
                "fact_sheets": count,
            }
        )
        if count is None:
            continue
        requests += max(1, math.ceil(count / _PAGE))
        if searched and role == "identifier" and not read_only:
            requests += uses * count  # every match may be updated (the search filter is not applied)
        if count > limits.search:
            warnings.append(
                f"processor {processor.index} ({processor.name}): a search scope holds {count:,} fact "
                f"sheets (more than {limits.search:,}); restrict it while testing"
            )
    return requests, sizes


def _deletion_requests(rows: list[dict[str, Any]], limits: _Limits, warnings: list[str]) -> int:
    """Requests of the deletion scopes (a read per page, a mutation per item) and their size warnings."""
    total = 0
    for scope in rows:
        total += math.ceil(scope["fact_sheets"] / _PAGE) + scope["items"]
        if scope["fact_sheets"] > limits.search:
            warnings.append(
                f"deletion scope {scope['kind']}[{scope['index']}] holds {scope['fact_sheets']:,} fact sheets "
                f"(more than {limits.search:,}); add a tag or id restriction while testing"
            )
    return total


def _general_notes(prediction: Prediction) -> list[str]:
    notes = []
    if prediction.view is None:
        notes.append("no workspace given: search and deletion scopes cannot be sized")
    if any(p.filter.on_read is not None for p in prediction.result.compiled.processors):
        notes.append(
            "onRead filters are checked per fact sheet after an item matched (counts are upper bounds)"
        )
    return notes


def _deletion_scopes(prediction: Prediction, notes: list[str]) -> list[dict[str, Any]]:
    """One row per deletion scope entry of a FULL-mode run: its fact sheets and the items on them."""
    configuration = prediction.configuration
    view = prediction.view
    scopes = configuration.get("deletionScope")
    if not isinstance(scopes, Mapping) or not scopes:
        return []
    if str(configuration.get("processingMode") or "partial").lower() != "full":
        notes.append("PARTIAL mode: deletion scopes are ignored")
        return []
    if view is None:
        return []
    integration = RunIntegration(now=prediction.now, tags=ViewTags(view))
    ctx = {
        "header": prediction.result.header,
        "integration": integration,
        "variables": {},
        "data": None,
        "content": None,
    }
    out = []
    for kind in DELETION_KINDS:
        for index, entry in enumerate(scopes.get(kind) or ()):
            if not isinstance(entry, Mapping):
                continue
            compiler = Compiler()
            template = ScopeTemplate(
                entry.get("scope") or {}, compiler, f"deletionScope.{kind}[{index}].scope"
            )
            try:
                scope = template.evaluate(ctx) if not compiler.problems else None
            except JuelEvaluationError as exc:
                scope = None
                notes.append(f"deletionScope.{kind}[{index}]: {exc}")
            if scope is None:
                continue
            records = view.select(scope, None)
            out.append(
                {
                    "kind": kind,
                    "index": index,
                    "scope": _scope_key(scope),
                    "fact_sheets": len(records),
                    "items": _deletion_items(kind, entry, records),
                }
            )
    return out

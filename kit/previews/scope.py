"""Check a configuration's scope before a run: how much it would touch and how many requests it would make.

The vendor's advice is "check scope before firing test runs". :func:`scope_check` does that offline without
running the processors' updates: it counts the content items each processor's filter matches (``exactType``,
``type``, ``id``, ``advanced``; ``onRead`` needs a run and is not applied) and its ``forEach`` executions,
sizes every search scope and deletion scope with ``view.select``, and estimates the GraphQL requests.

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
also runs the preview engine once (processors and deletion scopes, :func:`kit.integration.removals
.count_removals`) and reports ``removals``: exact counts per kind with a workspace; without one only what
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

from kit.integration.engine import FieldModel, bind, compile_configuration
from kit.integration.engine.context import RunIntegration, ViewTags, iterate, make_header, now_or_default
from kit.integration.engine.identifiers import IdentifierTemplate, ScopeTemplate
from kit.integration.engine.run import config_types
from kit.integration.engine.values import truthy
from kit.integration.juel import JuelEvaluationError, Variables
from kit.integration.removals import Removals
from kit.previews.preview import load_inputs, preview
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
_DELETION_KINDS = ("factSheets", "relations", "tags", "subscriptions", "documents")


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
        return frame.astype({c: "int64" for c in counts} | {"enabled": bool}) if not frame.empty else frame

    def search_frame(self) -> pd.DataFrame:
        """One row per distinct evaluated search scope: processor, role, scope (JSON), fact sheets."""
        return pd.DataFrame(
            self.search_scopes, columns=["processor_index", "processor", "role", "scope", "fact_sheets"]
        )

    def deletion_frame(self) -> pd.DataFrame:
        """One row per deletion scope entry: kind, index, scope (JSON), fact sheets, items in scope."""
        return pd.DataFrame(self.deletion_scopes, columns=["kind", "index", "scope", "fact_sheets", "items"])

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


def _identifiers(processor: Any) -> list[tuple[str, IdentifierTemplate]]:
    found = []
    for role in ("identifier", "source", "target"):
        template = getattr(processor, role, None)
        if isinstance(template, IdentifierTemplate) and template.search_scope is not None:
            found.append(({"source": "from", "target": "to"}.get(role, role), template))
    return found


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
    ``max_scopes`` caps the distinct search scopes sized per processor; ``removals`` (default) also runs the
    preview engine to count what a run would archive or delete."""
    configs, data = load_inputs(config, ldif)
    configuration = bind(configs, data)
    view = as_view(workspace)
    model = FieldModel(fields, view, config_types(configuration))
    compiled = compile_configuration(configuration, model)
    header = make_header(data)
    now = now_or_default(now)
    content = data.get("content") or []
    integration = RunIntegration(now=now, max_content_index=len(content) - 1, tags=ViewTags(view))
    defaults = configuration.get("variables") if isinstance(configuration.get("variables"), Mapping) else {}
    variables = Variables({k: v if isinstance(v, list | tuple) else [v] for k, v in (defaults or {}).items()})
    warnings: list[str] = []
    notes: list[str] = []
    rows: list[dict[str, Any]] = []
    search_rows: list[dict[str, Any]] = []
    total = 0
    selections: dict[tuple[str, str | None], int] = {}

    def size(scope: Any, type_name: str | None) -> int | None:
        if view is None:
            return None
        key = (_scope_key(scope), type_name)
        if key not in selections:
            selections[key] = len(view.select(scope, type_name))
        return selections[key]

    for processor in compiled.processors:
        matched = executions = failures = 0
        scopes: dict[str, list[Any]] = {}  # key -> [role, scope, type, executions using it]
        identifiers = _identifiers(processor)
        capped = False
        if processor.enabled:
            for index, item in enumerate(content):
                flt = processor.filter
                text_type, text_id = str(item.get("type") or ""), str(item.get("id") or "")
                try:
                    if not flt.matches_statically(text_type, text_id):
                        continue
                except JuelEvaluationError:  # filter.type/filter.id ran past the regex time budget
                    failures += 1
                    continue
                integration.content_index = index
                integration.values = {}
                ctx = {
                    "data": item.get("data"),
                    "content": item,
                    "header": header,
                    "variables": variables,
                    "integration": integration,
                    "lx": None,
                    "search": None,
                }
                try:
                    if flt.advanced is not None and not truthy(flt.advanced.evaluate(ctx)):
                        continue
                    elements = (
                        iterate(processor.for_each.evaluate(ctx))
                        if processor.for_each is not None
                        else [None]
                    )
                except JuelEvaluationError:
                    failures += 1
                    continue
                matched += 1
                executions += len(elements)
                for element in elements:
                    if element is not None:
                        key, position, value = element
                        integration.values = {
                            "valueOfForEach": value,
                            "indexOfForEach": position,
                            "keyOfForEach": key,
                        }
                    for role, template in identifiers:
                        if len(scopes) >= max_scopes:
                            capped = True
                            break
                        try:
                            scope = template.search_scope.evaluate(ctx)  # type: ignore[union-attr]
                        except JuelEvaluationError:
                            failures += 1
                            continue
                        type_name = getattr(processor, "fs_type", None) if role == "identifier" else None
                        scopes.setdefault(_scope_key(scope) + role, [role, scope, type_name, 0])[3] += 1
        per_execution = _PER_EXECUTION.get(processor.processor_type, 0)
        if getattr(processor, "read_only", False):
            per_execution = 1
        searched = (
            any(role == "identifier" for role, _ in identifiers)
            and processor.processor_type == "inboundFactSheet"
        )
        requests = 0 if searched else executions * per_execution
        sizes = []
        for role, scope, type_name, uses in scopes.values():
            count = size(scope, type_name)
            sizes.append(count or 0)
            search_rows.append(
                {
                    "processor_index": processor.index,
                    "processor": processor.name,
                    "role": role,
                    "scope": _scope_key(scope),
                    "fact_sheets": count,
                }
            )
            if count is not None:
                requests += max(1, math.ceil(count / _PAGE))
                if searched and role == "identifier" and not getattr(processor, "read_only", False):
                    requests += uses * count  # every match may be updated (the search filter is not applied)
                if count > search_limit:
                    warnings.append(
                        f"processor {processor.index} ({processor.name}): a search scope holds {count:,} fact "
                        f"sheets (more than {search_limit:,}); restrict it while testing"
                    )
        if capped:
            notes.append(
                f"processor {processor.index}: only the first {max_scopes} distinct search scopes were sized"
            )
        if failures:
            notes.append(
                f"processor {processor.index}: {failures:,} filter/forEach/scope expression(s) failed"
            )
        if processor.enabled and matched == 0:
            notes.append(f"processor {processor.index} ({processor.name}) matches no content item")
        total += requests
        rows.append(
            {
                "index": processor.index,
                "name": processor.name,
                "type": processor.processor_type,
                "level": processor.level,
                "enabled": processor.enabled,
                "matched_items": matched,
                "executions": executions,
                "search_scopes": len(scopes),
                "search_fact_sheets_max": max(sizes) if sizes else None,
                "estimated_requests": requests,
            }
        )
    deletion_rows = _deletion_scopes(configuration, view, header, integration, notes)
    for scope in deletion_rows:
        total += math.ceil(scope["fact_sheets"] / _PAGE) + scope["items"]
        if scope["fact_sheets"] > search_limit:
            warnings.append(
                f"deletion scope {scope['kind']}[{scope['index']}] holds {scope['fact_sheets']:,} fact sheets "
                f"(more than {search_limit:,}); add a tag or id restriction while testing"
            )
    if total > request_limit:
        warnings.append(
            f"about {total:,} GraphQL requests (more than {request_limit:,}): the run would be long"
        )
    if view is None:
        notes.append("no workspace given: search and deletion scopes cannot be sized")
    if any(p.filter.on_read is not None for p in compiled.processors):
        notes.append("onRead filters need a run and were not applied (counts are upper bounds)")
    removed = None
    if removals:
        removed = preview(configs, data, view, fields=fields, now=now).removals
    return ScopeCheck(rows, search_rows, deletion_rows, total, warnings, notes, removed)


def _deletion_scopes(
    configuration: Mapping[str, Any], view: Any, header: dict[str, Any], integration: Any, notes: list[str]
) -> list[dict[str, Any]]:
    scopes = configuration.get("deletionScope")
    if not isinstance(scopes, Mapping) or not scopes:
        return []
    if str(configuration.get("processingMode") or "partial").lower() != "full":
        notes.append("PARTIAL mode: deletion scopes are ignored")
        return []
    if view is None:
        return []
    from kit.integration.engine.configuration import Compiler

    ctx = {"header": header, "integration": integration, "variables": {}, "data": None, "content": None}
    out = []
    for kind in _DELETION_KINDS:
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

"""The run: bind, compile, then run levels in ascending order over the LDIF's content.

Order inside a level (iAPI runs a level's processors in parallel and promises no order): processors in
configuration order, each over all content items in LDIF order. So within one level a processor sees what
earlier processors (and its own earlier items) wrote; iAPI gives no such guarantee, so put relations at a later
level than the fact sheets they connect, as its documentation advises. At the end of a level:
``constrainingRelations`` deletions, then the level's variables become readable.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from time import perf_counter
from typing import Any

from kit.integration.facets import FacetError, compile_filter, scope_filter
from kit.integration.juel import JuelEvaluationError
from kit.integration.plan import Origin, RunPlan

from .binding import bind
from .configuration import Compiler
from .context import RunIntegration, ViewTags, make_header, now_or_default
from .document import DocumentProcessor
from .errors import EngineError
from .factsheet import FactSheetProcessor
from .impact_todo import ImpactProcessor, ToDoProcessor
from .metamodel import FieldModel
from .metrics import MetricsProcessor
from .processor import NO_FOR_EACH, Processor
from .relation import RelationProcessor, sheet_key
from .state import RunState, SheetState
from .stats import iso_duration, stats_document
from .subscription import SubscriptionProcessor
from .tag import TagProcessor
from .variables import VariableProcessor, VariableStore
from .warnings import Category, WarningLog
from .write_to_ldif import LdifHeaderTemplate, WriteToLdifProcessor

__all__ = [
    "PROCESSOR_TYPES",
    "CompiledConfiguration",
    "EngineResult",
    "Run",
    "compile_configuration",
    "evaluate",
]

PROCESSOR_TYPES: dict[str, type[Processor]] = {
    cls.processor_type: cls
    for cls in (
        FactSheetProcessor,
        RelationProcessor,
        TagProcessor,
        SubscriptionProcessor,
        DocumentProcessor,
        MetricsProcessor,
        ImpactProcessor,
        ToDoProcessor,
        VariableProcessor,
        WriteToLdifProcessor,
    )
}


@dataclass
class CompiledConfiguration:
    """A configuration with every template compiled and every processor planned."""

    raw: Mapping[str, Any]
    processors: list[Processor]
    model: FieldModel
    target_ldif: LdifHeaderTemplate | None

    @property
    def mode(self) -> str:
        return str(self.raw.get("processingMode") or "partial").lower()


def compile_configuration(config: Mapping[str, Any], model: FieldModel) -> CompiledConfiguration:
    """Compiles every processor; raises ConfigurationError listing every problem with its JSON path."""
    compiler = Compiler()
    processors: list[Processor] = []
    for index, raw in enumerate(config.get("processors") or ()):
        path = f"processors[{index}]"
        if not isinstance(raw, Mapping):
            compiler.problem(path, "a processor must be an object")
            continue
        kind = raw.get("processorType")
        cls = PROCESSOR_TYPES.get(str(kind))
        if cls is None:
            why = (
                "an outboundFactSheet processor belongs in a configuration with processingDirection "
                "'outbound' (or use writeToLdif for an inbound export)"
                if kind == "outboundFactSheet"
                else f"unknown processorType {kind!r} (known: {', '.join(PROCESSOR_TYPES)})"
            )
            compiler.problem(path + ".processorType", why)
            continue
        processors.append(cls(raw, index, compiler, model))
    target = None
    if any(isinstance(p, WriteToLdifProcessor) for p in processors):
        target = LdifHeaderTemplate(config.get("targetLdif"), compiler)
    compiler.check()
    return CompiledConfiguration(config, processors, model, target)


def config_types(config: Mapping[str, Any]) -> set[str]:
    """Fact sheet types the configuration's fact sheet processors write."""
    return {
        str(p.get("type"))
        for p in config.get("processors") or ()
        if isinstance(p, Mapping) and p.get("processorType") == "inboundFactSheet" and p.get("type")
    }


@dataclass
class EngineResult:
    """What a run would do: the plan, the warnings and stats in iAPI's shapes, variables and notes."""

    plan: RunPlan
    warnings: list[dict[str, Any]]
    stats: dict[str, Any]
    #: (key, run level) -> values written at that level
    variables: dict[tuple[str, int], list[Any]]
    notes: list[str]
    header: dict[str, Any]
    configuration: Mapping[str, Any]
    compiled: CompiledConfiguration
    #: processor executions (an item, or one forEach element of it, through one processor)
    executions: int = 0
    #: (item, processor) filter checks made
    filter_checks: int = 0
    #: items matched by at least one processor, summed over levels
    processed_items: int = 0
    seconds: float = 0.0
    state: RunState | None = field(default=None, repr=False)
    #: per Warning record: the update key or field it is about (None: about no field)
    warning_keys: list[str | None] = field(default_factory=list)
    #: search scopes evaluated, by (processor index, role, scope JSON, fact sheet type): executions using it
    searches: dict[tuple[int, str, str, str | None], int] = field(default_factory=dict)


class Run:
    """One evaluation of a compiled configuration over an LDIF."""

    def __init__(
        self, compiled: CompiledConfiguration, ldif: Mapping[str, Any], view: Any, now: datetime | None
    ) -> None:
        self.compiled = compiled
        self.ldif = ldif
        self.view = view
        self.now = now_or_default(now)
        self.state = RunState(view, compiled.model)
        self.plan = RunPlan()
        self.writes = self.plan.writes
        self.touched = self.plan.touched
        content = ldif.get("content") or []
        self.content: Sequence[Mapping[str, Any]] = content
        self.integration = RunIntegration(
            now=self.now, content_index=None, max_content_index=len(content) - 1, tags=ViewTags(view)
        )
        self.log = WarningLog()
        #: records one warning (:meth:`WarningLog.add`)
        self.warn = self.log.add
        self.variables = VariableStore(
            compiled.raw.get("variables") if isinstance(compiled.raw.get("variables"), Mapping) else None
        )
        self.level = 0
        self.output_content: list[dict[str, Any]] = []
        self.notes: dict[str, None] = {}
        self._selections: dict[str, list[Any]] = {}
        self.searches: dict[tuple[int, str, str, str | None], int] = {}
        self._created_filters: dict[str, Any] = {}
        self._created_matches: dict[tuple[int, str], list[SheetState]] = {}
        self._created_level = -1
        self._created_records: dict[int, tuple[SheetState, dict[str, Any] | None]] = {}
        self._level_scopes: set[tuple[int, str]] = set()
        self._constraints: dict[int, dict[Any, tuple[SheetState, set[Any]]]] = {}
        #: whether any expression reads ``lx`` (else relation/tag bookkeeping for ``lx`` is skipped)
        self.tracks_reads = any(p.uses_lx for p in compiled.processors)

    # -- services for processors -----------------------------------------------------------------------

    def filter_failed(self, processor: Any, content_id: Any, exc: JuelEvaluationError) -> None:
        """A ``filter`` pattern that failed (over its time budget): a warning; the item is not processed."""
        self.warn(
            processor,
            None if content_id is None else str(content_id),
            Category.JUEL_EVALUATION,
            f"The filter failed, the item is skipped: {exc.reason}",
            str(exc),
        )

    @staticmethod
    def count_lookup(processor: Any) -> None:
        processor.stats.requests += 1

    @staticmethod
    def count_mutation(processor: Any, count: int = 1) -> None:
        processor.stats.requests += count

    def origin(self, processor: Any, item: Mapping[str, Any] | None) -> Origin:
        """Where a write comes from (see :meth:`Processor.origin`)."""
        return processor.origin(self, item)

    def add_variable(self, key: str, value: Any) -> None:
        self.variables.add(key, value, self.level)

    def select(
        self, processor: Any, scope: Any, type_name: str | None, role: str = "identifier"
    ) -> list[Any]:
        """``view.select`` with a cache; counts one request per distinct scope and level, and logs the use
        in :attr:`searches` (``role``: which identifier of the processor searched).

        Fact sheets created at earlier run levels are in the workspace by the time a later level searches,
        so those in the scope are added (as :class:`SheetState`); a level does not see its own creations
        (iAPI gives no order within a level)."""
        text = json.dumps(scope, sort_keys=True, default=str)
        used = (processor.index, role, text, type_name)
        self.searches[used] = self.searches.get(used, 0) + 1
        key = json.dumps([scope, type_name], sort_keys=True, default=str)
        if (self.level, key) not in self._level_scopes:
            self._level_scopes.add((self.level, key))
            processor.stats.requests += 1
        found = self._selections.get(key)
        if found is None:
            found = self._selections[key] = list(self.view.select(scope, type_name))
        if self.level == 0 or not self.state.new:
            return found
        extra = self._created_matches.get((self.level, key))
        if extra is None:
            extra = self._created_matches[(self.level, key)] = self._created_in_scope(key, scope, type_name)
        return found + extra if extra else found

    def _created_in_scope(self, key: str, scope: Any, type_name: str | None) -> list[SheetState]:
        """Fact sheets created at earlier levels that ``scope`` selects (computed once per scope and level)."""
        flt = self._created_filter(key, scope, type_name)
        if flt is None:
            return []
        level = self.level
        if self._created_level != level:  # the candidates and their records, once per level
            self._created_level = level
            self._created_records = {
                id(sheet): (sheet, None) for sheet in self.state.new.values() if (sheet.level or 0) < level
            }
        scope = scope if isinstance(scope, Mapping) else {}
        if scope.get("ids"):
            return []  # new fact sheets have no id yet
        candidates: Collection[tuple[SheetState, dict[str, Any] | None]] = self._created_records.values()
        external_ids = scope.get("externalIds")
        if external_ids:  # "field/value": look those up instead of scanning
            wanted = {tuple(str(e).split("/", 1)) for e in external_ids if "/" in str(e)}
            candidates = [
                entry
                for entry in candidates
                if entry[0].ref.external is not None and tuple(entry[0].ref.external) in wanted
            ]
        out = []
        for sheet, record in candidates:
            if flt.types is not None and sheet.type not in flt.types:
                continue
            if record is None:
                record = sheet.facet_record(self.state)
                self._created_records[id(sheet)] = (sheet, record)
            if flt(record):
                out.append(sheet)
        return out

    def _created_filter(self, key: str, scope: Any, type_name: str | None) -> Any:
        """The scope compiled for this run's new fact sheets (None, with a note, if it cannot be)."""
        if key in self._created_filters:
            return self._created_filters[key]
        view = self.view
        groups = [g["id"] for g in view.tag_groups() if g.get("id")] if view is not None else None
        try:
            compiled = compile_filter(
                scope_filter(scope),
                type=type_name,
                today=self.now.date(),
                tag_group_ids=groups,
                schema=getattr(view, "schema", None),
            )
        except FacetError as exc:
            self.note(f"A search scope was not applied to fact sheets this run creates: {exc}")
            compiled = None
        self._created_filters[key] = compiled
        return compiled

    def constrain(self, processor: Any, source: SheetState, target: SheetState) -> None:
        kept = self._constraints.setdefault(processor.index, {})
        entry = kept.get(sheet_key(source))
        if entry is None:
            entry = kept[sheet_key(source)] = (source, set())
        entry[1].add(target.id)

    def note(self, text: str) -> None:
        self.notes.setdefault(text, None)

    # -- the loop --------------------------------------------------------------------------------------

    def execute(self) -> EngineResult:
        """Runs every level; Python's cyclic GC is paused meanwhile (the run allocates millions of acyclic
        records, and full collections scanning them would cost a third of the time)."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._execute()
        finally:
            if collecting:
                gc.enable()

    def _execute(self) -> EngineResult:
        started = perf_counter()
        processors = self.compiled.processors
        header = make_header(self.ldif)
        levels = sorted({p.level for p in processors if p.enabled})
        level_rows: list[dict[str, Any]] = []
        checks = 0
        processed_total = 0
        integration = self.integration
        for level in levels:
            self.level = level
            level_started = perf_counter()
            errors_before = self.log.level_errors
            active = [p for p in processors if p.enabled and p.level == level]
            variables = self.variables.visible
            content = self.content
            flags = bytearray(len(content))
            clock = perf_counter
            for processor in active:
                flt = processor.filter
                exact, type_pattern, id_pattern = flt.exact_type, flt.type_pattern, flt.id_pattern
                accepted: dict[Any, bool] = {}
                simple, execute, stats = processor.simple, processor.execute, processor.stats
                processed = 0
                start = clock()
                integration.values = NO_FOR_EACH
                for index, item in enumerate(content):
                    content_type = item.get("type")
                    ok = accepted.get(content_type)
                    if ok is None:
                        text = "" if content_type is None else str(content_type)
                        try:
                            ok = (exact is None or exact == text) and (
                                type_pattern is None or type_pattern.match(text) is not None
                            )
                        except JuelEvaluationError as exc:  # over the regex time budget
                            self.filter_failed(processor, item.get("id"), exc.at(flt.type_path))
                            ok = False
                        accepted[content_type] = ok
                    if not ok:
                        continue
                    checks += 1
                    if id_pattern is not None:
                        content_id = item.get("id")
                        try:
                            if id_pattern.match("" if content_id is None else str(content_id)) is None:
                                continue
                        except JuelEvaluationError as exc:
                            self.filter_failed(processor, content_id, exc.at(flt.id_path))
                            continue
                    integration.content_index = index
                    ctx = {
                        "data": item.get("data"),
                        "content": item,
                        "header": header,
                        "variables": variables,
                        "integration": integration,
                        "lx": None,
                        "search": None,
                    }
                    if simple:
                        processed += 1
                        execute(self, ctx, item)
                        flags[index] = 1
                    elif processor.process_item(self, ctx, item):
                        flags[index] = 1
                stats.processed += processed
                stats.executions += processed
                stats.duration += clock() - start
            processed = flags.count(1)
            for processor in active:
                kept = self._constraints.pop(processor.index, None)
                if kept and isinstance(processor, RelationProcessor):
                    processor.finish_level(self, kept)
            self.variables.finish_level()
            processed_total += processed
            level_rows.append(
                {
                    "singleRunIndex": level,
                    "processedContentCount": processed,
                    "errorCount": self.log.level_errors - errors_before,
                    "totalTime": iso_duration(perf_counter() - level_started),
                }
            )
        self._finish_output(header)
        self._finish_notes()
        errors = self.log.errors_by_processor
        document = stats_document(processors, level_rows, errors)
        return EngineResult(
            plan=self.plan,
            warnings=self.log.items,
            stats=document,
            variables=self.variables.history,
            notes=list(self.notes),
            header=header,
            configuration=self.compiled.raw,
            compiled=self.compiled,
            executions=sum(p.stats.executions for p in processors),
            filter_checks=checks,
            processed_items=processed_total,
            seconds=perf_counter() - started,
            state=self.state,
            warning_keys=self.log.keys,
            searches=self.searches,
        )

    def _finish_output(self, header: dict[str, Any]) -> None:
        target = self.compiled.target_ldif
        if target is None:
            return
        ctx = {
            "header": header,
            "variables": self.variables.visible,
            "integration": self.integration,
            "data": None,
            "content": None,
        }
        out, problems = target.header(self.ldif, ctx)
        for problem in problems:
            self.note(problem)
        out["content"] = self.output_content
        self.plan.output_ldif = out

    def _finish_notes(self) -> None:
        if self.view is None:
            self.note(
                "no workspace given: external ids are assumed new (fact sheets would be created), "
                "endpoints the run does not create are assumed to exist, and internal ids and search "
                "identifiers cannot be resolved"
            )
            if self.state.assumed:
                self.note(
                    f"{len(self.state.assumed)} fact sheet(s) referenced by external id were assumed to exist"
                )


def evaluate(
    config: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    ldif: Mapping[str, Any],
    view: Any = None,
    *,
    fields: Any = None,
    now: datetime | None = None,
) -> EngineResult:
    """Predicts what iAPI would do with ``ldif``: binds it to ``config`` (one configuration or several),
    compiles the configuration once and runs it against ``view`` (a WorkspaceView, or None)."""
    configuration = bind(config, ldif)
    direction = str(configuration.get("processingDirection") or "inbound").lower()
    if direction == "outbound":  # the exported LDIF (kit.integration.engine.outbound)
        from .outbound import evaluate_outbound

        return evaluate_outbound(configuration, ldif, view, fields=fields, now=now)
    if direction != "inbound":
        raise EngineError(
            f"processingDirection is {direction!r}; LeanIX knows 'inbound' and 'outbound': set one of them "
            "in the configuration or the LDIF header"
        )
    model = FieldModel(fields, view, config_types(configuration))
    compiled = compile_configuration(configuration, model)
    return Run(compiled, ldif, view, now).execute()

"""``outboundFactSheet``: an outbound configuration evaluated offline into the LDIF its run would export.

Reference §6.8 and the SAP pages "Outbound Processors" (Outbound Fact Sheet, Setting the Scope/Fields/Filters,
Exporting Relations/Tags and Subscriptions, How to export Fact Sheets that are archived):

* The root ``scope`` is required (``{}`` selects every fact sheet); a processor's own ``scope`` replaces it.
  Archived fact sheets are left out unless the scope says ``"omitArchivedFactSheets": false`` (then the
  scope's ``TrashBin`` facet decides, as in Pathfinder).
* Each enabled processor runs over the fact sheets of its scope, in configuration order; ``filter.type`` /
  ``filter.id`` are regexes matched at the start of the fact sheet's type / id, ``filter.advanced`` a JUEL
  boolean with ``lx`` (and, with a processor ``forEach``, ``integration.valueOfForEach``),
  ``filter.updatedInDuration`` an ISO duration (it may be JUEL over ``header``, e.g.
  ``${header.customFields.age}``).
* ``lx.factsheet`` holds ``id``, ``type``, ``name``, ``displayName`` plus the listed ``fields`` only
  (``lifecycle`` as ``{phase: startDate}``); a listed field the type does not have is an UNKNOWN_FIELD
  warning, not a failure. ``lx.relations`` (``relations {filter, fields, targetFields}``): ``{id, type,
  target: {id, type, <targetFields>}, <fields>}`` per relation, null values left out; ``lx.tags`` (``tags
  {groups, multipleGroups}``, "Other tags" names tags without a group): ``{id, name, tagGroup}``;
  ``lx.subscriptions`` (``subscriptions {types}``): the subscription nodes; ``lx.documents`` (``documents
  {filter}``: a regex searched in the name): the document nodes; ``lx.metrics``: empty (the workspace view
  holds no metrics).
* Every execution evaluates ``output`` (OutboundFieldTemplate, ``mode`` ``selectFirst``/``list``) into one
  content object: ``content.id`` / ``content.type`` set its id and type (a missing one is a MISSING_KEY
  error and no object), other keys go to ``data``; a missing value warns unless ``optional``, and a null
  value or empty list is not written ("Empty values are not written to the LDIF"; ``""`` is).

The exported LDIF's header follows the documented result (page "Setting the Fields"): ``connectorType``,
``connectorId``, ``connectorVersion`` of the configuration, ``processingDirection`` ``INBOUND`` (the export is
an LDIF ready for an inbound run), ``processingMode`` upper case, ``lxWorkspace``, ``lxVersion``,
``description``, ``content`` and ``chunkInformation``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from time import perf_counter
from typing import Any, ClassVar

from kit.integration.facets import FacetError
from kit.integration.juel import JuelEvaluationError, JuelObject, coerce_to_string
from kit.integration.plan import RunPlan

from .configuration import Compiler
from .context import RunIntegration, ViewTags, iterate, make_header, now_or_default
from .errors import ConfigurationError
from .filters import parse_iso_duration
from .metamodel import FieldModel
from .processor import NO_FOR_EACH, Processor
from .run import CompiledConfiguration, EngineResult
from .state import RunState
from .stats import iso_duration
from .values import UpdateTemplate, evaluate_updates, failed, holds, truthy
from .warnings import Category, WarningLog
from .write_to_ldif import ldif_key

__all__ = ["OutboundFactSheetProcessor", "OutboundRun", "evaluate_outbound"]

#: ``lx.factsheet`` keys read whatever ``fields`` lists
BASE_FIELDS = ("id", "type", "name", "displayName")
#: the group name iAPI gives tags without a tag group
OTHER_TAGS = "Other tags"
DESCRIPTION = "The resulting LDIF of the outbound run"


def _edges(connection: Any) -> list[Mapping[str, Any]]:
    edges = connection.get("edges") if isinstance(connection, Mapping) else None
    return [edge["node"] for edge in edges or ()]


def field_value(record: Mapping[str, Any], name: str) -> Any:
    """A fact sheet field as ``lx`` shows it: a lifecycle as ``{phase: startDate}``, others as stored."""
    value = record.get(name)
    if isinstance(value, Mapping) and "phases" in value:
        return {p.get("phase"): p.get("startDate") for p in value.get("phases") or () if p.get("phase")}
    return copy.deepcopy(value)


class OutboundFactSheetProcessor(Processor):
    """One ``outboundFactSheet`` processor, compiled."""

    processor_type = "outboundFactSheet"

    def __init__(self, raw: Mapping[str, Any], index: int, compiler: Compiler, model: FieldModel) -> None:
        flt = raw.get("filter")
        self._updated_raw = flt.get("updatedInDuration") if isinstance(flt, Mapping) else None
        if isinstance(flt, Mapping) and "updatedInDuration" in flt:  # may be JUEL: evaluated per run
            raw = {**raw, "filter": {k: v for k, v in flt.items() if k != "updatedInDuration"}}
        super().__init__(raw, index, compiler, model)
        #: fact sheets in scope, and those that passed the filter (``/stats``)
        self.in_scope = 0

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        self.fields = tuple(str(f) for f in raw.get("fields") or ())
        self.scope = raw.get("scope")
        if self.scope is not None and not isinstance(self.scope, Mapping):
            compiler.problem(path + ".scope", "a processor's scope must be an object (or left out)")
            self.scope = None
        self.relations_spec = raw.get("relations") if isinstance(raw.get("relations"), Mapping) else None
        self.tags_spec = raw.get("tags") if isinstance(raw.get("tags"), Mapping) else None
        self.subscriptions_spec = (
            raw.get("subscriptions") if isinstance(raw.get("subscriptions"), Mapping) else None
        )
        documents = raw.get("documents")
        self.documents_spec = documents if isinstance(documents, Mapping) else None
        pattern = self.documents_spec.get("filter") if self.documents_spec is not None else None
        self.documents_filter = (
            compiler.regex(pattern, path + ".documents.filter") if pattern not in (None, "") else None
        )
        multiple = self.tags_spec.get("multipleGroups") if self.tags_spec is not None else None
        self.multiple_groups = compiler.template(multiple, path + ".tags.multipleGroups")
        self.updated_in = compiler.template(self._updated_raw, path + ".filter.updatedInDuration")
        self.output = [
            UpdateTemplate(u, compiler, f"{path}.output[{i}]") for i, u in enumerate(raw.get("output") or ())
        ]
        for update in self.output:
            update.bind(ldif_key)
        keys = {u.static_key for u in self.output}
        for mandatory in ("content.id", "content.type"):
            if mandatory not in keys:
                compiler.problem(
                    path + ".output",
                    f"an outboundFactSheet processor needs an output entry with key '{mandatory}' "
                    "(content.id and content.type are mandatory in every LDIF data object)",
                )

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        """One execution: ``output`` evaluated into one content object of the exported LDIF."""
        sheet_id = item.get("id")
        values = {k: v for k, _, v, _ in evaluate_updates(self.output, run, self, ctx, sheet_id, ldif_key)}
        out_id = values.pop("content.id", None)
        out_type = values.pop("content.type", None)
        if out_id in (None, "") or out_type in (None, ""):
            missing = "content.id" if out_id in (None, "") else "content.type"
            run.warn(
                self,
                sheet_id,
                Category.MISSING_KEY,
                f"outboundFactSheet needs a value for '{missing}'; no data object is written",
                self.path + ".output",
                key=missing,
            )
            return
        data = {
            (key[5:] if key.startswith("data.") else key): value
            for key, value in values.items()
            if value is not None and value != []  # "Empty values are not written to the LDIF"
        }
        run.output_content.append(
            {"type": coerce_to_string(out_type), "id": coerce_to_string(out_id), "data": data}
        )

    # -- what lx shows -----------------------------------------------------------------------------------

    def factsheet_of(self, record: Mapping[str, Any]) -> dict[str, Any]:
        out = {key: record.get(key) for key in BASE_FIELDS}
        for name in self.fields:
            out[name] = field_value(record, name)
        return out

    def relations_of(self, record: Mapping[str, Any], view: Any) -> list[dict[str, Any]]:
        spec = self.relations_spec
        if spec is None:
            return []
        wanted = [str(r) for r in spec.get("filter") or ()]
        names = wanted or [k for k in record if k.startswith("rel")]
        fields = [str(f) for f in spec.get("fields") or ()]
        target_fields = [str(f) for f in spec.get("targetFields") or ()]
        out = []
        for name in names:
            for node in _edges(record.get(name)):
                target = node.get("factSheet") or {}
                full: Mapping[str, Any] | None = None
                shown = {"id": target.get("id"), "type": target.get("type")}
                for field in target_fields:
                    if field in target:
                        value = field_value(target, field)
                    else:
                        if full is None and view is not None and target.get("id"):
                            full = view.record(str(target["id"])) or {}
                        value = field_value(full or {}, field)
                    if value is not None:
                        shown[field] = value
                entry: dict[str, Any] = {"id": node.get("id"), "type": name, "target": shown}
                for field in fields:
                    if node.get(field) is not None:
                        entry[field] = copy.deepcopy(node.get(field))
                out.append(entry)
        return out

    def tags_of(self, record: Mapping[str, Any], run: Any) -> list[dict[str, Any]]:
        spec = self.tags_spec
        if spec is None:
            return []
        groups = [str(g) for g in spec.get("groups") or ()]
        out = []
        decided: dict[str, bool] = {}
        for tag in record.get("tags") or ():
            group = tag.get("tagGroup") or None
            label = str(group.get("name")) if group and group.get("name") else OTHER_TAGS
            keep = decided.get(label)
            if keep is None:
                keep = decided[label] = self._keeps_group(label, groups, record, run)
            if keep:
                entry = copy.deepcopy(dict(tag))
                entry["tagGroup"] = copy.deepcopy(dict(group)) if group else None
                out.append(entry)
        return out

    def _keeps_group(self, label: str, groups: Sequence[str], record: Mapping[str, Any], run: Any) -> bool:
        if not groups and self.multiple_groups is None:
            return True  # a tags section without groups: every tag
        if label in groups:
            return True
        if self.multiple_groups is None:
            return False
        ctx = {"dm": {"tagGroup": {"name": label}}, "header": run.header, "integration": run.integration}
        return bool(
            holds(self.multiple_groups, ctx, run, self, record.get("id"), failed("tags.multipleGroups"))
        )

    def subscriptions_of(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        spec = self.subscriptions_spec
        if spec is None:
            return []
        types = [str(t) for t in spec.get("types") or ()]
        nodes = _edges(record.get("subscriptions"))
        return [copy.deepcopy(dict(n)) for n in nodes if not types or n.get("type") in types]

    def documents_of(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        if self.documents_spec is None:
            return []
        pattern = self.documents_filter
        nodes = _edges(record.get("documents"))
        try:
            return [
                copy.deepcopy(dict(n))
                for n in nodes
                if pattern is None or pattern.search(str(n.get("name") or ""))
            ]
        except JuelEvaluationError as exc:
            raise exc.at(self.path + ".documents.filter") from None


class OutboundLx(JuelObject):
    """``lx`` of an outbound processor for one fact sheet (each part built on first use)."""

    juel_type_name = "lx"
    juel_methods: ClassVar[Mapping[str, str]] = {"toOrdinal": "to_ordinal"}

    __slots__ = ("_cache", "_processor", "_record", "_run")

    def __init__(self, record: Mapping[str, Any], processor: OutboundFactSheetProcessor, run: Any) -> None:
        self._record = record
        self._processor = processor
        self._run = run
        self._cache: dict[str, Any] = {}

    def juel_get(self, name: str) -> Any:
        if name in self._cache:
            return self._cache[name]
        record, processor = self._record, self._processor
        if name == "factsheet":
            value: Any = processor.factsheet_of(record)
        elif name == "relations":
            value = processor.relations_of(record, self._run.view)
        elif name == "tags":
            value = processor.tags_of(record, self._run)
        elif name == "subscriptions":
            value = processor.subscriptions_of(record)
        elif name == "documents":
            value = processor.documents_of(record)
        elif name == "tagGroups":
            view = self._run.view
            value = list(view.tag_groups()) if view is not None else []
        elif name == "metrics":
            value = {}  # the workspace view holds no metrics (listed as not evaluated)
        elif name in ("release", "impacts"):
            value = None
        else:
            raise JuelEvaluationError(f"property '{name}' not found on lx")
        self._cache[name] = value
        return value

    def to_ordinal(self, field: Any) -> Any:
        model = self._run.model
        allowed = model.lookup(self._record.get("type"), str(field))
        choices = getattr(allowed, "allowed", ())
        if not choices:
            raise JuelEvaluationError(
                f"lx.toOrdinal('{field}'): the order of the field's values is unknown (pass a meta model)"
            )
        value = self._record.get(str(field))
        return choices.index(value) if value in choices else None

    def juel_str(self) -> str:
        return "lx"


class OutboundRun:
    """One evaluation of an outbound configuration against a workspace view."""

    def __init__(
        self,
        compiled: CompiledConfiguration,
        ldif: Mapping[str, Any],
        view: Any,
        now: datetime | None,
    ) -> None:
        self.compiled = compiled
        self.model = compiled.model
        self.ldif = ldif
        self.view = view
        self.now = now_or_default(now)
        self.header = make_header(ldif)
        self.integration = RunIntegration(now=self.now, content_index=None, tags=ViewTags(view))
        self.log = WarningLog()
        #: records one warning (:meth:`WarningLog.add`)
        self.warn = self.log.add
        self.level = 0
        self.output_content: list[dict[str, Any]] = []
        self.notes: dict[str, None] = {}
        self._keys_by_type: dict[str, set[str]] = {}
        self._warned_fields: set[tuple[int, str, str]] = set()

    def note(self, text: str) -> None:
        self.notes.setdefault(text, None)

    def add_variable(self, key: str, value: Any) -> None:
        """Outbound processors collect no variables (nothing runs after them)."""

    # -- scope -------------------------------------------------------------------------------------------

    def select(self, scope: Mapping[str, Any], path: str) -> list[Mapping[str, Any]]:
        """The fact sheets of ``scope`` (archived ones only with ``omitArchivedFactSheets: false``)."""
        if self.view is None:
            return []
        try:
            found = list(self.view.select(scope, None))
        except FacetError as exc:
            raise ConfigurationError([(path, str(exc))]) from None
        if (
            scope.get("omitArchivedFactSheets") is False
            or str(scope.get("omitArchivedFactSheets")) == "false"
        ):
            return found
        return [r for r in found if str(r.get("status") or "ACTIVE").upper() != "ARCHIVED"]

    def _unknown(self, type_name: str, field: str) -> bool:
        """Whether ``field`` is not a field of ``type_name``: no record of the type has it and the meta model
        (when known) does not define it."""
        keys = self._keys_by_type.get(type_name)
        if keys is None:
            keys = self._keys_by_type[type_name] = set()
            for record in self.view.records(type_name) if self.view is not None else ():
                keys.update(record)
        if field in keys:
            return False
        metamodel = getattr(self.view, "metamodel", None)
        if metamodel is not None and metamodel.has_type(type_name):
            try:
                metamodel.field(type_name, field)
                return False
            except Exception:  # the meta model does not know it
                return True
        return True

    def _check_fields(self, processor: OutboundFactSheetProcessor, record: Mapping[str, Any]) -> None:
        type_name = str(record.get("type"))
        for position, field in enumerate(processor.fields):
            seen = (processor.index, type_name, field)
            if field in BASE_FIELDS or seen in self._warned_fields:
                continue
            if self._unknown(type_name, field):
                self._warned_fields.add(seen)
                self.warn(
                    processor,
                    record.get("id"),
                    Category.UNKNOWN_FIELD,
                    f"'{field}' is not a field of {type_name} fact sheets; lx.factsheet.{field} reads as null",
                    f"{processor.path}.fields[{position}]",
                    key=field,
                )
            else:
                self._warned_fields.add(seen)

    def _updated_within(self, processor: OutboundFactSheetProcessor) -> Any:
        """The processor's ``updatedInDuration`` as a timedelta (None: no such filter, or it failed)."""
        template = processor.updated_in
        if template is None:
            return None
        try:
            text = coerce_to_string(
                template.evaluate({"header": self.header, "integration": self.integration})
            )
        except JuelEvaluationError as exc:
            self.warn(
                processor, None, Category.JUEL_EVALUATION, f"updatedInDuration failed: {exc.reason}", str(exc)
            )
            return False
        duration = parse_iso_duration(text)
        if duration is None:
            self.warn(
                processor,
                None,
                Category.INVALID_VALUE,
                f"updatedInDuration {text!r} is not an ISO-8601 duration (e.g. P3D); the processor exports nothing",
                processor.path + ".filter.updatedInDuration",
            )
            return False
        return duration

    # -- the run -----------------------------------------------------------------------------------------

    def execute(self) -> EngineResult:
        started = perf_counter()
        configuration = self.compiled.raw
        root = configuration.get("scope")
        selections: dict[str, list[Mapping[str, Any]]] = {}
        rows = []
        if self.view is None:
            self.note("no workspace given: an outbound run reads the workspace, so nothing is exported")
        for processor in self.compiled.processors:
            assert isinstance(processor, OutboundFactSheetProcessor)
            if not processor.enabled:
                continue
            begin = perf_counter()
            scope = processor.scope if processor.scope is not None else (root or {})
            path = processor.path + ".scope" if processor.scope is not None else "scope"
            key = json.dumps(scope, sort_keys=True, default=str)
            records = selections.get(key)
            if records is None:
                records = selections[key] = self.select(scope, path)
            processor.in_scope = len(records)
            within = self._updated_within(processor)
            if within is not False:
                self._run_processor(processor, records, within)
            processor.stats.duration += perf_counter() - begin
            rows.append(
                {
                    "processorIndex": processor.index,
                    "processorName": processor.name,
                    "networkDuration": iso_duration(0.0),
                    "processingDuration": iso_duration(processor.stats.duration),
                    "itemsInScopeCount": processor.in_scope,
                    "processedContentCount": processor.stats.processed,
                    "errorCount": self.log.errors_by_processor.get(processor.index, 0),
                }
            )
        plan = RunPlan()
        plan.output_ldif = self._output()
        return EngineResult(
            plan=plan,
            warnings=self.log.items,
            stats={
                "processorStatistics": rows,
                "singleRunLevelStatistics": [],
                "deletedObjects": [],
                "totalBlockingTime": "PT0S",
            },
            variables={},
            notes=list(self.notes),
            header=self.header,
            configuration=configuration,
            compiled=self.compiled,
            executions=sum(p.stats.executions for p in self.compiled.processors),
            processed_items=sum(p.stats.processed for p in self.compiled.processors),
            seconds=perf_counter() - started,
            state=RunState(self.view, self.model),
            warning_keys=self.log.keys,
        )

    def _run_processor(
        self, processor: OutboundFactSheetProcessor, records: list[Mapping[str, Any]], within: Any
    ) -> None:
        flt = processor.filter
        if within is not None:
            flt.updated_within = within
        integration = self.integration
        integration.max_content_index = len(records) - 1
        for index, record in enumerate(records):
            sheet_id = record.get("id")
            try:
                if not flt.matches_statically(str(record.get("type") or ""), str(sheet_id or "")):
                    continue
            except JuelEvaluationError as exc:
                self.warn(
                    processor,
                    sheet_id,
                    Category.JUEL_EVALUATION,
                    f"The filter failed: {exc.reason}",
                    str(exc),
                )
                continue
            if not flt.recently_updated(record, self.now):
                continue
            self._check_fields(processor, record)
            integration.content_index = index
            integration.values = NO_FOR_EACH
            ctx: dict[str, Any] = {
                "data": None,
                "content": record,
                "header": self.header,
                "variables": {},
                "integration": integration,
                "lx": OutboundLx(record, processor, self),
                "search": None,
            }
            if processor.for_each is None:
                if flt.advanced is not None and not holds(
                    flt.advanced, ctx, self, processor, sheet_id, failed("The advanced filter")
                ):
                    continue
                processor.stats.processed += 1
                processor.stats.executions += 1
                processor.execute(self, ctx, record)
                continue
            self._for_each(processor, ctx, record)
        integration.values = NO_FOR_EACH

    def _for_each(
        self, processor: OutboundFactSheetProcessor, ctx: dict[str, Any], record: Mapping[str, Any]
    ) -> None:
        """A processor ``forEach``: one execution per element that passes ``filter.advanced``."""
        sheet_id = record.get("id")
        try:
            elements = iterate(processor.for_each.evaluate(ctx))  # type: ignore[union-attr]  # checked by the caller
        except JuelEvaluationError as exc:
            self.warn(
                processor,
                sheet_id,
                Category.JUEL_EVALUATION,
                f"forEach could not be evaluated: {exc.reason}",
                str(exc),
            )
            return
        advanced = processor.filter.advanced
        executed = 0
        for key, index, element in elements:
            self.integration.values = {
                "valueOfForEach": element,
                "indexOfForEach": index,
                "keyOfForEach": key,
            }
            if advanced is not None:
                try:
                    if not truthy(advanced.evaluate(ctx)):
                        continue
                except JuelEvaluationError as exc:
                    self.warn(
                        processor,
                        sheet_id,
                        Category.JUEL_EVALUATION,
                        f"The advanced filter failed: {exc.reason}",
                        str(exc),
                    )
                    continue
            executed += 1
            processor.execute(self, ctx, record)
        if executed:
            processor.stats.processed += 1
            processor.stats.executions += executed

    def _output(self) -> dict[str, Any]:
        """The exported LDIF (header as documented, see the module docstring)."""
        raw = self.compiled.raw
        content = self.output_content
        out: dict[str, Any] = {
            "connectorType": raw.get("connectorType"),
            "connectorId": raw.get("connectorId"),
            "connectorVersion": raw.get("connectorVersion") or self.ldif.get("connectorVersion"),
            "processingDirection": "INBOUND",
            "processingMode": str(raw.get("processingMode") or "partial").upper(),
            "lxWorkspace": self.ldif.get("lxWorkspace"),
            "lxVersion": self.ldif.get("lxVersion") or "1.0.0",
            "description": DESCRIPTION,
            "content": content,
        }
        if content:
            last = len(content) - 1
            out["chunkInformation"] = {"firstDataObject": 0, "lastDataObject": last, "maxDataObject": last}
        return out


def compile_outbound(configuration: Mapping[str, Any], model: FieldModel) -> CompiledConfiguration:
    """Compiles every processor of an outbound configuration; raises ConfigurationError listing every
    problem with its JSON path (a missing root ``scope``, a processor that is not ``outboundFactSheet``,
    an ``output`` without ``content.id``/``content.type``, a bad template or regex)."""
    compiler = Compiler()
    scope = configuration.get("scope")
    if not isinstance(scope, Mapping):
        compiler.problem(
            "scope",
            "an outbound configuration needs a root 'scope' object; it may be empty ({} exports every fact "
            "sheet) and a processor's own 'scope' replaces it",
        )
    processors: list[Processor] = []
    for index, raw in enumerate(configuration.get("processors") or ()):
        path = f"processors[{index}]"
        if not isinstance(raw, Mapping):
            compiler.problem(path, "a processor must be an object")
            continue
        if raw.get("processorType") != OutboundFactSheetProcessor.processor_type:
            compiler.problem(
                path + ".processorType",
                f"an outbound configuration takes outboundFactSheet processors only, not "
                f"{raw.get('processorType')!r}",
            )
            continue
        processors.append(OutboundFactSheetProcessor(raw, index, compiler, model))
    compiler.check()
    return CompiledConfiguration(configuration, processors, model, None)


def evaluate_outbound(
    configuration: Mapping[str, Any],
    ldif: Mapping[str, Any],
    view: Any = None,
    *,
    fields: Any = None,
    now: datetime | None = None,
) -> EngineResult:
    """The LDIF an outbound run of ``configuration`` (already bound to the trigger ``ldif``) would export
    from ``view``: ``result.plan.output_ldif``; warnings and ``/stats`` (outbound shape) as for inbound."""
    model = FieldModel(fields, view)
    compiled = compile_outbound(configuration, model)
    return OutboundRun(compiled, ldif, view, now).execute()

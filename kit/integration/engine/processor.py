"""What every processor has: name, index, run level, filter, ``forEach``, ``variables``, ``logLevel``,
``read`` — and the loop that runs one matched content item through them.

Families subclass :class:`Processor` and implement :meth:`Processor.execute` (one execution: one content item,
or one ``forEach`` element of it). Variables are collected per execution after the family's own work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from kit.integration.juel import JuelEvaluationError, coerce_to_string
from kit.integration.plan import Origin

from .configuration import Compiler
from .context import Lx, iterate
from .filters import CompiledFilter
from .metamodel import FieldModel
from .records import origin as make_origin
from .stats import ProcessorStats
from .values import UpdateTemplate, elements_of, failed, holds, raw_evaluator
from .warnings import Category

__all__ = ["NO_FOR_EACH", "Processor", "ReadSpec", "VariableTemplate"]

#: ``integration`` values outside any forEach (never mutated; scopes copy it)
NO_FOR_EACH: dict[str, Any] = {}


def _no_elements(ctx: Any) -> None:
    """``forEach`` of a processor without one (never called: such a processor takes the other path)."""
    return None


class ReadSpec:
    """The ``read`` section: which fields and lists ``lx`` exposes (a list, as inboundRelation allows, is
    merged)."""

    __slots__ = (
        "documents",
        "documents_filter",
        "documents_path",
        "fields",
        "relations",
        "subscriptions",
        "tags",
    )

    def __init__(self, raw: Any, compiler: Compiler | None = None, path: str = "read") -> None:
        if isinstance(raw, list | tuple):
            merged: dict[str, Any] = {}
            for part in raw:
                if isinstance(part, Mapping):
                    merged.update(part)
            raw = merged
        raw = raw if isinstance(raw, Mapping) else {}
        self.fields = tuple(str(f) for f in raw.get("fields") or ())
        self.relations = raw.get("relations")
        self.tags = raw.get("tags")
        self.subscriptions = raw.get("subscriptions")
        self.documents = raw.get("documents")
        #: ``documents.filter``: a Java regex searched in each document name (compiled; None: every document)
        self.documents_path = path + ".documents.filter"
        self.documents_filter = None
        pattern = self.documents.get("filter") if isinstance(self.documents, Mapping) else None
        if pattern is not None and pattern != "" and compiler is not None:
            self.documents_filter = compiler.regex(pattern, self.documents_path)


class VariableTemplate:
    """One ``variables`` entry: ``{"key", "value", "forEach": {"elementOf", "filter"}}``."""

    __slots__ = ("for_each", "for_each_filter", "key", "static_key", "value")

    def __init__(self, raw: Any, compiler: Compiler, path: str) -> None:
        raw = raw if isinstance(raw, Mapping) else {}
        self.key = compiler.template(raw.get("key"), path + ".key")
        if self.key is None:
            compiler.problem(path + ".key", "a variable needs a key")
        key = self.key
        literal = key is not None and getattr(key, "is_literal", False) and isinstance(key.text, str)
        self.static_key = key.text if key is not None and literal else None
        self.value = compiler.template(raw.get("value"), path + ".value")
        self.for_each, self.for_each_filter = compiler.for_each(raw.get("forEach"), path + ".forEach")


class Processor:
    """Base of every processor family."""

    processor_type: ClassVar[str] = ""
    #: True when executions write to fact sheets (and so need the graph of the workspace)
    writes_factsheets: ClassVar[bool] = False

    def __init__(self, raw: Mapping[str, Any], index: int, compiler: Compiler, model: FieldModel) -> None:
        path = f"processors[{index}]"
        compiler.names = set()
        self.raw = raw
        self.index = index
        self.path = path
        self.name = str(raw.get("processorName") or self.processor_type)
        try:
            self.level = int(raw.get("run", 0) or 0)
        except (TypeError, ValueError):
            compiler.problem(path + ".run", f"the run level must be an integer, not {raw.get('run')!r}")
            self.level = 0
        enabled = raw.get("enabled", True)
        self.enabled = not (enabled is False or str(enabled).lower() == "false")
        self.filter = CompiledFilter(raw.get("filter", raw.get("filters")), compiler, path + ".filter")
        self.for_each = compiler.template(raw.get("forEach"), path + ".forEach")
        self.allow_many = raw.get("allowManyIterations") is True
        self.variables = [
            VariableTemplate(v, compiler, f"{path}.variables[{i}]")
            for i, v in enumerate(raw.get("variables") or ())
        ]
        level = str(raw.get("logLevel") or "warning").lower()
        self.log_off = level == "off"
        self.debug = level == "debug"
        self.optional = raw.get("optional") is True or str(raw.get("optional")).lower() == "true"
        self.read = ReadSpec(raw.get("read"), compiler, path + ".read")
        self.stats = ProcessorStats()
        self.warned_iterations = False
        self._origin: Any = None
        self._origin_item: Any = None
        self._origin_level = -1
        self.compile(raw, compiler, model, path)
        #: whether any expression reads ``lx`` (else no ``lx`` object is built per execution)
        self.uses_lx = "lx" in compiler.names
        #: no ``advanced`` filter and no ``forEach``: the run loop calls :meth:`execute` directly
        self.simple = self.filter.advanced is None and self.for_each is None
        self._for_each_run = raw_evaluator(self.for_each) if self.for_each is not None else _no_elements
        #: a forEach without any filter and without allowManyIterations (iAPI warns once)
        self.unfiltered_for_each = self.for_each is not None and not self.allow_many and self.filter.is_empty

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        """Family hook: compile the processor's own keys."""

    @staticmethod
    def compile_updates(
        raw: Mapping[str, Any], compiler: Compiler, path: str, resolve: Any
    ) -> list[UpdateTemplate]:
        """The processor's ``updates``, compiled, with static keys resolved by ``resolve``."""
        updates = [
            UpdateTemplate(u, compiler, f"{path}.updates[{i}]")
            for i, u in enumerate(raw.get("updates") or ())
        ]
        for update in updates:
            update.bind(resolve)
        return updates

    # -- running ---------------------------------------------------------------------------------------

    def process_item(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> bool:
        """Runs a content item whose static filter matched; False when ``advanced`` rejected it."""
        advanced = self.filter.advanced
        if advanced is not None and not holds(
            advanced, ctx, run, self, item.get("id"), failed("The advanced filter")
        ):
            return False
        self.stats.processed += 1
        integration = run.integration
        if self.for_each is None:
            integration.values = NO_FOR_EACH
            self.stats.executions += 1
            self.execute(run, ctx, item)
            return True
        if self.unfiltered_for_each and not self.warned_iterations:
            self.warned_iterations = True
            run.warn(
                self,
                None,
                Category.MANY_ITERATIONS,
                "forEach is used without a filter; set allowManyIterations to true if this is intended",
                self.path,
            )
        try:
            try:
                result = self._for_each_run(ctx)
            except Exception:  # re-run through the template for a located error message
                result = self.for_each.evaluate(ctx)
            elements = iterate(result)
        except JuelEvaluationError as exc:
            run.warn(
                self,
                item.get("id"),
                Category.JUEL_EVALUATION,
                f"forEach could not be evaluated: {exc.reason}",
                str(exc),
            )
            return True
        self.stats.executions += len(elements)
        execute = self.execute
        for key, index, element in elements:
            integration.values = {"valueOfForEach": element, "indexOfForEach": index, "keyOfForEach": key}
            execute(run, ctx, item)
        integration.values = NO_FOR_EACH
        return True

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        """One execution (family hook); the base only collects variables."""
        self.collect_variables(run, ctx, item)

    def passes_on_read(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any], sheet: Any) -> bool:
        """``onRead`` and ``updatedInDuration`` for the fact sheet ``sheet`` (``lx`` set on ``ctx``)."""
        flt = self.filter
        if (
            flt.updated_within is not None
            and sheet is not None
            and not flt.recently_updated(sheet.record, run.now)
        ):
            return False
        if flt.on_read is None:
            return True
        return bool(holds(flt.on_read, ctx, run, self, item.get("id"), failed("The onRead filter")))

    def origin(self, run: Any, item: Mapping[str, Any] | None) -> Origin:
        """Where this execution's writes come from (one shared instance per level and content item)."""
        if item is self._origin_item and run.level == self._origin_level and item is not None:
            return self._origin
        if item is None:
            found = make_origin(run.level, self.name, self.index, None, None)
        else:
            found = make_origin(run.level, self.name, self.index, item.get("id"), item.get("type"))
        self._origin, self._origin_item, self._origin_level = found, item, run.level
        return found

    def with_lx(self, run: Any, ctx: dict[str, Any], sheet: Any) -> None:
        if self.uses_lx:
            ctx["lx"] = Lx(sheet, self.read, run.state)

    def collect_variables(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        """Appends this execution's ``variables`` (readable from the next run level on)."""
        for variable in self.variables:
            if variable.for_each is None:
                self._one_variable(run, ctx, item, variable)
                continue
            elements = elements_of(
                variable.for_each, ctx, run, self, item.get("id"), failed("Variable forEach")
            )
            if elements is None:
                continue
            integration = run.integration
            saved = integration.values
            try:
                for key, index, element in elements:
                    values = dict(saved)
                    values["variables"] = {
                        "valueOfForEach": element,
                        "keyOfForEach": key,
                        "indexOfForEach": index,
                    }
                    integration.values = values
                    if variable.for_each_filter is not None and not holds(
                        variable.for_each_filter, ctx, run, self, item.get("id"), failed("Variable filter")
                    ):
                        continue
                    self._one_variable(run, ctx, item, variable)
            finally:
                integration.values = saved

    def _one_variable(
        self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any], variable: VariableTemplate
    ) -> None:
        try:
            key = variable.static_key
            if key is None:
                key = coerce_to_string(variable.key.evaluate(ctx))  # type: ignore[union-attr]  # a keyless variable fails compiling
            value = variable.value.evaluate(ctx) if variable.value is not None else None
        except JuelEvaluationError as exc:
            run.warn(
                self,
                item.get("id"),
                Category.JUEL_EVALUATION,
                f"Variable could not be evaluated: {exc.reason}",
                str(exc),
            )
            return
        if not key:
            run.warn(
                self,
                item.get("id"),
                Category.MISSING_KEY,
                "A variable key evaluated to an empty name",
                self.path,
            )
            return
        run.add_variable(key, value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.index} {self.name!r} run={self.level}>"

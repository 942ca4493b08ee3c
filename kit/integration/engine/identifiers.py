"""Identifiers: which fact sheet(s) an execution is about.

* ``internal``: the LeanIX id. Found archived ⇒ the fact sheet is restored (fact sheet processors).
* ``external``: ``{"id": {"expr", "regexReplace"}, "type": {"expr"}}`` — ``type`` names the external-id
  FIELD (default ``externalId``). Active match ⇒ update; no match, or only an archived one ⇒ a **new** fact
  sheet (fact sheet processors only; creating needs the external id).
* ``search``: ``scope`` (JUEL allowed in any string) evaluated with ``view.select``, then ``filter`` (JUEL
  with ``lx.factsheet``) per candidate; every match is processed (``search.resultSize``/``resultIndex``)
  unless ``multipleMatchesAllowed`` is false and there are several (warning, nothing processed).
  ``external`` + ``search``: external id first, then search, then create from ``external``.

A fact sheet that is not found is a FACT_SHEET_NOT_FOUND warning, or an INFO record when the processor is
``optional`` (an expected miss: reference §6.2 "``optional: true`` turns 'fact sheet missing' warnings into
info").

Without a workspace: external ids a fact sheet processor uses are assumed new; relation/tag/… endpoints not
created by this run are assumed to exist (referenced by external id); internal and search identifiers cannot
be resolved (WORKSPACE_REQUIRED warning).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.juel import JuelEvaluationError, coerce_to_string, java_replace_all

from .configuration import Compiler
from .context import Lx
from .state import SheetState
from .values import failed, holds, json_list, raw_evaluator
from .warnings import Category

__all__ = ["IdentifierSetTemplate", "IdentifierTemplate", "Resolution", "ScopeTemplate"]


class ScopeTemplate:
    """A search or deletion scope with JUEL in its strings, compiled once."""

    __slots__ = ("dynamic", "tree")

    def __init__(self, raw: Any, compiler: Compiler, path: str) -> None:
        self.dynamic = False
        self.tree = self._compile(raw, compiler, path)

    def _compile(self, node: Any, compiler: Compiler, path: str) -> Any:
        if isinstance(node, Mapping):
            return {k: self._compile(v, compiler, f"{path}.{k}") for k, v in node.items()}
        if isinstance(node, list | tuple):
            return [self._compile(v, compiler, f"{path}[{i}]") for i, v in enumerate(node)]
        if isinstance(node, str) and "${" in node:
            self.dynamic = True
            return compiler.template(node, path)
        return node

    def evaluate(self, ctx: Any) -> Any:
        return self._evaluate(self.tree, ctx) if self.dynamic else self.tree

    def _evaluate(self, node: Any, ctx: Any) -> Any:
        if isinstance(node, dict):
            return {k: self._evaluate(v, ctx) for k, v in node.items()}
        if isinstance(node, list):
            out: list[Any] = []
            for item in node:
                value = self._evaluate(item, ctx)
                if isinstance(item, dict | list) or not isinstance(value, list):
                    out.append(value)
                else:
                    out.extend(value)
            return out
        if hasattr(node, "evaluate"):
            return node.evaluate(ctx)
        return node


class Resolution:
    """The fact sheets an identifier found, or what to create (``create`` = (field, value))."""

    __slots__ = ("create", "how", "sheets")

    def __init__(self, sheets: list[SheetState], how: str, create: tuple[str, str] | None = None) -> None:
        self.sheets = sheets
        self.how = how
        self.create = create


def find_by_id(
    run: Any, processor: Any, content_id: Any, fs_id: str, optional: bool, path: str, where: str = ""
) -> SheetState | None:
    """The fact sheet with LeanIX id ``fs_id`` (one lookup), or None with a FACT_SHEET_NOT_FOUND warning
    (an INFO when ``optional``; ``where``: text added to the message, e.g. `` ('from' fact sheet)``)."""
    run.count_lookup(processor)
    sheet: SheetState | None = run.state.find_id(fs_id)
    if sheet is None:
        run.warn(
            processor,
            content_id,
            Category.FACT_SHEET_NOT_FOUND,
            f"No fact sheet with id '{fs_id}' exists{where}",
            path,
            info=optional,
        )
    return sheet


def _text(value: Any) -> str:
    return value if type(value) is str else coerce_to_string(value)


class IdentifierTemplate:
    """``identifier`` / ``from`` / ``to``: internal, external and/or search, compiled."""

    __slots__ = (
        "external_id",
        "external_replace",
        "external_type",
        "internal",
        "multiple",
        "path",
        "search_filter",
        "search_scope",
        "static_type",
        "_fast_id",
    )

    def __init__(self, raw: Any, compiler: Compiler, path: str) -> None:
        self.path = path
        raw = raw if isinstance(raw, Mapping) else {}
        self.internal = compiler.template(raw.get("internal"), path + ".internal")
        external = raw.get("external")
        self.external_id = None
        self.external_replace = None
        self.external_type = None
        if external is not None:
            if isinstance(external, Mapping):
                spec = external.get("id")
                spec = spec if isinstance(spec, Mapping) else {"expr": spec}
                self.external_id = compiler.template(spec.get("expr"), path + ".external.id.expr")
                self.external_replace = compiler.replacement(
                    spec.get("regexReplace"), path + ".external.id.regexReplace"
                )
                self.external_type = compiler.template(external.get("type"), path + ".external.type")
            else:  # inboundToDo: "external": "${content.id}"
                self.external_id = compiler.template(external, path + ".external")
        search = raw.get("search")
        self.search_scope = None
        self.search_filter = None
        self.multiple = True
        if isinstance(search, Mapping):
            self.search_scope = ScopeTemplate(search.get("scope") or {}, compiler, path + ".search.scope")
            self.search_filter = compiler.template(search.get("filter"), path + ".search.filter")
            self.multiple = str(search.get("multipleMatchesAllowed", True)).lower() != "false"
        literal = self.external_type is None or getattr(self.external_type, "is_literal", False)
        text = self.external_type.evaluate(None) if self.external_type is not None and literal else ""
        #: the raw id closure when the identifier is a plain external id (fast path of :meth:`resolve`)
        self._fast_id = (
            raw_evaluator(self.external_id)
            if self.external_id is not None
            and self.internal is None
            and self.search_scope is None
            and self.external_replace is None
            and literal
            else None
        )
        self.static_type: str | None = (
            ((text if isinstance(text, str) else "").strip() or "externalId") if literal else None
        )

    @property
    def is_empty(self) -> bool:
        return self.internal is None and self.external_id is None and self.search_scope is None

    def external_value(self, ctx: Any) -> tuple[str, str]:
        """(field, value) of the external id."""
        value = _text(self.external_id.evaluate(ctx)).strip()  # type: ignore[union-attr]  # callers check external_id
        if self.external_replace is not None:
            try:
                value = java_replace_all(value, *self.external_replace)
            except JuelEvaluationError as exc:  # over the regex time budget
                raise exc.at(self.path + ".external.id.regexReplace.match") from None
        field = self.static_type
        if field is None:
            field = _text(self.external_type.evaluate(ctx)).strip() or "externalId"  # type: ignore[union-attr]  # static_type is None only with a type template
        return field, value

    def resolve(
        self,
        run: Any,
        processor: Any,
        ctx: dict[str, Any],
        content_id: str | None,
        type_name: str | None,
        *,
        may_create: bool,
        optional: bool = False,
        role: str = "identifier",
    ) -> Resolution | None:
        """The fact sheets this identifier designates; None (with a warning) when there are none."""
        state = run.state
        fast = self._fast_id
        if fast is not None:  # a plain external id that finds an active fact sheet
            try:
                value = fast(ctx)
            except Exception:
                value = None
            if type(value) is str:
                value = value.strip()
                field = self.static_type or "externalId"  # set whenever the fast path is
                sheet = state.new.get((type_name, field, value)) if value else None
                if sheet is None and value:
                    sheet = state.find_external(type_name, field, value)
                if sheet is not None and sheet.status != "ARCHIVED":
                    processor.stats.requests += 1
                    return Resolution([sheet], "external")
        try:
            if self.internal is not None:
                return self._internal(
                    run,
                    processor,
                    content_id,
                    type_name,
                    _text(self.internal.evaluate(ctx)).strip(),
                    optional,
                    role,
                )
            external = self.external_value(ctx) if self.external_id is not None else None
        except JuelEvaluationError as exc:
            run.warn(
                processor,
                content_id,
                Category.JUEL_EVALUATION,
                f"The {role} could not be evaluated: {exc.reason}",
                str(exc),
            )
            return None
        if external is not None:
            field, value = external
            if not value:
                run.warn(
                    processor,
                    content_id,
                    Category.INVALID_VALUE,
                    f"The external id of the {role} is empty",
                    self.path,
                )
                return None
            run.count_lookup(processor)
            sheet = state.find_external(type_name, field, value)
            if sheet is not None and sheet.status != "ARCHIVED":
                return Resolution([sheet], "external")
            if self.search_scope is None:
                if may_create:
                    return Resolution([], "external", (field, value))
                if state.view is None:
                    return Resolution([state.assume(type_name, field, value)], "external")
                archived = " (only an archived one exists)" if sheet is not None else ""
                run.warn(
                    processor,
                    content_id,
                    Category.FACT_SHEET_NOT_FOUND,
                    f"No fact sheet{' of type ' + type_name if type_name else ''} with {field} '{value}' "
                    f"was found for the {role}{archived}",
                    self.path,
                    info=optional,
                )
                return None
        if self.search_scope is not None:
            found = self._search(run, processor, ctx, content_id, type_name, role)
            if found is None:
                return None
            if found:
                return Resolution(found, "search")
            if external is not None and may_create:
                return Resolution([], "search", external)
            if external is not None and state.view is None:
                return Resolution([state.assume(type_name, *external)], "external")
            if state.view is not None:
                run.warn(
                    processor,
                    content_id,
                    Category.FACT_SHEET_NOT_FOUND,
                    f"The search of the {role} found no fact sheet",
                    self.path,
                    info=optional,
                )
            return None
        run.warn(
            processor,
            content_id,
            Category.MISSING_KEY,
            f"The {role} has no internal, external or search part",
            self.path,
        )
        return None

    def _internal(
        self,
        run: Any,
        processor: Any,
        content_id: str | None,
        type_name: str | None,
        fs_id: str,
        optional: bool,
        role: str,
    ) -> Resolution | None:
        state = run.state
        if not fs_id:
            run.warn(
                processor,
                content_id,
                Category.INVALID_VALUE,
                f"The internal id of the {role} is empty",
                self.path,
            )
            return None
        if state.view is None:
            run.warn(
                processor,
                content_id,
                Category.WORKSPACE_REQUIRED,
                f"Internal id '{fs_id}' cannot be resolved without a workspace",
                self.path,
            )
            return None
        sheet = find_by_id(run, processor, content_id, fs_id, optional, self.path, f" ({role})")
        if sheet is None:
            return None
        if type_name is not None and sheet.type != type_name:
            run.warn(
                processor,
                content_id,
                Category.FACT_SHEET_TYPE_MISMATCH,
                f"Fact sheet '{fs_id}' is of type {sheet.type}, not {type_name} ({role})",
                self.path,
            )
            return None
        return Resolution([sheet], "internal")

    def _search(
        self,
        run: Any,
        processor: Any,
        ctx: dict[str, Any],
        content_id: str | None,
        type_name: str | None,
        role: str,
    ) -> list[SheetState] | None:
        state = run.state
        if state.view is None:
            if self.external_id is None:
                run.warn(
                    processor,
                    content_id,
                    Category.WORKSPACE_REQUIRED,
                    f"The search {role} cannot be resolved without a workspace",
                    self.path,
                )
                return None
            return []
        try:
            scope = self.search_scope.evaluate(ctx)  # type: ignore[union-attr]  # called only with a search scope
        except JuelEvaluationError as exc:
            run.warn(
                processor,
                content_id,
                Category.JUEL_EVALUATION,
                f"The search scope could not be evaluated: {exc.reason}",
                str(exc),
            )
            return None
        records = run.select(processor, scope, type_name, role)
        matches: list[SheetState] = []
        saved = ctx.get("lx")
        try:
            for record in records:
                sheet = record if type(record) is SheetState else state.wrap(record)
                if self.search_filter is not None:
                    ctx["lx"] = Lx(sheet, processor.read, state)
                    found = holds(
                        self.search_filter, ctx, run, processor, content_id, failed("The search filter")
                    )
                    if found is None:
                        return None
                    if not found:
                        continue
                matches.append(sheet)
        finally:
            ctx["lx"] = saved
        if len(matches) > 1 and not self.multiple:
            run.warn(
                processor,
                content_id,
                Category.SEARCH_MULTIPLE_MATCHES,
                f"The search found {len(matches)} fact sheets but multipleMatchesAllowed is false; none is updated",
                self.path,
            )
            return None
        return matches


class IdentifierSetTemplate:
    """``factSheets`` of inboundTag: ``{"external": {"ids", "type"}}`` or ``{"internal": "${...}"}``,
    each giving one id or a list of them."""

    __slots__ = ("external_ids", "external_type", "internal", "path")

    def __init__(self, raw: Any, compiler: Compiler, path: str) -> None:
        raw = raw if isinstance(raw, Mapping) else {}
        self.path = path
        self.internal = compiler.template(raw.get("internal"), path + ".internal")
        external = raw.get("external") if isinstance(raw.get("external"), Mapping) else {}
        self.external_ids = compiler.template(external.get("ids"), path + ".external.ids")
        self.external_type = compiler.template(external.get("type"), path + ".external.type")

    @staticmethod
    def _values(result: Any) -> list[str]:
        if result is None:
            return []
        if isinstance(result, str):
            parsed = json_list(result)
            if parsed is not None:
                return [_text(v).strip() for v in parsed if v is not None and _text(v).strip()]
            text = result.strip()
            return [text] if text else []
        if isinstance(result, list | tuple):
            return [_text(v).strip() for v in result if v is not None and _text(v).strip()]
        return [_text(result)]

    def resolve(
        self, run: Any, processor: Any, ctx: dict[str, Any], content_id: str | None, optional: bool = False
    ) -> list[SheetState] | None:
        state = run.state
        try:
            if self.internal is not None:
                ids = self._values(self.internal.evaluate(ctx))
                externals: list[str] = []
                field = "externalId"
            else:
                ids = []
                externals = (
                    self._values(self.external_ids.evaluate(ctx)) if self.external_ids is not None else []
                )
                field = (
                    _text(self.external_type.evaluate(ctx)).strip() if self.external_type is not None else ""
                )
                field = field or "externalId"
        except JuelEvaluationError as exc:
            run.warn(
                processor,
                content_id,
                Category.JUEL_EVALUATION,
                f"factSheets could not be evaluated: {exc.reason}",
                str(exc),
            )
            return None
        sheets: list[SheetState] = []
        if ids and state.view is None:
            run.warn(
                processor,
                content_id,
                Category.WORKSPACE_REQUIRED,
                "Internal ids cannot be resolved without a workspace",
                self.path,
            )
            return None
        for fs_id in ids:
            sheet = find_by_id(run, processor, content_id, fs_id, optional, self.path)
            if sheet is not None:
                sheets.append(sheet)
        for value in externals:
            run.count_lookup(processor)
            sheet = state.find_external(None, field, value)
            if sheet is None or sheet.status == "ARCHIVED":
                if state.view is None:
                    sheets.append(state.assume(None, field, value))
                else:
                    run.warn(
                        processor,
                        content_id,
                        Category.FACT_SHEET_NOT_FOUND,
                        f"No fact sheet with {field} '{value}' was found",
                        self.path,
                        info=optional,
                    )
                continue
            sheets.append(sheet)
        return sheets

"""``inboundImpact`` and ``inboundToDo``.

* Impact: one ImpactWrite per execution and matched fact sheet; keys ``groupName``, ``description``,
  ``impacts`` (list of maps such as ``{"type": "FACTSHEET_SET", "factSheetId", "fieldName", "fieldValue"}``).
* To-do: ``identifier.external`` is the to-do's own external id (``values["externalId"]``), not a fact sheet;
  keys ``factSheetId`` (the target, checked against the workspace when one is given), ``title``,
  ``description``, ``category`` (ANSWER, ACTION_ITEM), ``status`` (OPEN, CLOSED), ``resolution``
  (ACCEPTED, REJECTED, REVERTED), ``dueDate`` (yyyy-mm-dd).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.juel import JuelEvaluationError, coerce_to_string
from kit.integration.plan import ImpactWrite, ToDoWrite

from .configuration import Compiler
from .metamodel import FieldInfo, FieldModel
from .processor import Processor
from .records import sheet_ref
from .scoped import ScopedProcessor
from .values import evaluate_updates
from .warnings import Category

__all__ = ["ImpactProcessor", "ToDoProcessor"]

_IMPACT_KEYS = {
    "groupName": FieldInfo("groupName", "groupName", None, "STRING"),
    "description": FieldInfo("description", "description", None, "STRING"),
    "impacts": FieldInfo("impacts", "impacts", None, None, multi=True),
}
_TODO_KEYS = {
    "factSheetId": FieldInfo("factSheetId", "factSheetId", None, "STRING"),
    "title": FieldInfo("title", "title", None, "STRING"),
    "description": FieldInfo("description", "description", None, "STRING"),
    "category": FieldInfo("category", "category", None, "SINGLE_SELECT", allowed=("ANSWER", "ACTION_ITEM")),
    "status": FieldInfo("status", "status", None, "SINGLE_SELECT", allowed=("OPEN", "CLOSED")),
    "resolution": FieldInfo(
        "resolution", "resolution", None, "SINGLE_SELECT", allowed=("ACCEPTED", "REJECTED", "REVERTED")
    ),
    "dueDate": FieldInfo("dueDate", "dueDate", None, "DATE"),
}


def impact_key(key: str) -> FieldInfo | str:
    return (
        _IMPACT_KEYS.get(key)
        or f"Key '{key}' is not supported by inboundImpact (keys: {', '.join(_IMPACT_KEYS)})"
    )


def todo_key(key: str) -> FieldInfo | str:
    return (
        _TODO_KEYS.get(key) or f"Key '{key}' is not supported by inboundToDo (keys: {', '.join(_TODO_KEYS)})"
    )


class ImpactProcessor(ScopedProcessor):
    processor_type = "inboundImpact"

    def key_check(self, key: str) -> FieldInfo | str:
        return impact_key(key)

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        for sheet, values in self.found_values(run, ctx, item.get("id")):
            run.writes.append(ImpactWrite(self.origin(run, item), sheet.ref, values))
            run.count_mutation(self)
        self.collect_variables(run, ctx, item)


class ToDoProcessor(Processor):
    processor_type = "inboundToDo"

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        given = raw.get("identifier")
        identifier = given if isinstance(given, Mapping) else {}
        external = identifier.get("external")
        if isinstance(external, Mapping):
            external = external.get("id")
        self.external = compiler.template(external, path + ".identifier.external")
        self.updates = self.compile_updates(raw, compiler, path, todo_key)

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        values = {k: v for k, _, v, _ in evaluate_updates(self.updates, run, self, ctx, content_id, todo_key)}
        if self.external is not None:
            try:
                values["externalId"] = coerce_to_string(self.external.evaluate(ctx))
            except JuelEvaluationError as exc:
                run.warn(
                    self,
                    content_id,
                    Category.JUEL_EVALUATION,
                    f"The to-do identifier failed: {exc.reason}",
                    str(exc),
                )
                return
        target = None
        fs_id = values.get("factSheetId")
        if fs_id:
            state = run.state
            sheet = state.find_id(str(fs_id)) if state.view is not None else None
            if state.view is not None and sheet is None:
                run.warn(
                    self,
                    content_id,
                    Category.FACT_SHEET_NOT_FOUND,
                    f"No fact sheet with id '{fs_id}' exists",
                    self.path,
                )
                return
            target = sheet.ref if sheet is not None else sheet_ref(str(fs_id), None, None)
        run.writes.append(ToDoWrite(self.origin(run, item), target, values))
        run.count_mutation(self)
        self.collect_variables(run, ctx, item)

"""``inboundFactSheet``: create, update, archive (``mode: delete``) or restore fact sheets.

* Matched and active ⇒ ``update`` writes (``before`` = the workspace value, or what this run wrote earlier).
* Matched by internal id while archived ⇒ a ``restore`` StatusWrite, then the updates.
* Not matched by external id (or only an archived match) ⇒ ``create`` writes for a new fact sheet,
  referenced as ``FactSheetRef(type=..., external=(field, value))``; creating needs a ``name`` value
  (MISSING_KEY otherwise, nothing written). The external id itself is carried by the reference, not by a
  FieldWrite.
* ``mode: delete`` ⇒ an ``archive`` StatusWrite for the matched fact sheet (no updates evaluated).
* ``readOnly: true`` ⇒ nothing written; variables (and ``lx``) only.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from kit.integration.plan import StatusWrite

from .configuration import Compiler
from .identifiers import IdentifierTemplate
from .metamodel import FieldModel
from .processor import Processor
from .records import field_write
from .values import evaluate_updates
from .warnings import Category

__all__ = ["FactSheetProcessor"]


def _merge(before: Any, added: Any) -> list[Any]:
    current = list(before) if isinstance(before, list | tuple) else ([] if before in (None, "") else [before])
    for value in added if isinstance(added, list) else [added]:
        if value not in current:
            current.append(value)
    return current


class FactSheetProcessor(Processor):
    processor_type = "inboundFactSheet"
    writes_factsheets = True

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        self.fs_type = str(raw.get("type") or "")
        if not self.fs_type:
            compiler.problem(path + ".type", "inboundFactSheet needs the fact sheet type")
        self.identifier = IdentifierTemplate(raw.get("identifier"), compiler, path + ".identifier")
        if self.identifier.is_empty:
            compiler.problem(
                path + ".identifier", "inboundFactSheet needs an identifier (internal, external or search)"
            )
        self.resolve_key = partial(model.lookup, self.fs_type)
        self.updates = self.compile_updates(raw, compiler, path, self.resolve_key)
        self.delete = str(raw.get("mode") or "").lower() == "delete"
        self.read_only = raw.get("readOnly") is True or str(raw.get("readOnly")).lower() == "true"

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        found = self.identifier.resolve(
            run, self, ctx, content_id, self.fs_type, may_create=not (self.delete or self.read_only)
        )
        if found is None:
            return
        if found.create is not None:
            self.with_lx(run, ctx, None)
            try:
                self._apply(run, ctx, item, None, found.create)
            finally:
                ctx["lx"] = None
            return
        sheets = found.sheets
        searched = found.how == "search"
        for index, sheet in enumerate(sheets):
            if searched:
                ctx["search"] = {"resultSize": len(sheets), "resultIndex": index}
            self.with_lx(run, ctx, sheet)
            try:
                if self.passes_on_read(run, ctx, item, sheet):
                    self._apply(run, ctx, item, sheet, None)
            finally:
                ctx["lx"] = None
                ctx["search"] = None

    def _apply(
        self,
        run: Any,
        ctx: dict[str, Any],
        item: Mapping[str, Any],
        sheet: Any,
        create: tuple[str, str] | None,
    ) -> None:
        content_id = item.get("id")
        touched = run.touched.factsheets
        if sheet is not None and sheet.id is not None:
            touched.add(sheet.id)
        if self.delete:
            if sheet.status != "ARCHIVED":
                run.writes.append(StatusWrite(self.origin(run, item), sheet.ref, "archive"))
                sheet.status = "ARCHIVED"
                run.count_mutation(self)
            self.collect_variables(run, ctx, item)
            return
        if self.read_only:
            self.collect_variables(run, ctx, item)
            return
        updates = evaluate_updates(self.updates, run, self, ctx, content_id, self.resolve_key)
        origin = self.origin(run, item)
        writes = run.writes
        if create is not None:
            name = next((value for key, _, value, _ in updates if key == "name"), None)
            if name in (None, ""):
                run.warn(
                    self,
                    content_id,
                    Category.MISSING_KEY,
                    f"A new {self.fs_type} fact sheet ({create[0]} '{create[1]}') needs a name; it is not created",
                    self.path,
                    key="name",
                )
                return
            sheet = run.state.create(self.fs_type, *create)
            action = "create"
            values = sheet.values
            for key, _, value, _ in updates:
                writes.append(field_write(origin, sheet.ref, action, key, value, None))
                values[key] = value
        else:
            if sheet.status == "ARCHIVED":
                writes.append(StatusWrite(origin, sheet.ref, "restore"))
                sheet.status = "ACTIVE"
            ref = sheet.ref
            values = sheet.values
            for key, info, value, op in updates:
                before = sheet.get(key)
                if op == "add" and info.multi:
                    value = _merge(before, value)
                writes.append(field_write(origin, ref, "update", key, value, before))
                values[key] = value
        if updates or create is not None:
            run.count_mutation(self)
        self.collect_variables(run, ctx, item)

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
from .state import record_value
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
        self.may_create = not (self.delete or self.read_only)
        flt = self.filter
        #: whether matched fact sheets go through onRead / updatedInDuration
        self.checks_read = flt.on_read is not None or flt.updated_within is not None
        plain = self.may_create and not self.checks_read and self.identifier.search_scope is None
        self.fast_id = self.identifier._fast_id if plain else None
        #: the external id field of the fast path (``static_type`` is set whenever ``fast_id`` is)
        self.id_field: str = self.identifier.static_type or "externalId"

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        fast_id = self.fast_id
        if fast_id is not None and not self.uses_lx:  # a plain external id, nothing read: no detours
            try:
                value = fast_id(ctx)
            except Exception:
                value = None
            if type(value) is str:
                value = value.strip()
                if value:
                    state = run.state
                    sheet = state.new.get((self.fs_type, self.id_field, value))
                    if sheet is None:
                        sheet = state.find_external(self.fs_type, self.id_field, value)
                    self.stats.requests += 1
                    if sheet is None or sheet.status == "ARCHIVED":
                        self._apply(run, ctx, item, None, (self.id_field, value))
                    else:
                        self._apply(run, ctx, item, sheet, None)
                    return
        content_id = item.get("id")
        found = self.identifier.resolve(run, self, ctx, content_id, self.fs_type, may_create=self.may_create)
        if found is None:
            return
        if found.create is not None:
            if self.uses_lx:
                self.with_lx(run, ctx, None)
            try:
                self._apply(run, ctx, item, None, found.create)
            finally:
                ctx["lx"] = None
            return
        sheets = found.sheets
        searched = found.how == "search"
        plain = not (searched or self.uses_lx or self.checks_read)
        for index, sheet in enumerate(sheets):
            if plain:
                self._apply(run, ctx, item, sheet, None)
                continue
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
        if sheet is not None and sheet.ref.id is not None:
            run.touched.factsheets.add(sheet.ref.id)
        if self.delete or self.read_only:
            if self.delete and sheet.status != "ARCHIVED":
                run.writes.append(StatusWrite(self.origin(run, item), sheet.ref, "archive"))
                sheet.status = "ARCHIVED"
                self.stats.requests += 1
            self.collect_variables(run, ctx, item)
            return
        content_id = item.get("id")
        updates: list[tuple[str, Any, Any, str]] = []
        add = updates.append
        for update in self.updates:
            fast = update.fast
            if fast is not None:
                try:
                    add((update.static_key, update.static_info, fast(ctx), "replace"))  # type: ignore[arg-type]  # fast is set only with a static key and FieldInfo
                    continue
                except Exception:
                    pass
            updates.extend(evaluate_updates((update,), run, self, ctx, content_id, self.resolve_key))
        origin = self.origin(run, item)
        append = run.writes.append
        if create is not None:
            for key, _, value, _ in updates:
                if key == "name":
                    name = value
                    break
            else:
                name = None
            if name is None or name == "":
                run.warn(
                    self,
                    content_id,
                    Category.MISSING_KEY,
                    f"A new {self.fs_type} fact sheet ({create[0]} '{create[1]}') needs a name; it is not created",
                    self.path,
                    key="name",
                )
                return
            sheet = run.state.create(self.fs_type, *create, level=run.level)
            ref = sheet.ref
            values = sheet.values
            for key, _, value, _ in updates:
                append(field_write(origin, ref, "create", key, value, None))
                values[key] = value
        else:
            if sheet.status == "ARCHIVED":
                append(StatusWrite(origin, sheet.ref, "restore"))
                sheet.status = "ACTIVE"
            ref = sheet.ref
            values = sheet.values
            record = sheet.record
            for key, info, value, op in updates:
                if key in values:
                    before = values[key]
                elif record is None:
                    before = None
                else:
                    before = record_value(record, key)
                if op == "add" and info.multi:
                    value = _merge(before, value)
                append(field_write(origin, ref, "update", key, value, before))
                values[key] = value
        if updates or create is not None:
            self.stats.requests += 1
        if self.variables:
            self.collect_variables(run, ctx, item)

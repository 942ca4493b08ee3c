"""``inboundFactSheet``: create, update, archive (``mode: delete``) or restore fact sheets.

* Matched and active ⇒ ``update`` writes (``before`` = the workspace value, or what this run wrote earlier).
* Matched by internal id while archived ⇒ a ``restore`` StatusWrite, then the updates.
* Not matched by external id (or only an archived match) ⇒ ``create`` writes for a new fact sheet,
  referenced as ``FactSheetRef(type=..., external=(field, value))``; creating needs a ``name`` value
  (MISSING_KEY otherwise, nothing written). The external id itself is carried by the reference, not by a
  FieldWrite.
* ``mode: delete`` ⇒ an ``archive`` StatusWrite for the matched fact sheet (no updates evaluated).
* ``readOnly: true`` ⇒ nothing written; variables (and ``lx``) only.
* Name candidates: a ``name`` key with several values is a ranked list of candidates. "Every candidate that
  results in a null (evaluated in the 'values' section) or is already taken by another Fact Sheet will be
  skipped" (LeanIX docs, Advanced Use Cases for the Integration API, "Best Name for Fact Sheet"). Taken means:
  another active fact sheet of the same type has that name now (in the workspace, or as this run has written
  it so far). When every candidate is taken the name is not written (NO_VALUE_FOUND, unless ``optional``), so a
  fact sheet to be created is not created (MISSING_KEY) — the kit's choice, the documentation is silent.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import partial
from typing import Any

from kit.integration.plan import StatusWrite

from .configuration import Compiler
from .identifiers import IdentifierTemplate
from .metamodel import FieldInfo, FieldModel
from .processor import Processor
from .records import field_write
from .state import SheetState, record_value
from .values import UpdateTemplate, coerce_value, evaluate_updates
from .warnings import Category

__all__ = ["FactSheetProcessor"]


#: how the candidates of a ``name`` key are collected: all of them, as evaluated (chosen afterwards)
_NAME_CANDIDATES = FieldInfo("name", "name", None, None, multi=True)


def _candidate_update(update: UpdateTemplate) -> UpdateTemplate:
    """A copy of a ``name`` update that yields every non-empty candidate (``mode: list``) instead of the
    first one, so the ones taken by other fact sheets can be skipped."""
    ranked = copy.copy(update)
    ranked.mode = "list"
    ranked.fast = None
    ranked.static_info = _NAME_CANDIDATES
    return ranked


class NamesInUse:
    """Names of the active fact sheets of one type: the workspace's, then this run's writes (one index per
    run, built on first use)."""

    def __init__(self, run: Any, type_name: str) -> None:
        self.type = type_name
        self.by_name: dict[str, list[str]] = {}
        view = run.state.view
        for record in view.records(type_name) if view is not None else ():
            if record.get("status") == "ARCHIVED" or record.get("name") in (None, ""):
                continue
            self.by_name.setdefault(str(record["name"]), []).append(str(record.get("id")))

    def taken(self, run: Any, name: str, sheet: SheetState | None) -> bool:
        """Whether another active fact sheet of the type is named ``name`` (``sheet``: the one being named)."""
        state = run.state
        own = sheet.id if sheet is not None else None
        for fs_id in self.by_name.get(name, ()):
            if fs_id == own:
                continue
            other = state.by_id.get(fs_id)
            if other is not None and (other.status == "ARCHIVED" or other.values.get("name", name) != name):
                continue  # archived or renamed by this run
            return True
        for other in (*state.new.values(), *state.by_id.values()):
            if other is sheet or other.type != self.type or other.status == "ARCHIVED":
                continue
            if other.values.get("name") == name and (own is None or other.id != own):
                return True
        return False


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
        #: ``name`` updates with several values: ranked name candidates (see the module docstring)
        self.name_candidates: dict[int, UpdateTemplate] = {
            id(u): _candidate_update(u)
            for u in self.updates
            if u.static_key == "name" and len(u.values) > 1 and u.for_each is None and u.op == "replace"
        }
        self._names: tuple[Any, NamesInUse] | None = None
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
            if self.name_candidates and id(update) in self.name_candidates:
                self._choose_name(run, ctx, content_id, update, sheet, updates)
                continue
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

    def _choose_name(
        self,
        run: Any,
        ctx: dict[str, Any],
        content_id: Any,
        update: UpdateTemplate,
        sheet: SheetState | None,
        updates: list[tuple[str, Any, Any, str]],
    ) -> None:
        """Adds the first name candidate that is not null and not taken by another fact sheet."""
        ranked = self.name_candidates[id(update)]
        found = evaluate_updates((ranked,), run, self, ctx, content_id, self.resolve_key)
        if not found:
            return  # no candidate at all: evaluate_updates reported it (unless optional)
        names = self._names
        if names is None or names[0] is not run:
            names = self._names = (run, NamesInUse(run, self.fs_type))
        in_use = names[1]
        info = self.resolve_key("name")
        for candidate in found[0][2]:
            value = candidate
            if isinstance(info, FieldInfo) and info.kind is not None:
                try:
                    value = coerce_value(info, candidate)
                except ValueError as exc:
                    run.warn(self, content_id, Category.INVALID_VALUE, str(exc), update.path, key="name")
                    continue
            if value is None or value == "" or in_use.taken(run, str(value), sheet):
                continue
            updates.append(
                ("name", info if isinstance(info, FieldInfo) else _NAME_CANDIDATES, value, "replace")
            )
            return
        if not update.optional:
            run.warn(
                self,
                content_id,
                Category.NO_VALUE_FOUND,
                "Every name candidate is taken by another "
                f"{self.fs_type} fact sheet ({', '.join(repr(str(c)) for c in found[0][2])}); the name is not written",
                update.path,
                key="name",
            )

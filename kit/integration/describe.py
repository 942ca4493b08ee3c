"""Fact sheet references described for people: (id, readable reference, type, name).

A :class:`~kit.integration.plan.FactSheetRef` names an existing fact sheet by id or one a run creates by type
and external id. :class:`Describer` turns one into ``(id, "new Application externalId=x", type, name)``,
taking names from the run's state and, for other existing fact sheets, from the workspace view. Pure: the
view is the only source of data.
"""

from __future__ import annotations

from typing import Any

from kit.integration.engine.state import RunState
from kit.integration.plan import FactSheetRef
from kit.integration.view import WorkspaceView

__all__ = ["Description", "Describer", "ref_text"]

#: (id, readable reference, type, name)
Description = tuple[Any, Any, Any, Any]


def ref_text(ref: FactSheetRef | None, new: bool) -> str | None:
    """The id, or ``new Application externalId=x`` for a fact sheet the run creates (without ``new`` for one
    assumed to exist)."""
    if ref is None:
        return None
    if ref.id is not None:
        return ref.id
    if ref.external is None:
        return None
    field, value = ref.external
    return f"{'new ' if new else ''}{ref.type or 'fact sheet'} {field}={value}"


class Describer:
    """Describes the fact sheet references of one run, cached per reference object (refs are shared per
    fact sheet, so millions of plan records cost one lookup each)."""

    def __init__(self, state: RunState | None, view: WorkspaceView | None) -> None:
        self.view = view
        self._names: dict[int, Any] = {}
        self._new: set[int] = set()
        if state is not None:
            self._new = {id(s.ref) for s in state.new.values()}
            for group in (state.by_id.values(), state.new.values(), state.assumed.values()):
                for sheet in group:
                    known = sheet.record is not None or sheet.is_new
                    self._names[id(sheet.ref)] = sheet.get("name") if known else None
        self._cache: dict[int, Description] = {}

    def is_new(self, ref: FactSheetRef) -> bool:
        """Whether the run creates this fact sheet."""
        return id(ref) in self._new

    def __call__(self, ref: FactSheetRef | None) -> Description:
        if ref is None:
            return (None, None, None, None)
        key = id(ref)
        found = self._cache.get(key)
        if found is None:
            name = self._names.get(key)
            if name is None and ref.id is not None and self.view is not None:
                record = self.view.record(ref.id)
                name = record.get("name") if record is not None else None
            found = self._cache[key] = (ref.id, ref_text(ref, key in self._new), ref.type, name)
        return found

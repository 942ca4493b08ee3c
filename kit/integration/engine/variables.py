"""``variableProcessor`` and the run's variable store.

Any processor may carry ``variables``; each execution appends its value to the list of its key. A variable
written at run level n is readable from level n+1 on (``${variables.x.sum()}``); at level n it reads as it
was before the level started (null if never written). Root ``variables`` of the configuration are defaults:
readable at every level, replaced by the collected values once a processor has written that key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.juel import VariableList, Variables

from .processor import Processor

__all__ = ["VariableProcessor", "VariableStore"]


class VariableProcessor(Processor):
    """Collects variables only (the base processor's behaviour)."""

    processor_type = "variableProcessor"


class VariableStore:
    """Defaults, the lists visible to the current level and those written during it."""

    def __init__(self, defaults: Mapping[str, Any] | None) -> None:
        self.defaults: dict[str, VariableList] = {}
        for key, value in (defaults or {}).items():
            self.defaults[str(key)] = VariableList(value if isinstance(value, list | tuple) else [value])
        self.collected: dict[str, VariableList] = {}
        self.pending: dict[str, VariableList] = {}
        #: (key, level) -> values written at that level, for the preview's frame
        self.history: dict[tuple[str, int], list[Any]] = {}
        self.visible = Variables.view(dict(self.defaults))

    def add(self, key: str, value: Any, level: int) -> None:
        found = self.pending.get(key)
        if found is None:
            self.pending[key] = VariableList([value])
        else:
            found.append(value)
        entry = self.history.get((key, level))
        if entry is None:
            self.history[(key, level)] = [value]
        else:
            entry.append(value)

    def finish_level(self) -> None:
        """Makes this level's values readable from the next level on."""
        for key, values in self.pending.items():
            current = self.collected.get(key)
            if current is None:
                self.collected[key] = VariableList(values)
            else:
                current.extend(values)
        self.pending = {}
        merged = dict(self.defaults)
        merged.update(self.collected)
        self.visible = Variables.view(merged)

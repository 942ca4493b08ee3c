"""What rules see: the data, the problems the input checks found, and helpers over processors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kit.integration.inputs.config import config_direction
from kit.integration.inputs.document import Document
from kit.integration.inputs.issues import Problem
from kit.integration.inputs.validate import TemplateUse

__all__ = ["LintContext", "processor_label", "run_level"]


@dataclass
class LintContext:
    """One input being linted. ``kind`` is ``config``, ``mappings`` or ``ldif``."""

    kind: str
    document: Document
    problems: list[Problem] = field(default_factory=list)
    templates: list[TemplateUse] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return self.document.data

    @property
    def root(self) -> dict[str, Any]:
        """The data when it is an object, else an empty dict (rules never need to type-check the root)."""
        return self.data if isinstance(self.data, dict) else {}

    @property
    def direction(self) -> str:
        return config_direction(self.root)

    @property
    def mode(self) -> str:
        mode = self.root.get("processingMode")
        return mode.lower() if isinstance(mode, str) else "partial"

    def processors(self, *, enabled_only: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(index, processor)`` for every processor that is an object."""
        processors = self.root.get("processors")
        for index, processor in enumerate(processors if isinstance(processors, list) else []):
            if isinstance(processor, dict) and not (enabled_only and processor.get("enabled") is False):
                yield index, processor


def run_level(processor: dict[str, Any]) -> int:
    """The processor's ``run`` (0 when absent or invalid)."""
    run = processor.get("run")
    return run if isinstance(run, int) and not isinstance(run, bool) and run >= 0 else 0


def processor_label(index: int, processor: dict[str, Any]) -> str:
    """``'Apps from Deployments' (processors[0])`` or ``processors[0]``."""
    name = processor.get("processorName")
    return f"'{name}' (processors[{index}])" if isinstance(name, str) and name else f"processors[{index}]"

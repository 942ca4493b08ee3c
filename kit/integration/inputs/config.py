"""Processor configurations: load, validate (every problem at once), and the validated result."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .document import Document, read_document
from .issues import InputError, Problem
from .paths import Segments
from .schema import PROCESSOR_TYPES, SHAPES
from .validate import TemplateUse, Validator

__all__ = ["ConfigCheck", "ProcessorConfig", "check_config", "iter_updates", "load_config"]


@dataclass(frozen=True, repr=False)
class ProcessorConfig:
    """A validated processor configuration: ``data`` (plain dict), ``document`` (positions), ``name``."""

    data: dict[str, Any]
    document: Document
    name: str

    @property
    def processors(self) -> list[dict[str, Any]]:
        return self.data.get("processors") or []

    @property
    def direction(self) -> str:
        """``inbound`` or ``outbound`` (inferred from the processor types when the key is absent)."""
        return config_direction(self.data)

    @property
    def mode(self) -> str:
        """``partial`` (the default) or ``full``."""
        mode = self.data.get("processingMode")
        return mode.lower() if isinstance(mode, str) else "partial"

    def __repr__(self) -> str:  # never the data: it may hold credentials
        return f"ProcessorConfig({self.name!r}, {len(self.processors)} processors, {self.direction}, {self.mode})"


@dataclass
class ConfigCheck:
    """What checking a configuration found: problems and the JUEL templates it contains."""

    problems: list[Problem] = field(default_factory=list)
    templates: list[TemplateUse] = field(default_factory=list)


def config_direction(data: Mapping[str, Any]) -> str:
    direction = data.get("processingDirection")
    if isinstance(direction, str) and direction.lower() in ("inbound", "outbound"):
        return direction.lower()
    processors = data.get("processors")
    kinds = (
        [p.get("processorType") for p in processors if isinstance(p, dict)]
        if isinstance(processors, list)
        else []
    )
    directions = {PROCESSOR_TYPES[k].direction for k in kinds if isinstance(k, str) and k in PROCESSOR_TYPES}
    return "outbound" if directions == {"outbound"} else "inbound"


def iter_updates(data: Mapping[str, Any]) -> Iterator[tuple[Segments, dict[str, Any]]]:
    """Every ``updates`` / ``output`` entry of every processor that is an object, with its path."""
    processors = data.get("processors")
    if not isinstance(processors, list):
        return
    for index, processor in enumerate(processors):
        if not isinstance(processor, dict):
            continue
        for section in ("updates", "output"):
            entries = processor.get(section)
            if isinstance(entries, list):
                for position, entry in enumerate(entries):
                    if isinstance(entry, dict):
                        yield ("processors", index, section, position), entry


def check_config(data: Any) -> ConfigCheck:
    """Every problem of a configuration (never raises); also returns its JUEL templates."""
    validator = Validator()
    if not isinstance(data, dict):
        validator.problems.append(
            Problem(
                "schema",
                (),
                "a processor configuration must be a JSON object",
                'start the file with {"processors": [...]}',
            )
        )
        return ConfigCheck(validator.problems, validator.templates)
    validator.shape(data, SHAPES["Configuration"], ())
    _check_directions(data, validator.problems)
    _check_values(data, validator.problems)
    return ConfigCheck(validator.problems, validator.templates)


def _check_directions(data: dict[str, Any], problems: list[Problem]) -> None:
    direction = config_direction(data)
    processors = data.get("processors")
    for index, processor in enumerate(processors if isinstance(processors, list) else []):
        kind = processor.get("processorType") if isinstance(processor, dict) else None
        known = PROCESSOR_TYPES.get(kind) if isinstance(kind, str) else None
        if known and known.direction != direction:
            problems.append(
                Problem(
                    "schema",
                    ("processors", index, "processorType"),
                    f"'{kind}' is an {known.direction} processor but this configuration is {direction}",
                    f"move it to an {known.direction} configuration",
                )
            )
    if direction == "outbound" and "scope" not in data:
        problems.append(
            Problem(
                "schema",
                (),
                "an outbound configuration needs a global 'scope'",
                'add "scope": {} (all fact sheets)',
            )
        )


def _check_values(data: dict[str, Any], problems: list[Problem]) -> None:
    for segments, entry in iter_updates(data):
        values = entry.get("values")
        for position, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, dict) and value.get("map") is not None:
                for name in ("regexMatch", "regexReplace"):
                    if value.get(name) is not None:
                        problems.append(
                            Problem(
                                "schema",
                                (*segments, "values", position, name),
                                f"'{name}' cannot be used with 'map'",
                                f"remove '{name}' or use 'expr'",
                            )
                        )


def load_config(source: Mapping[str, Any] | str | os.PathLike[str]) -> ProcessorConfig:
    """Reads and validates a processor configuration (dict, JSON text or file); InputError lists every problem."""
    document = read_document(source, "processor configuration")
    problems = document.duplicates + check_config(document.data).problems
    if problems:
        raise InputError(document.name, document.issues(problems), "processor configuration")
    return ProcessorConfig(document.data, document, document.name)

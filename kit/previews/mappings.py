"""Inbound mappings (SAP Signavio's format, :mod:`kit.integration.mappings`) shown to people: what they write
for each source record, as DataFrames.

    >>> from kit.previews.mappings import preview_mappings
    >>> shown = preview_mappings("mappings.json", records, "model")   # doctest: +SKIP
    >>> shown.values, shown.warnings                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kit.integration.mappings import VALUE_COLUMNS, WARNING_COLUMNS, InboundMappings, resolve_mappings

__all__ = ["MappingPreview", "preview_mappings"]


@dataclass(frozen=True, repr=False)
class MappingPreview:
    """What the mappings write for each record: ``values`` and ``warnings`` DataFrames."""

    values: pd.DataFrame
    warnings: pd.DataFrame

    def _repr_html_(self) -> str:
        count = len(self.warnings)
        head = f"<b>Inbound mappings preview</b>: {len(self.values)} values, {count} warning{'s' if count != 1 else ''}"
        parts = [f"<p>{head}</p>", self.values.to_html(index=False, na_rep="")]
        if count:
            parts += ["<p><b>Warnings</b></p>", self.warnings.to_html(index=False, na_rep="")]
        return "".join(parts)

    def __repr__(self) -> str:
        count = len(self.warnings)
        return f"MappingPreview({len(self.values)} values, {count} warning{'s' if count != 1 else ''})"


def preview_mappings(
    mappings: InboundMappings | Mapping[str, Any] | str | os.PathLike[str],
    records: Sequence[Mapping[str, Any]],
    symbols: str | Sequence[str] = "model",
) -> MappingPreview:
    """Resolves every field for every record (:func:`kit.integration.mappings.resolve_mappings`) as frames.

    ``symbols`` names the EL symbol each record is bound to (``model``, ``editordata``, ``glossary`` ...);
    a sequence of names instead means each record is a mapping holding those symbols.
    """
    values, warnings = resolve_mappings(mappings, records, symbols)
    value_frame = pd.DataFrame(values, columns=VALUE_COLUMNS)
    value_frame["mapping"] = value_frame["mapping"].astype("Int64")
    return MappingPreview(value_frame, pd.DataFrame(warnings, columns=WARNING_COLUMNS))

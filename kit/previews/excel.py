"""Excel workbooks of frames: an .xlsx through pandas' openpyxl writer, and plain values for cells."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kit.outputs import atomic_file, check_output_file

__all__ = ["cell_text", "save_workbook", "write_xlsx"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters a worksheet cannot hold
_MAX_CELL = 32767  # Excel's limit on characters in one cell


def cell_text(value: Any) -> Any:
    """A value a spreadsheet cell can hold: scalars as they are, lists and maps as compact JSON."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)[:_MAX_CELL]
    if isinstance(value, datetime | date):
        return value.isoformat()
    try:
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))[:_MAX_CELL]
    except (TypeError, ValueError):
        return str(value)[:_MAX_CELL]


def _sheet_names(names: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, unique ignoring case."""
    out: list[str] = []
    for name in names:
        clean = _BAD_SHEET_CHARS.sub("_", name)[:31] or "Sheet"
        candidate, n = clean, 2
        while candidate.lower() in (o.lower() for o in out):
            candidate = f"{clean[:28]}_{n}"
            n += 1
        out.append(candidate)
    return out


def write_xlsx(path: str | os.PathLike[str], sheets: Mapping[str, pd.DataFrame]) -> None:
    """Write one sheet per frame (lists and maps as JSON text)."""
    prepared = {name: frame.map(cell_text) if not frame.empty else frame for name, frame in sheets.items()}
    if not prepared:
        prepared = {"empty": pd.DataFrame({"note": ["nothing to show"]})}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in zip(_sheet_names(list(prepared)), prepared.values(), strict=True):
            frame.to_excel(writer, sheet_name=name, index=False)


def save_workbook(path: str | os.PathLike[str], sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` to the .xlsx file ``path`` atomically (checked: an .xlsx name in a folder that exists)."""
    target = check_output_file(path, suffixes=(".xlsx",))
    with atomic_file(target) as work:
        write_xlsx(work, sheets)
    return target

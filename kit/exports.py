"""Workspace exports for people who work in Excel: ``ws.export("inventory.xlsx")`` and ``lxkit export``.

One sheet (or file) per fact sheet type, plus every relation read from its own side (``Relations``) and
every tag assignment (``Tags``); active fact sheets only, as ``ws.factsheets`` reads them. The formats:

* ``.xlsx``: one workbook. Excel has no time zones, so zoned timestamps are written as UTC wall time with
  `` (UTC)`` in the header (``updatedAt (UTC)``, :func:`kit.frame.excel_ready`); every sheet has its
  header row frozen, an autofilter, and column widths fitted to the values (capped at
  :data:`MAX_WIDTH` characters). Sheet names are cut to Excel's 31 characters and kept unique.
* a folder ending in ``.csv`` or ``.parquet``: one file per type plus ``relations`` and ``tags``. CSV keeps
  timestamps as ISO 8601 text with their offset (``+00:00``); Parquet keeps every dtype.

Nothing half-written is ever left under the user's name: the workbook is written to a hidden file beside
the target and renamed (:func:`kit.outputs.atomic_file`), a folder is built as a hidden sibling and renamed
into place. An existing target is refused unless ``overwrite=True``; a folder is only replaced when it
holds nothing but files of the export's format.
"""

from __future__ import annotations

import difflib
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kit.frame import Frame, as_frame, excel_ready
from kit.leanix import UnknownFactSheetType
from kit.outputs import OutputError, atomic_file

__all__ = [
    "FORMATS",
    "MAX_WIDTH",
    "SHEET_NAME_LIMIT",
    "check_export_target",
    "export",
    "export_frames",
    "sheet_names",
]

FORMATS = (".xlsx", ".csv", ".parquet")
"""What :func:`export` writes: a workbook, or a folder of CSV or Parquet files."""
SHEET_NAME_LIMIT = 31
"""Excel refuses longer sheet names."""
MAX_WIDTH = 60
"""Column widths are fitted to the longest value (in characters) up to this cap; longer texts wrap."""
_WIDTH_SAMPLE = 1000
"""Rows read to fit a column's width (a large sheet need not be read twice in full)."""
_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def export(
    source: Any,
    path: str | os.PathLike[str],
    types: Iterable[str] | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Export ``source`` (a :class:`~kit.workspace.Workspace` or a :class:`~kit.snapshot.Snapshot`) to
    ``path``: ``.xlsx`` a workbook, ``.csv`` / ``.parquet`` a folder of files; returns the path written.

    ``types``: the fact sheet types (default: every type of ``source``). The target is checked before
    anything is read, so a wrong path fails at once."""
    check_export_target(path, overwrite)
    names = _resolve_types(source, types)
    return export_frames(_frames(source, names), path, overwrite=overwrite)


def export_frames(
    frames: Mapping[str, pd.DataFrame], path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write named frames as :func:`export` does (one sheet or file per name, in order); returns the path.

    Names become sheet names (cut to 31 characters, kept unique) or file names (``<name>.csv``)."""
    target, suffix = check_export_target(path, overwrite)
    if suffix == ".xlsx":
        _write_workbook(frames, target)
    else:
        _write_folder(frames, target, suffix, overwrite)
    return target


# -- what is exported ---------------------------------------------------------------------------------------
def _resolve_types(source: Any, types: Iterable[str] | None) -> list[str]:
    known = list(source.types())
    if types is None:
        return known
    wanted = [types] if isinstance(types, str) else list(types)
    for name in wanted:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownFactSheetType(
                f"Cannot export fact sheet type {name!r}: {_describe(source)} has no such type.{hint} "
                f"Known types: {', '.join(known)}."
            )
    return list(dict.fromkeys(wanted))


def _describe(source: Any) -> str:
    where = getattr(source, "path", None)
    return f"the snapshot at {where}" if where is not None else "the workspace"


def _frames(source: Any, types: list[str]) -> dict[str, pd.DataFrame]:
    """Fact sheets per type, then ``Relations`` (each type's own relations) and ``Tags``."""
    from kit.snapshot import Snapshot

    read: Callable[[str], tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame]]
    read = _snapshot_frames(source) if isinstance(source, Snapshot) else _live_frames(source)
    out: dict[str, pd.DataFrame] = {}
    relations: list[pd.DataFrame] = []
    tags: list[pd.DataFrame] = []
    for name in types:
        factsheets, own, tagged = read(name)
        out[name] = factsheets
        relations += [f.assign(fromType=name) for f in own if not f.empty]
        if not tagged.empty:
            tags.append(tagged.assign(type=name))
    out["Relations"] = _concat(relations, ["fromType", "relation", "fromId", "toId"])
    out["Tags"] = _concat(tags, ["type", "id", "name"])
    return out


def _live_frames(ws: Any) -> Callable[[str], tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame]]:
    from kit.frames.reader import read_type
    from kit.snapshot import own_relations

    def read(name: str) -> tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame]:
        own = own_relations(name, list(ws.model.relations_of(name)))
        frames = read_type(ws, name, include_archived=False, relations=own)
        return frames.factsheets, [frames.relations[r] for r in own], frames.tags

    return read


def _snapshot_frames(snapshot: Any) -> Callable[[str], tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame]]:
    def read(name: str) -> tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame]:
        return snapshot.factsheets(name), [snapshot.relations(name)], snapshot.tags(name)

    return read


def _concat(frames: list[pd.DataFrame], first: list[str]) -> Frame:
    """Frames of different columns as one, the columns named in ``first`` (those present) leading."""
    if not frames:
        return Frame()
    from kit.snapshot.frames import _concat as concat_keeping_categories

    frame = concat_keeping_categories(frames)
    leading = [c for c in first if c in frame.columns]
    return as_frame(frame[[*leading, *(c for c in frame.columns if c not in leading)]])


# -- the target -----------------------------------------------------------------------------------------
def check_export_target(path: str | os.PathLike[str], overwrite: bool) -> tuple[Path, str]:
    """The target and its format, or :class:`~kit.outputs.OutputError` saying what is wrong and what to do."""
    text = os.fspath(path)
    if "\0" in text:
        raise OutputError(f"{text!r}: a path cannot contain a NUL character; choose another name")
    target = Path(text)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(
            f"{text}: cannot export to {target.suffix or 'a name without a suffix'!r}; end the path in .xlsx "
            "(one workbook), .csv or .parquet (a folder with one file per type, relations and tags)"
        )
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(
            f"{text}: the folder {folder} does not exist; create it first or choose another path"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{text}: the folder {folder} is not writable; choose another folder")
    try:
        mode: int | None = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{text}: cannot be written ({exc.strerror}); choose another path") from None
    if mode is None:
        return target, suffix
    if suffix == ".xlsx":
        if not stat.S_ISREG(mode):
            raise OutputError(f"{text} exists and is not a file; choose another name for the workbook")
        if not overwrite:
            raise OutputError(f"{text} exists; pass overwrite=True (lxkit export --overwrite) to replace it")
        return target, suffix
    if not stat.S_ISDIR(mode):
        raise OutputError(f"{text} exists and is not a folder; a {suffix} export writes a folder of files")
    entries = list(target.iterdir())
    if entries and not overwrite:
        raise OutputError(f"{text} exists; pass overwrite=True (lxkit export --overwrite) to replace it")
    strangers = [e.name for e in entries if not (e.suffix == suffix and e.is_file() and not e.is_symlink())]
    if strangers:
        raise OutputError(
            f"{text} holds more than a {suffix} export ({', '.join(sorted(strangers)[:5])}); it is not "
            "replaced. Choose a new folder"
        )
    return target, suffix


# -- writing ------------------------------------------------------------------------------------------------
def sheet_names(names: Iterable[str]) -> list[str]:
    """Excel sheet names for ``names``: characters Excel refuses (``[]:*?/\\``) as ``_``, at most 31
    characters, unique regardless of case (a clash gets `` (2)``, `` (3)`` … within the limit)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = str(name).translate(_FORBIDDEN).strip("'")[:SHEET_NAME_LIMIT] or "Sheet"
        candidate, n = base, 1
        while candidate.lower() in seen:
            n += 1
            tail = f" ({n})"
            candidate = base[: SHEET_NAME_LIMIT - len(tail)] + tail
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _write_workbook(frames: Mapping[str, pd.DataFrame], target: Path) -> None:
    with atomic_file(target) as work:
        with pd.ExcelWriter(work, engine="openpyxl") as writer:
            for sheet, frame in zip(sheet_names(frames), frames.values(), strict=True):
                ready = excel_ready(frame)
                ready.to_excel(writer, sheet_name=sheet, index=False)
                _dress(writer.sheets[sheet], ready)


def _dress(sheet: Any, frame: pd.DataFrame) -> None:
    """Freeze the header row, put an autofilter over the table and fit the column widths."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    sample = frame.head(_WIDTH_SAMPLE)
    for position, label in enumerate(frame.columns, start=1):
        texts = sample.iloc[:, position - 1].dropna().astype(str)
        longest = max([len(str(label)), *(len(line) for t in texts for line in t.splitlines() or [""])])
        sheet.column_dimensions[get_column_letter(position)].width = min(longest + 2, MAX_WIDTH)


def _write_folder(frames: Mapping[str, pd.DataFrame], target: Path, suffix: str, overwrite: bool) -> None:
    """Every frame as ``<name><suffix>`` in a hidden sibling folder, then put in place with renames."""
    work = target.with_name(f".{target.name}.lxkit-export-{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        work.mkdir()
        for name, frame in zip(_file_names(frames), frames.values(), strict=True):
            file = work / f"{name}{suffix}"
            if suffix == ".csv":
                frame.to_csv(file, index=False)
            else:
                frame.to_parquet(file, index=False)
        _put_in_place(work, target)
    except OSError as exc:
        raise OutputError(
            f"{target}: cannot be written ({exc.strerror or exc}); nothing was changed there. Check the "
            "folder's permissions and free space"
        ) from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)  # our own hidden work folder, never the user's


def _file_names(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """File names: the type names as they are, ``relations`` and ``tags`` lower case (unique, case-blind)."""
    names = [n.lower() if n in ("Relations", "Tags") else n for n in frames]
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = name.translate(_FORBIDDEN) or "frame"
        candidate, n = base, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _put_in_place(work: Path, target: Path) -> None:
    """Rename ``work`` to ``target``; an existing ``target`` (already checked to hold only export files)
    is set aside first and its files removed afterwards."""
    if not target.exists():
        os.rename(work, target)
        return
    if not any(target.iterdir()):
        os.rmdir(target)
        os.rename(work, target)
        return
    aside = target.with_name(f".{target.name}.lxkit-export-{os.getpid()}-{secrets.token_hex(4)}.old")
    os.rename(target, aside)
    try:
        os.rename(work, target)
    except OSError:
        os.rename(aside, target)  # put the previous export back
        raise
    for entry in aside.iterdir():
        entry.unlink()
    aside.rmdir()

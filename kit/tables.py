"""Tables for people: any kit frame as a styled HTML table that reads like the LeanIX web app.

``table(frame)`` (docs/reports.md §2) returns a pandas ``Styler`` whose cells are already text made by
:mod:`kit.formatting`: shares as ``24.1%``, durations as ``4 min 5 s`` (also ISO 8601 ones such as
``PT0.00094385S``; a column counts as a share by its name or when the frame lists it in
``frame.attrs["shares"]``), timestamps as dates (with the time where the frame lists the column in
``frame.attrs["moments"]``), ``(not set)`` for missing values, at most 3 decimals, fact sheet
types and select values as labels. Headers are field labels (``businessCriticality`` → ``Business
criticality``), the index is not shown, and long texts wrap instead of widening the page.

Names link to their fact sheet in the workspace (``links=ws`` or :class:`Links`); the ids they link by are
kept in hidden columns (in ``styler.data``, not drawn), as are the ids of anything shown by name. An empty
frame gives a :class:`Note` (one sentence) instead of a table with headers only. Everything is plain
HTML and CSS, so it looks the same in JupyterLab and in the nbconvert HTML export.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from pandas.api import types as ptypes

from kit import formatting as fmt

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler
    from pandas.io.formats.style_render import CSSDict

__all__ = ["Links", "Note", "table"]

#: a column of numbers between 0 and 1 whose name says it is a share is shown in %
SHARE_NAMES = re.compile(
    r"share|completion|coverage|percent|fraction|ratio_of|rate$|documented", re.IGNORECASE
)
#: columns whose values are fact sheet type names
TYPE_COLUMNS = frozenset({"type", "fromType", "toType", "factSheetType"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)

_CSS: list[CSSDict] = [
    {"selector": "", "props": "border-collapse: collapse; max-width: 100%"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: 600; padding: 4px 0"},
    {
        "selector": "th",
        "props": "text-align: left; vertical-align: bottom; white-space: normal; padding: 3px 10px",
    },
    {
        "selector": "td",
        "props": (
            "text-align: left; vertical-align: top; padding: 3px 10px; max-width: 36em; "
            "white-space: normal; overflow-wrap: anywhere; word-break: break-word"
        ),
    },
    {"selector": "td.lx-number", "props": "text-align: right; font-variant-numeric: tabular-nums"},
    {"selector": "td.lx-missing", "props": "opacity: 0.6; font-style: italic"},
]


@dataclass(frozen=True)
class Links:
    """Where names link to: the workspace's ``host`` (with or without scheme) and ``workspace`` name.

    ``type`` is the fact sheet type of rows whose frame has no type column (e.g. the ``from`` side of
    ``ws.relations("Application", ...)``).
    """

    host: str
    workspace: str
    type: str | None = None

    def url(self, type_name: Any, id: Any) -> str | None:  # noqa: A002 - LeanIX's word
        """The fact sheet's address, or None when its type or id is missing."""
        type_name = type_name if not fmt.is_missing(type_name) else self.type
        if fmt.is_missing(type_name) or fmt.is_missing(id):
            return None
        return fmt.factsheet_url(self.host, self.workspace, str(type_name), str(id))


@dataclass(frozen=True)
class Note:
    """What an empty table shows instead: one sentence, as HTML in notebooks and exports."""

    text: str

    def to_html(self) -> str:
        return f'<p class="lxkit-empty">{html.escape(self.text)}</p>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.text


def _as_links(links: Any) -> Links | None:
    """``links`` as :class:`Links`: one already, a mapping with host/workspace(/type), or an object with
    ``host`` and ``name`` (a ``Workspace``)."""
    if links is None or isinstance(links, Links):
        return links
    if isinstance(links, Mapping):
        try:
            return Links(str(links["host"]), str(links["workspace"]), links.get("type"))
        except KeyError as exc:
            raise TypeError(f"table(links=...) needs 'host' and 'workspace' keys; {exc} is missing") from None
    host, name = getattr(links, "host", None), getattr(links, "name", None)
    if not host or not name:
        raise TypeError(
            f"table(links=...) takes a Workspace, kit.tables.Links(host, workspace) or a mapping with "
            f"'host' and 'workspace', not {type(links).__name__} (without a host and workspace name)"
        )
    return Links(str(host), str(name))


def _header(column: Any) -> str:
    if isinstance(column, tuple):
        return " · ".join(_header(part) for part in column if str(part))
    return fmt.field_label(column) if isinstance(column, str) else str(column)


def _linked_pairs(columns: list[Any]) -> dict[str, tuple[str, str | None]]:
    """Name column → (its id column, its type column or None) for the fact sheets a frame names."""
    pairs: dict[str, tuple[str, str | None]] = {}
    for column in columns:
        if not isinstance(column, str):
            continue
        if column == "name" and "id" in columns:
            pairs[column] = ("id", "type" if "type" in columns else None)
        elif column.endswith("Name") and column != "displayName" and f"{column[:-4]}Id" in columns:
            prefix = column[:-4]
            if prefix in ("user", "tag", "tagGroup"):
                continue  # not fact sheets
            pairs[column] = (f"{prefix}Id", f"{prefix}Type" if f"{prefix}Type" in columns else None)
    return pairs


def _is_uuid_column(values: pd.Series) -> bool:
    found = values.dropna()
    return bool(len(found)) and all(isinstance(v, str) and _UUID.fullmatch(v) for v in found)


def _hidden(frame: pd.DataFrame, pairs: Mapping[str, tuple[str, str | None]]) -> list[str]:
    """Id columns of what the frame names (``id`` of ``name``, ``tagId`` of ``tag`` ...), and columns of
    UUIDs only when the frame names anything: people read names, the ids stay in the data."""
    columns = list(frame.columns)
    hidden = [id_column for id_column, _ in pairs.values()]
    named = bool(pairs) or any(isinstance(c, str) and (c == "name" or c.endswith("Name")) for c in columns)
    for column in columns:
        if not isinstance(column, str) or column in hidden:
            continue
        names_of = column[:-2] in columns or f"{column[:-2]}Name" in columns
        id_of_name = (column.endswith("Id") and names_of) or (column == "id" and "name" in columns)
        if id_of_name or (named and _is_uuid_column(frame[column])):
            hidden.append(column)
    return hidden


def _formatter(name: Any, values: pd.Series, share: bool = False) -> tuple[Callable[[Any], str], bool]:
    """How a column's values read, from its dtype and name; and whether it is a number column.

    ``share``: the frame declares the column a share (``frame.attrs["shares"]``, set by the kit function
    that made it), whatever its name."""
    dtype = values.dtype
    if isinstance(name, str) and name in TYPE_COLUMNS:
        return fmt.type_label, False
    if ptypes.is_bool_dtype(dtype):
        return fmt.text, False
    if ptypes.is_datetime64_any_dtype(dtype):
        return fmt.date, False
    if ptypes.is_timedelta64_dtype(dtype):
        return fmt.duration, True
    if isinstance(dtype, pd.CategoricalDtype):
        return fmt.value_label, False
    if ptypes.is_integer_dtype(dtype):
        return fmt.number, True
    if ptypes.is_float_dtype(dtype):
        found = values.dropna()
        named = share or (isinstance(name, str) and SHARE_NAMES.search(name))
        if named and len(found) and found.between(0, 1).all():
            return fmt.share, True
        return fmt.number, True
    found = values.dropna()
    if len(found) and all(fmt.is_iso_duration(v) for v in found):
        return fmt.duration, True
    return fmt.text, False


def _unique(labels: list[str]) -> list[str]:
    """Labels made unique by a counter (``Updated at``, ``Updated at (2)``) so no column shadows another."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


def _missing_text(value: Any) -> bool:
    try:
        return fmt.is_missing(value)
    except (TypeError, ValueError):
        return False


def table(
    frame: pd.DataFrame,
    *,
    links: Any = None,
    caption: str | None = None,
    empty: str = "Nothing to show.",
    formats: Mapping[str, Callable[[Any], str]] | None = None,
) -> Styler | Note:
    """``frame`` as a table for people (see the module docstring); a :class:`Note` saying ``empty`` when
    it has no rows.

    ``links``: a ``Workspace`` (or :class:`Links`, or ``{"host", "workspace"}``) to link names (``name``,
    ``toName``, ...) to their fact sheets by the ids beside them. ``caption``: a heading above the table.
    ``formats``: a formatter per column where the column's kind is not enough, e.g.
    ``{"startedAt": kit.formatting.moment, "totalAnnualCost": lambda v: kit.formatting.money(v, "EUR")}``.

    The ``Styler``'s data are the formatted texts (HTML) plus the hidden id columns; export the frame
    itself (``kit.exports``), not the Styler.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"table() takes a pandas DataFrame, not {type(frame).__name__}")
    if frame.empty:
        return Note(empty)
    named_index = any(name is not None for name in frame.index.names)
    data = frame.reset_index() if named_index else frame.reset_index(drop=True)
    if data.columns.duplicated().any():
        doubled = sorted({str(c) for c in data.columns[data.columns.duplicated()]})
        raise ValueError(
            f"table(): the frame has more than one column named {', '.join(doubled)}; rename them"
        )
    target = _as_links(links)
    shares = set(frame.attrs.get("shares", ()))
    moments = set(frame.attrs.get("moments", ()))  # timestamps whose time of day matters
    columns = list(data.columns)
    pairs = _linked_pairs(columns)
    hidden = _hidden(data, pairs)
    chosen = dict(formats or {})
    unknown = [c for c in chosen if c not in columns]
    if unknown:
        raise KeyError(f"table(formats=...) names column(s) the frame lacks: {', '.join(map(str, unknown))}")
    shown: dict[Any, list[str]] = {}
    classes: dict[Any, list[str]] = {}
    for column in columns:
        values = data[column]
        if column in hidden:
            shown[column] = ["" if fmt.is_missing(v) else str(v) for v in values]
            classes[column] = [""] * len(values)
            continue
        format_value, numeric = _formatter(column, values, column in shares)
        if column in moments:
            format_value = fmt.moment
        format_value = chosen.get(column, format_value)
        cells, kinds = [], []
        for value in values:
            missing = _missing_text(value)
            cells.append(html.escape(fmt.MISSING if missing else format_value(value)))
            kinds.append("lx-missing" if missing else "lx-number" if numeric else "")
        shown[column], classes[column] = cells, kinds
    if target is not None:
        for name, (id_column, type_column) in pairs.items():
            types = data[type_column] if type_column else [None] * len(data)
            for row, (id_value, type_value) in enumerate(zip(data[id_column], types, strict=True)):
                url = target.url(type_value, id_value)
                if url is not None and classes[name][row] != "lx-missing":
                    shown[name][row] = (
                        f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{shown[name][row]}</a>'
                    )
    heads = _unique([_header(c) if c not in hidden else str(c) for c in columns])
    display = pd.DataFrame(dict(zip(heads, shown.values(), strict=True)), columns=heads, dtype=object)
    styler = display.style.hide(axis="index")
    labels: list[Hashable] = [
        label for label, column in zip(display.columns, columns, strict=True) if column in hidden
    ]
    if labels:
        styler = styler.hide(subset=labels, axis="columns")
    styler = styler.format_index(escape="html", axis="columns")
    styler = styler.set_td_classes(
        pd.DataFrame(dict(zip(heads, classes.values(), strict=True)), columns=heads, dtype=object)
    )
    styler = styler.set_table_styles(_CSS).set_table_attributes('class="lxkit-table"')
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler

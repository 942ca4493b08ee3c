"""The explorer: a fact sheet type's fields as charts, the rows behind them, one fact sheet's relations.

``explorer(frames, source=ws)`` is, for a person in JupyterLab (:func:`kit.attended.attended`), a widget:
pick a type and a field to see how its values spread (numbers as a histogram, a few distinct values as
bars), the rows behind the chart below it, and pick a fact sheet to list its relations, read from ``source``
on first use and kept.

Where nobody watches (papermill, the report runner) no widget is sent: there a widget is a blank box in the
offline HTML and can leave nbclient waiting forever for the cell (nbclient issue #312). The explorer is a
:class:`StaticView` instead, the first type's first field as a plain figure and table.

Never charted: identifiers (``id``, ``…Id``, UUIDs), names, free text (``description``, ``…Description``,
many distinct or long texts), timestamps, lists (multi-selects, tags) and the revision counter.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from IPython.display import HTML, display
from pandas.api import types as ptypes

from kit import formatting as fmt
from kit.attended import attended
from kit.inventory import NOT_SET
from kit.inventory import value_counts as _value_counts
from kit.tables import SHARE_NAMES, Links, Note, table
from kit.viz import theme
from kit.viz.charts import value_counts

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = [
    "Explorer",
    "Relations",
    "StaticView",
    "explorable",
    "explorer",
    "field_figure",
    "histogram",
    "relation_label",
    "rows",
    "rows_table",
    "static_view",
]

Kind = Literal["numbers", "values"]

#: more distinct values than this are not categories (a bar each would be unreadable)
MAX_VALUES = 30
#: texts whose median length is above this are free text, not categories
MAX_TEXT_LENGTH = 40
#: rows shown below the chart
MAX_ROWS = 50
#: what the static view says instead of the widget
STATIC_NOTE = (
    "The interactive explorer (any type and field, the rows behind them, a fact sheet's relations) "
    "shows when this notebook is opened in JupyterLab."
)
NO_SOURCE = "Relations need a workspace or snapshot to read them from: explorer(frames, source=ws)."

_NOT_CHARTED = frozenset({"id", "name", "displayName", "fullName", "description", "type", "rev"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class RelationSource(Protocol):
    """What the explorer reads relations from: a ``kit.Workspace`` or a loaded snapshot."""

    def fields(self, type: str) -> pd.DataFrame: ...  # noqa: A002 - the kit's word

    def relations(self, type: str, relation: str) -> pd.DataFrame: ...  # noqa: A002


# -- which fields, drawn how ------------------------------------------------------------------------------
def explorable(frame: pd.DataFrame) -> dict[str, Kind]:
    """The columns worth a chart, in the frame's order, and how: ``"numbers"`` (a histogram) or
    ``"values"`` (a bar per value). Columns without any value are left out: there is nothing to draw."""
    kinds: dict[str, Kind] = {}
    for column in frame.columns:
        kind = _kind(column, frame[column])
        if kind is not None:
            kinds[column] = kind
    return kinds


def _kind(name: Any, values: pd.Series) -> Kind | None:
    if not isinstance(name, str) or name in _NOT_CHARTED or name.endswith(("Id", "Name", "Description")):
        return None
    dtype = values.dtype
    found = values.dropna()
    if found.empty or ptypes.is_datetime64_any_dtype(dtype) or ptypes.is_timedelta64_dtype(dtype):
        return None
    if ptypes.is_bool_dtype(dtype):
        return "values"
    if ptypes.is_numeric_dtype(dtype):
        return "numbers"
    if not isinstance(dtype, pd.CategoricalDtype) and not all(isinstance(v, str) for v in found):
        return None  # lists, objects, timestamps kept as objects
    texts = found.astype(str)
    if all(_UUID.fullmatch(text) for text in texts):
        return None
    if texts.nunique() > MAX_VALUES or texts.str.len().median() > MAX_TEXT_LENGTH:
        return None
    return "values"


def _type_name(frame: pd.DataFrame, type_name: str | None) -> str:
    if type_name:
        return type_name
    if "type" in frame.columns and len(frame) and not fmt.is_missing(frame["type"].iloc[0]):
        return str(frame["type"].iloc[0])
    return "Fact sheets"


def _in_sentence(field: str) -> str:
    """A field label inside a sentence: ``Total annual cost`` → ``total annual cost``; ``IT owner`` and
    ``OpEx`` kept."""
    label = fmt.field_label(field)
    first = label.split(" ", 1)[0]
    return label if any(c.isupper() for c in first[1:]) else label[:1].lower() + label[1:]


# -- figures ------------------------------------------------------------------------------------------------
def field_figure(frame: pd.DataFrame, field: str, type_name: str | None = None) -> go.Figure:
    """``field``'s values as a figure: :func:`histogram` for numbers, a bar per value otherwise."""
    kinds = explorable(frame)
    if field not in kinds:
        raise ValueError(
            f"{field!r} is not a field the explorer charts (identifiers, names, free text, timestamps, lists "
            f"and empty columns are left out); it charts: {', '.join(kinds) or 'none of this frame'}"
        )
    return histogram(frame, field, type_name) if kinds[field] == "numbers" else _bars(frame, field, type_name)


def histogram(frame: pd.DataFrame, field: str, type_name: str | None = None) -> go.Figure:
    """How a number field spreads: about √n bins of a round width, the title saying how many are set and
    the median. Amounts spanning orders of magnitude (costs, user counts), which linear bins would cram
    into one bar, are binned on a log scale."""
    values = frame[field].astype("float64").dropna()
    share = bool(SHARE_NAMES.search(field)) and len(values) > 0 and bool(values.between(0, 1).all())
    log = not share and _crowded(values)
    drawn = values.map(math.log10) if log else values
    label = fmt.field_label(field)
    figure = go.Figure(
        go.Histogram(
            x=drawn.to_list(),
            xbins=_bins(drawn, whole=not log) if len(values) else None,
            marker_color=theme.BAR_COLOUR,
            hovertemplate="%{y} fact sheets<extra></extra>"
            if log
            else "%{x}: %{y} fact sheets<extra></extra>",
        )
    )
    if log:
        powers = range(math.floor(drawn.min()), math.ceil(drawn.max()) + 1)
        figure.update_xaxes(tickvals=list(powers), ticktext=[fmt.number(10**p) for p in powers])
    else:
        figure.update_xaxes(separatethousands=True, tickformat=".0%" if share else None)
    figure.update_layout(bargap=0.05)
    who, what = fmt.type_label(_type_name(frame, type_name)), _in_sentence(field)
    if values.empty:
        title = f"{who}: {what}, none of {len(frame):,} set"
    else:
        say = fmt.share if share else fmt.number
        title = f"{who}: {what}, {len(values):,} of {len(frame):,} set, median {say(float(values.median()))}"
    return theme.apply(figure, title, f"{label} (log scale)" if log else label, "fact sheets")


def _bins(values: pd.Series, whole: bool = True) -> dict[str, float]:
    """Bins for ``values``: about √n of them (5 to 30) of a round width; whole numbers (when ``whole``)
    get bins no narrower than 1, centred on the numbers."""
    low, high = float(values.min()), float(values.max())
    count = min(30, max(5, math.ceil(math.sqrt(len(values)))))
    size = _round_up((high - low) / count) if high > low else 1.0
    if whole and size <= 1 and bool((values == values.round()).all()):
        return {"start": low - 0.5, "end": high + 0.5, "size": 1.0}
    start = math.floor(low / size) * size
    return {"start": start, "end": start + size * (math.floor((high - start) / size) + 1), "size": size}


def _crowded(values: pd.Series) -> bool:
    """Positive values spanning two orders of magnitude or more, of which linear bins would put more than
    half into one bin: a log scale shows them better."""
    if values.empty or bool((values <= 0).any()) or values.max() < 100 * values.min():
        return False
    bins = _bins(values, whole=False)
    return int(((values - bins["start"]) // bins["size"]).value_counts().max()) > len(values) / 2


def _round_up(step: float) -> float:
    """``step`` rounded up to 1, 2, 2.5 or 5 times a power of ten, so bin edges are round numbers."""
    power = 10.0 ** math.floor(math.log10(step))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= step * (1 - 1e-9))


def _bars(frame: pd.DataFrame, field: str, type_name: str | None) -> go.Figure:
    """A bar per value (:func:`kit.viz.charts.value_counts`), the title naming the most frequent one."""
    counts = _value_counts(frame, field)
    unset = int(counts.get(NOT_SET, 0))
    given = counts.drop(NOT_SET, errors="ignore")
    who, what = fmt.type_label(_type_name(frame, type_name)), _in_sentence(field)
    title = f"{who}: {what}, {len(frame) - unset:,} of {len(frame):,} set"
    if len(given):
        title += f", most often {fmt.value_label(given.idxmax())} ({int(given.max()):,})"
    figure = value_counts(frame, field, title)
    return figure.update_layout(xaxis_title=fmt.field_label(field))


# -- the rows behind a chart -------------------------------------------------------------------------------
def rows(frame: pd.DataFrame, field: str | None = None) -> pd.DataFrame:
    """The fact sheets behind a chart: id, name, the field and the lifecycle (those the frame has); the
    highest numbers first, or values in their chart order; unset values last, then by name."""
    wanted = dict.fromkeys(c for c in ("id", "name", field, "lifecycle") if c and c in frame.columns)
    picked = frame[list(wanted)]
    if field is None or field not in frame.columns:
        return picked.reset_index(drop=True)
    numbers = explorable(frame[[field]]).get(field) == "numbers"
    keys = [field, *(["name"] if "name" in wanted else [])]
    ordered = picked.sort_values(
        keys, ascending=[not numbers, True][: len(keys)], na_position="last", kind="stable"
    )
    return ordered.reset_index(drop=True)


def rows_table(
    frame: pd.DataFrame, field: str | None = None, type_name: str | None = None, links: Links | None = None
) -> Styler | Note:
    """:func:`rows` as a table (:func:`kit.tables.table`), at most ``MAX_ROWS``, the caption counting them."""
    ordered = rows(frame, field)
    shown = ordered.head(MAX_ROWS)
    who = fmt.type_label(_type_name(frame, type_name))
    count = (
        f"All {len(ordered):,}"
        if len(shown) == len(ordered)
        else f"The first {len(shown):,} of {len(ordered):,}"
    )
    caption = f"{count} {who} fact sheets"
    if field is not None and field in frame.columns:
        numbers = explorable(frame[[field]]).get(field) == "numbers"
        caption += f", highest {_in_sentence(field)} first" if numbers else f", by {_in_sentence(field)}"
    return table(shown, links=links, caption=caption + ".", empty=f"No {who} fact sheets.")


def _links(source: object, type_name: str) -> Links | None:
    """Where names link to, when ``source`` knows its host and workspace (a Workspace, most snapshots)."""
    host, name = getattr(source, "host", None), getattr(source, "name", None)
    return Links(str(host), str(name), type_name) if host and name else None


# -- relations ---------------------------------------------------------------------------------------------
def relation_label(relation: str) -> str:
    """A relation's name as a label: ``relApplicationToITComponent`` → ``Application to IT component``,
    ``relToParent`` → ``To parent``."""
    return fmt.field_label(relation[3:] if re.match(r"rel[A-Z]", relation) else relation)


class Relations:
    """One fact sheet's relations, read from ``source`` one relation of its type at a time.

    Nothing is read until a fact sheet is asked for; each ``source.relations(type, relation)`` answer (every
    fact sheet of the type) is kept, so the next fact sheet of that type costs no read.
    """

    COLUMNS = ("relation", "relatedName", "relatedType", "relatedId")

    def __init__(self, source: RelationSource) -> None:
        self.source = source
        self._names: dict[str, list[str]] = {}
        self._read: dict[tuple[str, str], pd.DataFrame] = {}

    def names(self, type_name: str) -> list[str]:
        """The type's relations, as ``source.fields(type)`` lists them (kind ``RELATION``)."""
        if type_name not in self._names:
            fields = self.source.fields(type_name)
            chosen = fields[fields["kind"].astype(str) == "RELATION"]["field"]
            self._names[type_name] = [str(name) for name in chosen]
        return self._names[type_name]

    def relation(self, type_name: str, relation: str) -> pd.DataFrame:
        """``source.relations(type_name, relation)``, read once."""
        key = (type_name, relation)
        if key not in self._read:
            self._read[key] = self.source.relations(type_name, relation)
        return self._read[key]

    def of(self, type_name: str, id: str) -> pd.DataFrame:  # noqa: A002 - LeanIX's word
        """The relations of the fact sheet ``id``: relation label, related fact sheet's name, type and id;
        in the order of the type's relations, then by name."""
        found: list[dict[str, Any]] = []
        for relation in self.names(type_name):
            read = self.relation(type_name, relation)
            if "fromId" not in read.columns:
                continue  # nothing recorded for this relation (an empty snapshot file)
            mine = read[read["fromId"].astype(object) == id]
            rows = [
                dict(zip(self.COLUMNS, (relation_label(relation), name, kind, to), strict=True))
                for name, kind, to in zip(mine["toName"], mine["toType"], mine["toId"], strict=True)
            ]
            found += sorted(rows, key=lambda row: str(row["relatedName"]).casefold())
        return pd.DataFrame(found, columns=list(self.COLUMNS), dtype=object)


def relations_table(related: pd.DataFrame, name: str, links: Links | None = None) -> Styler | Note:
    """:meth:`Relations.of` as a table, names linked to the related fact sheets."""
    target = Links(links.host, links.workspace) if links is not None else None
    return table(
        related,
        links=target,
        caption=f"{name}: {len(related):,} relations",
        empty=f"{name} has no relations.",
        formats={"relatedType": fmt.type_label},
    )


# -- the explorer ------------------------------------------------------------------------------------------
def _checked(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    if not frames:
        raise ValueError(
            "explorer needs at least one frame, e.g. {'Application': ws.factsheets('Application')}"
        )
    return dict(frames)


class Explorer(widgets.VBox):
    """Pick a type and a field: its chart and the rows behind it; pick a fact sheet: its relations.

    ``figure``, ``rows_view``, ``relations`` and ``relations_view`` hold what is shown, for code and tests.
    """

    def __init__(self, frames: Mapping[str, pd.DataFrame], source: RelationSource | None = None) -> None:
        self.frames = _checked(frames)
        self.source = source
        self.reader = Relations(source) if source is not None else None
        self.type_picker = widgets.Dropdown(options=list(self.frames), description="Type")
        self.field_picker = widgets.Dropdown(description="Field")
        self.factsheet_picker = widgets.Dropdown(description="Fact sheet", value=None)
        self.chart_output, self.rows_output, self.relations_output = (widgets.Output() for _ in range(3))
        self.figure: go.Figure | None = None
        self.rows_view: Styler | Note | None = None
        self.relations: pd.DataFrame | None = None
        self.relations_view: Styler | Note | None = None
        self.type_picker.observe(self._type_changed, names="value")
        self.field_picker.observe(self._field_changed, names="value")
        self.factsheet_picker.observe(self._factsheet_changed, names="value")
        pickers = widgets.HBox([self.type_picker, self.field_picker])
        super().__init__(
            [pickers, self.chart_output, self.rows_output, self.factsheet_picker, self.relations_output]
        )
        self._type_changed()

    @property
    def type_name(self) -> str:
        return str(self.type_picker.value)

    def fields(self, type_name: str) -> list[str]:
        """The fields offered for ``type_name``: :func:`explorable`."""
        return list(explorable(self.frames[type_name]))

    def _type_changed(self, _change: object = None) -> None:
        frame, fields = self.frames[self.type_name], self.fields(self.type_name)
        self.field_picker.unobserve(self._field_changed, names="value")
        self.field_picker.options = [(fmt.field_label(f), f) for f in fields]
        self.field_picker.value = fields[0] if fields else None
        self.field_picker.observe(self._field_changed, names="value")
        self.factsheet_picker.unobserve(self._factsheet_changed, names="value")
        self.factsheet_picker.options = _choices(frame)
        self.factsheet_picker.index = None
        self.factsheet_picker.observe(self._factsheet_changed, names="value")
        self._field_changed()
        self._factsheet_changed()

    def _field_changed(self, _change: object = None) -> None:
        frame, field = self.frames[self.type_name], self.field_picker.value
        self.figure = field_figure(frame, field, self.type_name) if field is not None else None
        self.rows_view = rows_table(frame, field, self.type_name, _links(self.source, self.type_name))
        _show(
            self.chart_output,
            self.figure if self.figure is not None else Note("No field of this type to chart."),
        )
        _show(self.rows_output, self.rows_view)

    def _factsheet_changed(self, _change: object = None) -> None:
        id_ = self.factsheet_picker.value
        self.relations = self.relations_view = None
        if id_ is None:
            _show(self.relations_output, None)
        elif self.reader is None:
            self.relations_view = Note(NO_SOURCE)
            _show(self.relations_output, self.relations_view)
        else:
            self.relations = self.reader.of(self.type_name, id_)
            name = str(self.factsheet_picker.label)
            self.relations_view = relations_table(self.relations, name, _links(self.source, self.type_name))
            _show(self.relations_output, self.relations_view)


def _choices(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """The fact sheet picker's (name, id) options, by name."""
    if not {"id", "name"} <= set(frame.columns):
        return []
    named = frame.dropna(subset=["id", "name"])
    return sorted(zip(named["name"].astype(str), named["id"].astype(str), strict=True))


def _show(output: widgets.Output, shown: object) -> None:
    """Replace what ``output`` shows."""
    output.clear_output(wait=True)
    if shown is not None:
        with output:
            display(shown)


@dataclass(frozen=True)
class StaticView:
    """The explorer where nobody watches: a plain figure, the rows behind it and a sentence; no widgets, so
    it shows in offline HTML like every other figure and table."""

    figure: go.Figure | None
    rows: Styler | Note
    note: str = STATIC_NOTE

    def _ipython_display_(self) -> None:
        if self.figure is not None:
            display(self.figure)
        display(self.rows)
        display(HTML(f'<p class="lxkit-note"><em>{html.escape(self.note)}</em></p>'))

    def __repr__(self) -> str:
        title = self.figure.layout.title.text if self.figure is not None else None
        return f"StaticView({title!r})"


def static_view(frames: Mapping[str, pd.DataFrame], source: object = None) -> StaticView:
    """The first type's first :func:`explorable` field as a figure, with the rows behind it."""
    type_name, frame = next(iter(_checked(frames).items()))
    field = next(iter(explorable(frame)), None)
    figure = field_figure(frame, field, type_name) if field is not None else None
    return StaticView(figure, rows_table(frame, field, type_name, _links(source, type_name)))


def explorer(
    frames: Mapping[str, pd.DataFrame], source: RelationSource | None = None
) -> Explorer | StaticView:
    """Explore ``frames`` (type → ``ws.factsheets(type)``): the :class:`Explorer` widget when a person
    watches (:func:`kit.attended.attended`), else its :class:`StaticView`.

    ``source``: the ``Workspace`` or snapshot the frames came from; it links names to fact sheets and lists
    a chosen fact sheet's relations. Without it, the explorer says relations need it.
    """
    checked = _checked(frames)
    return Explorer(checked, source) if attended() else static_view(checked, source)

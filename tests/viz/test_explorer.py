"""The explorer: which fields it charts and how, the rows behind a chart, a fact sheet's relations read on
first selection, and the static view it is where nobody watches. Asserted on figure data and table text."""

from __future__ import annotations

import ipywidgets
import pandas as pd
import plotly.graph_objects as go
import pytest
from IPython.display import HTML

from kit.tables import Links
from kit.viz import explorer
from kit.viz import widgets as explorer_widgets
from kit.viz.widgets import Explorer, StaticView, explorable, field_figure, rows, rows_table
from tests.test_inventory import PHASES, apps

HOST = "http://127.0.0.1:9"


def costs() -> pd.DataFrame:
    """300 applications: 280 with a cost, all distinct (1,000 to 280,000 in steps of 1,000), 20 without."""
    n = 300
    return pd.DataFrame(
        {
            "id": [f"00000000-0000-4000-8000-{i:012d}" for i in range(n)],
            "name": [f"App {i:03d}" for i in range(n)],
            "type": pd.Categorical(["Application"] * n),
            "externalId": [f"APP-{i:04d}" for i in range(n)],
            "description": [
                f"App {i:03d} supports order to cash for the region {i} and more." for i in range(n)
            ],
            "totalAnnualCost": pd.array(
                [1000.0 * (i + 1) for i in range(280)] + [None] * 20, dtype="Float64"
            ),
            "hostingType": ["saas", "iaas", "onPremise"] * 100,
            "lifecycle": pd.Series(["active", "phaseOut", "endOfLife"] * 100, dtype=PHASES),
        }
    )


RELATIONS = {
    "relApplicationToITComponent": pd.DataFrame(
        {
            "fromId": pd.array(["a", "a", "b", None], dtype="string"),
            "fromName": ["A", "A", "B", None],
            "toId": ["it1", "it2", "it1", "it3"],
            "toName": ["Oracle DB", "Linux", "Oracle DB", "Orphan"],
            "toType": pd.Categorical(["ITComponent"] * 4),
        }
    ),
    "relToParent": pd.DataFrame(
        {"fromId": ["a"], "fromName": ["A"], "toId": ["p"], "toName": ["Platform"], "toType": ["Application"]}
    ),
    "relApplicationToProject": pd.DataFrame(),  # a snapshot without this relation's file
}


class Source:
    """Stands in for a Workspace: a host and name to link by, a type's fields, hand-written relations."""

    host = HOST
    name = "demo"

    def __init__(self) -> None:
        self.reads: list[tuple[str, str]] = []

    def fields(self, type: str) -> pd.DataFrame:  # noqa: A002
        names = ["name", "relApplicationToITComponent", "relToParent", "relApplicationToProject"]
        kinds = ["STRING", "RELATION", "RELATION", "RELATION"]
        return pd.DataFrame({"field": names, "kind": pd.Categorical(kinds)})

    def relations(self, type: str, relation: str) -> pd.DataFrame:  # noqa: A002
        self.reads.append((type, relation))
        return RELATIONS[relation]


@pytest.fixture
def watched(monkeypatch):
    """A person is watching: the explorer is the widget."""
    monkeypatch.setattr(explorer_widgets, "attended", lambda: True)


@pytest.fixture
def unwatched(monkeypatch):
    monkeypatch.setattr(explorer_widgets, "attended", lambda: False)


def test_a_cost_of_many_distinct_values_is_a_histogram_not_bars():
    figure = field_figure(costs(), "totalAnnualCost", "Application")

    (trace,) = figure.data
    assert trace.type == "histogram" and len(trace.x) == 280
    # about √280 ≈ 17 bins of 16,412, rounded up to 20,000: 0 to 300,000
    assert (trace.xbins.start, trace.xbins.size, trace.xbins.end) == (0, 20000, 300000)
    assert figure.layout.title.text == "Application: total annual cost, 280 of 300 set, median 140,500"
    assert figure.layout.xaxis.title.text == "Total annual cost" and figure.layout.xaxis.separatethousands


def test_costs_spanning_orders_of_magnitude_are_binned_by_decade():
    frame = pd.DataFrame({"opEx": [1000.0 * k for k in range(1, 10)] + [1_000_000.0]})

    figure = field_figure(frame, "opEx", "ITComponent")

    # linear bins of 200,000 would hold 9 of the 10 in the first: log10 bins of a whole decade instead
    assert (figure.data[0].xbins.start, figure.data[0].xbins.size) == (3, 1)
    assert figure.layout.xaxis.ticktext == ("1,000", "10,000", "100,000", "1,000,000")
    assert figure.layout.xaxis.title.text == "OpEx (log scale)"
    assert figure.layout.title.text == "IT Component: OpEx, 10 of 10 set, median 5,500"


def test_ids_names_free_text_timestamps_and_lists_are_not_offered():
    frame = apps().assign(
        externalId=["E1", "E2", "E3", "E4"],
        owner=[f"0000000{i}-0000-4000-8000-000000000000" for i in range(4)],
        notes=[f"A long note number {i} that nobody would want to see as one bar each" for i in range(4)],
        hostingType=["saas", "saas", None, "iaas"],
    )
    assert explorable(frame) == {
        "status": "values",
        "qualitySeal": "values",
        "completion": "numbers",
        "lifecycle": "values",
        "hostingType": "values",
    }
    codes = pd.DataFrame({"code": [f"C{i}" for i in range(31)], "level": [1] * 31})
    assert explorable(codes) == {"level": "numbers"}  # 31 distinct codes are no categories
    with pytest.raises(ValueError, match="'description' is not a field the explorer charts"):
        field_figure(apps(), "description")


def test_a_field_of_few_values_is_a_bar_chart_naming_the_most_frequent():
    figure = field_figure(apps(), "qualitySeal", "Application")

    assert figure.data[0].type == "bar"
    assert figure.data[0].x == ("APPROVED", "BROKEN", "DRAFT") and figure.data[0].y == (2, 1, 1)
    assert figure.layout.title.text == "Application: quality seal, 4 of 4 set, most often Approved (2)"


def test_rows_behind_a_chart_in_its_order_unset_last():
    ordered = rows(apps(), "qualitySeal")
    assert list(ordered.columns) == ["id", "name", "qualitySeal", "lifecycle"]
    assert ordered["name"].tolist() == ["A", "C", "D", "B"]

    by_cost = rows(costs(), "totalAnnualCost")
    assert by_cost["name"].head(2).tolist() == ["App 279", "App 278"]
    assert by_cost["name"].tail(1).tolist() == ["App 299"]  # no cost: last, by name


def test_the_row_table_shows_fifty_linked_rows_and_counts_them():
    view = rows_table(costs(), "totalAnnualCost", "Application", Links(HOST, "demo", "Application"))

    assert view.caption == "The first 50 of 300 Application fact sheets, highest total annual cost first."
    assert list(view.data.columns) == ["id", "Name", "Total annual cost", "Lifecycle"]
    assert len(view.data) == 50 and list(view.hidden_columns) == [0]
    first = view.data.iloc[0]
    assert first["Name"] == (
        f'<a href="{HOST}/demo/factsheet/Application/00000000-0000-4000-8000-000000000279" '
        'target="_blank" rel="noopener">App 279</a>'
    )
    assert (first["Total annual cost"], first["Lifecycle"]) == ("280,000", "Active")
    assert rows_table(apps(), "qualitySeal").caption == "All 4 Application fact sheets, by quality seal."


def test_relations_are_read_on_first_selection_and_kept(watched):
    source = Source()
    widget = explorer({"Application": apps()}, source=source)
    assert isinstance(widget, Explorer)
    assert widget.factsheet_picker.value is None and source.reads == []  # nothing read before a choice

    widget.factsheet_picker.value = "a"

    assert widget.relations.values.tolist() == [
        ["Application to IT component", "Linux", "ITComponent", "it2"],
        ["Application to IT component", "Oracle DB", "ITComponent", "it1"],
        ["To parent", "Platform", "Application", "p"],
    ]
    assert widget.relations_view.caption == "A: 3 relations"
    html = widget.relations_view.to_html()
    assert f'<a href="{HOST}/demo/factsheet/ITComponent/it2" target="_blank" rel="noopener">Linux</a>' in html
    assert ">IT Component</td>" in html
    read_once = [
        ("Application", "relApplicationToITComponent"),
        ("Application", "relToParent"),
        ("Application", "relApplicationToProject"),
    ]
    assert source.reads == read_once

    widget.factsheet_picker.value = "b"

    assert widget.relations.values.tolist() == [
        ["Application to IT component", "Oracle DB", "ITComponent", "it1"]
    ]
    assert source.reads == read_once  # kept per (type, relation)
    widget.factsheet_picker.value = "c"
    assert widget.relations.empty and str(widget.relations_view) == "C has no relations."


def test_without_a_source_relations_say_what_they_need(watched):
    widget = explorer({"Application": apps()})
    widget.factsheet_picker.value = "a"
    assert widget.relations is None
    assert (
        str(widget.relations_view)
        == "Relations need a workspace or snapshot to read them from: explorer(frames, source=ws)."
    )


def test_explorer_redraws_when_type_or_field_change(watched):
    projects = apps().assign(type="Project", qualitySeal=pd.Categorical(["DRAFT"] * 4))
    widget = explorer({"Application": apps(), "Project": projects})

    assert widget.fields("Application") == ["status", "qualitySeal", "completion", "lifecycle"]
    assert widget.field_picker.value == "status" and widget.figure.data[0].x == ("ACTIVE", "ARCHIVED")
    widget.field_picker.value = "qualitySeal"
    assert widget.figure.data[0].x == ("APPROVED", "BROKEN", "DRAFT")
    widget.factsheet_picker.value = "b"

    widget.type_picker.value = "Project"
    assert widget.field_picker.value == "status" and widget.factsheet_picker.value is None
    widget.field_picker.value = "qualitySeal"
    assert widget.figure.data[0].x == ("DRAFT",) and widget.figure.data[0].y == (4,)
    assert widget.rows_view.caption == "All 4 Project fact sheets, by quality seal."
    assert widget.relations_view is None


def test_nobody_watching_gets_a_plain_figure_and_table_not_a_widget(unwatched, monkeypatch):
    view = explorer({"Application": costs(), "Project": apps()}, source=Source())

    assert isinstance(view, StaticView) and not isinstance(view, ipywidgets.Widget)
    assert type(view.figure) is go.Figure and view.figure.data[0].type == "histogram"
    assert view.figure.layout.title.text == "Application: total annual cost, 280 of 300 set, median 140,500"
    assert (
        view.rows.caption == "The first 50 of 300 Application fact sheets, highest total annual cost first."
    )
    shown = []
    monkeypatch.setattr(explorer_widgets, "display", shown.append)
    view._ipython_display_()
    assert shown[:2] == [view.figure, view.rows]
    assert isinstance(shown[2], HTML) and "shows when this notebook is opened in JupyterLab" in shown[2].data


def test_a_headless_run_gets_the_static_view(monkeypatch):
    monkeypatch.setenv("LXKIT_HEADLESS", "1")
    assert isinstance(explorer({"Application": apps()}), StaticView)


@pytest.mark.parametrize("watching", [True, False])
def test_explorer_needs_a_frame(monkeypatch, watching):
    monkeypatch.setattr(explorer_widgets, "attended", lambda: watching)
    with pytest.raises(ValueError, match="at least one frame"):
        explorer({})

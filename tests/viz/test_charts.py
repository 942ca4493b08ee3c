"""Inventory figures and the explorer widget: what they plot, asserted on the figure data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from IPython.display import HTML

from kit import inventory
from kit.viz import charts, explorer
from kit.viz.widgets import Explorer
from tests.test_inventory import NOW, apps


def test_type_counts_bars_are_sorted_for_reading_top_down():
    table = inventory.overview({"Application": apps(), "Project": apps().head(1)}, now=NOW)
    figure = charts.type_counts(table)
    assert isinstance(figure, go.Figure)
    assert figure.data[0].y == ("Project", "Application") and figure.data[0].x == (1, 4)


def test_value_counts_chart_greys_out_missing_values():
    figure = charts.value_counts(apps(), "qualitySeal")
    bar = figure.data[0]
    assert bar.marker.color == ("#0072b2",) * 3 and figure.layout.template.layout.colorway[0] == "#0072b2"
    figure = charts.value_counts(apps().assign(qualitySeal=[None, "DRAFT", "DRAFT", None]), "qualitySeal")
    assert figure.data[0].x == ("DRAFT", inventory.NOT_SET) and figure.data[0].marker.color == (
        "#0072b2",
        "#b0b0b0",
    )
    assert figure.layout.title.text == "Application: qualitySeal"


def test_value_counts_of_a_lifecycle_use_the_phase_colours():
    bar = charts.value_counts(apps(), "lifecycle").data[0]
    assert bar.x == ("active", "endOfLife", inventory.NOT_SET) and bar.y == (1, 2, 1)
    assert bar.marker.color == ("#238b45", "#d62728", "#b0b0b0")


def test_completion_boxes_per_type():
    figure = charts.completion_by_type({"Application": apps(), "Empty": apps().head(0)})
    assert [trace.name for trace in figure.data] == ["Application"]
    assert sorted(figure.data[0].y) == [0.25, 0.5, 1.0]


def test_fill_rates_chart_puts_the_least_filled_field_on_top():
    rates = inventory.fill_rates(apps(), ["description", "name"])
    bar = charts.fill_rates_chart(rates).data[0]
    assert bar.y == ("name", "description") and bar.x == (100.0, 50.0)


def test_explorer_redraws_when_type_or_field_change(monkeypatch):
    monkeypatch.delenv("LXKIT_HEADLESS", raising=False)
    projects = apps().assign(type="Project", qualitySeal=pd.Categorical(["DRAFT"] * 4))
    widget = explorer({"Application": apps(), "Project": projects})
    assert isinstance(widget, Explorer)
    assert "tags" not in widget.field_picker.options and "description" not in widget.field_picker.options
    widget.field_picker.value = "qualitySeal"
    assert widget.figure.data[0].x == ("APPROVED", "BROKEN", "DRAFT")
    widget.type_picker.value = "Project"
    widget.field_picker.value = "qualitySeal"
    assert widget.figure.data[0].x == ("DRAFT",) and widget.figure.data[0].y == (4,)


def test_explorer_is_a_note_in_headless_reports(monkeypatch):
    monkeypatch.setenv("LXKIT_HEADLESS", "1")
    note = explorer({"Application": apps()})
    assert isinstance(note, HTML) and "JupyterLab" in note.data


def test_explorer_needs_a_frame(monkeypatch):
    monkeypatch.delenv("LXKIT_HEADLESS", raising=False)
    with pytest.raises(ValueError, match="at least one frame"):
        explorer({})

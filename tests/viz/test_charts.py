"""Inventory figures: what they plot, asserted on the figure data (the explorer: test_explorer.py)."""

from __future__ import annotations

import plotly.graph_objects as go

from kit import inventory
from kit.viz import charts
from tests.test_inventory import NOW, apps


def test_type_counts_bars_are_sorted_for_reading_top_down():
    table = inventory.overview({"Application": apps(), "Project": apps().head(1)}, now=NOW)
    figure = charts.type_counts(table)
    assert isinstance(figure, go.Figure)
    assert figure.data[0].y == ("Project", "Application") and figure.data[0].x == (1, 4)
    assert figure.layout.title.text == "5 fact sheets of 2 types; most are Application (4)"
    labelled = charts.type_counts(
        inventory.overview({"ITComponent": apps(), "BusinessCapability": apps()}, now=NOW)
    )
    assert labelled.data[0].y == ("IT Component", "Business Capability")  # as LeanIX labels types


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
    assert figure.layout.title.text == "Completion per type: lowest median 50.0% (Application)"
    labelled = charts.completion_by_type({"ITComponent": apps()})
    assert [trace.name for trace in labelled.data] == ["IT Component"]


def test_fill_rates_chart_puts_the_least_filled_field_on_top():
    rates = inventory.fill_rates(apps(), ["description", "name"])
    bar = charts.fill_rates_chart(rates).data[0]
    assert bar.y == ("Name", "Description") and bar.x == (100.0, 50.0)
    assert charts.fill_rates_chart(rates, "Application").layout.title.text == (
        "Application: 0 of 2 fields filled on fewer than half"  # description: 2 of 4, not fewer
    )


def test_every_figure_gets_the_template_a_title_and_capitalised_axis_titles():
    from kit.viz import theme

    figure = theme.apply(go.Figure(), "3 of 4 applications are owned", "fact sheets", "day (UTC)")
    assert figure.layout.title.text == "3 of 4 applications are owned"
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == ("Fact sheets", "Day (UTC)")
    assert figure.layout.template.layout.colorway[0] == "#0072b2"
    assert theme.apply(go.Figure(), "t").layout.xaxis.title.text in (None, "")

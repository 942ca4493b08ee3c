"""Data quality numbers (kit.quality) and figures (kit.viz.quality) on hand-built frames."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kit import quality
from kit.viz import quality as charts


def frames() -> dict[str, pd.DataFrame]:
    apps = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "name": ["CRM", "ERP", "HR", "Web"],
            "description": ["x", None, " ", "y"],
            "lifecycle": ["active", "active", None, "plan"],
        }
    )
    comps = pd.DataFrame({"id": ["c1", "c2"], "name": ["DB", "OS"], "description": ["db", "os"]})
    return {"Application": apps, "ITComponent": comps}


def test_completeness_shares_per_type_and_fully_documented():
    table = quality.completeness(frames())
    assert table.columns.tolist() == ["description", "lifecycle", "fully documented"]
    assert table.loc["Application"].tolist() == [0.5, 0.75, 0.5]  # a and d have both
    assert table.loc["ITComponent", "description"] == 1.0
    assert pd.isna(table.loc["ITComponent", "lifecycle"])  # not a field of the type
    assert table.loc["ITComponent", "fully documented"] == 1.0


def test_data_quality_heatmap_cells_texts_and_title():
    figure = charts.data_quality_heatmap(frames())
    heat = figure.data[0]
    assert isinstance(heat, go.Heatmap)
    assert heat.x == ("Description", "Lifecycle", "Fully documented")
    assert heat.y == ("Application", "IT Component")
    assert [list(row) for row in heat.z] == [[50.0, 75.0, 50.0], [100.0, None, 100.0]]
    assert [list(row) for row in heat.text] == [["50.0%", "75.0%", "50.0%"], ["100.0%", "", "100.0%"]]
    assert heat.customdata[1][1] == "<b>IT Component</b><br>Lifecycle: not a field of this type"
    assert (
        figure.layout.title.text
        == "4 of 6 fact sheets fully documented; least filled: Application description (50.0%)"
    )
    assert figure.layout.xaxis.title.text == "Field" and figure.layout.yaxis.title.text == "Fact sheet type"


def subscriptions() -> dict[str, pd.DataFrame]:
    apps = pd.DataFrame(
        {
            "id": ["a", "a", "b", "c", "zz"],
            "subscriptionType": pd.Categorical(
                ["OBSERVER", "RESPONSIBLE", "ACCOUNTABLE", "RESPONSIBLE", "RESPONSIBLE"]
            ),
        }
    )
    comps = pd.DataFrame({"id": ["c1"], "subscriptionType": ["OBSERVER"]})
    return {"Application": apps, "ITComponent": comps}


def test_ownership_counts_responsible_subscribers_of_the_frames_fact_sheets():
    table = quality.ownership(frames(), subscriptions())
    assert table["owned"].tolist() == [2, 0]  # a and c; zz is not in the frame
    assert table["share"].tolist() == [0.5, 0.0]
    missing = quality.ownership(frames(), {})
    assert missing["owned"].isna().all()


def test_ownership_coverage_bars_lowest_first():
    figure = charts.ownership_coverage(frames(), subscriptions())
    bar = figure.data[0]
    assert bar.y == ("IT Component", "Application") and bar.x == (0.0, 50.0)
    assert bar.text == ("0.0%", "50.0%")
    assert bar.customdata[1] == "<b>Application</b><br>2 of 4 with a responsible subscriber (50.0%)"
    assert figure.layout.title.text == "2 of 6 fact sheets have a responsible subscriber (33.3%)"


def relations() -> dict[str, pd.DataFrame]:
    return {
        "relApplicationToBusinessCapability": pd.DataFrame({"fromId": ["a", "a", "b"]}),
        "relApplicationToITComponent": pd.DataFrame({"fromId": ["c"]}),
    }


def test_relation_gaps_count_and_name_applications_without_a_relation():
    gaps = quality.relation_gaps(frames()["Application"], relations())
    assert gaps["applications"].tolist() == [2, 3]
    assert gaps["names"].tolist() == [["HR", "Web"], ["CRM", "ERP", "Web"]]
    assert gaps["share"].tolist() == [0.5, 0.75]
    long = pd.concat([f.assign(relation=n) for n, f in relations().items()])
    assert quality.relation_gaps(frames()["Application"], long)["applications"].tolist() == [2, 3]
    only_one = {"relApplicationToITComponent": relations()["relApplicationToITComponent"]}
    assert quality.relation_gaps(frames()["Application"], only_one)["relation"].tolist() == [
        "relApplicationToITComponent"
    ]


def test_relation_gaps_chart():
    figure = charts.relation_gaps(frames()["Application"], relations())
    bar = figure.data[0]
    assert bar.y == ("Applications without a business capability", "Applications without an IT component")
    assert bar.x == (2, 3)
    assert bar.text == ("2 (50.0%)", "3 (75.0%)")
    assert bar.customdata[0] == "<b>Applications without a business capability</b>: 2 (50.0%)<br>HR, Web"
    assert figure.layout.title.text == (
        "Of 4 applications, 2 without a business capability and 3 without an IT component"
    )


def test_quality_figures_on_the_sandbox(ws):
    apps = ws.factsheets("Application")
    subs = ws.subscriptions("Application")
    owned = set(subs.loc[subs["subscriptionType"] == "RESPONSIBLE", "id"])
    figure = charts.ownership_coverage({"Application": apps}, {"Application": subs})
    assert (
        figure.data[0]
        .customdata[0]
        .startswith(f"<b>Application</b><br>{int(apps['id'].isin(owned).sum()):,} of")
    )
    rels = {
        name: ws.relations("Application", name)
        for name in ("relApplicationToBusinessCapability", "relApplicationToITComponent")
    }
    gaps = charts.relation_gaps(apps, rels).data[0]
    without_itc = int((~apps["id"].isin(set(rels["relApplicationToITComponent"]["fromId"]))).sum())
    assert gaps.x[1] == without_itc
    heat = charts.data_quality_heatmap({"Application": apps, "ITComponent": ws.factsheets("ITComponent")})
    assert heat.data[0].y == ("Application", "IT Component")
    assert heat.data[0].x[-1] == "Fully documented"

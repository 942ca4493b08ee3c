"""Portfolio figures (TIME view, lifecycle per type, end of life ahead) on hand-built frames."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kit import inventory
from kit.viz import portfolio, theme

FUNCTIONAL = pd.CategoricalDtype(["unreasonable", "insufficient", "appropriate", "perfect"], ordered=True)
TECHNICAL = pd.CategoricalDtype(
    ["inappropriate", "unreasonable", "adequate", "fullyAppropriate"], ordered=True
)
CRITICALITY = pd.CategoricalDtype(
    ["administrativeService", "businessOperational", "businessCritical", "missionCritical"], ordered=True
)
PHASES = pd.CategoricalDtype(["plan", "phaseIn", "active", "phaseOut", "endOfLife"], ordered=True)
NOW = pd.Timestamp("2026-11-01", tz="UTC")


def portfolio_apps() -> pd.DataFrame:
    # a, b: low functional + low technical (Eliminate, same cell); c: Invest; d: Tolerate; e: Migrate;
    # f: no technical fit (left out)
    return pd.DataFrame(
        {
            "id": list("abcdef"),
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"],
            "functionalSuitability": pd.Series(
                ["insufficient", "insufficient", "perfect", "unreasonable", "appropriate", "perfect"],
                dtype=FUNCTIONAL,
            ),
            "technicalSuitability": pd.Series(
                ["unreasonable", "unreasonable", "adequate", "fullyAppropriate", "inappropriate", None],
                dtype=TECHNICAL,
            ),
            "businessCriticality": pd.Series(
                [
                    "missionCritical",
                    None,
                    "missionCritical",
                    "administrativeService",
                    "businessCritical",
                    None,
                ],
                dtype=CRITICALITY,
            ),
        }
    )


def test_time_quadrants_follow_gartner():
    classes = inventory.time_quadrants(portfolio_apps())
    assert classes["quadrant"].astype(object).where(classes["quadrant"].notna(), None).tolist() == [
        "Eliminate",
        "Eliminate",
        "Invest",
        "Tolerate",
        "Migrate",
        None,
    ]
    assert classes["functional_level"].tolist() == [1, 1, 3, 0, 2, 3]


def test_time_view_bubbles_coloured_by_criticality_with_named_quadrants():
    figure = portfolio.time_view(portfolio_apps())
    assert type(figure) is go.Figure
    assert figure.layout.title.text == "2 of 5 rated applications to eliminate (1 without both fit ratings)"
    assert [t.name for t in figure.data] == [
        "Administrative service",
        "Business critical",
        "Mission critical",
        "(not set)",
    ]
    colours = {t.name: t.marker.color for t in figure.data}
    assert colours["Mission critical"] == "#7f0000" and colours["(not set)"] == "#b0b0b0"
    assert {a.text for a in figure.layout.annotations} == {
        "<b>Tolerate</b>",
        "<b>Invest</b>",
        "<b>Migrate</b>",
        "<b>Eliminate</b>",
    }
    assert figure.layout.xaxis.ticktext == ("Unreasonable", "Insufficient", "Appropriate", "Perfect")
    assert figure.layout.yaxis.ticktext == ("Inappropriate", "Unreasonable", "Adequate", "Fully appropriate")
    assert (
        figure.layout.xaxis.title.text == "Functional fit"
        and figure.layout.yaxis.title.text == "Technical fit"
    )
    assert figure.layout.template.layout.colorway == theme.PALETTE
    # Alpha (mission critical) and Beta (not set) share the cell (1, 1): both near it, not on the same spot
    alpha = (figure.data[2].x[0], figure.data[2].y[0])
    beta = (figure.data[3].x[0], figure.data[3].y[0])
    assert alpha != beta
    assert all(abs(v - 1) <= 0.3 for v in (*alpha, *beta))
    assert figure.data[2].text[0] == (
        "<b>Alpha</b><br>Functional fit: Insufficient<br>Technical fit: Unreasonable"
        "<br>Business criticality: Mission critical<br>TIME: Eliminate"
    )
    # a bubble alone in its cell sits on the cell's centre
    assert (figure.data[0].x[0], figure.data[0].y[0]) == (0.0, 3.0)


def test_jitter_spreads_equal_points_within_the_radius():
    offsets = portfolio.jitter(7, radius=0.3)
    assert len(set(offsets)) == 7
    assert all((dx * dx + dy * dy) ** 0.5 <= 0.3 for dx, dy in offsets)
    assert portfolio.jitter(1) == [(0.0, 0.0)]


def test_lifecycle_stacked_one_bar_per_type_in_phase_order_and_colours():
    apps = pd.DataFrame({"lifecycle": pd.Series(["active", "active", "endOfLife", None], dtype=PHASES)})
    comps = pd.DataFrame({"lifecycle": pd.Series(["plan", "phaseOut", "active"], dtype=PHASES)})
    figure = portfolio.lifecycle_stacked(
        {"Application": apps, "ITComponent": comps, "Other": pd.DataFrame({"x": [1]})}
    )
    assert figure.layout.barmode == "stack"
    assert [t.name for t in figure.data] == ["Plan", "Active", "Phase out", "End of life", "(not set)"]
    assert {t.name: list(t.y) for t in figure.data} == {
        "Plan": [0, 1],
        "Active": [2, 1],
        "Phase out": [0, 1],
        "End of life": [1, 0],
        "(not set)": [1, 0],
    }
    assert figure.data[0].x == ("Application", "IT Component")
    assert [t.marker.color for t in figure.data] == ["#9ecae1", "#238b45", "#fd8d3c", "#d62728", "#b0b0b0"]
    assert figure.data[1].customdata[0] == "<b>Application</b><br>Active: 2 of 4 (50.0%)"
    # counts inside the segments, hover texts only on hover
    assert figure.data[1].text == ("2", "1") and figure.data[1].textposition == "inside"
    assert figure.layout.title.text == "2 of 7 fact sheets are phasing out or at end of life"
    assert figure.layout.yaxis.title.text == "Fact sheets"


def eol_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    apps = pd.DataFrame(
        {
            "id": ["a1", "a2", "a3"],
            "name": ["CRM", "ERP", "Old"],
            "status": ["ACTIVE", "ACTIVE", "ARCHIVED"],
        }
    )
    comps = pd.DataFrame({"id": ["c1", "c2", "c3"], "name": ["Oracle 11", "Java 8", "Unused"]})
    relations = pd.DataFrame({"fromId": ["a1", "a2", "a1"], "toId": ["c1", "c1", "c2"]})
    lifecycles = pd.DataFrame(
        {
            "id": ["a1", "a1", "a2", "a3", "c1", "c2", "c3"],
            "phase": ["active", "endOfLife", "endOfLife", "endOfLife", "endOfLife", "endOfLife", "endOfLife"],
            "startDate": pd.to_datetime(
                [
                    "2020-01-01",
                    "2027-03-01",
                    "2028-01-01",
                    "2027-01-01",
                    "2026-12-15",
                    "2026-01-01",
                    "2027-02-01",
                ],
                utc=True,
            ),
        }
    )
    return apps, comps, relations, lifecycles


def test_end_of_life_ahead_keeps_the_window_and_leaves_out_archived():
    apps, _, _, lifecycles = eol_frames()
    ahead = inventory.end_of_life_ahead(apps, lifecycles, months=12, now=NOW)
    assert ahead["id"].tolist() == ["a1"]  # a2 is after 2027-11-01, a3 archived
    assert ahead["days_left"].tolist() == [120]


def test_end_of_life_timeline_shows_applications_and_the_components_they_use():
    figure = portfolio.end_of_life_timeline(*eol_frames(), months=12, now=NOW)
    assert [t.name for t in figure.data] == ["Application", "IT Component"]
    app, comp = figure.data
    assert app.y == ("CRM (Application)",) and app.x == ("2027-03-01",)
    # c2 reached end of life before now, c3 is used by no application
    assert comp.y == ("Oracle 11 (IT Component)",) and comp.x == ("2026-12-15",)
    assert comp.text[0] == (
        "<b>Oracle 11</b> (IT Component)<br>End of life: 2026-12-15 (in 44 days)"
        "<br>Used by 2 application(s): CRM, ERP"
    )
    assert figure.layout.yaxis.categoryarray == ("CRM (Application)", "Oracle 11 (IT Component)")
    assert (
        figure.layout.title.text
        == "1 application(s) and 1 IT component(s) in use reach end of life by Nov 2027"
    )
    assert figure.layout.xaxis.title.text == "End of life"


def test_end_of_life_timeline_of_nothing_ahead_is_a_titled_empty_figure():
    apps, comps, relations, lifecycles = eol_frames()
    figure = portfolio.end_of_life_timeline(apps, comps, relations, lifecycles, months=1, now=NOW)
    assert len(figure.data) == 0
    assert (
        figure.layout.title.text
        == "0 application(s) and 0 IT component(s) in use reach end of life by Dec 2026"
    )


def test_portfolio_figures_on_the_sandbox_count_what_the_frames_hold(ws):
    apps = ws.factsheets("Application")
    comps = ws.factsheets("ITComponent")
    time = portfolio.time_view(apps)
    rated = apps["functionalSuitability"].notna() & apps["technicalSuitability"].notna()
    assert sum(len(t.x) for t in time.data) == int(rated.sum())
    stacked = portfolio.lifecycle_stacked({"Application": apps, "ITComponent": comps})
    assert sum(sum(t.y) for t in stacked.data) == len(apps) + len(comps)
    lifecycles = pd.concat([ws.lifecycles("Application"), ws.lifecycles("ITComponent")])
    relations = ws.relations("Application", "relApplicationToITComponent")
    timeline = portfolio.end_of_life_timeline(apps, comps, relations, lifecycles, months=12)
    ahead = inventory.end_of_life_ahead(apps, lifecycles, months=12)
    shown = [t for t in timeline.data if t.name == "Application"]
    assert (len(shown[0].x) if shown else 0) == len(ahead)
    assert timeline.layout.title.text.startswith(f"{len(ahead)} application(s)")

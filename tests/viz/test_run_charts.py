"""Run health figures: traces, values, colours and labels, from hand-built frames."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kit import health
from kit.viz.run_charts import durations_by_connector, status_per_day

DAYS = pd.date_range("2026-03-08", periods=3, freq="D", tz="UTC", name="day")


def daily(**columns: list[int]) -> pd.DataFrame:
    return pd.DataFrame(columns, index=DAYS)


def test_status_per_day_stacks_one_coloured_trace_per_status():
    frame = daily(OK=[1, 0, 2], INFO=[0, 0, 1], WARNING=[3, 0, 0], ERROR=[0, 4, 1])
    figure = status_per_day(frame)
    assert type(figure) is go.Figure
    assert [t.name for t in figure.data] == ["OK", "INFO", "WARNING", "ERROR"]
    assert {t.name: t.marker.color for t in figure.data} == {
        "OK": "#2ca02c",
        "INFO": "#1f77b4",
        "WARNING": "#ff7f0e",
        "ERROR": "#d62728",
    }
    assert {t.name: list(t.y) for t in figure.data} == {c: frame[c].to_list() for c in frame.columns}
    assert sum(sum(t.y) for t in figure.data) == 12
    assert [pd.Timestamp(x) for x in figure.data[0].x] == list(DAYS)
    assert figure.layout.barmode == "stack"
    assert figure.layout.title.text == "Synchronizations per day by status"
    assert figure.layout.xaxis.title.text == "day (UTC)"
    assert figure.layout.yaxis.title.text == "synchronizations"


def test_status_per_day_draws_a_missing_status_as_zeros():
    figure = status_per_day(daily(OK=[1, 1, 1], ERROR=[2, 0, 0]))
    assert {t.name: list(t.y) for t in figure.data} == {
        "OK": [1, 1, 1],
        "INFO": [0, 0, 0],
        "WARNING": [0, 0, 0],
        "ERROR": [2, 0, 0],
    }


def test_status_per_day_of_an_empty_window_has_zero_bars():
    empty = pd.DataFrame({"name": [], "runId": [], "status": [], "createdAt": [], "duration": []})
    figure = status_per_day(health.daily_status(empty, days=3, now="2026-03-10"))
    assert [list(t.y) for t in figure.data] == [[0, 0, 0]] * 4
    assert [pd.Timestamp(x) for x in figure.data[0].x] == list(DAYS)


def synclog(rows: list[tuple[str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": pd.Series([n for n, _ in rows], dtype="string"),
            "duration": pd.to_timedelta([s for _, s in rows], unit="s"),
        }
    )


def test_durations_by_connector_in_minutes_one_box_each():
    frame = synclog([("zeta", 90), ("alpha", 60), ("zeta", 30), ("alpha", None), ("alpha", 180), (None, 600)])
    figure = durations_by_connector(frame)
    assert type(figure) is go.Figure
    assert all(isinstance(t, go.Box) for t in figure.data)
    assert {t.name: list(t.y) for t in figure.data} == {"alpha": [1.0, 3.0], "zeta": [1.5, 0.5]}
    assert [t.name for t in figure.data] == ["alpha", "zeta"]
    assert figure.layout.title.text == "Run duration by connector"
    assert figure.layout.xaxis.title.text == "connector"
    assert figure.layout.yaxis.title.text == "duration (minutes)"


def test_durations_of_an_empty_log_is_an_empty_titled_figure():
    figure = durations_by_connector(synclog([]))
    assert len(figure.data) == 0
    assert figure.layout.title.text == "Run duration by connector"

"""Run health figures: traces, values, colours and labels, from hand-built frames."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kit import health
from kit.viz.run_charts import durations_by_connector, status_per_day, top_warnings

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
    assert figure.layout.title.text == "12 synchronizations in 3 days, 5 failed"
    assert figure.data[3].text == ("2026-03-08: 0 ERROR", "2026-03-09: 4 ERROR", "2026-03-10: 1 ERROR")
    assert figure.layout.xaxis.title.text == "Day (UTC)"
    assert figure.layout.yaxis.title.text == "Synchronizations"


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
    assert (
        figure.data[0].text == ("alpha: 1 min", "alpha: 3 min")
        and figure.data[1].text[0] == "zeta: 1 min 30 s"
    )
    assert figure.layout.title.text == "Slowest connector: alpha (median 2 min per run)"
    assert figure.layout.xaxis.title.text == "Connector"
    assert figure.layout.yaxis.title.text == "Duration (minutes)"


def test_durations_of_short_runs_are_in_seconds():
    figure = durations_by_connector(synclog([("a", 0.5), ("a", 19.4), ("b", 100)]))
    assert {t.name: list(t.y) for t in figure.data} == {"a": [0.5, 19.4], "b": [100.0]}
    assert figure.layout.yaxis.title.text == "Duration (seconds)"
    assert figure.data[0].text == ("a: 500 ms", "a: 19 s")
    assert figure.layout.title.text == "Slowest connector: b (median 1 min 40 s per run)"


def test_durations_of_an_empty_log_is_an_empty_titled_figure():
    figure = durations_by_connector(synclog([]))
    assert len(figure.data) == 0
    assert figure.layout.title.text == "No finished runs to time"


def test_top_warnings_by_kind_errors_first_in_status_colours():
    warnings = pd.DataFrame(
        {
            "processorName": ["apps", "apps", "apps", "tags", "apps"],
            "category": pd.Categorical(["write", "write", "write", "tag", "read"]),
            "status": pd.Categorical(["WARNING", "WARNING", "WARNING", "ERROR", "WARNING"]),
            "message": ["no field x on A", "no field x on B", "no field x on C", "tag group missing", "slow"],
        }
    )
    figure = top_warnings(warnings)
    assert [t.name for t in figure.data] == ["ERROR", "WARNING"]
    assert [t.marker.color for t in figure.data] == ["#d62728", "#ff7f0e"]
    assert figure.data[0].y == ("tag · tags",) and figure.data[0].x == (1,)
    assert figure.data[1].y == ("write · apps", "read · apps") and figure.data[1].x == (3, 1)
    assert figure.data[1].customdata[0] == "<b>write · apps</b><br>3 × WARNING<br>e.g. no field x on A"
    assert figure.layout.yaxis.categoryarray == ("read · apps", "write · apps", "tag · tags")
    assert figure.layout.title.text == "5 warnings, 1 of them errors; most frequent: write · apps (3)"


def test_top_warnings_of_a_clean_run():
    empty = pd.DataFrame({"processorName": [], "category": [], "status": [], "message": []})
    figure = top_warnings(empty)
    assert len(figure.data) == 0 and figure.layout.title.text == "No warnings"

"""What the metrics report does around the KPIs: grow the history (``open_history``) and list the threshold
breaches with the fact sheets behind them (``kit.viz.breaches_view``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kit import metrics, viz
from kit.sandbox import SANDBOX_TOKEN
from tests.conftest import CANARY
from tests.metrics.conftest import TODAY
from tests.metrics.hand import _eol


@pytest.fixture
def live_env(demo_sandbox, monkeypatch, tmp_path):
    """A configured workspace (the test's sandbox), as a scheduled report sees it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEANIX_HOST", demo_sandbox.url)
    monkeypatch.setenv("LEANIX_API_TOKEN", SANDBOX_TOKEN)
    monkeypatch.delenv("LEANIX_WORKSPACE", raising=False)
    return tmp_path


def test_an_empty_history_on_a_real_workspace_says_how_to_start_one(live_env):
    with pytest.raises(metrics.KpiError) as caught:
        metrics.open_history(live_env / "history", say=lambda _text: None)
    message = str(caught.value)
    assert "holds no dated snapshots yet" in message and "take_snapshot=True" in message
    assert not (live_env / "history").exists()  # nothing half-made


def test_take_snapshot_saves_today_and_retention_keeps_the_newest(live_env):
    folder = live_env / "history"
    old = folder / "2020-01-15"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text("{}")  # a dated snapshot folder from long ago
    notes = folder / "2020-01-16"
    notes.mkdir()
    (notes / "notes.txt").write_text("not a snapshot")  # no manifest: never removed
    said: list[str] = []
    history = metrics.open_history(folder, take_snapshot=True, keep_daily=7, keep_monthly=2, say=said.append)
    today = dt.datetime.now(dt.UTC).date()
    assert history.dates == [today]
    assert (
        json.loads((folder / today.isoformat() / "manifest.json").read_text())["workspaceName"] == "Demo Corp"
    )
    assert not old.exists() and (notes / "notes.txt").is_file()
    assert said[0] == f"Snapshot of today ({today}) saved to {folder / today.isoformat()}"
    assert said[1] == "Retention: removed 1 older snapshot(s), 2020-01-15 .. 2020-01-15"


def test_a_token_never_reaches_what_open_history_says(demo_sandbox, monkeypatch, tmp_path):
    monkeypatch.setenv("LEANIX_HOST", demo_sandbox.url)
    monkeypatch.setenv("LEANIX_API_TOKEN", CANARY)  # the wrong token: the connection is refused
    said: list[str] = []
    with pytest.raises(Exception) as caught:
        metrics.open_history(tmp_path / "h", take_snapshot=True, say=said.append)
    assert CANARY not in str(caught.value) and not any(CANARY in line for line in said)


def test_breaches_list_the_applications_past_end_of_life_with_links(demo_ws, demo_raw, tmp_path):
    folder = tmp_path / "history"
    demo_ws.snapshot(folder / TODAY.isoformat())
    history = metrics.History(folder)
    result = history.evaluate(metrics.default_catalogue().select(["applications_past_end_of_life"]))
    view = viz.breaches_view(result, metrics.Inventory(history.path(TODAY), today=TODAY), limit=5)

    active = [a for a in demo_raw["Application"] if a["status"] == "ACTIVE"]
    past = [a for a in active if (_eol(a) or dt.date.max) <= TODAY]
    share = len(past) / len(active)
    assert share > 0.05  # the demo breaches the default threshold
    (section,) = view.sections
    assert section.title == "Applications past end of life"
    assert section.lines == [f"{share * 100:.1f}%, threshold ≤ 5.0%"]
    assert section.total_behind == len(past)
    assert len(section.behind) == 5
    by_id = {a["id"]: a for a in past}
    first = section.behind.iloc[0]
    assert first["name"] == by_id[first["id"]]["name"]
    assert first["link"] == f"{demo_ws.host}/Demo%20Corp/factsheet/Application/{first['id']}"
    page = view._repr_html_()
    assert f'<a href="{first["link"]}"' in page and f"and {len(past) - 5:,} more" in page


def test_no_breach_says_so(demo_ws, tmp_path):
    folder = tmp_path / "history"
    demo_ws.snapshot(folder / TODAY.isoformat())
    history = metrics.History(folder)
    result = history.evaluate(metrics.default_catalogue().select(["mean_completion"]))
    view = viz.breaches_view(result, metrics.Inventory(history.path(TODAY), today=TODAY))
    assert view.sections == [] and repr(view) == f"No KPI is outside its threshold on {TODAY}."


def test_headline_puts_the_review_kpis_first(demo_ws, tmp_path):
    folder = Path(tmp_path) / "history"
    demo_ws.snapshot(folder / TODAY.isoformat())
    catalogue = metrics.default_catalogue().select(["stale", "factsheets", "mean_completion"])
    result = metrics.History(folder).evaluate(catalogue)
    assert metrics.headline(result) == ["mean_completion", "stale", "factsheets"]

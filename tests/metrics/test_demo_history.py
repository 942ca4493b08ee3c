"""A 30-day history of the dated demo (as of d-30, d-1 and d): the table's deltas are the hand-computed
differences of raw GraphQL answers on the three sandboxes."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kit import metrics
from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from tests.conftest import FAST_RETRY
from tests.metrics.hand import expected, raw_factsheets

SIZE, SEED = 300, 5
D = dt.date(2026, 10, 1)  # September has 30 days: d-30 is also "the same day one month earlier"
DATES = [D - dt.timedelta(days=30), D - dt.timedelta(days=1), D]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    written = metrics.build_demo_history(folder, DATES, size=SIZE, seed=SEED)
    return folder, written


@pytest.fixture(scope="module")
def hand():
    """Per date: the KPI values computed by hand from that day's sandbox."""
    out = {}
    for day in DATES:
        with Sandbox(SandboxOptions(size=SIZE, seed=SEED, as_of=day)) as sandbox:
            with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
                out[day] = expected(raw_factsheets(client), day)
    return out


def test_build_demo_history_writes_one_snapshot_per_date_and_skips_present_ones(built):
    folder, written = built
    assert written == [folder / d.isoformat() for d in DATES]
    assert metrics.History(folder).dates == DATES
    assert metrics.build_demo_history(folder, DATES, size=SIZE, seed=SEED) == []


def test_the_table_gives_the_hand_computed_deltas(built, hand):
    folder, _ = built
    kpis = metrics.History(folder).evaluate(metrics.default_catalogue())
    assert kpis.latest_date == D
    assert kpis.workspace == "Demo Corp"
    table = kpis.table()
    assert set(zip(table["kpi"], table["dimensions"], strict=True)) == set(hand[D])
    assert (table["previous_date"] == pd.Timestamp(DATES[1])).all()
    assert (table["month_ago_date"] == pd.Timestamp(DATES[0])).all()
    nan = float("nan")
    for row in table.itertuples():
        key = (row.kpi, row.dimensions)
        now, before, month = hand[D][key], hand[DATES[1]].get(key, nan), hand[DATES[0]].get(key, nan)
        assert float(row.value) == pytest.approx(now, nan_ok=True), key
        got_delta = math.nan if row.delta is pd.NA else float(row.delta)
        got_month = math.nan if row.delta_month is pd.NA else float(row.delta_month)
        assert got_delta == pytest.approx(now - before, nan_ok=True, abs=1e-12), key
        assert got_month == pytest.approx(now - month, nan_ok=True, abs=1e-12), key
        assert row.trend == pytest.approx([hand[d].get(key, nan) for d in DATES], nan_ok=True), key


def test_the_demo_moves_within_a_month(built, hand):
    # the dated demo is not frozen: some KPI totals differ between d-30 and d
    moved = [k for k in hand[D] if k[1] == "" and hand[DATES[0]].get(k) != hand[D][k]]
    assert moved
    folder, _ = built
    movers = metrics.History(folder).evaluate(metrics.default_catalogue()).movers(n=5)
    assert 0 < len(movers) <= 5
    assert not movers["dimensions"].str.contains("; ").any()
    assert (movers["delta_month"] != 0).all()


def test_improved_follows_higher_is_better(built):
    folder, _ = built
    table = metrics.History(folder).evaluate(metrics.default_catalogue()).table()
    for row in table.itertuples():
        if row.higher_is_better is pd.NA or row.delta is pd.NA:
            assert row.improved is pd.NA
        else:
            assert row.improved == (row.delta > 0 if row.higher_is_better else row.delta < 0)

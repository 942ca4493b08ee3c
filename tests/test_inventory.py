"""Inventory KPIs on hand-made frames with known answers, and on the sandbox over loopback HTTP."""

from __future__ import annotations

import pandas as pd
import pytest

from kit import inventory

NOW = pd.Timestamp("2026-11-01", tz="UTC")
PHASES = pd.CategoricalDtype(["plan", "phaseIn", "active", "phaseOut", "endOfLife"], ordered=True)


def apps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "name": ["A", "B", "C", "D"],
            "type": ["Application"] * 4,
            "description": ["x", None, "  ", "y"],
            "status": pd.Categorical(["ACTIVE", "ACTIVE", "ARCHIVED", "ACTIVE"]),
            "qualitySeal": pd.Categorical(["APPROVED", "DRAFT", "APPROVED", "BROKEN"]),
            "completion": pd.array([1.0, 0.5, 0.25, None], dtype="Float64"),
            "lifecycle": pd.Series(["active", "endOfLife", "endOfLife", None], dtype=PHASES),
            "updatedAt": pd.to_datetime(["2026-10-01", "2024-01-01", "2026-01-01", "2020-05-05"], utc=True),
            "tags": [["t"], [], ["u"], []],
        }
    )


def test_fill_rates_count_blank_text_and_empty_lists_as_missing():
    rates = inventory.fill_rates(apps(), ["description", "tags", "name"]).set_index("column")
    assert rates.loc["description", ["filled", "missing"]].tolist() == [2, 2]
    assert rates.loc["tags", "missing"] == 2 and rates.loc["name", "fill_rate"] == 1.0
    assert rates.index.tolist() == ["description", "tags", "name"]  # least filled first, then by name


def test_fill_rates_name_an_unknown_column():
    with pytest.raises(KeyError, match="no such column.*nope"):
        inventory.fill_rates(apps(), ["nope"])


def test_value_counts_keep_the_declared_order_and_count_unset_values():
    counts = inventory.value_counts(apps(), "lifecycle")
    assert counts.to_dict() == {"active": 1, "endOfLife": 2, inventory.NOT_SET: 1}
    assert counts.index.tolist() == ["active", "endOfLife", inventory.NOT_SET]


def test_overview_shares():
    row = inventory.overview({"Application": apps()}, now=NOW).loc["Application"]
    assert row["fact_sheets"] == 4 and row["archived"] == 1
    assert row["no_description"] == 0.5
    assert row["approved"] == 0.5
    assert row["mean_completion"] == pytest.approx((1.0 + 0.5 + 0.25) / 3)
    assert row["no_lifecycle"] == 0.25 and row["end_of_life"] == 0.5
    assert row["stale"] == 0.5  # updated before 2025-11-01: b and d


def test_overview_of_a_type_without_rows_or_columns_is_na_not_an_error():
    table = inventory.overview({"Empty": pd.DataFrame({"id": pd.Series([], dtype="string")})}, now=NOW)
    assert table.loc["Empty", "fact_sheets"] == 0
    assert pd.isna(table.loc["Empty", "approved"]) and pd.isna(table.loc["Empty", "archived"])


def test_past_end_of_life_leaves_out_archived_and_sorts_by_overdue_days():
    lifecycles = pd.DataFrame(
        {
            "id": ["b", "b", "c"],
            "phase": ["active", "endOfLife", "endOfLife"],
            "startDate": pd.to_datetime(["2020-01-01", "2026-10-02", "2025-01-01"], utc=True),
        }
    )
    overdue = inventory.past_end_of_life(apps(), lifecycles, now=NOW)
    assert overdue["id"].tolist() == ["b"]  # c is archived
    assert overdue["days_past"].tolist() == [30]


def test_overdue_lists_every_type_most_overdue_first():
    lifecycles = pd.DataFrame(
        {"id": ["b"], "phase": ["endOfLife"], "startDate": pd.to_datetime(["2026-10-02"], utc=True)}
    )
    comps = apps().assign(id=["p", "q", "r", "s"], name=["P", "Q", "R", "S"], type="ITComponent")
    comp_lifecycles = pd.DataFrame(
        {"id": ["q"], "phase": ["endOfLife"], "startDate": pd.to_datetime(["2025-11-01"], utc=True)}
    )
    overdue = inventory.overdue(
        {"Application": apps(), "ITComponent": comps, "Project": apps().drop(columns="lifecycle")},
        {"Application": lifecycles, "ITComponent": comp_lifecycles},
        now=NOW,
    )
    # q: 2025-11-01 to 2026-11-01 is 365 days; b: 30 days (the test above); archived c and r left out
    assert list(overdue[["id", "type", "days_past"]].itertuples(index=False, name=None)) == [
        ("q", "ITComponent", 365),
        ("b", "Application", 30),
    ]
    assert list(overdue.columns[:3]) == ["id", "name", "type"]
    assert inventory.overdue({"Application": apps()}, {}).empty


def test_past_end_of_life_on_the_sandbox_agrees_with_the_lifecycle_frame(ws):
    frame = ws.factsheets("Application", fields=["lifecycle", "businessCriticality"])
    lifecycles = ws.lifecycles("Application")
    overdue = inventory.past_end_of_life(frame, lifecycles)
    current_eol = set(lifecycles.loc[lifecycles["current"] & (lifecycles["phase"] == "endOfLife"), "id"])
    assert set(overdue["id"]) == current_eol and len(current_eol) > 0
    assert overdue["days_past"].is_monotonic_decreasing

"""Bad declarations and failing KPIs are KpiErrors that name the KPI and say what to fix."""

from __future__ import annotations

import pandas as pd
import pytest

from kit import metrics
from kit.metrics import Catalogue, Kpi, KpiError, Threshold
from tests.metrics.conftest import TODAY


def one(inv):
    return 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Apps Without Owner"}, "snake_case"),
        ({"name": "apps__owner"}, "snake_case"),
        ({"unit": "percent"}, "unit 'percent' is not one of share, count, ratio, score, days"),
        ({"dimensions": "type"}, r"dimensions must be a tuple of names, e.g. \('type',\)"),
        ({"dimensions": ("type", "type")}, "distinct"),
        ({"higher_is_better": "yes"}, "higher_is_better must be True, False or None"),
        ({"threshold": 0.05}, r"threshold must be a Threshold\(min=..., max=...\)"),
        ({"compute": 3}, "compute must be a function"),
        ({"version": ""}, "version must be a non-empty text"),
    ],
)
def test_bad_declarations_name_the_kpi_and_the_fix(kwargs, message):
    arguments = {"name": "my_kpi", "compute": one} | kwargs
    with pytest.raises(KpiError, match=message) as caught:
        Kpi(**arguments)
    assert repr(arguments["name"]) in str(caught.value)


def test_bad_thresholds():
    with pytest.raises(KpiError, match=r"min is above max; swap them"):
        Threshold(min=0.5, max=0.1)
    with pytest.raises(KpiError, match="give min=, max= or both"):
        Threshold()
    assert Threshold(max=0.05).breached(0.06) and not Threshold(max=0.05).breached(0.05)
    assert Threshold(min=0.5).breached(0.4) and not Threshold(min=0.5).breached(float("nan"))


def test_a_duplicate_name_names_both_declarations():
    catalogue = Catalogue([Kpi("my_kpi", one, title="First")])
    with pytest.raises(
        KpiError, match=r"'my_kpi' is declared twice: 'First' \(.*test_declarations.py:\d+\) and 'Second'"
    ):
        catalogue.add(Kpi("my_kpi", lambda inv: 2.0, title="Second"))
    with pytest.raises(KpiError, match="declared twice"):

        @metrics.default_catalogue().kpi(unit="share")
        def stale(inv):
            return 0.0


def test_unknown_names_suggest_close_ones():
    with pytest.raises(KpiError, match="Did you mean 'stale'"):
        metrics.default_catalogue()["stael"]
    assert metrics.default_catalogue().select(["stale", "factsheets"]).names == ["stale", "factsheets"]


def test_a_kpi_that_raises_is_a_kpi_error_naming_it(demo_snapshot):
    def broken(inv):
        return 1 / 0

    with pytest.raises(
        KpiError, match=r"KPI 'broken' \(.*\) failed on 2026-11-01: ZeroDivisionError"
    ) as caught:
        metrics.evaluate([Kpi("broken", broken)], demo_snapshot, today=TODAY)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def test_a_kpi_over_an_unknown_relation_names_the_kpi_and_the_relation(demo_snapshot, demo_ws):
    bad = Kpi("bad_relation", lambda inv: len(inv.relations("Application", "relApplicationToNowhere")))
    for source in (demo_snapshot, demo_ws):
        with pytest.raises(KpiError, match=r"KPI 'bad_relation'.*relApplicationToNowhere"):
            metrics.evaluate([bad], source, today=TODAY)


def test_a_type_the_workspace_lacks_gives_nan_not_an_error(demo_snapshot):
    lacking = Kpi(
        "robots",
        lambda inv: (
            inv.factsheets("Robot")["id"].count() / len(inv.factsheets("Robot"))
            if len(inv.factsheets("Robot"))
            else float("nan")
        ),
        unit="share",
    )
    values = metrics.evaluate([lacking], demo_snapshot, today=TODAY)
    assert values["value"].isna().tolist() == [True]


def test_an_unknown_tag_group_is_named(demo_snapshot, demo_ws):
    catalogue = metrics.default_catalogue(tag_groups=["Region", "Colour"]).select(["tag_coverage"])
    for source in (demo_snapshot, demo_ws):
        with pytest.raises(
            KpiError,
            match=r"KPI 'tag_coverage'.*tag group\(s\) 'Colour' not in the workspace; it has: .*Region",
        ):
            metrics.evaluate(catalogue, source, today=TODAY)
    chosen = metrics.evaluate(
        metrics.default_catalogue(tag_groups=["Region"]).select(["tag_coverage"]), demo_snapshot
    )
    assert chosen["dimensions"].tolist() == ["tag_group=Region"]


def test_bad_results_are_named():
    series = Kpi("no_dims", lambda inv: pd.Series({"a": 1.0}))
    text = Kpi("texty", lambda inv: "many")
    levels = Kpi("levels", lambda inv: pd.Series({("a", "b"): 1.0}), dimensions=("type",))
    inv = object.__new__(metrics.Inventory)
    inv.today = TODAY
    from kit.metrics.evaluate import kpi_rows

    with pytest.raises(KpiError, match="'no_dims'.*declares no dimensions"):
        kpi_rows(series, inv)
    with pytest.raises(KpiError, match="'texty'.*returned 'many'"):
        kpi_rows(text, inv)
    with pytest.raises(KpiError, match="'levels'.*2 index level"):
        kpi_rows(levels, inv)


def test_load_reports_files_it_cannot_use(tmp_path):
    with pytest.raises(KpiError, match="no such Python file"):
        Catalogue().load(tmp_path / "absent.py")
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    with pytest.raises(KpiError, match="defines no Kpi"):
        Catalogue().load(empty)
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('nope')\n")
    with pytest.raises(KpiError, match="loading it raised RuntimeError: nope"):
        Catalogue().load(broken)
    with pytest.raises(KpiError, match="no such module"):
        Catalogue().load("no_such_module_for_kpis")

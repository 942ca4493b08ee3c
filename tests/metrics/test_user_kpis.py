"""A KPI a user declares (decorator, or a file loaded into the catalogue) goes everywhere a default one goes:
evaluate, the history, the table and the files; changing its code recomputes its cached values."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import textwrap

import pandas as pd
import pytest

from kit import metrics
from kit.metrics import Threshold
from tests.metrics.conftest import TODAY

DATES = [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]


def _without_accountable(raw) -> int:
    return sum(
        1
        for n in raw["Application"]
        if n["status"] == "ACTIVE"
        and not any(e["node"]["type"] == "ACCOUNTABLE" for e in n["subscriptions"]["edges"])
    )


def _catalogue(threshold: float = 5) -> metrics.Catalogue:
    catalogue = metrics.default_catalogue()

    @catalogue.kpi(
        title="Apps without an accountable",
        unit="count",
        higher_is_better=False,
        threshold=Threshold(max=threshold),
    )
    def apps_without_accountable(inv):
        """Active applications with no ACCOUNTABLE subscription."""
        subs = inv.subscriptions("Application")
        owned = subs.loc[subs["subscriptionType"] == "ACCOUNTABLE", "id"]
        return int((~inv.factsheets("Application")["id"].isin(owned)).sum())

    return catalogue


@pytest.fixture
def folder(tmp_path, demo_snapshot):
    for day in DATES:
        shutil.copytree(demo_snapshot.path, tmp_path / day.isoformat())
    return tmp_path


def test_the_decorator_declares_and_adds_a_kpi(demo_ws, demo_raw):
    catalogue = _catalogue()
    kpi = catalogue["apps_without_accountable"]
    assert catalogue.names[-1] == "apps_without_accountable"
    assert kpi.description == "Active applications with no ACCOUNTABLE subscription."
    assert kpi.title == "Apps without an accountable" and kpi.unit == "count"
    values = metrics.evaluate(catalogue, demo_ws, today=TODAY)
    row = values[values["kpi"] == "apps_without_accountable"]
    assert row["value"].tolist() == [_without_accountable(demo_raw)]
    assert row["dimensions"].tolist() == [""]
    assert row["breached"].tolist() == [_without_accountable(demo_raw) > 5]
    assert kpi(metrics.Inventory(demo_ws, today=TODAY)) == _without_accountable(demo_raw)  # still callable


def test_a_user_kpi_goes_into_the_history_the_table_and_the_files(folder, tmp_path, demo_raw):
    want = _without_accountable(demo_raw)
    assert want > 1  # the threshold below is breached
    kpis = metrics.History(folder).evaluate(_catalogue(threshold=1))
    assert kpis.series("apps_without_accountable").tolist() == [want, want]
    table = kpis.table()
    row = table[table["kpi"] == "apps_without_accountable"].iloc[0]
    assert (row["value"], row["previous"], row["delta"], row["breached"]) == (want, want, 0, True)
    assert row["improved"] == False  # noqa: E712 - no change is no improvement
    out = tmp_path / "out"
    out.mkdir()
    files = metrics.write_kpi_files(kpis, out)
    document = json.loads(files["json"].read_text())
    entry = next(k for k in document["kpis"] if k["name"] == "apps_without_accountable")
    assert entry["value"] == want and entry["threshold"] == {"min": None, "max": 1.0}
    alert = next(a for a in document["alerts"] if a["kpi"] == "apps_without_accountable")
    assert alert["message"] == f"Apps without an accountable is {want:,}, above the threshold of 1"
    csv = pd.read_csv(files["csv"])
    assert csv.loc[csv["kpi"] == "apps_without_accountable", "value"].tolist() == [want]


def test_changing_a_kpis_code_recomputes_its_cached_values(folder, demo_raw):
    first = metrics.History(folder).evaluate(_catalogue())
    assert first.series("apps_without_accountable").tolist() == [_without_accountable(demo_raw)] * 2
    catalogue = metrics.default_catalogue()

    @catalogue.kpi(title="Apps without an accountable", unit="count")
    def apps_without_accountable(inv):  # same name, other code
        return len(inv.factsheets("Application")) + 1000

    apps = sum(n["status"] == "ACTIVE" for n in demo_raw["Application"])
    again = metrics.History(folder).evaluate(catalogue)
    assert again.series("apps_without_accountable").tolist() == [apps + 1000] * 2


def test_a_changed_helper_of_the_same_module_changes_the_fingerprint(tmp_path):
    def load(body: str) -> metrics.Kpi:
        path = tmp_path / f"kpis_{abs(hash(body))}.py"
        path.write_text(
            textwrap.dedent(
                f"""
                from kit.metrics import Kpi

                def helper(inv):
                    return {body}

                def compute(inv):
                    return helper(inv)

                open_apps = Kpi("open_apps", compute, unit="count")
                """
            )
        )
        return metrics.Catalogue().load(path)["open_apps"]

    one, two, same = load("1"), load("2"), load("1")
    assert one.fingerprint() != two.fingerprint()
    assert one.fingerprint() == same.fingerprint()


def test_load_adds_every_module_level_kpi_in_order(tmp_path, demo_snapshot):
    path = tmp_path / "team_kpis.py"
    path.write_text(
        textwrap.dedent(
            """
            from kit.metrics import Kpi, Threshold

            def _apps(inv):
                return len(inv.factsheets("Application"))

            applications = Kpi("applications", _apps, title="Applications", unit="count")
            nothing = Kpi("nothing", lambda inv: float("nan"), unit="share", threshold=Threshold(max=0.1))
            """
        )
    )
    catalogue = metrics.Catalogue().load(path)
    assert catalogue.names == ["applications", "nothing"]
    values = metrics.evaluate(catalogue, demo_snapshot, today=TODAY)
    assert values["value"].isna().tolist() == [False, True]
    assert values["breached"].tolist() == [False, False]  # a missing value breaches nothing
    assert len(metrics.default_catalogue().load(path)) == len(metrics.default_catalogue()) + 2

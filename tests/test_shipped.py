"""kit.shipped: where the notebooks and sample data are, and how a relative path such as a notebook
parameter's default finds them from any folder (docs/schedules.md §2).

The test suite runs on the editable install, so the shipped root is this checkout; tests/test_wheel.py checks
the same module inside an installed wheel.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kit import shipped
from kit.shipped import locate

CHECKOUT = Path(__file__).resolve().parents[1]


def test_in_a_checkout_the_folders_are_the_top_level_ones():
    assert shipped.ROOT == CHECKOUT
    assert shipped.NOTEBOOKS == CHECKOUT / "notebooks"
    assert shipped.DATA == CHECKOUT / "data"
    assert {p.name for p in shipped.NOTEBOOKS.glob("*.ipynb")} >= {
        "explore.ipynb",
        "metrics_report.ipynb",
        "processor_preview.ipynb",
        "run_health.ipynb",
    }


def test_an_absolute_path_is_returned_as_it_is_even_when_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    given = tmp_path / "elsewhere" / "config.json"
    assert locate(given) == given
    assert locate(str(given)) == given
    existing = CHECKOUT / "data" / "ldif" / "starter.json"
    assert locate(existing) == existing


def test_a_relative_path_that_exists_from_the_current_folder_wins_over_the_shipped_one(tmp_path, monkeypatch):
    mine = tmp_path / "data" / "processors" / "starter.json"
    mine.parent.mkdir(parents=True)
    mine.write_text('{"connectorId": "my-own"}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    found = locate("data/processors/starter.json")

    assert found == Path("data/processors/starter.json")  # as given: relative to the current folder
    assert json.loads(found.read_text(encoding="utf-8")) == {"connectorId": "my-own"}
    assert locate(Path("data") / "processors" / "starter.json") == Path("data/processors/starter.json")


def test_a_relative_path_missing_from_the_current_folder_is_the_shipped_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an empty folder, like cron's or JupyterLab's on notebooks/

    config = locate("data/processors/starter.json")
    ldif = locate(os.path.join("data", "ldif", "test_projects.json"))

    assert config == CHECKOUT / "data" / "processors" / "starter.json"
    assert json.loads(config.read_text(encoding="utf-8"))["connectorId"] == "inbound-example"
    assert ldif == CHECKOUT / "data" / "ldif" / "test_projects.json"
    assert locate("notebooks/explore.ipynb") == CHECKOUT / "notebooks" / "explore.ipynb"


def test_a_home_relative_path_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "mine.json").write_text("{}", encoding="utf-8")
    assert locate("~/mine.json") == tmp_path / "mine.json"


def test_a_path_found_nowhere_names_both_places_looked_at(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(FileNotFoundError) as raised:
        locate("data/processors/nope.json")

    message = str(raised.value)
    assert "'data/processors/nope.json' does not exist" in message
    assert str(tmp_path / "data" / "processors" / "nope.json") in message
    assert str(CHECKOUT / "data" / "processors" / "nope.json") in message
    assert "give an absolute path or one relative to the current folder" in message

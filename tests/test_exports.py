"""``ws.export`` and ``lxkit export``: a workbook (sheets, headers, frozen header, autofilter, widths),
CSV and Parquet folders, the refusals. Own small sandbox; expected values come from GraphQL answers read
directly (not through the kit's frames) or are written by hand."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.exports import sheet_names
from kit.leanix import UnknownFactSheetType
from kit.outputs import OutputError
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.workspace import Workspace

TYPES = ["Application", "ITComponent"]
ONE_APP = """{ allFactSheets(factSheetType: Application, first: 1) {
  edges { node { id name updatedAt } } } }"""


@pytest.fixture(scope="module")
def small():
    with Sandbox(SandboxOptions(size=200, seed=3)) as server:
        with LeanIXClient(server.url, Secret(SANDBOX_TOKEN)) as client:
            yield server, Workspace(client, progress=False)


@pytest.fixture(scope="module")
def workbook(small, tmp_path_factory):
    _, ws = small
    path = ws.export(tmp_path_factory.mktemp("x") / "inventory.xlsx", types=TYPES)
    return path


def test_workbook_has_a_sheet_per_type_plus_relations_and_tags(workbook):
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Application", "ITComponent", "Relations", "Tags"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
    app = book["Application"]
    headers = [c.value for c in app[1]]
    assert headers[:2] == ["id", "name"]
    assert "updatedAt (UTC)" in headers and "createdAt (UTC)" in headers
    assert "updatedAt" not in headers
    widths = [app.column_dimensions[c.column_letter].width for c in app[1]]
    assert all(4 <= w <= 60 for w in widths)
    relations = [c.value for c in book["Relations"][1]]
    assert relations[:4] == ["fromType", "relation", "fromId", "toId"]
    assert [c.value for c in book["Tags"][1]][:3] == ["type", "id", "name"]


def test_workbook_values_match_the_graphql_answer(small, workbook):
    _, ws = small
    node = ws.client.graphql(ONE_APP)["allFactSheets"]["edges"][0]["node"]
    sheet = openpyxl.load_workbook(workbook)["Application"]
    headers = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    row = rows[node["id"]]
    assert row[headers.index("name")] == node["name"]
    updated = pd.Timestamp(node["updatedAt"]).tz_convert("UTC").tz_localize(None).to_pydatetime()
    assert abs(row[headers.index("updatedAt (UTC)")] - updated) < dt.timedelta(milliseconds=1)
    count = ws.client.graphql("{ allFactSheets(factSheetType: Application) { totalCount } }")
    assert sheet.max_row - 1 == count["allFactSheets"]["totalCount"]


def test_csv_and_parquet_folders(small, tmp_path):
    _, ws = small
    csv = ws.export(tmp_path / "inventory.csv", types=["Application"])
    assert sorted(os.listdir(csv)) == ["Application.csv", "relations.csv", "tags.csv"]
    frame = pd.read_csv(csv / "Application.csv")
    assert frame.columns[:2].tolist() == ["id", "name"]
    assert str(frame["updatedAt"].iloc[0]).endswith("+00:00")  # CSV keeps the offset
    parquet = ws.export(tmp_path / "inventory.parquet", types=["Application"])
    assert sorted(os.listdir(parquet)) == ["Application.parquet", "relations.parquet", "tags.parquet"]
    back = pd.read_parquet(parquet / "Application.parquet")
    assert str(back["updatedAt"].dt.tz) == "UTC"
    assert len(back) == len(frame)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no work folders left


def test_existing_targets_are_refused_unless_overwrite(small, tmp_path):
    _, ws = small
    target = tmp_path / "inv.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match="exists; pass overwrite=True"):
        ws.export(target, types=["Application"])
    assert target.read_bytes() == b"old"
    ws.export(target, types=["Application"], overwrite=True)
    assert openpyxl.load_workbook(target).sheetnames == ["Application", "Relations", "Tags"]
    folder = tmp_path / "mine.csv"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep")
    with pytest.raises(OutputError, match="holds more than a .csv export"):
        ws.export(folder, types=["Application"], overwrite=True)
    assert (folder / "notes.txt").read_text() == "keep"


def test_clear_errors(small, tmp_path):
    _, ws = small
    with pytest.raises(UnknownFactSheetType, match="Did you mean 'Application'"):
        ws.export(tmp_path / "a.xlsx", types=["Aplication"])
    with pytest.raises(OutputError, match=r"\.xlsx.*\.csv or \.parquet"):
        ws.export(tmp_path / "a.json")
    with pytest.raises(OutputError, match="does not exist"):
        ws.export(tmp_path / "missing" / "a.xlsx")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):  # root may write anyway
            with pytest.raises(OutputError, match="not writable"):
                ws.export(locked / "a.xlsx")
    finally:
        locked.chmod(0o700)
    assert os.listdir(tmp_path) == ["locked"]


def test_sheet_names_follow_excels_rules():
    names = sheet_names(["A" * 40, "A" * 35, "Relations", "relations", "a/b"])
    assert names == ["A" * 31, "A" * 27 + " (2)", "Relations", "relations (2)", "a_b"]


def test_lxkit_export_runs_as_a_process(small, tmp_path):
    server, _ = small
    env = {**os.environ, "LEANIX_HOST": server.url, "LEANIX_API_TOKEN": SANDBOX_TOKEN, "LXKIT_HEADLESS": "1"}
    env.pop("LEANIX_WORKSPACE", None)
    target = tmp_path / "cli.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "kit", "export", str(target), "--types", "Application", "ITComponent"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"Export written to {target}" in done.stdout
    assert openpyxl.load_workbook(target).sheetnames == ["Application", "ITComponent", "Relations", "Tags"]
    again = subprocess.run(
        [sys.executable, "-m", "kit", "export", str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1
    assert "exists; pass overwrite=True (lxkit export --overwrite)" in again.stderr
    wrong = subprocess.run(
        [sys.executable, "-m", "kit", "export", str(tmp_path / "x.xlsx"), "--types", "Aplication"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 1 and "Did you mean 'Application'" in wrong.stderr

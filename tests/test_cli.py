"""The lxkit command: the demo job and the sandbox server, run as real processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

import kit
from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN
from kit.sandbox.demo import generate_workspace
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_demo_fetches_the_sandbox_and_says_where_the_snapshot_is(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kit", "demo", "--size", "300", "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    expected = generate_workspace(size=300, seed=7).count_by_type(include_archived=True)
    for type_name, count in expected.items():
        if count:
            assert re.search(rf"^{type_name}\s+{count}$", done.stdout, re.M), type_name
    assert re.search(rf"^total\s+{sum(expected.values())}$", done.stdout, re.M)
    where = re.search(r"Snapshot written to (\S+)", done.stdout).group(1)
    snap = kit.load_snapshot(where)
    assert snap.manifest["factSheets"] == {t: c for t, c in expected.items() if c}
    assert "embedded lxkit sandbox" in done.stderr
    report = Path(re.search(r"Report written to (\S+\.html)", done.stdout).group(1))
    record = json.loads((report.parent / "run.json").read_text())
    largest = sorted(snap.manifest["factSheets"].items(), key=lambda kv: -kv[1])[:5]
    assert record["status"] == "succeeded"
    assert record["parameters"]["types"] == [name for name, _count in largest]
    executed = (report.parent / "explore.ipynb").read_text()
    active = sum(len(snap.factsheets(name)) for name, _count in largest)  # archived ones are left out
    assert f"{active:,} fact sheets of 5 types" in executed


def test_sandbox_serve_answers_real_clients():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kit", "sandbox", "serve", "--port", str(port), "--size", "150"],
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(url + "/", timeout=0.5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        with LeanIXClient(url, Secret(SANDBOX_TOKEN)) as client:
            total = client.graphql("{ allFactSheets { totalCount } }")["allFactSheets"]["totalCount"]
        expected = generate_workspace(size=150, seed=7).count_by_type()
        assert total == sum(expected.values())
    finally:
        process.terminate()
        out, _err = process.communicate(timeout=30)
    assert f"lxkit sandbox at {url}" in out


def test_sandbox_serve_refuses_non_loopback_addresses():
    done = subprocess.run(
        [sys.executable, "-m", "kit", "sandbox", "serve", "--host", "0.0.0.0"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "loopback only" in done.stderr


def run_cli(*args, cwd=ROOT, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "kit", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_lint_exits_non_zero_on_errors_and_names_the_place(tmp_path):
    clean = run_cli("lint", "data/processors/starter.json")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    config = json.loads((ROOT / "data/processors/starter.json").read_text())
    config["processors"][0]["filters"] = config["processors"][0].pop("filter")  # the classic typo
    config["processors"][0]["updates"][0]["values"][0]["regexMatch"] = "([a-z"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(config, indent=2))
    done = run_cli("lint", str(broken))
    assert done.returncode == 1
    assert "unknown key 'filters'" in done.stdout and "did you mean 'filter'" in done.stdout
    assert "processors[0].updates[0].values[0].regexMatch" in done.stdout
    assert re.search(r"broken\.json:\d+:\d+", done.stdout)


def test_preview_prints_a_summary_and_writes_html_and_excel(tmp_path):
    html_out, xlsx_out = tmp_path / "preview.html", tmp_path / "preview.xlsx"
    done = run_cli(
        "preview", "data/processors/starter.json", "data/ldif/starter.json", "--out", str(html_out)
    )
    assert done.returncode == 0, done.stderr
    assert "Fact sheets: 3 created" in done.stdout and "no workspace given" in done.stdout
    page = html_out.read_text()
    assert "HR Service - 1.8.4" in page and "<table" in page
    done = run_cli(
        "preview", "data/processors/starter.json", "data/ldif/starter.json", "--live", "--out", str(xlsx_out)
    )
    assert done.returncode == 0, done.stderr
    import openpyxl

    book = openpyxl.load_workbook(xlsx_out)
    assert "writes" in book.sheetnames
    values = [cell.value for row in book["writes"].iter_rows() for cell in row]
    assert "HR Service - 1.8.4" in values


def test_preview_of_malformed_json_says_line_and_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"processors": [\n  {"processorType": "inboundFactSheet",}\n]}')
    done = run_cli("preview", str(bad), "data/ldif/starter.json")
    assert done.returncode == 1
    assert re.search(r"bad\.json:2:\d+: malformed JSON", done.stderr), done.stderr


def test_scope_check_runs_against_the_sandbox():
    done = run_cli("scope", "data/processors/starter.json", "data/ldif/starter.json", "--live")
    assert done.returncode == 0, done.stderr
    assert "3 processor(s) match 5 (item, processor) pairs" in done.stdout
    assert re.search(r"Apps from Deployments\s+inboundFactSheet\s+0\s+True\s+2", done.stdout), done.stdout


def test_report_command_runs_a_notebook_with_typed_parameters(tmp_path, sandbox):
    env = clean_env() | {"LEANIX_HOST": sandbox.url, "LEANIX_API_TOKEN": SANDBOX_TOKEN}
    (tmp_path / "params.yaml").write_text("types: [Project]\ninclude_archived: false\n")
    done = subprocess.run(
        [sys.executable, "-m", "kit", "report", "explore", "-f", "params.yaml", "-p", "include_archived", "true",
         "--out", "reports", "--no-html"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    record_path = Path(re.search(r"Record:\s+(\S+)", done.stdout).group(1))
    record = json.loads(record_path.read_text())
    assert record["parameters"] == {"types": ["Project"], "include_archived": True}
    assert record["html_path"] is None and record["workspace"] == sandbox.url
    projects = count_of(sandbox, "Project")
    assert f"{projects:,} fact sheets of 1 types" in (record_path.parent / "explore.ipynb").read_text()


def count_of(sandbox, type_name: str) -> int:
    with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN)) as client:
        return len(kit.Workspace(client, progress=False).factsheets(type_name, include_archived=True))


def test_report_command_refuses_an_unknown_parameter_and_lists_the_known_ones(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kit", "report", "run_health", "-p", "dayz", "3", "--out", "reports"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "run_health.ipynb has no parameter 'dayz'; its parameters are: days" in done.stderr
    assert not (tmp_path / "reports").exists()
    listed = run_cli("report", "--list", cwd=tmp_path)
    assert listed.returncode == 0
    assert "processor_preview\n  config_path: str = " in listed.stdout


def test_sandbox_serve_as_of_serves_the_workspace_of_that_day():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kit", "sandbox", "serve", "--port", str(port), "--size", "300"]
        + ["--as-of", "2021-03-15"],
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    every = '(first: 10000, filter: {facetFilters: [{facetKey: "TrashBin", operator: OR, keys: ["archived", "active"]}]})'
    try:
        for _ in range(300):
            try:
                requests.get(url + "/", timeout=0.5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        with LeanIXClient(url, Secret(SANDBOX_TOKEN)) as client:
            found = client.graphql(
                f"{{ allFactSheets{every} {{ totalCount edges {{ node {{ createdAt updatedAt }} }} }} }}"
            )
            syncs = client.get("/services/synclog/v1/synchronizations", {"size": 1, "sort": "createdAt-desc"})
    finally:
        process.terminate()
        out, _err = process.communicate(timeout=30)
    nodes = [e["node"] for e in found["allFactSheets"]["edges"]]
    # demo fact sheets are created evenly from 2016-01-01 on: five of the ten years have passed, roughly half
    assert 0 < found["allFactSheets"]["totalCount"] == len(nodes) < 300
    assert max(n["updatedAt"] for n in nodes) <= "2021-03-15T00:00:00.000Z"
    assert syncs["data"][0]["createdAt"][:10] == "2021-03-15"  # that night's runs, none later
    assert "as of 2021-03-15" in out


def test_sandbox_serve_refuses_a_day_outside_the_demo_history():
    for bad in ("2015-12-31", "2026-11-02", "2026-13-01", "yesterday"):
        done = run_cli("sandbox", "serve", "--as-of", bad, "--port", "0", timeout=60)
        assert done.returncode == 2, (bad, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "--as-of" in lines[0] and "2016-01-01 to 2026-11-01" in lines[0], lines


def test_sandbox_serve_refuses_webhook_retry_settings_out_of_range():
    for flag, bad in (("--webhook-retry-limit", "0"), ("--webhook-retry-interval", "-1")):
        done = run_cli("sandbox", "serve", flag, bad, "--port", "0", timeout=60)
        assert done.returncode == 2, (flag, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and flag in lines[0] and f"got {bad}" in lines[0], lines

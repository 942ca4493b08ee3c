"""Reports as cron runs them: a bare environment (no LEANIX_*, no LXKIT_*, a short PATH), working folder
``/``. Such a run never reports on the demo sandbox silently: it says so, ``--workspace default`` and
schedules refuse it, and a ``.env`` in the working folder (or beside the notebook) is found and named.

``run_health`` on the demo, with ``--fail-on-alert``, exits 2 and names the failing connectors in
``run.json``; which connectors fail is counted here by hand from the sync log's raw JSON."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests

from kit.reports import find_notebook
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions

LXKIT = str(Path(sys.executable).parent / "lxkit")


def cron_env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "SHELL": "/bin/sh"}


def lxkit(*args: str, home: Path, cwd: str | Path = "/", env: dict[str, str] | None = None):
    return subprocess.run(
        [LXKIT, *args],
        cwd=cwd,
        env={**cron_env(home), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_folders(out: Path) -> list[Path]:
    return sorted(p.parent for p in out.glob("*/*/run.json"))


def test_a_report_without_workspace_says_it_used_the_sandbox(tmp_path):
    out = tmp_path / "reports"
    done = lxkit("report", "explore", "-p", "types", '["Application"]', "--out", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "No workspace configured" in done.stderr
    assert "embedded demo sandbox" in done.stderr
    assert "Workspace: embedded sandbox (no LEANIX_HOST" in done.stdout
    (folder,) = run_folders(out)
    record = json.loads((folder / "run.json").read_text())
    assert record["workspace"] == "embedded sandbox"
    assert record["workspace_source"].startswith("no LEANIX_HOST in the environment or a .env file")
    assert "looked in /" in record["workspace_source"]


def test_default_workspace_is_refused_before_any_kernel(tmp_path):
    out = tmp_path / "reports"
    done = lxkit("report", "explore", "--workspace", "default", "--out", str(out), home=tmp_path)
    assert done.returncode == 1
    assert "no workspace is configured" in done.stderr
    assert "embedded demo sandbox" in done.stderr
    assert not out.exists()  # refused before the output folder was made


def test_a_schedule_never_runs_on_the_sandbox_unless_it_says_so(tmp_path):
    (tmp_path / "schedules.yaml").write_text(
        "schedules:\n"
        "  - name: weekly\n"
        "    notebook: explore\n"
        '    cron: "0 6 * * 1"\n'
        "    workspace: default\n"
        "    parameters: {types: [Application]}\n"
        "  - name: demo\n"
        "    notebook: explore\n"
        '    cron: "0 6 * * 1"\n'
        "    workspace: sandbox\n"
        "    parameters: {types: [Application]}\n"
    )
    file = str(tmp_path / "schedules.yaml")
    refused = lxkit("schedule", "run", "weekly", "--file", file, home=tmp_path)
    assert refused.returncode == 1
    assert "sandbox" in refused.stderr + refused.stdout
    assert run_folders(tmp_path / "reports" / "weekly") == []
    ran = lxkit("schedule", "run", "demo", "--file", file, home=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    (folder,) = run_folders(tmp_path / "reports" / "demo")
    record = json.loads((folder / "run.json").read_text())
    assert (record["workspace"], record["profile"]) == ("embedded sandbox", "sandbox")


@pytest.fixture(scope="module")
def own_sandbox():
    with Sandbox(SandboxOptions(size=300, seed=3)) as server:
        yield server


def test_a_dotenv_in_the_working_folder_is_found_and_named(tmp_path, own_sandbox):
    work = tmp_path / "srv"
    work.mkdir()
    (work / ".env").write_text(f"LEANIX_HOST={own_sandbox.url}\nLEANIX_API_TOKEN={SANDBOX_TOKEN}\n")
    done = lxkit(
        "report", "explore", "-p", "types", '["Application"]', "--out", "reports", cwd=work, home=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "No workspace configured" not in done.stderr
    assert f"Workspace: {own_sandbox.url} (LEANIX_HOST in {work / '.env'})" in done.stdout
    (folder,) = run_folders(work / "reports")
    assert json.loads((folder / "run.json").read_text())["workspace"] == own_sandbox.url
    assert own_sandbox.url in (folder / "explore.ipynb").read_text()  # the kernel read from that sandbox


def test_a_dotenv_beside_the_notebook_is_found_from_the_root_folder(tmp_path, own_sandbox):
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    shutil.copy(find_notebook("explore"), notebooks / "explore.ipynb")
    (notebooks / ".env").write_text(f"LEANIX_HOST={own_sandbox.url}\nLEANIX_API_TOKEN={SANDBOX_TOKEN}\n")
    out = tmp_path / "reports"
    done = lxkit(
        "report",
        str(notebooks / "explore.ipynb"),
        "-p",
        "types",
        '["Application"]',
        "--out",
        str(out),
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert f"(LEANIX_HOST in {notebooks / '.env'})" in done.stdout
    (folder,) = run_folders(out)
    record = json.loads((folder / "run.json").read_text())
    assert record["workspace"] == own_sandbox.url
    # the kernel resolved the same workspace: its first cell printed the sandbox it read from
    assert own_sandbox.url in (folder / "explore.ipynb").read_text()


def demo_synclog() -> list[dict]:
    """The demo's sync log as raw JSON rows (2,000 fact sheets, seed 7, as the embedded sandbox serves it),
    paged with plain requests: what the hand counts below read."""
    with Sandbox(SandboxOptions(size=2000, seed=7)) as sandbox:
        session = requests.Session()
        token = session.post(
            f"{sandbox.url}/services/mtm/v1/oauth2/token",
            auth=("apitoken", SANDBOX_TOKEN),
            data={"grant_type": "client_credentials"},
            timeout=30,
        ).json()["access_token"]
        rows, page = [], 1
        while True:
            answer = session.get(
                f"{sandbox.url}/services/synclog/v1/synchronizations",
                params={"page": page, "size": 100, "sort": "createdAt-desc"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            rows += answer["data"]
            if len(answer["data"]) < 100:
                break
            page += 1
    return rows


def failing_connectors_by_hand(days: int, max_failure_rate: float, in_a_row: int) -> set[str]:
    """The demo's sync log (2,000 fact sheets, seed 7, as the embedded sandbox serves it), read as raw JSON
    and counted here: connectors failing more than ``max_failure_rate`` of their runs in the last ``days``
    UTC days, or whose newest ``in_a_row`` runs all failed."""
    rows = demo_synclog()
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days - 1)
    recent = [r for r in rows if dt.date.fromisoformat(r["createdAt"][:10]) >= start]
    runs, errors = (
        Counter(r["name"] for r in recent),
        Counter(r["name"] for r in recent if r["status"] == "ERROR"),
    )
    failing = {name for name in runs if errors[name] / runs[name] > max_failure_rate}
    newest: dict[str, list[str]] = {}
    for row in sorted(recent, key=lambda r: r["createdAt"], reverse=True):
        newest.setdefault(row["name"], []).append(row["status"])
    failing |= {name for name, statuses in newest.items() if statuses[:in_a_row] == ["ERROR"] * in_a_row}
    return failing


def test_run_health_fails_on_alert_and_names_the_connectors(tmp_path):
    expected = failing_connectors_by_hand(30, 0.2, 2)
    assert expected  # the demo is built to have failing connectors; if none fail, this test proves nothing
    out = tmp_path / "reports"
    done = lxkit("report", "run_health", "--fail-on-alert", "--out", str(out), home=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    (folder,) = run_folders(out)
    record = json.loads((folder / "run.json").read_text())
    assert record["status"] == "succeeded"
    named = {a["name"] for a in record["alerts"] if a["kind"] == "connector"}
    assert named == expected
    for alert in record["alerts"]:
        assert alert["name"] in alert["message"]
        assert f"Alert (connector): {alert['message']}" in done.stdout
    again = lxkit(
        "report", "run_health", "--out", str(out), home=tmp_path
    )  # without the flag: alerts, exit 0
    assert again.returncode == 0, again.stderr
    assert "Alert (connector)" in again.stdout

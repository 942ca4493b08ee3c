"""The lxkit command: the demo job and the sandbox server, run as real processes."""

from __future__ import annotations

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

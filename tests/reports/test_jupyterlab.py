"""JupyterLab on ``notebooks/``, as a user opens it: the server lists the kit's notebooks, serves the Lab page,
and a kernel it starts runs the metrics report's first cells (imports and the catalogue) from the notebook
as stored. Loopback only, an ephemeral port and a random token."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("home")
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT / 'notebooks'}",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    env |= {
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / "rt"),
    }
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    try:
        for _ in range(600):
            try:
                if session.get(f"{base}/api/status", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited: {server.stderr.read()[-2000:]}")
            time.sleep(0.1)
        yield base, session
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_lab_lists_the_kits_notebooks(lab):
    base, session = lab
    listing = session.get(f"{base}/api/contents", timeout=10).json()
    names = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
    assert {"explore.ipynb", "metrics_report.ipynb", "processor_preview.ipynb", "run_health.ipynb"} <= names
    page = session.get(f"{base}/lab", timeout=10)
    assert page.status_code == 200 and "jupyter-config-data" in page.text


def test_lab_opens_the_metrics_report_with_its_parameters_cell(lab):
    base, session = lab
    model = session.get(f"{base}/api/contents/metrics_report.ipynb", timeout=10).json()
    assert model["type"] == "notebook"
    tagged = [c for c in model["content"]["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1 and 'history: str = "history"' in tagged[0]["source"]


def test_a_lab_kernel_runs_the_notebooks_setup_cells(lab):
    """The kernel Lab starts for the notebook imports the kit and builds the default catalogue."""
    import websocket  # from jupyter_server's dependencies (websocket-client)

    base, session = lab
    kernel = session.post(f"{base}/api/kernels", json={"name": "python3"}, timeout=30).json()
    book = session.get(f"{base}/api/contents/metrics_report.ipynb", timeout=10).json()["content"]
    code = [c["source"] for c in book["cells"] if c["cell_type"] == "code"]
    source = "\n".join([code[0], code[1], "print(len(catalogue), catalogue.names[0])"])
    url = base.replace("http", "ws") + f"/api/kernels/{kernel['id']}/channels"
    ws = websocket.create_connection(
        url, header=[f"Authorization: {session.headers['Authorization']}"], timeout=120
    )
    try:
        msg_id = secrets.token_hex(8)
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": secrets.token_hex(8),
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": source, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))  # fmt: skip
        printed, status = [], None
        while status is None:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                pytest.fail("\n".join(message["content"]["traceback"]))
            elif message["msg_type"] == "execute_reply":
                status = message["content"]["status"]
    finally:
        ws.close()
        session.delete(f"{base}/api/kernels/{kernel['id']}", timeout=10)
    assert status == "ok"
    assert "".join(printed).split() == ["17", "factsheets"]  # the 17 default KPIs (README), fact sheets first

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


def run_in_lab(lab, source: str, allow_stdin: bool = False) -> list[dict]:
    """Run ``source`` in a kernel JupyterLab starts, over its websocket as the Lab front end does; the
    messages the cell produced (stream, display_data, execute_result, error, execute_reply)."""
    import websocket  # from jupyter_server's dependencies (websocket-client)

    base, session = lab
    kernel = session.post(f"{base}/api/kernels", json={"name": "python3"}, timeout=30).json()
    url = base.replace("http", "ws") + f"/api/kernels/{kernel['id']}/channels"
    ws = websocket.create_connection(
        url, header=[f"Authorization: {session.headers['Authorization']}"], timeout=120
    )
    messages: list[dict] = []
    try:
        msg_id = secrets.token_hex(8)
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": secrets.token_hex(8),
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": source, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": allow_stdin, "stop_on_error": True},
        }))  # fmt: skip
        while not messages or messages[-1]["msg_type"] != "execute_reply":
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") == msg_id:
                messages.append(message)
    finally:
        ws.close()
        session.delete(f"{base}/api/kernels/{kernel['id']}", timeout=10)
    return messages


def test_a_lab_kernel_runs_the_notebooks_setup_cells(lab):
    """The kernel Lab starts for the notebook imports the kit and builds the default catalogue."""
    base, session = lab
    book = session.get(f"{base}/api/contents/metrics_report.ipynb", timeout=10).json()["content"]
    code = [c["source"] for c in book["cells"] if c["cell_type"] == "code"]
    source = "\n".join([code[0], code[1], "print(len(catalogue), catalogue.names[0])"])
    messages = run_in_lab(lab, source)
    errors = [m for m in messages if m["msg_type"] == "error"]
    assert not errors, "\n".join(errors[0]["content"]["traceback"]) if errors else ""
    assert messages[-1]["content"]["status"] == "ok"
    printed = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert printed.split() == ["17", "factsheets"]  # the 17 default KPIs (README), fact sheets first


EXPLORE = """
import kit
from kit import viz
ws = kit.connect(progress=False)
viz.explorer({"Application": ws.factsheets("Application")}, source=ws)
"""


def test_the_explorer_is_a_widget_for_a_person_and_static_for_a_run(lab):
    """JupyterLab sends ``allow_stdin: true`` with a person's cells: the explorer is a widget there. A run
    nobody watches (papermill, nbclient: ``allow_stdin: false``) gets plain figure, table and note, no
    widget (docs/reports.md; nbclient #312). Same kernel code, the embedded sandbox behind it."""
    shown = {}
    for allow_stdin in (True, False):
        messages = run_in_lab(lab, EXPLORE, allow_stdin=allow_stdin)
        assert messages[-1]["content"]["status"] == "ok", [
            m["content"] for m in messages if m["msg_type"] == "error"
        ]
        shown[allow_stdin] = [
            set(m["content"]["data"]) for m in messages if m["msg_type"] in ("display_data", "execute_result")
        ]
    assert any("application/vnd.jupyter.widget-view+json" in kinds for kinds in shown[True])
    assert not any("application/vnd.jupyter.widget-view+json" in kinds for kinds in shown[False])
    assert any("application/vnd.plotly.v1+json" in kinds for kinds in shown[False])  # the figure
    assert sum("text/html" in kinds for kinds in shown[False]) >= 2  # the rows table and the note

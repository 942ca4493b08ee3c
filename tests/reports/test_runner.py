"""The report runner: parameters checked before a kernel starts, failures recorded, tokens redacted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from kit.reports import ReportError, find_notebook, run_report
from kit.reports.html import export_html
from kit.reports.runner import REDACTED, ReportFailed
from tests.conftest import CANARY


def write_notebook(path: Path, *cells: str, parameters: str = "x: int = 1  # a number") -> Path:
    book = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, path)
    return path


@pytest.fixture
def canary_env(monkeypatch, tmp_path):
    """A configured token (the canary); the host is never contacted by these notebooks."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEANIX_HOST", "https://acme.leanix.net")
    monkeypatch.setenv("LEANIX_API_TOKEN", CANARY)
    return tmp_path


def test_unknown_parameter_is_refused_before_a_kernel_starts(canary_env):
    notebook = write_notebook(canary_env / "nb.ipynb", "print(x)")
    with pytest.raises(ReportError) as refused:
        run_report(notebook, {"y": 2}, out=canary_env / "out")
    assert "has no parameter 'y'" in str(refused.value) and "x" in str(refused.value)
    assert not (canary_env / "out").exists()


@pytest.mark.parametrize("name", ["api_token", "LEANIX_API_TOKEN", "password", "client_secret", "apikey"])
def test_credential_like_parameters_are_refused(canary_env, name):
    notebook = write_notebook(canary_env / "nb.ipynb", parameters=f"{name}: str = ''  # no")
    with pytest.raises(ReportError) as refused:
        run_report(notebook, {name: "abc"}, out=canary_env / "out")
    assert "looks like a credential" in str(refused.value)


def test_the_token_as_a_parameter_value_is_refused_without_echoing_it(canary_env):
    notebook = write_notebook(canary_env / "nb.ipynb", parameters="label: str = ''  # a label")
    with pytest.raises(ReportError) as refused:
        run_report(notebook, {"label": f"prefix {CANARY}"}, out=canary_env / "out")
    assert "holds the configured API token" in str(refused.value) and "'label'" in str(refused.value)
    assert CANARY not in str(refused.value) and CANARY not in repr(refused.value)


def test_a_failing_cell_keeps_notebook_html_and_record_then_raises(canary_env):
    notebook = write_notebook(canary_env / "broken.ipynb", "y = x * 2", "print(y / 0)", "print('never')")
    out = canary_env / "out"
    with pytest.raises(ReportFailed) as failed:
        run_report(notebook, {"x": 21}, out=out)
    record = failed.value.record
    assert record.status == "failed" and not record.succeeded
    assert record.error["ename"] == "ZeroDivisionError"
    # In [4]: parameters, injected parameters, y = ..., then this; it is the fourth cell (index 3)
    assert (record.error["execution_count"], record.error["cell_index"]) == (4, 3)
    assert "failed at In [4]: ZeroDivisionError" in str(failed.value)
    saved = json.loads((record.directory / "run.json").read_text())
    assert saved["status"] == "failed" and saved["parameters"] == {"x": 21}
    executed = nbformat.read(record.notebook_path, as_version=4)
    statuses = [
        c.metadata.get("papermill", {}).get("status") for c in executed.cells if c.cell_type == "code"
    ]
    assert statuses[-2:] == ["failed", "pending"]
    assert record.html_path.is_file() and "ZeroDivisionError" in record.html_path.read_text()
    assert str(record.notebook_path) in str(failed.value)
    assert [json.loads(line)["status"] for line in (out / "runs.jsonl").read_text().splitlines()] == [
        "failed"
    ]
    assert not list(out.glob("*/.*.partial"))


def test_a_token_printed_by_notebook_code_is_redacted(canary_env):
    notebook = write_notebook(
        canary_env / "leaky.ipynb", "import os\nprint('token is', os.environ['LEANIX_API_TOKEN'])"
    )
    record = run_report(notebook, {}, out=canary_env / "out")
    # once in the notebook; the HTML is made from the redacted notebook, the record does not count again
    assert record.redactions == {"api_token": 1, "access_token": 0}
    for path in (record.notebook_path, record.html_path, record.directory / "run.json"):
        text = path.read_text()
        assert CANARY not in text
    assert f"token is {REDACTED}" in record.notebook_path.read_text()


def test_parameters_are_injected_and_relative_paths_resolve_from_cwd(canary_env):
    (canary_env / "input.txt").write_text("hello from cwd")
    notebook = write_notebook(
        canary_env / "echo.ipynb",
        "print(open(path).read(), x * 2)",
        parameters="x: int = 1  # a number\npath: str = 'missing.txt'  # a file to read",
    )
    record = run_report(notebook, {"x": 21, "path": "input.txt"}, out=canary_env / "out", html=False)
    executed = nbformat.read(record.notebook_path, as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "hello from cwd 42\n"
    assert record.html_path is None and not list(record.directory.glob("*.html"))


def test_find_notebook_names_the_known_ones():
    assert find_notebook("explore").name == "explore.ipynb"
    with pytest.raises(ReportError.__mro__[1]) as missing:
        find_notebook("no_such_report")
    assert "explore" in str(missing.value) and "no_such_report" in str(missing.value)


def test_html_export_keeps_no_remote_script(tmp_path):
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": '<script src="https://cdn.example.org/x.js"></script><b>kept</b>'},
        )
    ]
    book.cells = [cell]
    html = export_html(book, tmp_path / "page.html")
    assert "cdn.example.org" not in html and "<b>kept</b>" in html
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == html


def test_cli_values_are_json_when_they_parse_and_yaml_dates_stay_text(tmp_path):
    from kit.reports.parameters import parse_value, read_parameters_file

    assert [parse_value(v) for v in ("14", "true", '["Application"]', "snapshots/a", "2026-11-01")] == [
        14,
        True,
        ["Application"],
        "snapshots/a",
        "2026-11-01",
    ]
    (tmp_path / "p.yaml").write_text("until: 2026-11-01\ndays: 7\ntypes: [Project]\n")
    assert read_parameters_file(tmp_path / "p.yaml") == {
        "until": "2026-11-01",
        "days": 7,
        "types": ["Project"],
    }
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(Exception, match="must hold a mapping of parameter names to values, not list"):
        read_parameters_file(tmp_path / "list.yaml")


def test_the_kernel_is_the_interpreter_running_the_report_even_with_another_python3_kernelspec(
    canary_env, monkeypatch
):
    # a user-level python3 kernelspec pointing elsewhere (here: to an interpreter that does not exist)
    kernels = canary_env / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps({"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "elsewhere", "language": "python"})
    )  # fmt: skip
    monkeypatch.setenv("JUPYTER_PATH", str(canary_env / "jupyter"))
    notebook = write_notebook(canary_env / "which.ipynb", "import sys\nprint(sys.executable)")
    record = run_report(notebook, {}, out=canary_env / "out", html=False)
    printed = nbformat.read(record.notebook_path, as_version=4).cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()

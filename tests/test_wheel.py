"""The built wheel, installed in a fresh venv outside the checkout, carries the notebooks and sample data and
runs ``lxkit report explore`` and ``lxkit report processor_preview`` from an empty folder (issue 9,
docs/schedules.md §2). Select it alone with ``pytest tests/test_wheel.py`` (about a minute).

How, and why so:

* The wheel is built with pip from a copy of the files pyproject.toml builds from (pyproject.toml,
  requirements.txt, README.md, kit/, notebooks/, data/): an in-tree build would leave ``build/`` in the
  checkout, and setuptools reuses that folder, so a module deleted from kit/ could still reach the wheel.
  Build isolation fetches setuptools from the configured package index.
* The fresh venv (``python -m venv`` in tmp) gets the wheel with ``--no-deps --no-index`` and its
  dependencies through a ``.pth`` file naming the project venv's site-packages, so nothing is downloaded. A
  ``.pth`` adds a folder to ``sys.path`` without running the ``.pth`` files inside it, so the project's
  editable install (a finder hooked in by such a file) stays out and ``kit`` comes from the wheel. The
  dependencies' data files (nbconvert's HTML templates, the python3 kernel spec) live under the project
  venv's ``share/jupyter``, which a ``.pth`` cannot add: ``JUPYTER_PATH`` names it.
* Commands run with the fresh venv's ``bin`` first on PATH, in an empty folder, with HOME in tmp and no
  ``LEANIX_*`` or ``LXKIT_*`` variables (so the embedded sandbox is used); a probe notebook run the same way
  shows that the kernel papermill starts is the fresh venv's Python importing the wheel's kit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions

CHECKOUT = Path(__file__).resolve().parents[1]
BUILT_FROM = ("pyproject.toml", "requirements.txt", "README.md", "kit", "notebooks", "data")
KIT_NOTEBOOKS = {"explore.ipynb", "metrics_report.ipynb", "processor_preview.ipynb", "run_health.ipynb"}
EXPLORE_TYPES = ("Application", "ITComponent", "BusinessCapability", "Interface", "Project")  # its defaults
PROBE = """\
import json
import sys

import kit
from kit import shipped

print(json.dumps({"executable": sys.executable, "prefix": sys.prefix, "kit": kit.__file__,
                  "notebooks": str(shipped.NOTEBOOKS)}))"""


def run(command: list[str], **options) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILT_FROM:
        if (CHECKOUT / name).is_dir():
            shutil.copytree(CHECKOUT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(CHECKOUT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "-w", str(dist)])
    (built,) = dist.glob("lxkit-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh(wheel, tmp_path_factory) -> Path:
    """A venv outside the checkout with the wheel installed and the project venv's packages on its path."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)])
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    (Path(purelib) / "lxkit_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.fixture(scope="module")
def bare_env(fresh, tmp_path_factory) -> dict[str, str]:
    """What a user's shell in a fresh install gives: no workspace settings, a HOME of its own."""
    dropped = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "XDG_CONFIG_HOME", "IPYTHONDIR"}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEANIX_", "LXKIT_", "JUPYTER")) and key not in dropped
    }
    env["PATH"] = f"{fresh / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    env["HOME"] = str(tmp_path_factory.mktemp("home"))
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return env


@pytest.fixture(scope="module")
def site_packages(fresh, bare_env) -> Path:
    python = str(fresh / "bin" / "python")
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(run([python, "-c", code], env=bare_env).stdout.strip())


@pytest.fixture(scope="module")
def reports(fresh, bare_env, tmp_path_factory):
    """``lxkit report`` of explore, processor_preview and a probe notebook, from an empty folder."""
    empty = tmp_path_factory.mktemp("empty")
    out = tmp_path_factory.mktemp("reports")
    probe = tmp_path_factory.mktemp("probe") / "probe.ipynb"
    book = nbformat.v4.new_notebook()
    book.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    parameters = nbformat.v4.new_code_cell('detail: str = "paths"  # what the probe prints')
    parameters.metadata["tags"] = ["parameters"]
    book.cells = [parameters, nbformat.v4.new_code_cell(PROBE)]
    nbformat.write(book, probe)

    lxkit = str(fresh / "bin" / "lxkit")
    done = {}
    for name in ("explore", "processor_preview", str(probe)):
        done[Path(name).stem] = run([lxkit, "report", name, "--out", str(out)], cwd=empty, env=bare_env)
    return empty, out, done


def record(out: Path, name: str) -> tuple[dict, str]:
    """The run.json of the one run of ``name`` under ``out``, and what its executed notebook printed."""
    (path,) = out.glob(f"{name}/*/run.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nbformat.read(path.parent / f"{name}.ipynb", as_version=4).cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return data, "\n".join(parts)


def test_the_wheel_holds_every_package_the_notebooks_and_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    packages = {
        path.parent.relative_to(CHECKOUT).as_posix()
        for path in (CHECKOUT / "kit").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert {Path(n).parent.as_posix() for n in names if n.endswith(".py")} == packages
    assert {n for n in names if n.startswith("kit/_shipped/notebooks/")} == {
        f"kit/_shipped/notebooks/{n}" for n in KIT_NOTEBOOKS
    }
    data = {p.relative_to(CHECKOUT).as_posix() for p in (CHECKOUT / "data").rglob("*") if p.is_file()}
    assert {n for n in names if n.startswith("kit/_shipped/data/")} == {f"kit/_shipped/{p}" for p in data}
    assert {
        "kit/_shipped/data/processors/starter.json",
        "kit/_shipped/data/processors/test_projects_full.json",
        "kit/_shipped/data/ldif/test_projects.json",
    } <= names
    assert all(n.startswith(("kit/", "lxkit-")) for n in names), sorted(names)  # no top-level notebooks/


def test_in_the_fresh_venv_kit_and_its_files_come_from_the_wheel(fresh, bare_env, site_packages, tmp_path):
    code = (
        "import json, kit\n"
        "from kit import shipped\n"
        "print(json.dumps({'kit': kit.__file__, 'notebooks': str(shipped.NOTEBOOKS),\n"
        "    'found': sorted(p.name for p in shipped.NOTEBOOKS.glob('*.ipynb')),\n"
        "    'starter': str(shipped.locate('data/processors/starter.json'))}))"
    )
    answer = json.loads(run([str(fresh / "bin" / "python"), "-c", code], cwd=tmp_path, env=bare_env).stdout)

    assert Path(answer["kit"]) == site_packages / "kit" / "__init__.py"
    assert Path(answer["notebooks"]) == site_packages / "kit" / "_shipped" / "notebooks"
    assert set(answer["found"]) == KIT_NOTEBOOKS
    starter = site_packages / "kit" / "_shipped" / "data" / "processors" / "starter.json"
    assert Path(answer["starter"]) == starter
    assert json.loads(starter.read_text(encoding="utf-8"))["connectorId"] == "inbound-example"
    assert not Path(answer["kit"]).resolve().is_relative_to(CHECKOUT)


def test_the_kernel_is_the_fresh_venvs_python_with_the_wheels_kit(reports, fresh, site_packages):
    _empty, out, _done = reports
    data, text = record(out, "probe")
    assert data["status"] == "succeeded" and data["notebook"] == "probe"
    (line,) = [line for line in text.splitlines() if line.startswith("{")]
    seen = json.loads(line)

    assert Path(seen["prefix"]).resolve() == fresh.resolve()
    assert Path(seen["executable"]).parent == fresh / "bin"
    assert Path(seen["kit"]) == site_packages / "kit" / "__init__.py"
    assert Path(seen["notebooks"]) == site_packages / "kit" / "_shipped" / "notebooks"


def test_explore_runs_from_an_empty_folder_on_the_embedded_sandbox(reports):
    empty, out, done = reports
    data, text = record(out, "explore")

    assert data["status"] == "succeeded" and data["notebook"] == "explore" and data["error"] is None
    assert data["workspace"] == "embedded sandbox"
    assert Path(data["html_path"]).is_file()
    assert "Report explore finished" in done["explore"].stdout
    # the embedded demo workspace: 2,000 fact sheets, seed 7 (kit.sandbox.embedded's defaults)
    with (
        Sandbox(SandboxOptions(size=2000, seed=7)) as sandbox,
        LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN)) as client,
    ):
        query = "{ allFactSheets(factSheetType: %s) { totalCount } }"
        expected = sum(client.graphql(query % t)["allFactSheets"]["totalCount"] for t in EXPLORE_TYPES)
    assert expected > 1000
    assert f"{expected:,} fact sheets of 5 types from workspace " in text
    assert list(empty.iterdir()) == []  # nothing written into the working folder


def test_processor_preview_runs_from_an_empty_folder_on_the_shipped_samples(reports, site_packages):
    empty, out, done = reports
    data, text = record(out, "processor_preview")

    assert data["status"] == "succeeded" and data["notebook"] == "processor_preview" and data["error"] is None
    shipped = site_packages / "kit" / "_shipped" / "data"
    assert f"Processor configuration: {shipped / 'processors' / 'test_projects_full.json'}" in text
    assert f"LDIF: {shipped / 'ldif' / 'test_projects.json'}" in text
    # data/README.md: every tagged project would be archived, so the 50% guard cancels the deletion
    assert "Project fact sheets would be archived (100%)" in text
    assert "deletion would be cancelled at the 50% limit" in text
    assert list(empty.iterdir()) == []

"""No credential leaves a report run: not in a file under ``--out``, not on the terminal of ``lxkit report``.

The canary: ``fixtures/leaks_token.ipynb`` runs against a sandbox whose API token is :data:`CANARY` and
prints that token and the access token its client holds (plain, base64, URL-encoded), shows them in HTML,
writes them to stderr and to the kernel's own stdout, then raises an exception quoting them.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import urllib.parse
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from kit.redaction import REDACTED, Redactor
from kit.reports import run_report
from kit.reports.runner import ReportFailed
from kit.sandbox import Sandbox, SandboxOptions
from tests.conftest import CANARY

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "leaks_token.ipynb"
ROOT = Path(__file__).resolve().parents[2]

# Counted by hand from the fixture: 7 printed forms of the API token (plain, base64, base64 unpadded,
# URL-safe, URL-safe unpadded, URL-encoded, a Basic header) and 6 of the access token; one of each in the HTML
# output and one on stderr; the error output holds each twice (evalue and the traceback's last line).
# The fd write goes to the terminal, not into the notebook, so it is not counted.
EXPECTED_REDACTIONS = {"api_token": 7 + 1 + 1 + 2, "access_token": 6 + 1 + 1 + 2}


def forms(secret: str) -> list[str]:
    """A secret as it may leak: plain, base64 (standard, URL-safe; with and without padding), URL-encoded."""
    raw = secret.encode()
    standard, urlsafe = base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()
    return [
        secret,
        standard,
        standard.rstrip("="),
        urlsafe,
        urlsafe.rstrip("="),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote(standard, safe=""),
    ]


def leaks(text: str, secrets: list[str]) -> list[str]:
    """Which forms of which secrets ``text`` holds (shown by position, never by value)."""
    return [
        f"secret {i} form {j}"
        for i, secret in enumerate(secrets)
        for j, form in enumerate(forms(secret))
        if form in text
    ]


@pytest.fixture(scope="module")
def canary_sandbox():
    with Sandbox(SandboxOptions(size=200, seed=3, api_token=CANARY)) as server:
        yield server


def canary_environment(sandbox: Sandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    env.update(LEANIX_HOST=sandbox.url, LEANIX_API_TOKEN=CANARY)
    return env


class FolderWatcher(threading.Thread):
    """Reads every file below a folder, over and over, while a run writes there: any leak seen is kept."""

    def __init__(self, folder: Path, secrets: list[str]) -> None:
        super().__init__(daemon=True)
        self.folder, self.secrets, self.seen, self.reads = folder, secrets, [], 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for path in self._files():
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:  # renamed or removed meanwhile
                    continue
                self.reads += 1
                self.seen += [f"{path.name}: {leak}" for leak in leaks(text, self.secrets)]

    def _files(self) -> list[Path]:
        """The files below the folder now (a folder renamed while it is listed is simply listed next time)."""
        found = []
        for root, _, names in os.walk(self.folder):
            found += [Path(root, name) for name in names]
        return found


@pytest.fixture(scope="module")
def cli_run(canary_sandbox, tmp_path_factory):
    """``lxkit report leaks_token.ipynb`` as a subprocess, with a watcher reading the output folder meanwhile."""
    work = tmp_path_factory.mktemp("leaks")
    out = work / "out"
    watcher = FolderWatcher(out, [CANARY])  # the access tokens are not known until the kernel asked for one
    watcher.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kit", "report", str(FIXTURE), "--out", str(out)],
            cwd=work,
            env=canary_environment(canary_sandbox),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        watcher.done.set()
        watcher.join()
    return out, done, watcher, list(canary_sandbox.issuer.issued)


def test_the_kernel_obtained_an_access_token_from_the_sandbox(cli_run):
    _out, _done, _watcher, issued = cli_run
    assert len(issued) >= 1
    assert all(token.startswith("eyJ") and token.count(".") == 2 for token in issued)


def test_no_form_of_either_token_is_in_any_file_below_the_output_folder(cli_run):
    out, _done, _watcher, issued = cli_run
    files = sorted(p for p in out.rglob("*") if p.is_file())
    names = {p.name for p in files}
    assert {"leaks_token.ipynb", "leaks_token.html", "run.json", "runs.jsonl"} <= names
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert leaks(text, [CANARY, *issued]) == [], path.name


def test_nothing_leaky_was_on_disk_even_for_a_moment(cli_run):
    _out, _done, watcher, _issued = cli_run
    assert watcher.reads > 0
    assert watcher.seen == []


def test_no_form_of_either_token_is_on_the_terminal_of_lxkit_report(cli_run):
    _out, done, _watcher, issued = cli_run
    assert done.returncode == 1  # the last cell raised
    assert leaks(done.stdout, [CANARY, *issued]) == []
    assert leaks(done.stderr, [CANARY, *issued]) == []
    # the fd write reached the terminal redacted; the error line names the cell, with the tokens redacted
    assert f"fd: {REDACTED} {REDACTED}" in done.stdout
    assert "lxkit: report 'leaks_token' failed at In [" in done.stderr
    assert f"RuntimeError: leaked {REDACTED} and {REDACTED}" in done.stderr


def test_the_record_counts_each_redaction_once(cli_run):
    out, _done, _watcher, _issued = cli_run
    (record_path,) = out.glob("leaks_token/*/run.json")
    record = json.loads(record_path.read_text())
    assert record["redactions"] == EXPECTED_REDACTIONS
    assert record["status"] == "failed"
    assert record["error"]["ename"] == "RuntimeError"
    assert record["error"]["evalue"] == f"leaked {REDACTED} and {REDACTED}"
    (line,) = (out / "runs.jsonl").read_text().splitlines()
    assert json.loads(line)["redactions"] == EXPECTED_REDACTIONS


def test_the_notebook_keeps_its_outputs_with_the_tokens_replaced(cli_run):
    out, _done, _watcher, _issued = cli_run
    (path,) = out.glob("leaks_token/*/leaks_token.ipynb")
    book = nbformat.read(path, as_version=4)
    printed = book.cells[4].outputs[0]["text"].splitlines()  # papermill's error banner is cell 0
    assert printed[0] == f"leak api plain: {REDACTED}"
    assert printed[7] == f"leak access base64: {REDACTED}"
    assert printed[-1] == f"leak api basic header: Basic {REDACTED}"
    assert len(printed) == 13
    html = book.cells[5].outputs[0]["data"]["text/html"]
    assert html == f"<p>api <code>{REDACTED}</code>, access <code>{REDACTED}</code></p>"
    assert book.cells[6].outputs[0]["text"] == f"error: api {REDACTED} access {REDACTED}\n"
    assert book.metadata["papermill"]["output_path"] == str(path)  # not papermill's in-memory address


def test_run_report_in_process_raises_without_quoting_a_token(canary_sandbox, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, value in canary_environment(canary_sandbox).items():
        if name.startswith("LEANIX_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("LEANIX_WORKSPACE", raising=False)
    with pytest.raises(ReportFailed) as failed:
        run_report(FIXTURE, {"label": "again"}, out=tmp_path / "out", html=False)
    issued = list(canary_sandbox.issuer.issued)
    assert leaks(f"{failed.value}\n{failed.value!r}", [CANARY, *issued]) == []
    assert failed.value.record.redactions == EXPECTED_REDACTIONS
    assert f"leaked {REDACTED} and {REDACTED}" in str(failed.value)


# -- the redactor on its own ---------------------------------------------------------------------------------

JWT = (  # header {"alg":"HS256","typ":"JWT"}, claims {"sub":"1","exp":1}, a made-up signature
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.c2lnbmF0dXJlLW5vdC1yZWFsLTEyMzQ1Njc4"
)


@pytest.mark.parametrize("prefix", [b"", b"x", b"xy", b"apitoken:", b"Bearer "])
@pytest.mark.parametrize("secret", [CANARY, JWT])
def test_base64_forms_are_found_at_every_alignment(prefix, secret):
    raw = prefix + secret.encode() + b" tail"
    redactor = Redactor(CANARY)
    kind = "api_token" if secret == CANARY else "access_token"
    for encoded in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        for text in (encoded, encoded.rstrip("="), urllib.parse.quote(encoded, safe="")):
            redacted, counts = redactor.text_counted(f"value: {text}\n")
            assert redacted == f"value: {REDACTED}\n"
            assert counts[kind] == 1 and sum(counts.values()) == 1


def test_text_without_tokens_is_left_alone():
    redactor = Redactor(CANARY)
    image = base64.b64encode(bytes(range(256)) * 4000).decode()  # a megabyte of binary, like a PNG output
    plain = "eyJ alone, a.b.c, https://example.org/a%20b?q=LXT_other, ZXlKaGJHY2lPaUpJVXpJMU5pSjk="
    redacted, counts = redactor.text_counted(image)
    assert redacted == image and sum(counts.values()) == 0
    redacted, counts = redactor.text_counted(plain)
    assert redacted == plain and sum(counts.values()) == 0


def test_values_are_redacted_in_place_and_counted():
    value = {"a": [CANARY, {"b": f"Bearer {JWT}"}], "n": 3, "t": (JWT,)}
    counts = Counter()
    assert Redactor(CANARY).value(value, counts) == {
        "a": [REDACTED, {"b": f"Bearer {REDACTED}"}],
        "n": 3,
        "t": (REDACTED,),
    }
    assert dict(counts) == {"api_token": 1, "access_token": 2}


def test_the_cli_prints_errors_redacted(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    env.update(LEANIX_HOST="https://acme.leanix.net", LEANIX_API_TOKEN=CANARY)
    params = tmp_path / "p.yaml"
    params.write_text(f"label: {CANARY}\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kit",
            "report",
            str(FIXTURE),
            "-f",
            str(params),
            "--out",
            str(tmp_path / "o"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("lxkit: the value of parameter 'label' holds the configured API token")
    assert leaks(done.stdout + done.stderr, [CANARY]) == []
    assert not (tmp_path / "o").exists()  # refused before anything was created

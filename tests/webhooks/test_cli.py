"""``lxkit webhook preview CALLBACK.js [PAYLOAD.json] [--time-limit S]`` as a subprocess: output and exit
codes (docs/alerts.md §2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.webhooks.payloads import FINISHED, finished

ROOT = Path(__file__).resolve().parents[2]
RESHAPE = (
    "var p = delivery.payload;\n"
    "delivery.active = p.errorCount > 0;\n"
    "delivery.payload = {text: p.connectorId + ': ' + p.errorCount + ' errors'};\n"
    "console.log('progress', p.progress);\n"
)


def lxkit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "kit", "webhook", "preview", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return path.name


def test_a_delivering_callback_prints_yes_the_payload_and_the_console(tmp_path):
    script = write(tmp_path / "alert.js", RESHAPE)
    payload = write(tmp_path / "failed.json", json.dumps(finished(errorCount=3)))
    done = lxkit(tmp_path, script, payload)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        'would deliver: yes\n{\n  "text": "inbound-document-connector: 3 errors"\n}\nlog: progress FINISHED\n'
    )


def test_without_a_payload_the_sample_run_is_used_and_not_delivered(tmp_path):
    script = write(
        tmp_path / "alert.js", "if (delivery.payload.errorCount === 0) { delivery.active = false; }"
    )
    done = lxkit(tmp_path, script)
    assert done.returncode == 0, done.stderr
    first, rest = done.stdout.split("\n", 1)
    assert first == "would deliver: no"
    assert json.loads(rest) == FINISHED


def test_a_syntax_error_is_one_line_with_file_line_and_column(tmp_path):
    script = write(tmp_path / "broken.js", "var a = 1;\nif (a {\n}\n")
    done = lxkit(tmp_path, script)
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("lxkit: broken.js, line 2, column 7: SyntaxError")


def test_a_malformed_payload_is_one_line_with_file_line_and_column(tmp_path):
    script = write(tmp_path / "alert.js", RESHAPE)
    payload = write(tmp_path / "bad.json", '{"errorCount": 1,\n "progress": FINISHED}')
    done = lxkit(tmp_path, script, payload)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("lxkit: bad.json, line 2, column 14: Expecting value")


def test_missing_files_exit_1_naming_them(tmp_path):
    done = lxkit(tmp_path, "nowhere.js")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["lxkit: nowhere.js: no such callback file"]
    script = write(tmp_path / "alert.js", RESHAPE)
    done = lxkit(tmp_path, script, "nothing.json")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["lxkit: nothing.json: no such payload file"]


def test_an_endless_callback_is_stopped_after_the_time_limit(tmp_path):
    script = write(tmp_path / "spin.js", "while (true) {}\n")
    start = time.monotonic()
    done = lxkit(tmp_path, script, "--time-limit", "0.5")
    assert time.monotonic() - start < 60  # includes the interpreter's start; a bound on hanging
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("lxkit: spin.js did not finish within 0.5 s")
    assert "line 1, column 1" in line

"""Open an HTML file in headless Chromium (Debian's ``chromium``) and return the DOM after scripts ran.

No network: every host name resolves to nothing (``--host-resolver-rules``), background services are off,
and the page is a ``file://`` URL, so a report that needed a CDN would render blank here and fail its test.
Console messages come back too, so a script error in the page is visible to the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=20000",
)


@dataclass
class Page:
    dom: str
    console: list[str]

    @property
    def plots(self) -> int:
        """Plotly figures that drew themselves (each renders an ``svg.main-svg``)."""
        return len(re.findall(r'<div class="plot-container plotly"', self.dom))

    @property
    def script_errors(self) -> list[str]:
        return [line for line in self.console if "Uncaught" in line]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    return path


def render(html: Path) -> Page:
    """The page's DOM after its scripts ran, and what it logged to the console."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", html.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    return Page(done.stdout, console)

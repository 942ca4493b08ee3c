"""A PNG of an HTML file as headless Chromium draws it, with the same offline flags as ``tests.reports.chromium``."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from tests.reports.chromium import FLAGS, chromium


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 2400) -> Path:
    """Draw ``html`` in a ``width`` x ``height`` window and save it to ``png``."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                chromium(),
                *FLAGS,
                f"--user-data-dir={profile}",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 0 and png.is_file(), done.stderr[-2000:]
    return png

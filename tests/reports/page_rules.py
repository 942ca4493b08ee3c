"""What every report page must be when a person reads it (issue 12's acceptance), checked over the DOM that
headless Chromium built at 1400 px, and the screenshot of each page saved for review.

- no table cell shows a float with more than 3 decimals, a raw ``Timedelta`` or ISO 8601 duration,
  ``None``/``NaN``/``NaT``/``<NA>``, or a UUID (the tables show names; ids stay in hidden columns);
- no table without rows (a sentence says so instead);
- nothing is wider than the window (no horizontal scrolling), no table or output box wider than its own box;
- the figures drew, and their titles are readable from the DOM (``titles``), so tests name the charts they
  expect by what the titles say.

``measured(page)`` opens a copy of the page with a measuring script appended (the page itself is left alone).
Screenshots go to ``$LXKIT_SCREENSHOTS`` or, by default, ``build/screenshots/`` in the checkout.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from tests.reports.chromium import FLAGS, chromium
from tests.reports.chromium_shot import screenshot

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 1400

FLOAT_4 = re.compile(r"\d\.\d{4,}")
TIMEDELTA = re.compile(r"\d+ days? \d{2}:\d{2}:\d{2}")
ISO_DURATION = re.compile(r"\bP(?:\d+D)?T\d+(?:\.\d+)?[HMS]")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MISSING_TEXTS = ("None", "NaN", "nan", "NaT", "<NA>", "")

# appended to a COPY of the page: sizes, elements wider than their box, figure titles, the callout's colours
MEASURE = """<script>
window.addEventListener('load', () => setTimeout(() => {
  const d = document.documentElement, callout = document.querySelector('.lx-callout');
  const boxes = 'section, table, pre, .jp-OutputArea-output, .jp-RenderedHTMLCommon';
  const wide = [...document.querySelectorAll(boxes)].filter(e => e.scrollWidth > e.clientWidth + 1);
  const out = document.createElement('pre');
  out.id = 'lx-measure';
  out.textContent = JSON.stringify({
    inner: window.innerWidth, scroll: d.scrollWidth, client: d.clientWidth,
    wide: wide.map(e => (e.id || e.tagName) + ': ' + (e.textContent || '').trim().slice(0, 80)),
    titles: [...document.querySelectorAll('.plot-container .gtitle')].map(t => t.textContent),
    background: callout ? getComputedStyle(callout).backgroundColor : null,
    border: callout ? getComputedStyle(callout).borderLeftColor : null});
  document.body.appendChild(out);
}, 0));
</script>"""


@dataclass
class Measured:
    dom: BeautifulSoup
    sizes: dict[str, Any]

    @property
    def titles(self) -> list[str]:
        """The drawn figures' titles, in page order."""
        return list(self.sizes["titles"])


def measured(page: Path) -> Measured:
    """The page's DOM in a 1400 px wide window, and what the measuring script found there."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "measured.html"
        copy.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), "utf-8")
        done = subprocess.run(
            [
                chromium(),
                *FLAGS,
                f"--user-data-dir={folder}/profile",
                f"--window-size={WIDTH},1000",
                "--dump-dom",
                copy.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = BeautifulSoup(done.stdout, "html.parser")
    found = dom.find(id="lx-measure")
    assert found is not None, "the measuring script did not run"
    sizes = json.loads(found.get_text())
    found.decompose()
    return Measured(dom, sizes)


def cell_problems(dom: BeautifulSoup) -> list[str]:
    """Each table cell that reads like debugging output, with what is wrong with it."""
    problems = []
    for td in dom.find_all("td"):
        cell = td.get_text(" ", strip=True)
        if FLOAT_4.search(cell):
            problems.append(f"float with more than 3 decimals: {cell!r}")
        if TIMEDELTA.search(cell) or ISO_DURATION.search(cell):
            problems.append(f"raw duration: {cell!r}")
        if cell in MISSING_TEXTS and not (cell == "" and td.find(["svg", "img"])):  # a sparkline is no text
            problems.append(f"missing value shown as {cell!r}")
        if UUID.search(cell):
            problems.append(f"UUID in a cell: {cell!r}")
    return problems


def empty_tables(dom: BeautifulSoup) -> list[str]:
    """Tables without a body row: their header texts."""
    empty = []
    for table in dom.find_all("table"):
        if table.find("td") is None:
            empty.append(table.get_text(" ", strip=True)[:120])
    return empty


def assert_reads_well(page: Path, seen: Measured | None = None) -> Measured:
    """The acceptance rules above, for one page (measured here unless ``seen`` is given); returns what was
    measured for further checks."""
    seen = seen or measured(page)
    sizes = seen.sizes
    assert sizes["inner"] == WIDTH
    assert sizes["scroll"] <= sizes["client"], f"{page.name} scrolls sideways: {sizes}"
    assert sizes["wide"] == [], f"{page.name}: wider than their box: {sizes['wide']}"
    assert empty_tables(seen.dom) == [], page.name
    assert cell_problems(seen.dom) == [], page.name
    return seen


def shoot(page: Path, name: str, height: int = 2200) -> Path:
    """A 1400 px wide screenshot of ``page`` saved as ``name.png`` for review (see the module docstring)."""
    folder = Path(os.environ.get("LXKIT_SCREENSHOTS") or ROOT / "build" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    png = screenshot(page, folder / f"{name}.png", width=WIDTH, height=height)
    assert png.stat().st_size > 10_000
    return png

"""The preview's HTML export, opened in headless Chromium: summary, deletions and tables as a reader sees them."""

from __future__ import annotations

import re
from pathlib import Path

import kit
from kit.sources import LiveView
from tests.reports.chromium import render

ROOT = Path(__file__).resolve().parents[2]


def test_preview_page_shows_summary_deletions_and_tables(ws, tmp_path):
    shown = kit.preview(
        ROOT / "data/processors/test_projects_full.json", ROOT / "data/ldif/test_projects.json", LiveView(ws)
    )
    page = render(shown.to_html(tmp_path / "preview.html"))
    assert page.script_errors == []
    text = re.sub(r"<[^>]+>", " ", page.dom)
    for line in shown.summary().splitlines():
        assert line in text  # every summary line, as written
    doomed = shown.deletions_frame
    assert len(doomed) > 0 and doomed["cancelled"].all()
    for name in doomed["name"]:
        assert name in text
    headings = re.findall(r"<h2 id=\"(\w+)\">", page.dom)
    assert headings == [name for name in shown.frames()]  # one section per non-empty frame, in order
    assert "Cloud Migration Wave 3" in text and "CRM Consolidation" in text

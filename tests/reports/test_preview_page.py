"""The preview page (``Preview.to_html``) opened in headless Chromium at 1400 px and read over its DOM.

A small configuration and LDIF written here by hand, against eight Projects, give numbers counted by hand: the
summary box, and the deletion guard's callout by the documented rule (reference §6.7: all deletion is
cancelled when a scope's share reaches ``maximumDeletionRatio``, ≥). The session sandbox's projects give the
page of a real workspace (names linked to it). Every page: no script, nothing fetched, no cell with a float
of more than 3 decimals, ``None``/``NaN``, a raw ``Timedelta``/ISO duration or a UUID, no empty table, no
horizontal overflow (tests/reports/page_rules.py). Screenshots at 1400 px are saved for review (page_rules.shoot).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

import kit
from kit.previews.preview import Preview, preview
from kit.sources import LiveView
from tests.reports import page_rules
from tests.reports.page_rules import assert_reads_well as assert_page_reads_well

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 1, 9, 30)

HEADER = {
    "connectorType": "portfolio",
    "connectorId": "projects-to-leanix",
    "connectorVersion": "2.1.0",
    "processingDirection": "inbound",
    "processingMode": "full",
}
LONG_GOAL = "Move the CRM to the cloud: " + "replatform" * 40  # one 400-character word must wrap, not widen


def project(n: int, name: str) -> dict[str, Any]:
    """A Project in the GraphQL node shape, external id ``P-n``."""
    return {
        "id": f"fs-{n}",
        "type": "Project",
        "name": name,
        "status": "ACTIVE",
        "description": "Keep the lights on",
        "externalId": {"externalId": f"P-{n}"},
        "tags": [],
    }


WORKSPACE = [
    project(n, name)
    for n, name in enumerate(["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"], 1)
]


def configuration(limit: int) -> dict[str, Any]:
    """FULL mode; every Project is in the deletion scope; fact sheet deletion limited to ``limit`` %."""
    return {
        **HEADER,
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": limit},
            "factSheets": [
                {
                    "scope": {
                        "facetFilters": [
                            {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Project"]}
                        ],
                        "ids": [],
                    }
                }
            ],
        },
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Projects",
                "type": "Project",
                "filter": {"exactType": "project"},
                "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
                "updates": [
                    {"key": {"expr": "name"}, "values": [{"expr": "${data.name}"}]},
                    {"key": {"expr": "description"}, "values": [{"expr": "${data.goal}"}]},
                ],
            }
        ],
    }


# P-1: description changes; P-2: nothing changes; P-3: renamed, and has no goal (a warning: no value,
# the description is cleared); P-9: new. P-4 … P-8 are not in the LDIF: the deletion scope would archive them.
LDIF = {
    **HEADER,
    "lxVersion": "1.0.0",
    "content": [
        {"id": "P-1", "type": "project", "data": {"name": "Alpha", "goal": LONG_GOAL}},
        {"id": "P-2", "type": "project", "data": {"name": "Beta", "goal": "Keep the lights on"}},
        {"id": "P-3", "type": "project", "data": {"name": "Gamma 2"}},
        {"id": "P-9", "type": "project", "data": {"name": "Iota", "goal": "A new one"}},
    ],
}


def assert_reads_well(page: Path, dom: BeautifulSoup, sizes: dict[str, Any]) -> None:
    """Self-contained (no script, nothing fetched), and the rules of every report page (page_rules)."""
    source = page.read_text(encoding="utf-8")
    assert "<script" not in source and "src=" not in source and "@import" not in source
    assert dom.find_all("table")
    assert_page_reads_well(page, page_rules.Measured(dom, sizes))


def measured(page: Path) -> tuple[BeautifulSoup, dict[str, Any]]:
    seen = page_rules.measured(page)
    return seen.dom, seen.sizes


def shoot(page: Path, _tmp_path: Path, name: str) -> Path:
    return page_rules.shoot(page, name)


def tiles(dom: BeautifulSoup) -> dict[str, int]:
    return {
        tile["data-stat"]: int(tile.select_one(".lx-stat-value").get_text().replace(",", ""))
        for tile in dom.select(".lx-summary .lx-stat")
    }


def headings(dom: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in dom.select("section h2")]


def channels(colour: str) -> tuple[int, int, int]:
    red, green, blue = (int(v) for v in re.findall(r"\d+", colour)[:3])
    return red, green, blue


def is_red(colour: str) -> bool:
    """Red is the strongest channel by a clear margin (a pale red background counts)."""
    red, green, blue = channels(colour)
    return red - max(green, blue) >= 15


def is_green(colour: str) -> bool:
    red, green, blue = channels(colour)
    return green - max(red, blue) >= 15


def hand_written(limit: int) -> Preview:
    return preview(configuration(limit), LDIF, WORKSPACE, now=NOW)


def test_a_run_whose_deletion_is_cancelled(tmp_path):
    page = hand_written(50).to_html(tmp_path / "preview.html")
    dom, sizes = measured(page)
    assert_reads_well(page, dom, sizes)
    # 4 items x 2 updates; cancelled deletions write nothing. Created P-9; P-1 and P-3 change, P-2 does not.
    assert tiles(dom) == {"writes": 8, "created": 1, "updated": 2, "archived": 0, "warnings": 1}
    (callout,) = dom.select(".lx-callout")
    text = callout.get_text(" ", strip=True)
    assert callout["data-guard"] == "cancelled"
    # 5 of the 8 Projects in scope: 62.5%, shown rounded down; 62.5 >= 50, so all deletion is cancelled
    assert "LeanIX would cancel this run's deletion" in text
    assert "archive 62% of the fact sheets in scope (5 of 8), the limit is 50%" in text
    assert is_red(sizes["background"]) and is_red(sizes["border"])
    assert headings(dom) == [
        "What would be created",
        "Fields that would change",
        "What would be archived or deleted",
        "What the deletion guard stops",
        "Warnings",
        "Not evaluated",
        "Processors",
        "Run levels",
        "Every field write, also those that change nothing",
    ]
    created = [td.get_text(strip=True) for td in dom.select("#created tbody td")]
    assert created[:3] == ["Project", "Iota", "P-9"] and "Description: A new one" in created
    changes = [
        [td.get_text(strip=True) for td in tr.select("td")][:4] for tr in dom.select("#changes tbody tr")
    ]
    assert changes == [
        ["Alpha", "Project", "description", "Keep the lights on"],
        ["Gamma 2", "Project", "name", "Gamma"],
        ["Gamma 2", "Project", "description", "Keep the lights on"],
    ]
    assert [td.get_text(strip=True) for td in dom.select("#changes tbody tr")[2].select("td")][
        4
    ] == "(not set)"
    stopped = [tr.select("td")[1].get_text(strip=True) for tr in dom.select("#stopped tbody tr")]
    assert stopped == ["Delta", "Epsilon", "Zeta", "Eta", "Theta"]
    assert dom.select_one("#removed .lxkit-empty").get_text() == "Nothing would be archived or deleted."
    warning = [td.get_text(strip=True) for td in dom.select("#warnings tbody td")]
    assert warning[:3] == ["Projects", "P-3", "description"] and "NO_VALUE_FOUND" in warning
    shoot(page, tmp_path, "preview")


def test_a_run_whose_deletion_passes_the_guard(tmp_path):
    page = hand_written(70).to_html(tmp_path / "preview.html")
    dom, sizes = measured(page)
    assert_reads_well(page, dom, sizes)
    # 8 field writes and 5 archives; the 5 Projects the LDIF does not list are archived (62.5 < 70)
    assert tiles(dom) == {"writes": 13, "created": 1, "updated": 2, "archived": 5, "warnings": 1}
    (callout,) = dom.select(".lx-callout")
    assert callout["data-guard"] == "passes"
    assert "archive 62% of the fact sheets in scope (5 of 8), below the 70% limit" in callout.get_text(" ")
    assert is_green(sizes["border"])
    removed = [
        [td.get_text(strip=True) for td in tr.select("td")][:4] for tr in dom.select("#removed tbody tr")
    ]
    assert removed == [
        ["Fact sheet", "archived", name, "Project"] for name in ["Delta", "Epsilon", "Zeta", "Eta", "Theta"]
    ]
    assert "stopped" not in [s.get("id") for s in dom.select("section")]
    shoot(page, tmp_path, "preview_passes")


def test_no_callout_without_a_deletion_scope(tmp_path):
    partial = {**configuration(50), "processingMode": "partial"}
    del partial["deletionScope"]
    shown = preview(partial, {**LDIF, "processingMode": "partial"}, WORKSPACE, now=NOW)
    page = shown.to_html(tmp_path / "preview.html")
    dom, sizes = measured(page)
    assert_reads_well(page, dom, sizes)
    assert dom.select(".lx-callout") == []
    assert tiles(dom) == {"writes": 8, "created": 1, "updated": 2, "archived": 0, "warnings": 1}


def test_the_page_of_a_real_workspace(ws, tmp_path):
    shown = kit.preview(
        ROOT / "data/processors/test_projects_full.json", ROOT / "data/ldif/test_projects.json", LiveView(ws)
    )
    page = shown.to_html(tmp_path / "preview.html")
    dom, sizes = measured(page)
    assert_reads_well(page, dom, sizes)
    # two new projects with 3 updates each (6 writes) and a tag each from the second processor (2 writes)
    assert tiles(dom) == {"writes": 8, "created": 2, "updated": 0, "archived": 0, "warnings": 0}
    (callout,) = dom.select(".lx-callout")
    assert callout["data-guard"] == "cancelled" and "the limit is 50%" in callout.get_text(" ")
    assert is_red(sizes["background"])
    created = [tr.select("td")[1].get_text(strip=True) for tr in dom.select("#created tbody tr")]
    assert created == ["Cloud Migration Wave 3", "CRM Consolidation"]
    links = dom.select("#stopped tbody a")
    assert links and all(a["href"].startswith(f"{ws.client.base_url}/") for a in links)
    assert all("/factsheet/Project/" in a["href"] for a in links)
    shoot(page, tmp_path, "preview_sandbox")


def test_the_notebook_view_has_the_same_box_and_callout():
    shown = hand_written(50)
    dom = BeautifulSoup(shown._repr_html_(), "html.parser")
    assert tiles(dom) == {"writes": 8, "created": 1, "updated": 2, "archived": 0, "warnings": 1}
    assert dom.select_one(".lx-callout")["data-guard"] == "cancelled"
    assert "Every field write, also those that change nothing" not in headings(dom)

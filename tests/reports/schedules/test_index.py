"""index.html from run folders written by hand: statuses as words, times, links, KPIs, escaped alerts;
opened in headless Chromium without network."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kit.reports.schedules.index import write_index
from kit.reports.schedules.spec import load_schedules
from tests.reports.chromium import render
from tests.reports.schedules.support import write_schedules

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def make_run(
    runs_folder: Path, stamp: str, record: dict, attempt: int | None = None, html: bool = True
) -> Path:
    folder = runs_folder / "explore" / stamp
    folder.mkdir(parents=True)
    record = {"notebook": "explore", "html_path": str(folder / "explore.html") if html else None, **record}
    (folder / "run.json").write_text(json.dumps(record))
    if html:
        (folder / "explore.html").write_text("<html><body>report</body></html>")
    if attempt is not None:
        (folder / "schedule.json").write_text(json.dumps({"format": 1, "attempt": attempt, "attempts": 3}))
    return folder


@pytest.fixture
def page(quiet_env):
    path = write_schedules(
        quiet_env,
        """
        defaults: {workspace: sandbox, out: site}
        schedules:
          - {name: weekly, notebook: explore, cron: "0 6 * * 1", timezone: Europe/Berlin, alert_on: [connector]}
          - {name: daily, notebook: explore, cron: "@daily"}
          - {name: elsewhere, notebook: explore, cron: "@daily", out: other}
        """,
    )
    file = load_schedules(path)
    weekly = quiet_env / "site" / "weekly"
    make_run(
        weekly,
        "20261130T050002000000Z",
        {
            "status": "succeeded",
            "started_at": "2026-11-30T05:00:02+00:00",
            "duration_seconds": 125.4,
            "kpis": {
                "date": "2026-11-01",
                "count": 7,
                "values": [
                    {"name": "factsheets", "value": 1942.0},
                    {"name": "applications_past_end_of_life", "value": 0.3275},
                    {"name": "without_description", "value": 0.16014418125643667},
                    {"name": "mean_completion", "value": 0.739},
                    {"name": "tags", "value": 12},
                    {"name": "sixth_is_not_shown", "value": 6},
                ],
            },
            "alerts": [{"kind": "kpi", "name": "x", "message": "a kpi alert, not in alert_on"}],
        },
        attempt=1,
    )
    make_run(
        weekly,
        "20261207T050001000000Z",
        {
            "status": "succeeded",
            "started_at": "2026-12-07T05:00:01+00:00",
            "duration_seconds": 3.04,
            "alerts": [
                {
                    "kind": "connector",
                    "name": "sn",
                    "message": "servicenow-cmdb failed 9 of 29 runs <script>x</script>",
                }
            ],
        },
        attempt=2,
    )
    make_run(
        weekly,
        "20261207T045000000000Z",
        {
            "status": "failed",
            "started_at": "2026-12-07T04:50:00+00:00",
            "duration_seconds": 4.5,
            "error": {"ename": "ZeroDivisionError", "evalue": "division by zero"},
        },
        attempt=1,
        html=False,
    )
    make_run(
        quiet_env / "other" / "elsewhere",
        "20261207T000000000000Z",
        {"status": "succeeded", "started_at": "2026-12-07T00:00:00+00:00"},
    )
    return write_index(file.schedules, quiet_env / "site", file.path, NOW)


def test_the_page_is_self_contained_and_escapes_what_runs_wrote(page):
    text = page.read_text()
    assert page.name == "index.html" and page.parent.name == "site"
    assert (
        "<script" not in text and "http://" not in text and "https://" not in text and "@import" not in text
    )
    assert "servicenow-cmdb failed 9 of 29 runs &lt;script&gt;x&lt;/script&gt;" in text
    assert 'href="weekly/explore/20261207T050001000000Z/explore.html"' in text
    assert 'href="weekly/explore/20261207T045000000000Z/run.json"' in text
    assert "20261207T045000000000Z/explore.html" not in text  # that run has no HTML report
    assert "elsewhere" not in text  # it writes to another folder


def visible_text(dom: str) -> str:
    body = re.sub(r"<style.*?</style>", "", dom, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&lt;", "<").replace("&gt;", ">")


def test_chromium_lists_the_runs_newest_first_with_status_words(page):
    rendered = render(page)
    assert rendered.script_errors == []
    text = visible_text(rendered.dom)
    assert "Scheduled reports" in text
    weekly = text[
        text.index(" weekly explore · cron 0 6 * * 1 (Europe/Berlin)") : text.index(" daily explore")
    ]
    assert "3 runs kept" in weekly
    rows = re.findall(r"[✓!✗] (?:succeeded|alerts|failed) \d{4}-\d\d-\d\d \d\d:\d\d UTC", weekly)
    assert rows == [
        "! alerts 2026-12-07 05:00 UTC",
        "✗ failed 2026-12-07 04:50 UTC",
        "✓ succeeded 2026-11-30 05:00 UTC",
    ]
    assert "3.0 s 2 of 3 report · run.json" in weekly
    assert "4.5 s 1 of 3 run.json" in weekly and "ZeroDivisionError: division by zero" in weekly
    assert "2 min 5 s 1 of 3 report · run.json" in weekly
    kpis = "factsheets 1,942 applications_past_end_of_life 0.3275 without_description 0.1601 mean_completion 0.739 tags 12"
    assert kpis in weekly and "sixth_is_not_shown" not in weekly
    assert "[connector] servicenow-cmdb failed 9 of 29 runs <script>x</script>" in weekly
    assert "[kpi] a kpi alert, not in alert_on" in weekly  # listed, though it does not make the run "alerts"
    daily = text[text.index(" daily explore") :]
    assert "0 runs kept No runs yet." in daily

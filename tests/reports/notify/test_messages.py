"""The message of a run in each channel's shape, from hand-written run records (docs/alerts.md §4)."""

from __future__ import annotations

import json

from kit.reports.notify.messages import email_message, slack_body, summarize, teams_body, webhook_body

SYNC = "https://acme.leanix.net/AcmeProd/admin/synclog/865b71a1"
RECORD = {
    "notebook": "run_health",
    "status": "succeeded",
    "started_at": "2026-12-07T05:00:00+00:00",
    "finished_at": "2026-12-07T05:02:05+00:00",
    "duration_seconds": 125.2,
    "directory": "/srv/reports/weekly/run_health/20261207T050000Z",
    "html_path": "/srv/reports/weekly/run_health/20261207T050000Z/run_health.html",
    "notebook_path": "/srv/reports/weekly/run_health/20261207T050000Z/run_health.ipynb",
    "workspace": "https://acme.leanix.net",
    "profile": "prod",
    "error": None,
    "alerts": [
        {
            "kind": "kpi",
            "name": "eol_share",
            "message": "Applications past end of life is 12.0 %, above the threshold of 5.0 %",
            "links": [{"title": "fact sheets", "url": "https://acme.leanix.net/AcmeProd/inventory?eol=1"}],
        },
        {
            "kind": "connector",
            "name": "servicenow-cmdb",
            "message": "servicenow-cmdb failed 9 of 29 runs (31%, above 20%)",
            "synchronization_id": "865b71a1",
            "links": [{"title": "sync log", "url": SYNC}],
        },
        {"kind": "custom", "name": "x", "message": "disk <almost> full & slow"},
    ],
}
FAILED = {
    **RECORD,
    "status": "failed",
    "alerts": [],
    "error": {"ename": "ZeroDivisionError", "evalue": "division by zero\nmore", "execution_count": 3},
}


def test_summary_groups_alerts_by_kind_and_links_the_report():
    summary = summarize(
        RECORD, schedule="weekly", report_url="https://r.example.com/lx/", report_root="/srv/reports"
    )
    assert summary.status == "alerts" and summary.exit_code == 2
    assert summary.title == "⚠️ weekly (run_health): 3 alerts"
    assert [(g.heading, [a["name"] for a in g.alerts]) for g in summary.groups] == [
        ("Connectors", ["servicenow-cmdb"]),
        ("KPIs", ["eol_share"]),
        ("Other alerts", ["x"]),
    ]
    assert summary.report_link is not None
    assert (
        summary.report_link.url
        == "https://r.example.com/lx/weekly/run_health/20261207T050000Z/run_health.html"
    )
    assert summary.duration == "2 min 5 s"
    assert summary.workspace == "https://acme.leanix.net (profile prod)"


def test_alert_on_decides_the_status():
    assert summarize(RECORD, alert_on=["other-kind"]).status == "succeeded"
    assert summarize(RECORD, alert_on=["connector"]).status == "alerts"
    assert summarize({**RECORD, "alerts": []}).title == "✅ run_health succeeded"


def test_slack_blocks():
    body = slack_body(summarize(RECORD, schedule="weekly"))
    assert [block["type"] for block in body["blocks"]] == ["header", "section", "context"]
    assert body["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": "⚠️ weekly (run_health): 3 alerts",
        "emoji": True,
    }
    section = body["blocks"][1]["text"]["text"]
    assert body["blocks"][1]["text"]["type"] == "mrkdwn"
    lines = section.splitlines()
    assert lines[0] == (
        "*Workspace:* https://acme.leanix.net (profile prod)  ·  *Started:* 2026-12-07 05:00 UTC (2 min 5 s)"
    )
    assert lines[1:] == [
        "*Connectors* (1)",
        f"• servicenow-cmdb failed 9 of 29 runs (31%, above 20%)  <{SYNC}|sync log>",
        "*KPIs* (1)",
        "• Applications past end of life is 12.0 %, above the threshold of 5.0 %  "
        "<https://acme.leanix.net/AcmeProd/inventory?eol=1|fact sheets>",
        "*Other alerts* (1)",
        "• [custom] disk &lt;almost&gt; full &amp; slow",
    ]
    # no report_url: the local path, as text
    assert body["blocks"][2]["elements"][0] == {
        "type": "mrkdwn",
        "text": "HTML report: `/srv/reports/weekly/run_health/20261207T050000Z/run_health.html`",
    }
    assert body["text"].startswith("⚠️ weekly (run_health): 3 alerts — Applications past end of life")


def test_slack_caps_long_lists():
    many = [{"kind": "connector", "name": f"c{i}", "message": f"c{i} failed"} for i in range(25)]
    section = slack_body(summarize({**RECORD, "alerts": many}))["blocks"][1]["text"]["text"]
    assert "• c9 failed" in section and "• c10 failed" not in section
    assert "• and 15 more (see the report)" in section
    huge = [{"kind": "connector", "name": f"c{i}", "message": "x" * 900} for i in range(8)]
    text = slack_body(summarize({**RECORD, "alerts": huge}))["blocks"][1]["text"]["text"]
    assert len(text) <= 3000 and "more line(s) (see the report)" in text


def test_a_failed_run_says_its_error():
    summary = summarize(FAILED)
    assert summary.title == "❌ run_health failed"
    assert summary.error == "ZeroDivisionError: division by zero (cell In [3])"
    assert (
        "*Error:* `ZeroDivisionError: division by zero (cell In [3])`"
        in slack_body(summary)["blocks"][1]["text"]["text"]
    )


def test_teams_adaptive_card():
    body = teams_body(
        summarize(RECORD, report_url="https://r.example.com", report_root="/srv/reports/weekly")
    )
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0]["text"] == "⚠️ run_health: 3 alerts"
    assert card["body"][1] == {
        "type": "FactSet",
        "facts": [
            {"title": "Report", "value": "run_health"},
            {"title": "Workspace", "value": "https://acme.leanix.net (profile prod)"},
            {"title": "Status", "value": "alerts"},
            {"title": "Started", "value": "2026-12-07 05:00 UTC (2 min 5 s)"},
        ],
    }
    texts = [block["text"] for block in card["body"][2:]]
    assert texts[:2] == [
        "Connectors (1)",
        f"• servicenow-cmdb failed 9 of 29 runs (31%, above 20%)  [sync log]({SYNC})",
    ]
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open the HTML report",
            "url": "https://r.example.com/run_health/20261207T050000Z/run_health.html",
        }
    ]


def test_email_has_text_and_html():
    message = email_message(summarize(RECORD), "lx@example.com", ["ops@example.com", "b@example.com"])
    assert message["Subject"] == "⚠️ run_health: 3 alerts"
    assert message["To"] == "ops@example.com, b@example.com"
    text = message.get_body(("plain",)).get_content()
    assert f"  - servicenow-cmdb failed 9 of 29 runs (31%, above 20%)  sync log: {SYNC}" in text
    assert "HTML report: /srv/reports/weekly/run_health/20261207T050000Z/run_health.html" in text
    page = message.get_body(("html",)).get_content()
    assert f'<a href="{SYNC}">sync log</a>' in page
    assert "disk &lt;almost&gt; full &amp; slow" in page


def test_webhook_json():
    body = webhook_body(summarize(FAILED, schedule="weekly"))
    assert body == {
        "report": "run_health",
        "schedule": "weekly",
        "status": "failed",
        "exit_code": 1,
        "workspace": "https://acme.leanix.net (profile prod)",
        "started": "2026-12-07T05:00:00+00:00",
        "finished": "2026-12-07T05:02:05+00:00",
        "alerts": [],
        "links": [
            {
                "title": "HTML report",
                "url": None,
                "path": "/srv/reports/weekly/run_health/20261207T050000Z/run_health.html",
            }
        ],
        "error": "ZeroDivisionError: division by zero (cell In [3])",
    }
    links = webhook_body(summarize(RECORD))["links"]
    assert [link["url"] for link in links[1:]] == ["https://acme.leanix.net/AcmeProd/inventory?eol=1", SYNC]
    json.dumps(body)

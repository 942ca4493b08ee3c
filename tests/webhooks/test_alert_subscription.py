"""alert_subscription builds the subscription of docs/alerts.md §2; its callback, run on payloads shaped as
reference §7.3, drops what nobody asked for and writes the Slack message or Teams card. Expected texts are
written by hand from the contract."""

from __future__ import annotations

import re

import pytest

from kit.webhooks import alert_subscription, preview_callback, sample_payload
from tests.webhooks.payloads import FINISHED, SYNC_ID, finished

SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXX"
TEAMS_URL = "https://example.webhook.office.com/webhookb2/abc"
WORKSPACE = "https://acme.leanix.net/AcmeProd"
LINK = f"https://acme.leanix.net/AcmeProd/admin/synclog/{SYNC_ID}"


def slack(payload, **options):
    sub = alert_subscription("slack", SLACK_URL, **options)
    return preview_callback(sub["callback"], payload, target_url=sub["targetUrl"])


def teams(payload, **options):
    sub = alert_subscription("teams", TEAMS_URL, **options)
    return preview_callback(sub["callback"], payload, target_url=sub["targetUrl"])


def fields(preview) -> dict[str, str]:
    """The Slack section fields as {title: value}, from "*Title*\\nvalue"."""
    found = {}
    for field in preview.payload["blocks"][1]["fields"]:
        assert field["type"] == "mrkdwn"
        title, value = field["text"].split("\n", 1)
        found[title.strip("*")] = value
    return found


# -- the subscription body -------------------------------------------------------------------------------
def test_the_body_has_the_documented_keys_and_defaults():
    sub = alert_subscription("slack", SLACK_URL, workspace_id="ws-1", user_id="user-1")
    callback = sub.pop("callback")
    assert sub == {
        "identifier": "lxkit: Integration API runs to Slack",
        "deliveryType": "PUSH",
        "tagSets": [
            ["integrations", "INTEGRATION_RUN_FINISHED"],
            ["integrations", "INTEGRATION_RUN_ABORTED"],
        ],
        "targetUrl": SLACK_URL,
        "targetMethod": "POST",
        "ignoreError": False,
        "workspaceConstraint": "WORKSPACE",
        "payloadMode": "DEFAULT",
        "maxBatchSize": 512,
        "active": True,
        "workspaceId": "ws-1",
        "userId": "user-1",
    }
    assert isinstance(callback, str) and "delivery" in callback


def test_teams_identifier_started_events_authorization_and_inactive():
    sub = alert_subscription(
        "teams",
        TEAMS_URL,
        events=["STARTED", "INTEGRATION_RUN_FINISHED"],
        authorization_header="Basic abc",
        active=False,
    )
    assert sub["identifier"] == "lxkit: Integration API runs to Teams"
    assert sub["tagSets"] == [
        ["integrations", "INTEGRATION_RUN_STARTED"],
        ["integrations", "INTEGRATION_RUN_FINISHED"],
    ]
    assert sub["authorizationHeader"] == "Basic abc"
    assert sub["active"] is False
    assert "workspaceId" not in sub and "userId" not in sub
    assert (
        alert_subscription("slack", SLACK_URL, identifier="Nightly HR alerts")["identifier"]
        == "Nightly HR alerts"
    )


def test_the_callback_is_es5_and_ascii():
    callback = alert_subscription("teams", TEAMS_URL, connectors=["a"], workspace_url=WORKSPACE)["callback"]
    assert callback.isascii()
    code = re.sub(r"'(?:[^'\\\n]|\\.)*'", "''", callback)  # string literals out of the way
    code = re.sub(r"//[^\n]*", "", code)
    for construct in (r"\blet\b", r"\bconst\b", "=>", "`", r"\bclass\b", r"\.\.\."):
        assert not re.search(construct, code), construct


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: alert_subscription("email", SLACK_URL), "unknown channel 'email'"),
        (lambda: alert_subscription("slack", "hooks.slack.com/services/x"), "absolute http(s) URL"),
        (lambda: alert_subscription("slack", "ftp://hooks.slack.com/x"), "absolute http(s) URL"),
        (lambda: alert_subscription("slack", SLACK_URL, events=["FINISHED", "DONE"]), "unknown event 'DONE'"),
        (lambda: alert_subscription("slack", SLACK_URL, events=[]), "events is empty"),
        (lambda: alert_subscription("slack", SLACK_URL, connectors=[]), "connectors is an empty list"),
        (lambda: alert_subscription("slack", SLACK_URL, workspace_url="acme.leanix.net"), "workspace_url"),
    ],
)
def test_wrong_values_are_refused_saying_what(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: alert_subscription("slack", SLACK_URL, connectors="hr-1"), "connectors must be a list"),
        (lambda: alert_subscription("slack", SLACK_URL, connectors=["hr-1", 7]), "connectors[1]"),
        (lambda: alert_subscription("slack", SLACK_URL, events="FINISHED"), "events must be a list"),
        (lambda: alert_subscription("slack", None), "target_url must be a URL"),
    ],
)
def test_wrong_types_are_refused_saying_what(call, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        call()


# -- Slack -----------------------------------------------------------------------------------------------
def test_a_run_with_warnings_gets_the_warning_mark_counts_and_the_sync_log_link():
    preview = slack(finished(warningCount=3), workspace_url=WORKSPACE + "/")
    assert preview.delivers is True
    title = "\u26a0\ufe0f inbound-document-connector: Integration API run finished with warnings"
    assert preview.payload["text"] == f"{title}: 2 processed, 3 warnings, 0 errors, 3.9 s <{LINK}|sync log>"
    assert preview.payload["blocks"][0] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"*{title}*"},
    }
    assert fields(preview) == {
        "Connector": "inbound-document-connector",
        "Progress": "FINISHED",
        "Scope": "PARTIAL",
        "Direction": "INBOUND",
        "Processed": "2",
        "Warnings": "3",
        "Errors": "0",
        "Duration": "3.9 s",
    }
    assert preview.payload["blocks"][2] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"<{LINK}|Open the run in the sync log>"},
    }


def test_a_clean_run_is_marked_done_and_without_a_workspace_url_names_the_sync_log_id():
    preview = slack(FINISHED)
    assert preview.delivers is True
    assert preview.payload["text"] == (
        "\u2705 inbound-document-connector: Integration API run finished: 2 processed, 0 warnings, 0 errors, 3.9 s"
    )
    assert fields(preview)["Sync log id"] == SYNC_ID
    assert len(preview.payload["blocks"]) == 2  # no link section


def test_only_problems_drops_a_clean_run_and_keeps_warnings_errors_and_aborts():
    assert slack(FINISHED, only_problems=True).delivers is False
    assert slack(finished(warningCount=1), only_problems=True).delivers is True
    assert slack(finished(errorCount=1), only_problems=True).delivers is True
    assert slack(finished(progress="ABORTED"), only_problems=True).delivers is True


def test_errors_and_aborted_runs_get_the_cross():
    errors = slack(finished(errorCount=2, warningCount=5))
    assert errors.payload["text"].startswith(
        "\u274c inbound-document-connector: Integration API run finished with errors: 2 processed, 5 warnings, 2 errors"
    )
    aborted = slack(finished(progress="ABORTED"))
    assert aborted.payload["text"].startswith(
        "\u274c inbound-document-connector: Integration API run aborted: "
    )
    assert fields(aborted)["Progress"] == "ABORTED"


def test_started_runs_are_sent_only_when_asked_for():
    running = finished(progress="RUNNING", processedCount=0, duration=0)
    assert slack(running).delivers is False  # default events: FINISHED, ABORTED
    started = slack(running, events=["STARTED"])
    assert started.delivers is True
    assert started.payload["text"].startswith(
        "\u25b6\ufe0f inbound-document-connector: Integration API run started"
    )
    # events is also the callback's filter: a legacy tag set sending every event does not widen it
    assert slack(FINISHED, events=["STARTED"]).delivers is False


def test_the_connector_filter():
    assert slack(FINISHED, connectors=["hr-1", "inbound-document-connector"]).delivers is True
    assert slack(finished(connectorId="hr-2", errorCount=4), connectors=["hr-1"]).delivers is False


@pytest.mark.parametrize(
    ("duration", "shown"),
    [
        (3.924405624, "3.9 s"),
        (0.04, "0.04 s"),
        (59.0, "59.0 s"),
        (125.2, "2 min 5 s"),
        (120, "2 min"),
        (3725, "1 h 2 min 5 s"),
        ("PT0.123S", "PT0.123S"),
        (None, "unknown"),
    ],
)
def test_the_duration_reads_as_a_person_reads_it(duration, shown):
    assert fields(slack(finished(duration=duration)))["Duration"] == shown


def test_slack_markup_in_the_payload_is_escaped():
    preview = slack(finished(connectorId="a<b>&c"))
    assert fields(preview)["Connector"] == "a&lt;b&gt;&amp;c"


def test_the_sample_payload_is_the_reference_example_and_its_variants():
    assert sample_payload() == FINISHED
    assert sample_payload("ABORTED", warnings=1, errors=2, connector_id="hr-1") == finished(
        progress="ABORTED", warningCount=1, errorCount=2, connectorId="hr-1"
    )
    assert sample_payload("STARTED")["progress"] == "RUNNING"
    with pytest.raises(ValueError, match="unknown progress 'DONE'"):
        sample_payload("DONE")
    with pytest.raises(ValueError, match="warnings must be a count"):
        sample_payload(warnings=-1)


# -- Teams -----------------------------------------------------------------------------------------------
def test_the_teams_card_is_an_adaptive_card_with_facts_and_a_link():
    preview = teams(finished(errorCount=1, warningCount=2, duration=61.4), workspace_url=WORKSPACE)
    assert preview.delivers is True
    message = preview.payload
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    title, summary, factset = card["body"]
    assert title == {
        "type": "TextBlock",
        "text": "\u274c inbound-document-connector: Integration API run finished with errors",
        "weight": "Bolder",
        "size": "Medium",
        "wrap": True,
    }
    assert summary["text"] == "2 processed, 2 warnings, 1 errors, 1 min 1 s"
    assert factset["type"] == "FactSet"
    assert factset["facts"] == [
        {"title": "Connector", "value": "inbound-document-connector"},
        {"title": "Progress", "value": "FINISHED"},
        {"title": "Scope", "value": "PARTIAL"},
        {"title": "Direction", "value": "INBOUND"},
        {"title": "Processed", "value": "2"},
        {"title": "Warnings", "value": "2"},
        {"title": "Errors", "value": "1"},
        {"title": "Duration", "value": "1 min 1 s"},
    ]
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open the run in the sync log", "url": LINK}
    ]
    for fact in factset["facts"]:  # Adaptive Cards: fact values are text
        assert isinstance(fact["value"], str)


def test_a_teams_card_without_workspace_url_has_no_action_and_names_the_sync_log_id():
    preview = teams(finished(warningCount=1))
    card = preview.payload["attachments"][0]["content"]
    assert "actions" not in card
    assert card["body"][2]["facts"][-1] == {"title": "Sync log id", "value": SYNC_ID}
    assert card["body"][0]["text"].startswith("\u26a0\ufe0f ")


def test_teams_only_problems_and_connector_filter():
    assert teams(FINISHED, only_problems=True).delivers is False
    assert teams(finished(progress="ABORTED"), connectors=["other"]).delivers is False
    assert teams(finished(progress="ABORTED"), connectors=["inbound-document-connector"]).delivers is True

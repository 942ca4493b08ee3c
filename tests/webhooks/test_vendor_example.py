"""The Slack callback of LeanIX's "Integration API best practices" page (Use Webhooks), previewed on the
run-statistics payload of reference §7.3: the expected texts are worked out by hand from the script."""

from __future__ import annotations

from kit.webhooks import preview_callback
from tests.webhooks.payloads import SYNC_ID, finished

# Verbatim from /work/shared/reference/integration-api-best-practices.txt, except two places where that copy
# lost text: "; = false;" was "delivery.active = false;" and "{ = true;" was "{delivery.active = true;"
# (restored here; the trimmed example in reference §8.2 has both statements).
VENDOR_SLACK_CALLBACK = (
    "var payload = delivery.payload;delivery.active = false;var base_url = '';if((payload.progress == "
    "'FINISHED') && (payload.connectorId == 'ConnectorID-3' || payload.connectorId == 'ConnectorID-1' || "
    "payload.connectorId == 'ConnectorID-2')){delivery.active = true;var text = ':SLACK EMOJI: '+"
    "'*Workspace:* WORKSPACE_NAME '+ '*Connector Id:* '+payload.connectorId+' *Scope:* '+ payload.scope+"
    "' *Connector Direction:* '+ payload.direction+' has *Status:* '+ payload.progress+' and *error count:* "
    "'+ payload.errorCount;text += ' *Synclog link :* '+base_url+'/admin/synclog/'+ "
    "payload.synchronizationId;}delivery.payload = {text : text}"
)


def test_a_finished_run_of_a_listed_connector_is_posted_as_the_script_writes_it():
    preview = preview_callback(
        VENDOR_SLACK_CALLBACK, finished(connectorId="ConnectorID-1"), target_url="https://hooks.slack.com/x"
    )
    assert preview.delivers is True
    assert preview.payload == {
        "text": ":SLACK EMOJI: *Workspace:* WORKSPACE_NAME *Connector Id:* ConnectorID-1 *Scope:* PARTIAL "
        "*Connector Direction:* INBOUND has *Status:* FINISHED and *error count:* 0 *Synclog link :* "
        f"/admin/synclog/{SYNC_ID}"
    }
    assert (preview.target_url, preview.target_method) == ("https://hooks.slack.com/x", "POST")
    assert preview.logs == ()


def test_another_connector_is_not_delivered():
    preview = preview_callback(VENDOR_SLACK_CALLBACK, finished())  # connectorId inbound-document-connector
    assert preview.delivers is False
    assert preview.payload == {}  # {text: undefined}: JSON has no undefined, the key goes


def test_an_aborted_run_of_a_listed_connector_is_not_delivered_either():
    preview = preview_callback(
        VENDOR_SLACK_CALLBACK, finished(connectorId="ConnectorID-2", progress="ABORTED")
    )
    assert preview.delivers is False

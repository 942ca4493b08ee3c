"""Real Integration API runs change the sandbox's workspace the way LeanIX's do, and leave the same traces.

- Each subscription role keeps its own comment: the documented ``subscriptionRoles`` update value is a list
  of maps with ``roleName`` and ``comment`` (reference §6.2, inboundSubscription); GraphQL shows them as
  ``subscriptions { roles { name comment } }``.
- A real run's changes are events of ``allLogEvents`` (by the technical user of the token); a test run
  changes nothing and leaves none.
"""

from __future__ import annotations

import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY

HEADER = {
    "connectorType": "lxkit-test",
    "connectorId": "role-comments",
    "connectorVersion": "1.0.0",
    "lxVersion": "1.0.0",
    "processingDirection": "inbound",
    "processingMode": "partial",
}
CONFIG = {
    **{k: v for k, v in HEADER.items() if k != "lxVersion"},
    "processors": [
        {
            "processorType": "inboundSubscription",
            "processorName": "Owners",
            "filter": {"exactType": "Owner"},
            "identifier": {"internal": "${data.factSheetId}"},
            "updates": [
                {"key": {"expr": "user"}, "values": [{"expr": "${data.email}"}]},
                {"key": {"expr": "subscriptionType"}, "values": [{"expr": "RESPONSIBLE"}]},
                {
                    "key": {"expr": "subscriptionRoles"},
                    "values": [
                        {
                            "map": [
                                {"key": "roleName", "value": "${data.role}"},
                                {"key": "comment", "value": "Owns the budget"},
                            ]
                        }
                    ],
                },
            ],
        }
    ],
}
READ = """query($id: ID!) { factSheet(id: $id) { subscriptions { edges { node {
  type user { email } roles { name comment } } } } } }"""
PICK = """{ allSubscriptionRoles { edges { node { name subscriptionType } } }
  allFactSheets(first: 1, factSheetType: Application) { edges { node { id } } } }"""


@pytest.fixture(scope="module")
def ws():
    with (
        Sandbox(SandboxOptions(size=60, seed=5, run_delay=0)) as server,
        LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client,
    ):
        yield Workspace(client, progress=False), server


def test_a_real_run_keeps_the_comment_of_each_subscription_role(ws):
    workspace, server = ws
    picked = workspace.client.graphql(PICK)
    role = next(
        e["node"]["name"]
        for e in picked["allSubscriptionRoles"]["edges"]
        if e["node"]["subscriptionType"] == "RESPONSIBLE"
    )
    app_id = picked["allFactSheets"]["edges"][0]["node"]["id"]
    email = next(iter(server.store.users.values()))["email"]
    ldif = {
        **HEADER,
        "content": [
            {"type": "Owner", "id": "o1", "data": {"factSheetId": app_id, "email": email, "role": role}}
        ],
    }

    result = workspace.run(CONFIG, ldif, test=False)

    assert result.status == "FINISHED"
    subs = workspace.client.graphql(READ, {"id": app_id})["factSheet"]["subscriptions"]["edges"]
    mine = [e["node"] for e in subs if e["node"]["user"]["email"] == email]
    assert mine == [
        {
            "type": "RESPONSIBLE",
            "user": {"email": email},
            "roles": [{"name": role, "comment": "Owns the budget"}],
        }
    ]


EVENTS = """query($id: ID!) { allLogEvents(factSheetId: $id, first: 10) { edges { node {
  eventType path oldValue newValue user { userName } } } } }"""


def test_a_real_run_is_in_the_event_log_by_the_token_user_and_a_test_run_is_not(ws):
    workspace, _server = ws
    created = workspace.client.graphql(
        'mutation { createFactSheet(input: {name: "Event log probe", type: Application}) { factSheet { id } } }'
    )
    app_id = created["createFactSheet"]["factSheet"]["id"]
    config = {
        **{k: v for k, v in HEADER.items() if k != "lxVersion"},
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Descriptions",
                "type": "Application",
                "filter": {"exactType": "App"},
                "identifier": {"internal": "${data.factSheetId}"},
                "updates": [{"key": {"expr": "description"}, "values": [{"expr": "${data.text}"}]}],
            }
        ],
    }

    def ldif(text: str) -> dict:
        return {
            **HEADER,
            "content": [{"type": "App", "id": "a1", "data": {"factSheetId": app_id, "text": text}}],
        }

    assert workspace.run(config, ldif("only a test"), test=True).status == "FINISHED"
    assert workspace.run(config, ldif("Written by a run"), test=False).status == "FINISHED"

    events = [e["node"] for e in workspace.client.graphql(EVENTS, {"id": app_id})["allLogEvents"]["edges"]]
    user = {"userName": "lxkit-sandbox-technical-user"}
    assert events == [  # newest first; the test run changed nothing, so it left no event
        {
            "eventType": "FACT_SHEET_FIELD_UPDATED",
            "path": "/description",
            "oldValue": None,
            "newValue": "Written by a run",
            "user": user,
        },
        {
            "eventType": "FACT_SHEET_CREATED",
            "path": "/",
            "oldValue": None,
            "newValue": "Event log probe",
            "user": user,
        },
    ]

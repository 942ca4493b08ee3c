"""A real Integration API run writes each subscription role's own comment, as LeanIX keeps one per role.

The documented ``subscriptionRoles`` update value is a list of maps with ``roleName`` and ``comment``
(reference §6.2, inboundSubscription); GraphQL shows them as ``subscriptions { roles { name comment } }``.
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

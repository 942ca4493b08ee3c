"""Fact sheet documents (resources) over loopback: the ``documents`` connection and ``createDocument``,
``updateDocument``, ``deleteDocument``, as "Managing Fact Sheet Resources (GraphQL)" shows them
(https://help.sap.com/docs/leanix/ea/managing-resources-on-fact-sheet), on fact sheets this test creates.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from kit.sandbox import Sandbox, SandboxOptions
from tests.sandbox.graphql_http import bearer_of, post

CREATE = """mutation { createDocument(factSheetId: "%s", name: "%s", url: "%s", description: "%s") {
  id name url description origin documentType factSheetId } }"""
DOCS = "query($id: ID!) { factSheet(id: $id) { documents { totalCount edges { node { id name url origin } } } } }"
EVENTS = "query($id: ID) { allLogEvents(factSheetId: $id) { edges { node { eventType path oldValue newValue } } } }"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(size=200, seed=3)) as sb:
        yield sb


@pytest.fixture(scope="module")
def bearer(sandbox: Sandbox) -> str:
    return bearer_of(sandbox)


def new_app(sandbox: Sandbox, name: str) -> str:
    with sandbox.lock:
        return str(sandbox.store.add_factsheet("Application", name)["id"])


def documents(sandbox: Sandbox, bearer: str, fs_id: str) -> list[tuple[str, str, str]]:
    answer = post(sandbox, bearer, DOCS, {"id": fs_id})
    assert "errors" not in answer
    conn = answer["data"]["factSheet"]["documents"]
    assert conn["totalCount"] == len(conn["edges"])
    return [(e["node"]["name"], e["node"]["url"], e["node"]["origin"]) for e in conn["edges"]]


def events(sandbox: Sandbox, bearer: str, fs_id: str) -> list[tuple[str, str]]:
    answer = post(sandbox, bearer, EVENTS, {"id": fs_id})
    return [(e["node"]["eventType"], e["node"]["path"]) for e in answer["data"]["allLogEvents"]["edges"]]


def test_a_new_fact_sheet_has_no_documents(sandbox: Sandbox, bearer: str) -> None:
    fs_id = new_app(sandbox, "Docs Empty")
    assert documents(sandbox, bearer, fs_id) == []


def test_create_read_update_delete_a_link(sandbox: Sandbox, bearer: str) -> None:
    fs_id = new_app(sandbox, "Docs Lifecycle")
    created = post(
        sandbox, bearer, CREATE % (fs_id, "Website link", "https://www.leanix.net/", "Link to the website")
    )
    assert "errors" not in created
    doc = created["data"]["createDocument"]
    assert {k: v for k, v in doc.items() if k != "id"} == {
        "name": "Website link",
        "url": "https://www.leanix.net/",
        "description": "Link to the website",
        "origin": "CUSTOM_LINK",
        "documentType": None,
        "factSheetId": fs_id,
    }
    assert documents(sandbox, bearer, fs_id) == [("Website link", "https://www.leanix.net/", "CUSTOM_LINK")]

    # the REST API reads the same documents
    rest = requests.get(
        f"{sandbox.url}/services/pathfinder/v1/factSheets/{fs_id}",
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=10,
    ).json()
    assert [(d["id"], d["name"]) for d in rest["data"]["documents"]] == [(doc["id"], "Website link")]

    updated = post(
        sandbox,
        bearer,
        'mutation($p: [Patch]!) { updateDocument(id: "%s", patches: $p) { id name url } }' % doc["id"],
        {
            "p": [
                {"op": "replace", "path": "/url", "value": "https://www.leanix.net/de/"},
                {"op": "replace", "path": "/name", "value": "Website (de)"},
            ]
        },
    )
    assert updated == {
        "data": {
            "updateDocument": {"id": doc["id"], "name": "Website (de)", "url": "https://www.leanix.net/de/"}
        }
    }
    assert documents(sandbox, bearer, fs_id) == [
        ("Website (de)", "https://www.leanix.net/de/", "CUSTOM_LINK")
    ]

    deleted = post(sandbox, bearer, 'mutation { deleteDocument(id: "%s") { name } }' % doc["id"])
    assert deleted == {"data": {"deleteDocument": None}}  # the page's example response
    assert documents(sandbox, bearer, fs_id) == []

    path = f"/documents/{doc['id']}"
    assert events(sandbox, bearer, fs_id) == [  # newest first
        ("DOCUMENT_DELETED", path),
        ("DOCUMENT_UPDATED", path),
        ("DOCUMENT_CREATED", path),
        ("FACT_SHEET_CREATED", "/"),
    ]


def test_documents_keep_their_order_and_a_name_is_taken_once(sandbox: Sandbox, bearer: str) -> None:
    fs_id = new_app(sandbox, "Docs Order")
    for name in ("Runbook", "Architecture", "Wiki"):
        assert "errors" not in post(sandbox, bearer, CREATE % (fs_id, name, f"https://x.example/{name}", ""))
    again = post(sandbox, bearer, CREATE % (fs_id, "Architecture", "https://other.example/", ""))
    assert again["data"] == {"createDocument": None}
    assert "Architecture" in again["errors"][0]["message"]
    assert again["errors"][0]["extensions"]["errorType"] == "MODEL_COMPLIANT"
    assert [d[0] for d in documents(sandbox, bearer, fs_id)] == ["Runbook", "Architecture", "Wiki"]


def test_unknown_ids_and_paths_are_refused(sandbox: Sandbox, bearer: str) -> None:
    missing = post(sandbox, bearer, CREATE % ("no-such-fact-sheet", "Link", "https://x.example/", ""))
    assert missing["errors"][0]["extensions"]["errorType"] == "NOT_FOUND"
    assert "no-such-fact-sheet" in missing["errors"][0]["message"]
    gone = post(sandbox, bearer, 'mutation { deleteDocument(id: "no-such-document") { name } }')
    assert gone["errors"][0]["extensions"]["errorType"] == "NOT_FOUND"

    fs_id = new_app(sandbox, "Docs Paths")
    doc = post(sandbox, bearer, CREATE % (fs_id, "Link", "https://x.example/", ""))["data"]["createDocument"]
    bad = post(
        sandbox,
        bearer,
        'mutation($p: [Patch]!) { updateDocument(id: "%s", patches: $p) { id } }' % doc["id"],
        {"p": [{"op": "replace", "path": "/colour", "value": "red"}]},
    )
    assert "/colour" in bad["errors"][0]["message"] and "/url" in bad["errors"][0]["message"]
    assert documents(sandbox, bearer, fs_id) == [("Link", "https://x.example/", "CUSTOM_LINK")]


def test_validate_only_and_rolled_back_requests_keep_nothing(sandbox: Sandbox, bearer: str) -> None:
    fs_id = new_app(sandbox, "Docs Rollback")
    checked = post(
        sandbox,
        bearer,
        'mutation { createDocument(factSheetId: "%s", name: "Dry", url: "https://dry.example/", '
        "validateOnly: true) { name factSheetId } }" % fs_id,
    )
    assert checked == {"data": {"createDocument": {"name": "Dry", "factSheetId": fs_id}}}
    batch = post(
        sandbox,
        bearer,
        'mutation { a: createDocument(factSheetId: "%s", name: "Kept?", url: "https://a.example/") { id } '
        'b: deleteDocument(id: "no-such-document") { name } }' % fs_id,
    )
    assert batch["data"] is None
    assert "Error in Request. Transaction is rolled back!" in [e["message"] for e in batch["errors"]]
    assert documents(sandbox, bearer, fs_id) == []
    assert events(sandbox, bearer, fs_id) == [("FACT_SHEET_CREATED", "/")]

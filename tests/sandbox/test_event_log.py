"""The event log: what changes record, what ``allLogEvents`` answers, and what generation and rollbacks leave.

The query and the fields of an event are those of "Retrieving Event Logs for a Fact Sheet (GraphQL)",
https://help.sap.com/docs/leanix/ea/retrieving-event-logs-for-fact-sheet; event type names are those of
https://help.sap.com/docs/leanix/ea/webhook-events. Expected answers are written by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from kit.sandbox.demo import generate_workspace
from kit.sandbox.graphql_api import PathfinderGraphQL
from kit.sandbox.store import Store

# The documented example query, as published (only the fact sheet id is ours).
DOC_QUERY = """{
  allLogEvents(
    factSheetId: "%s"
    eventTypes: QUALITY_SEAL_APPROVED
  ) {
    edges {
      node {
        id
        eventType
        path
        oldValue
        newValue
        message
        secondsPast
        createdAt
        user {
          id
          firstName
          lastName
          displayName
          email
          technicalUser
        }
      }
    }
  }
}"""

EVENTS = """query ($id: ID, $types: [EventType], $first: Int, $after: String) {
  allLogEvents(factSheetId: $id, eventTypes: $types, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { eventType path oldValue newValue } }
  }
}"""


@pytest.fixture
def store() -> Store:
    s = generate_workspace(size=200, seed=3)
    s.start_event_log()
    return s


def ok(api: PathfinderGraphQL, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = api.execute(query, variables)
    assert "errors" not in answer, answer["errors"]
    return dict(answer["data"])


def events(api: PathfinderGraphQL, fs_id: str | None, **variables: Any) -> list[tuple[Any, ...]]:
    conn = ok(api, EVENTS, {"id": fs_id, **variables})["allLogEvents"]
    return [tuple(e["node"].values()) for e in conn["edges"]]


def an_app(store: Store, n: int = 0) -> dict[str, Any]:
    return [r for r in store.factsheets("Application") if r["status"] == "ACTIVE"][n]


def test_generation_logs_nothing_and_changes_before_the_start_are_not_logged():
    store = generate_workspace(size=200, seed=3)
    assert (len(store.events), store.live) == (0, False)
    store.update_factsheet(an_app(store)["id"], alias="before")
    assert len(store.events) == 0
    store.start_event_log()
    store.update_factsheet(an_app(store)["id"], alias="after")
    assert [e["newValue"] for e in store.events] == ["after"]


def test_the_documented_query_answers_the_quality_seal_approval(store):
    app = next(r for r in store.factsheets("Application") if r["lxState"] != "APPROVED")
    user = next(iter(store.users.values()))
    store.actor = user
    api = PathfinderGraphQL(store)
    answer = api.execute(
        'mutation { updateFactSheet(id: "%s", patches: [{op: replace, path: "/lxState", value: "APPROVED"}]) '
        "{ factSheet { lxState } } }" % app["id"]
    )
    assert answer == {"data": {"updateFactSheet": {"factSheet": {"lxState": "APPROVED"}}}}
    store.update_factsheet(app["id"], alias="not a seal event")
    [edge] = ok(api, DOC_QUERY % app["id"])["allLogEvents"]["edges"]
    node = edge["node"]
    assert {k: node[k] for k in ("eventType", "path", "oldValue", "newValue")} == {
        "eventType": "QUALITY_SEAL_APPROVED",
        "path": "/qualitySeal",
        "oldValue": None,
        "newValue": "APPROVED",
    }
    assert node["user"] == {
        "id": user["id"],
        "firstName": user["firstName"],
        "lastName": user["lastName"],
        "displayName": f"{user['firstName']} {user['lastName']}",
        "email": user["email"],
        "technicalUser": False,
    }
    assert node["secondsPast"] >= 0 and node["createdAt"].endswith("Z") and node["message"]


def test_events_newest_first_filtered_and_paged(store):
    app, other = an_app(store, 0), an_app(store, 1)
    itc = next(store.factsheets("ITComponent"))
    api = PathfinderGraphQL(store)
    store.update_factsheet(app["id"], name="Renamed")
    store.update_factsheet(app["id"], status="ARCHIVED")
    store.update_factsheet(app["id"], status="ACTIVE")
    rel = store.add_relation("relApplicationToITComponent", app["id"], itc["id"])
    store.update_factsheet(other["id"], alias="elsewhere")
    old_name = next(e for e in store.events if e["path"] == "/name")["oldValue"]
    assert events(api, app["id"]) == [
        ("RELATION_CREATED", f"/relApplicationToITComponent/{rel['id']}", None, itc["name"]),
        ("FACT_SHEET_RECOVERED", "/status", "ARCHIVED", "ACTIVE"),
        ("FACT_SHEET_ARCHIVED", "/status", "ACTIVE", "ARCHIVED"),
        ("FACT_SHEET_FIELD_UPDATED", "/name", old_name, "Renamed"),
    ]
    # the relation shows on the other end's log too, under that end's connection
    assert events(api, itc["id"]) == [
        ("RELATION_CREATED", f"/relITComponentToApplication/{rel['id']}", None, "Renamed")
    ]
    assert events(api, app["id"], types=["FACT_SHEET_ARCHIVED", "FACT_SHEET_RECOVERED"]) == [
        ("FACT_SHEET_RECOVERED", "/status", "ARCHIVED", "ACTIVE"),
        ("FACT_SHEET_ARCHIVED", "/status", "ACTIVE", "ARCHIVED"),
    ]
    first = ok(api, EVENTS, {"id": app["id"], "first": 3})["allLogEvents"]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"], len(first["edges"])) == (4, True, 3)
    rest = ok(api, EVENTS, {"id": app["id"], "first": 3, "after": first["pageInfo"]["endCursor"]})[
        "allLogEvents"
    ]
    assert [e["node"]["eventType"] for e in rest["edges"]] == ["FACT_SHEET_FIELD_UPDATED"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert len(events(api, None)) == 6  # without factSheetId: the whole workspace's events


def test_tag_and_subscription_events(store):
    app = an_app(store)
    tag = next(t for t in store.tags.values() if t["tagGroup"] is None or t["tagGroup"]["mode"] == "MULTIPLE")
    user = next(iter(store.users.values()))
    api = PathfinderGraphQL(store)
    kept = [t["id"] for t in app["tags"] if t["id"] != tag["id"]]
    store.update_factsheet(app["id"], tags=[*kept, tag["id"]])
    store.update_factsheet(app["id"], tags=kept)
    for edge in list(app["subscriptions"]["edges"]):
        if edge.node["user"] is user:
            store.unsubscribe(app["id"], edge.node["id"])
    sub = store.subscribe(app["id"], user["id"], "OBSERVER")
    store.unsubscribe(app["id"], sub["id"])
    assert events(api, app["id"], first=2) == [
        ("SUBSCRIPTION_DELETED", f"/subscriptions/{sub['id']}", user["email"], None),
        ("SUBSCRIPTION_CREATED", f"/subscriptions/{sub['id']}", None, user["email"]),
    ]
    assert events(api, app["id"], types=["FACT_SHEET_TAG_ADDED", "FACT_SHEET_TAG_REMOVED"]) == [
        ("FACT_SHEET_TAG_REMOVED", "/tags", tag["name"], None),
        ("FACT_SHEET_TAG_ADDED", "/tags", None, tag["name"]),
    ]


def test_a_rolled_back_request_leaves_no_events(store):
    app, other = an_app(store, 0), an_app(store, 1)
    api = PathfinderGraphQL(store)
    answer = api.execute(
        """mutation {
  a: updateFactSheet(id: "%s", patches: [{op: replace, path: "/alias", value: "gone"}]) { factSheet { id } }
  b: updateFactSheet(id: "%s", patches: [{op: replace, path: "/nope", value: "x"}]) { factSheet { id } }
}"""
        % (app["id"], other["id"])
    )
    assert answer["data"] is None
    assert len(store.events) == 0
    assert events(api, app["id"]) == []

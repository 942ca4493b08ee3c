"""Reads beyond filters and paging, over loopback, on fact sheets this test creates with hand-picked values:
relation ``validityFilter`` ("Filtering Fact Sheets for Relation Validity",
https://help.sap.com/docs/leanix/ea/managing-relations-between-fact-sheets), ``allTags(filter: {tagGroupName})``,
``allFactSheets(hierarchy: {mode: FULL_TREE})``, ``naFields`` and its ``/naFields`` patch ("Setting an Empty
Relation on a Fact Sheet"), ``comments(filter: {status})`` and ``LifecyclePhase.milestoneId``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kit.sandbox import Sandbox, SandboxOptions
from tests.sandbox.graphql_http import bearer_of, post


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(size=200, seed=3)) as sb:
        yield sb


@pytest.fixture(scope="module")
def bearer(sandbox: Sandbox) -> str:
    return bearer_of(sandbox)


def data(answer: dict[str, Any]) -> Any:
    assert "errors" not in answer, answer.get("errors")
    return answer["data"]


# -- relation validity -------------------------------------------------------------------------------------
VALIDITY = """query($id: ID!, $from: String, $until: String) { factSheet(id: $id) { ... on Application {
  relApplicationToUserGroup(validityFilter: {activeFrom: $from, activeUntil: $until}) {
    totalCount edges { node { activeFrom activeUntil factSheet { name } } } } } } }"""


@pytest.fixture(scope="module")
def validity_app(sandbox: Sandbox) -> str:
    """An Application used by four user groups over different times (None: unbounded)."""
    store = sandbox.store
    with sandbox.lock:
        app = store.add_factsheet("Application", "Validity App")
        spans = {
            "Until June 2018": ("2018-01-01", "2018-06-30"),
            "From mid July 2018": ("2018-07-15", None),
            "Always": (None, None),
            "From 2019": ("2019-01-01", None),
        }
        for name, (start, end) in spans.items():
            group = store.add_factsheet("UserGroup", name)
            store.add_relation(
                "relApplicationToUserGroup", app["id"], group["id"], activeFrom=start, activeUntil=end
            )
        return str(app["id"])


def related(sandbox: Sandbox, bearer: str, app: str, start: str | None, end: str | None) -> list[str]:
    answer = data(post(sandbox, bearer, VALIDITY, {"id": app, "from": start, "until": end}))
    conn = answer["factSheet"]["relApplicationToUserGroup"]
    assert conn["totalCount"] == len(conn["edges"])
    return [e["node"]["factSheet"]["name"] for e in conn["edges"]]


def test_validity_filter_keeps_relations_overlapping_the_interval(
    sandbox: Sandbox, bearer: str, validity_app: str
) -> None:
    # the page's example interval: July 2018
    assert related(sandbox, bearer, validity_app, "2018-07-01", "2018-07-31") == [
        "From mid July 2018",
        "Always",
    ]
    # an open end: from July 2018 on
    assert related(sandbox, bearer, validity_app, "2018-07-01", None) == [
        "From mid July 2018",
        "Always",
        "From 2019",
    ]
    # the bounds are inclusive: a relation ending on the filter's first day still overlaps
    assert related(sandbox, bearer, validity_app, "2018-06-30", "2018-06-30") == ["Until June 2018", "Always"]
    # no interval at all: every relation
    assert len(related(sandbox, bearer, validity_app, None, None)) == 4


def test_without_validity_filter_every_relation_is_returned(
    sandbox: Sandbox, bearer: str, validity_app: str
) -> None:
    query = """query($id: ID!) { factSheet(id: $id) { ... on Application {
      relApplicationToUserGroup { totalCount } } } }"""
    answer = data(post(sandbox, bearer, query, {"id": validity_app}))
    assert answer["factSheet"]["relApplicationToUserGroup"]["totalCount"] == 4


def test_validity_filter_with_a_bad_date_names_it(sandbox: Sandbox, bearer: str, validity_app: str) -> None:
    answer = post(sandbox, bearer, VALIDITY, {"id": validity_app, "from": "July 2018", "until": None})
    assert "validityFilter.activeFrom" in answer["errors"][0]["message"]
    assert "July 2018" in answer["errors"][0]["message"]


# -- tags of a group -----------------------------------------------------------------------------------------
def test_all_tags_of_one_group(sandbox: Sandbox, bearer: str) -> None:
    with sandbox.lock:
        group = sandbox.store.add_tag_group("Energy Consumption", mode="SINGLE")
        low = sandbox.store.add_tag("Low", group_id=group["id"])
        high = sandbox.store.add_tag("High", group_id=group["id"])
    query = (
        "query($g: String) { allTags(filter: {tagGroupName: $g}) { totalCount edges { node { id name } } } }"
    )
    answer = data(post(sandbox, bearer, query, {"g": "Energy Consumption"}))["allTags"]
    assert answer["totalCount"] == 2
    assert [e["node"] for e in answer["edges"]] == [
        {"id": low["id"], "name": "Low"},
        {"id": high["id"], "name": "High"},
    ]
    assert data(post(sandbox, bearer, query, {"g": "No Such Group"}))["allTags"]["edges"] == []


# -- hierarchy ---------------------------------------------------------------------------------------------
def test_full_tree_answers_parents_the_match_and_its_descendants(sandbox: Sandbox, bearer: str) -> None:
    store = sandbox.store
    with sandbox.lock:
        ids = {
            n: store.add_factsheet("BusinessCapability", n)["id"] for n in ("Top", "Root", "C1", "C1a", "C2")
        }
        for child, parent in (("Root", "Top"), ("C1", "Root"), ("C1a", "C1"), ("C2", "Root")):
            store.add_relation("relToParent", ids[child], ids[parent])
        archived = store.add_factsheet("BusinessCapability", "Old", status="ARCHIVED")
        store.add_relation("relToParent", archived["id"], ids["Root"])
    query = """query($ids: [ID]) { allFactSheets(hierarchy: {mode: FULL_TREE} filter: {ids: $ids}) {
      totalCount edges { node { id name } } } }"""
    answer = data(post(sandbox, bearer, query, {"ids": [ids["Root"]]}))["allFactSheets"]
    assert [e["node"]["name"] for e in answer["edges"]] == ["Top", "Root", "C1", "C1a", "C2"]
    assert answer["totalCount"] == 5
    plain = """query($ids: [ID]) { allFactSheets(filter: {ids: $ids}) { edges { node { name } } } }"""
    assert data(post(sandbox, bearer, plain, {"ids": [ids["Root"]]}))["allFactSheets"]["edges"] == [
        {"node": {"name": "Root"}}
    ]


# -- naFields, comments, milestoneId -------------------------------------------------------------------------
NA = """mutation($id: ID!, $p: [Patch]!) { updateFactSheet(id: $id, patches: $p) { factSheet { naFields } } }"""


def test_na_fields_are_set_added_to_and_removed(sandbox: Sandbox, bearer: str) -> None:
    with sandbox.lock:
        fs_id = sandbox.store.add_factsheet("Application", "Nothing Applies")["id"]
    read = "query($id: ID!) { factSheet(id: $id) { naFields } }"
    assert data(post(sandbox, bearer, read, {"id": fs_id})) == {"factSheet": {"naFields": []}}

    def patch(op: str, value: str | None) -> Any:
        answer = post(
            sandbox, bearer, NA, {"id": fs_id, "p": [{"op": op, "path": "/naFields", "value": value}]}
        )
        return answer

    assert data(patch("add", '["relToParent"]'))["updateFactSheet"]["factSheet"]["naFields"] == [
        "relToParent"
    ]
    assert data(patch("add", '["relApplicationToUserGroup", "relToParent"]'))["updateFactSheet"]["factSheet"][
        "naFields"
    ] == ["relToParent", "relApplicationToUserGroup"]
    assert data(patch("remove", '["relToParent"]'))["updateFactSheet"]["factSheet"]["naFields"] == [
        "relApplicationToUserGroup"
    ]
    assert data(patch("replace", '["businessCriticality"]'))["updateFactSheet"]["factSheet"]["naFields"] == [
        "businessCriticality"
    ]
    refused = patch("add", '["relToNowhere"]')
    assert refused["data"] == {"updateFactSheet": None}
    assert "relToNowhere" in refused["errors"][0]["message"]
    assert data(post(sandbox, bearer, read, {"id": fs_id})) == {
        "factSheet": {"naFields": ["businessCriticality"]}
    }
    events = (
        "query($id: ID) { allLogEvents(factSheetId: $id) { edges { node { eventType path newValue } } } }"
    )
    logged = [e["node"] for e in data(post(sandbox, bearer, events, {"id": fs_id}))["allLogEvents"]["edges"]]
    assert logged[0] == {
        "eventType": "FACT_SHEET_FIELD_UPDATED",
        "path": "/naFields",
        "newValue": '["businessCriticality"]',
    }


def test_comments_are_an_empty_connection_of_leanix_types(sandbox: Sandbox, bearer: str) -> None:
    with sandbox.lock:
        fs_id = sandbox.store.add_factsheet("Application", "Uncommented")["id"]
    query = """query($id: ID!) { factSheet(id: $id) { comments(filter: {status: ACTIVE}) {
      totalCount edges { node { id message status } } } } }"""
    assert data(post(sandbox, bearer, query, {"id": fs_id})) == {
        "factSheet": {"comments": {"totalCount": 0, "edges": []}}
    }
    statuses = data(post(sandbox, bearer, '{ __type(name: "CommentStatus") { enumValues { name } } }'))
    assert "ACTIVE" in [v["name"] for v in statuses["__type"]["enumValues"]]


def test_lifecycle_phases_have_a_milestone_id(sandbox: Sandbox, bearer: str) -> None:
    with sandbox.lock:
        fs_id = sandbox.store.add_factsheet(
            "Application", "Phased", fields={"lifecycle": {"plan": "2024-01-01", "active": "2025-01-01"}}
        )["id"]
    query = """query($id: ID!) { factSheet(id: $id) { ... on Application {
      lifecycle { phases { phase startDate milestoneId } } } } }"""
    assert data(post(sandbox, bearer, query, {"id": fs_id}))["factSheet"]["lifecycle"]["phases"] == [
        {"phase": "plan", "startDate": "2024-01-01", "milestoneId": None},
        {"phase": "active", "startDate": "2025-01-01", "milestoneId": None},
    ]

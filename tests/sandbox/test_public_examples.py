"""Every published LeanIX GraphQL example (tests/sandbox/public_examples/) validates against the sandbox's
schema with gql, a public GraphQL client, and runs against an own sandbox with the answer LeanIX documents.

The examples are copied as published; only ids of the authors' workspaces are placeholders (``{{name}}``, or
the page's own ``{id}`` style), filled here with ids from the sandbox. Each example has one hand-written
check below; examples run in the order of ``CASES`` (a document is created before it is updated).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.client import SyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport

from kit.sandbox import Sandbox, SandboxOptions
from tests.sandbox.graphql_http import bearer_of, data, nodes

EXAMPLES = Path(__file__).parent / "public_examples"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}|\{(\w+)\}")
ROLLED_BACK = "Error in Request. Transaction is rolled back!"


# -- the sandbox, its token, its schema ------------------------------------------------------------------
@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(size=200, seed=3)) as sb:
        yield sb


@pytest.fixture(scope="module")
def bearer(sandbox: Sandbox) -> str:
    return bearer_of(sandbox)


@pytest.fixture(scope="module")
def client(sandbox: Sandbox, bearer: str) -> Iterator[Client]:
    transport = RequestsHTTPTransport(
        url=f"{sandbox.url}/services/pathfinder/v1/graphql",
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=30,
    )
    gql_client = Client(transport=transport, fetch_schema_from_transport=True)
    gql_client.connect_sync()
    try:
        yield gql_client
    finally:
        gql_client.close_sync()


# -- what the sandbox holds: ids to fill the placeholders with ---------------------------------------------
APPS = """{ allFactSheets(factSheetType: Application) { edges { node { id name rev
  ... on Application {
    externalId { externalId }
    subscriptions { edges { node { id type user { id } roles { id } } } }
    relApplicationToITComponent { edges { node { id factSheet { id name } } } }
    relApplicationToBusinessCapability { edges { node { supportType factSheet { id } } } }
    relApplicationToUserGroup { edges { node { factSheet { id } } } }
  } } } } }"""
ITCS = """{ allFactSheets(factSheetType: ITComponent) { edges { node { id name
  ... on ITComponent { relITComponentToTechnologyStack { edges { node { factSheet { id name } } } } } } } } }"""
PLATFORMS = "{ allFactSheets(factSheetType: Platform) { edges { node { id tags { id } } } } }"
CAPABILITIES = """{ allFactSheets(factSheetType: BusinessCapability) { edges { node { id
  ... on BusinessCapability { relToChild { edges { node { factSheet { id } } } } } } } } }"""
FIRST_INITIATIVE = "{ allFactSheets(factSheetType: Initiative, first: 1) { edges { node { id } } } }"
ROLES = "{ allSubscriptionRoles { edges { node { id name } } } }"
TAGS = "{ allTags { edges { node { id name tagGroup { name mode restrictToFactSheetTypes } } } } }"


@dataclass
class World:
    """Ids and facts of the demo workspace, read before any example runs."""

    apps: list[dict[str, Any]]
    itcs: list[dict[str, Any]]
    platforms: list[dict[str, Any]]
    capabilities: list[dict[str, Any]]
    initiative: str
    roles: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    done: dict[str, Any]  # values earlier examples produced (document id, cursor, ...)

    def app(self, n: int) -> dict[str, Any]:
        """The n-th Application: each mutating example works on its own one."""
        return self.apps[n]

    def apps_now(self) -> set[str]:
        """Ids of the active Applications now: the demo's, plus those examples created, less those they
        archived (examples run in order, so earlier ones change what later ones read)."""
        created, archived = self.done.get("created_apps", set()), self.done.get("archived_apps", set())
        return ({a["id"] for a in self.apps} | created) - archived

    def created(self, fact_sheet: dict[str, Any]) -> None:
        """Note an Application an example created."""
        self.done.setdefault("created_apps", set()).add(fact_sheet["id"])

    def subscribed(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """An Application with an ACCOUNTABLE subscription that has a role, and that subscription."""
        for app in self.apps:
            for sub in nodes(app.get("subscriptions")):
                if sub["type"] == "ACCOUNTABLE" and sub["roles"]:
                    return app, sub
        raise AssertionError("the demo workspace has no ACCOUNTABLE subscription with a role")


@pytest.fixture(scope="module")
def world(sandbox: Sandbox, bearer: str) -> World:
    def q(query: str) -> list[dict[str, Any]]:
        return nodes(next(iter(data(sandbox, bearer, query).values())))

    return World(
        apps=q(APPS),
        itcs=q(ITCS),
        platforms=q(PLATFORMS),
        capabilities=q(CAPABILITIES),
        initiative=q(FIRST_INITIATIVE)[0]["id"],
        roles=q(ROLES),
        tags=q(TAGS),
        done={},
    )


# -- the cases -----------------------------------------------------------------------------------------------
Fills = Callable[[World], dict[str, Any]]
Check = Callable[[Any, list[dict[str, Any]], World], None]


@dataclass(frozen=True)
class Case:
    name: str
    fills: Fills
    check: Check
    expect_errors: bool = False  # the page documents an error answer


def ok(errors: list[dict[str, Any]]) -> None:
    assert not errors, "the sandbox answered errors: " + "; ".join(str(e.get("message")) for e in errors)


def types_of(data: dict[str, Any]) -> set[str]:
    return {n["type"] for n in nodes(data["allFactSheets"])}


def app_fills(n: int, **more: Callable[[World], Any]) -> Fills:
    return lambda w: {
        "application": w.app(n)["id"],
        "id": w.app(n)["id"],
        **{k: f(w) for k, f in more.items()},
    }


def plain(w: World) -> dict[str, Any]:
    return {}


# --- checks (hand-written; expected values are the published ones) ---
def check_stricter(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    assert errors and data is None
    assert "patches" in errors[0]["message"]


def check_import_docs(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["factSheet"]["id"] == w.app(1)["id"]
    assert isinstance(data["factSheet"]["documents"]["edges"], list)


def check_energy_tags(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert nodes(data["allTags"]) == []  # the demo workspace has no tag group "Energy Consumption"


def check_doc_create(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    doc = data["createDocument"]
    assert (doc["name"], doc["url"], doc["factSheetId"]) == (
        "Website link",
        "https://www.leanix.net/",
        w.app(2)["id"],
    )
    assert doc["description"] == "Link to the SAP LeanIX website"
    w.done["document"] = doc["id"]


def check_doc_retrieve(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    docs = nodes(data["factSheet"]["documents"])
    assert [(d["name"], d["url"], d["origin"]) for d in docs] == [
        ("Website link", "https://www.leanix.net/", "CUSTOM_LINK")
    ]


def check_doc_update(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["updateDocument"]["url"] == "https://www.leanix.net/de/"
    assert data["updateDocument"]["id"] == w.done["document"]


def check_doc_delete(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    # The page's example response to this very mutation is {"data": {"deleteDocument": null}}.
    ok(errors)
    assert data == {"deleteDocument": None}


def check_batch(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    assert data is None
    assert ROLLED_BACK in [e["message"] for e in errors]


def check_first_page(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    page = data["allFactSheets"]
    assert (
        len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"] is True and page["pageInfo"]["endCursor"]
    )
    w.done["cursor"] = page["pageInfo"]["endCursor"]
    w.done["page1"] = [n["name"] for n in nodes(page)]


def check_next_page(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    names = [n["name"] for n in nodes(data["allFactSheets"])]
    assert len(names) == 2 and not set(names) & set(w.done["page1"])


def check_all(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    conn = data["allFactSheets"]
    assert conn["totalCount"] == len(conn["edges"]) >= len(w.apps) + len(w.itcs)
    assert {"Application", "ITComponent", "BusinessCapability"} <= types_of(data)


def check_custom(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    itcs = [n for n in nodes(data["allFactSheets"]) if n["type"] == "ITComponent"]
    assert itcs and all("capEx" in n and "opEx" in n for n in itcs)


def itc_with_stack(w: World) -> dict[str, Any]:
    return next(i for i in w.itcs if nodes(i.get("relITComponentToTechnologyStack")))


def check_related(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    itc = itc_with_stack(w)
    fs = data["factSheet"]
    assert (fs["name"], fs["type"]) == (itc["name"], "ITComponent")
    stacks = [n["factSheet"]["name"] for n in nodes(fs["relITComponentToTechnologyStack"])]
    assert stacks == [n["factSheet"]["name"] for n in nodes(itc["relITComponentToTechnologyStack"])]


def check_by_id(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["factSheet"] == {"id": w.app(3)["id"], "name": w.app(3)["name"], "type": "Application"}


def check_sub_create(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    sub = data["createSubscription"]
    assert sub["type"] == "RESPONSIBLE" and sub["user"]["id"] == w.done["user"]
    assert [r["id"] for r in sub["roles"]] == [w.roles[0]["id"]]
    w.done["subscription"] = sub["id"]


def check_sub_get(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    subs = {s["id"]: s for s in nodes(data["factSheet"]["subscriptions"])}
    assert subs[w.done["subscription"]]["type"] == "RESPONSIBLE"


def check_sub_update(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    sub = data["updateSubscription"]
    assert [(r["id"], r["comment"]) for r in sub["roles"]] == [
        (w.roles[1]["id"], "Changing the subscription role")
    ]


def check_sub_delete(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    # The page answers the fact sheet the subscription was on, not the subscription: its example response is
    # {"deleteSubscription": {"id": "01740698-1ffa-4729-94fa-da6194ebd7cd", "name": "AC Management"}}, a fact
    # sheet's id and name (the id createDocument's example gives as factSheetId).
    ok(errors)
    assert data["deleteSubscription"] == {"id": w.app(7)["id"], "name": w.app(7)["name"]}


def check_roles(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert nodes(data["allSubscriptionRoles"]) == w.roles and w.roles


def check_event_log(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    events = nodes(data["allLogEvents"])
    assert events and {e["eventType"] for e in events} == {"QUALITY_SEAL_APPROVED"}


def check_create_patches(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["createFactSheet"]["factSheet"]
    assert (fs["name"], fs["type"], fs["description"]) == (
        "AC Management",
        "Application",
        "Application for AC management",
    )
    assert (fs["externalId"]["externalId"], fs["alias"]) == ("1234567890", "AC App")
    w.created(fs)


def check_archived(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert {n["status"] for n in found} == {"ARCHIVED"}
    assert w.app(10)["id"] in {n["id"] for n in found}  # archived by archive_fact_sheet


def check_external_id(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    conn = data["allFactSheets"]
    assert conn["totalCount"] == len(conn["edges"])
    assert all(n["externalId"]["externalId"] == "1234" for n in nodes(conn))


def leading_capabilities(w: World) -> list[str]:
    found = [
        r["factSheet"]["id"]
        for app in w.apps
        for r in nodes(app.get("relApplicationToBusinessCapability"))
        if r["supportType"] == "leading"
    ]
    assert len(set(found)) >= 2, "the demo workspace needs two capabilities with a leading application"
    return list(dict.fromkeys(found))[:2]


def check_relation_fields(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    wanted = set(leading_capabilities(w))
    found = nodes(data["allFactSheets"])
    assert found and {n["type"] for n in found} == {"Application"}
    for n in found:
        rels = nodes(n["relApplicationToBusinessCapability"])
        assert rels and all(r["supportType"] == "leading" and r["factSheet"]["id"] in wanted for r in rels)
        assert {r["type"] for r in rels} == {"RelApplicationToBusinessCapability"}


def check_by_subscriber(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    app, _ = w.subscribed()
    assert types_of(data) == {"Application"}
    assert app["id"] in {n["id"] for n in nodes(data["allFactSheets"])}


def check_lifecycle_filter(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert found and all(n["ApplicationLifecycle"]["phases"] for n in found)


def platform_tags(w: World) -> list[str]:
    tagged = max(w.platforms, key=lambda p: len(p["tags"]))
    ids = [t["id"] for t in tagged["tags"]]
    assert ids, "the demo workspace has no tagged Platform"
    return (ids * 2)[:2]


def check_type_and_tags(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert found and all(n["type"] == "Platform" for n in found)
    assert all(set(platform_tags(w)) <= {t["id"] for t in n["tags"]} for n in found)
    stamps = [n["updatedAt"] for n in found]
    assert stamps == sorted(stamps, reverse=True)


def check_technical_fit(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert found and {n["technicalSuitability"] for n in found} == {"unreasonable"}


def check_types(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert types_of(data) == {"Application", "ITComponent", "BusinessCapability"}
    assert data["allFactSheets"]["totalCount"] == len(data["allFactSheets"]["edges"])


def check_type_argument(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert types_of(data) == {"Application"}
    assert {n["id"] for n in nodes(data["allFactSheets"])} == w.apps_now()
    assert data["allFactSheets"]["totalCount"] == len(w.apps_now())


def check_aliases(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["fs1"]["factSheet"]["id"] != data["fs2"]["factSheet"]["id"]
    w.created(data["fs1"]["factSheet"])
    w.created(data["fs2"]["factSheet"])


def check_new_fact_sheet(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["createFactSheet"]["factSheet"]
    assert (fs["name"], fs["type"]) == ("New Fact Sheet", "Application") and fs["id"]
    w.created(fs)


def check_facet_keys(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    facets = {f["facetKey"]: f for f in data["allFactSheets"]["filterOptions"]["facets"]}
    assert "Application" in {r["key"] for r in facets["FactSheetTypes"]["results"]}


def check_app_facets(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    facets = {f["facetKey"]: f for f in data["allFactSheets"]["filterOptions"]["facets"]}
    assert {"technicalSuitability", "lifecycle"} <= set(facets)
    assert all(f["possibleOperators"] for f in facets.values())


def status_is(value: str, app: int) -> Check:
    def check(data: Any, errors: list[dict[str, Any]], w: World) -> None:
        ok(errors)
        assert data["updateFactSheet"]["factSheet"]["status"] == value
        archived = w.done.setdefault("archived_apps", set())
        (archived.add if value == "ARCHIVED" else archived.discard)(w.app(app)["id"])

    return check


def check_no_external_id(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    ext = data["updateFactSheet"]["factSheet"]["externalId"]
    assert ext is None or ext["externalId"] is None


def check_custom_attribute(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["updateFactSheet"]["factSheet"]["serviceNowId"] == "SN-123456"


def check_multiple_select(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["updateFactSheet"]["factSheet"]["supportedPlatforms"] == ["macOS", "windows"]


def check_lifecycle(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    phases = data["updateFactSheet"]["factSheet"]["lifecycle"]["phases"]
    assert [(p["phase"], p["startDate"]) for p in phases] == [
        ("plan", "2019-01-12"),
        ("phaseIn", "2020-03-12"),
        ("active", "2021-05-10"),
        ("phaseOut", "2025-03-30"),
        ("endOfLife", "2027-01-01"),
    ]


def check_name_description(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["updateFactSheet"]["factSheet"]
    assert (fs["name"], fs["description"]) == ("AC Management Cloud", "Application for AC management")


def check_quality_seal(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["updateFactSheet"]["factSheet"]["lxState"] == "APPROVED"


def check_filtering_example(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert all(n["technicalSuitability"] == "unreasonable" for n in found)
    assert not {n["functionalSuitability"] for n in found} & {"perfect", "appropriate"}
    stamps = [n["updatedAt"] for n in found]
    assert stamps == sorted(stamps, reverse=True)


def free_itcs(w: World, n: int) -> list[str]:
    taken = {r["factSheet"]["id"] for r in nodes(w.app(n).get("relApplicationToITComponent"))}
    return [i["id"] for i in w.itcs if i["id"] not in taken][:2]


def check_relations_create(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    before = len(nodes(w.app(20).get("relApplicationToITComponent")))
    assert len(nodes(data["updateFactSheet"]["factSheet"]["relApplicationToITComponent"])) == before + 2


def check_relations_list(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["factSheet"]
    ids = {r["id"] for r in nodes(w.app(21).get("relApplicationToITComponent"))}
    assert (fs["name"], fs["type"]) == (w.app(21)["name"], "Application")
    assert {r["id"] for r in nodes(fs["relApplicationToITComponent"])} == ids


def app_with_user_group(w: World) -> dict[str, Any]:
    return next(a for a in w.apps if nodes(a.get("relApplicationToUserGroup")))


def check_validity_filter(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert {n["type"] for n in nodes(data["allFactSheets"])} <= {"UserGroup"}


def check_validity_argument(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["factSheet"]["displayName"]
    assert isinstance(data["factSheet"]["relApplicationToUserGroup"]["edges"], list)


def check_na_fields(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["updateFactSheet"]["factSheet"]["naFields"] == ["relToParent"]


def check_migrate_archive(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["updateFactSheet"]["factSheet"]
    assert (fs["id"], fs["status"], fs["type"]) == (w.app(23)["id"], "ARCHIVED", "Application")
    w.done.setdefault("archived_apps", set()).add(fs["id"])


def check_successor_create(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["updateFactSheet"]["factSheet"]["id"] == w.app(24)["id"]


def successor_relation(sandbox: Sandbox, bearer: str, w: World) -> str:
    query = "query($id: ID!) { factSheet(id: $id) { ... on Application { relToSuccessor { edges { node { id } } } } } }"
    rels = nodes(data(sandbox, bearer, query, {"id": w.app(24)["id"]})["factSheet"]["relToSuccessor"])
    assert rels, "no relToSuccessor to change (migrate_relation_create failed)"
    return str(rels[0]["id"])


def check_successor_update(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    rels = nodes(data["updateFactSheet"]["factSheet"]["relToSuccessor"])
    assert [(r["description"], r["activeFrom"], r["activeUntil"]) for r in rels] == [
        ("This is a test description.", "2023-11-29", "2026-11-29")
    ]


def check_successor_delete(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert nodes(data["updateFactSheet"]["factSheet"]["relToSuccessor"]) == []


def check_migrate_create(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["createFactSheet"]["factSheet"]
    assert (fs["name"], fs["type"], fs["description"]) == (
        "TestFactSheet",
        "Application",
        "This is a demo fact sheet.",
    )
    w.created(fs)


def check_migrate_get_all(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert found and {n["type"] for n in found} == {"Application"}
    names = [n["displayName"] for n in found]
    assert names == sorted(names, key=str.lower) or names == sorted(names)
    user = w.subscribed()[1]["user"]["id"]
    assert all(s["user"]["id"] == user for n in found for s in nodes(n["subscriptions"]))


def check_migrate_relations(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["factSheet"]
    want = {r["factSheet"]["id"] for r in nodes(w.app(25).get("relApplicationToITComponent"))}
    assert {r["factSheet"]["id"] for r in nodes(fs["relApplicationToITComponent"])} == want


def capability_with_children(w: World) -> dict[str, Any]:
    return next(c for c in w.capabilities if nodes(c.get("relToChild")))


def check_hierarchy(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    root = capability_with_children(w)
    got = {n["id"] for n in nodes(data["allFactSheets"])}
    assert {root["id"]} | {c["factSheet"]["id"] for c in nodes(root["relToChild"])} <= got


def check_get_full(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["factSheet"]
    assert (fs["id"], fs["type"], fs["status"]) == (w.app(26)["id"], "Application", "ACTIVE")
    assert fs["comments"]["totalCount"] == len(fs["comments"]["edges"])


def check_get_small(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["factSheet"] == {"id": w.app(27)["id"], "name": w.app(27)["name"]}


def check_migrate_update(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    fs = data["updateFactSheet"]["factSheet"]
    assert fs["description"] == "This is the updated description of a demo fact sheet."


def check_costs(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert {n["id"] for n in found} == w.apps_now()
    assert all("costTotalAnnual" in r for n in found for r in nodes(n["relApplicationToITComponent"]))


def check_all_tags(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert {n["id"] for n in nodes(data["allTags"])} >= {t["id"] for t in w.tags} and w.tags


def addable_tags(w: World) -> list[str]:
    """Two tags any Application may get together: of a MULTIPLE tag group open to Applications, or "Other
    tags" (no group); two tags of one SINGLE group would be refused, as LeanIX refuses them."""

    def fits(tag: dict[str, Any]) -> bool:
        group = tag["tagGroup"]
        if group is None:
            return True
        allowed = group["restrictToFactSheetTypes"] or ["Application"]
        return group["mode"] == "MULTIPLE" and "Application" in allowed

    ids = [t["id"] for t in w.tags if fits(t)]
    assert len(ids) >= 2, "the demo workspace needs two tags of MULTIPLE groups or Other tags"
    return ids[:2]


def check_tags_existing(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    got = {t["id"] for t in data["updateFactSheet"]["factSheet"]["tags"]}
    assert set(addable_tags(w)) <= got


def check_tags_new(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    got = {t["name"]: t for t in data["updateFactSheet"]["factSheet"]["tags"]}
    assert {"Development", "Demo"} <= set(got)
    assert got["Demo"]["tagGroup"] is None  # new tags without a group land in "other tags"


def check_time_apps(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    found = nodes(data["allFactSheets"])
    assert {n["id"] for n in found} == w.apps_now()
    assert all(isinstance(n["rev"], int) and all("tagId" in t for t in n["tags"]) for n in found)


def check_tag_group(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert data["upsertTagGroup"]["name"] == "Time Model" and data["upsertTagGroup"]["id"]


def check_tag(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    tag = data["upsertTag"]
    assert (tag["name"], tag["tagGroup"]["name"]) == ("Tolerate", "Time Model")
    w.done["tolerate"] = tag["id"]


def check_time_tags(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    assert [(n["name"], n["id"]) for n in nodes(data["allTags"])] == [("Tolerate", w.done["tolerate"])]


def check_time_update(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    tags = data["result"]["factSheet"]["tags"]
    assert ("Tolerate", "Time Model") in {(t["name"], (t["tagGroup"] or {}).get("name")) for t in tags}


def check_subscribed(data: Any, errors: list[dict[str, Any]], w: World) -> None:
    ok(errors)
    conn = data["allFactSheets"]
    assert conn["totalCount"] == len(conn["edges"]) > 0
    assert all(nodes(n["subscriptions"]) for n in nodes(conn))


def successor_fills(sandbox: Sandbox, bearer: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "id": w.app(24)["id"],
        "relationId": successor_relation(sandbox, bearer, w),
        "targetFactSheetId": w.app(29)["id"],
    }


def cases(sandbox: Sandbox, bearer: str) -> list[Case]:
    """All examples in the order they run (the ids they need depend on what ran before)."""
    return [
        Case("stricter_type_validation", app_fills(0), check_stricter, expect_errors=True),
        Case("import_resources_documents", app_fills(1), check_import_docs),
        Case("tags_of_group_energy_consumption", plain, check_energy_tags),
        Case("documents_1_create_link", app_fills(2), check_doc_create),
        Case("documents_2_retrieve", app_fills(2), check_doc_retrieve),
        Case("documents_3_update", lambda w: {"document": w.done.get("document", "")}, check_doc_update),
        Case("documents_4_delete", lambda w: {"document": w.done.get("document", "")}, check_doc_delete),
        Case(
            "batch_mutations_rolled_back",
            lambda w: {
                "application": w.app(4)["id"],
                "application2": w.app(5)["id"],
                "application3": w.app(6)["id"],
            },
            check_batch,
            expect_errors=True,
        ),
        Case("pagination_first_page", plain, check_first_page),
        Case("pagination_next_page", lambda w: {"cursor": w.done.get("cursor", "")}, check_next_page),
        Case("retrieve_all_fact_sheets", plain, check_all),
        Case("retrieve_custom_attributes", plain, check_custom),
        Case(
            "retrieve_related_fact_sheets", lambda w: {"itcomponent": itc_with_stack(w)["id"]}, check_related
        ),
        Case("retrieve_fact_sheet_by_id", app_fills(3), check_by_id),
        Case("subscription_roles", plain, check_roles),
        Case("filter_subscriptions_roles", plain, check_roles),
        Case(
            "subscriptions_1_create",
            lambda w: {
                "application": w.app(7)["id"],
                "user": w.done.setdefault("user", w.subscribed()[1]["user"]["id"]),
                "role": w.roles[0]["id"],
            },
            check_sub_create,
        ),
        Case("subscriptions_2_get", app_fills(7), check_sub_get),
        Case(
            "subscriptions_3_update",
            lambda w: {
                "subscription": w.done.get("subscription", ""),
                "user": w.done.get("user", ""),
                "role2": w.roles[1]["id"],
            },
            check_sub_update,
        ),
        Case(
            "subscriptions_4_delete",
            lambda w: {"subscription": w.done.get("subscription", "")},
            check_sub_delete,
        ),
        Case("update_quality_seal", app_fills(8), check_quality_seal),
        Case("event_log_quality_seal_approved", app_fills(8), check_event_log),
        Case("create_fact_sheet_with_patches", plain, check_create_patches),
        Case("archive_fact_sheet", app_fills(10), status_is("ARCHIVED", 10)),
        Case("filter_archived", plain, check_archived),
        Case("recover_archived_fact_sheet", app_fills(10), status_is("ACTIVE", 10)),
        Case("filter_by_external_id", plain, check_external_id),
        Case(
            "filter_by_relation_fields",
            lambda w: dict(zip(("capability", "capability2"), leading_capabilities(w), strict=True)),
            check_relation_fields,
        ),
        Case(
            "filter_by_subscriber",
            lambda w: {"user": w.subscribed()[1]["user"]["id"], "role": w.subscribed()[1]["roles"][0]["id"]},
            check_by_subscriber,
        ),
        Case("filter_by_type_and_lifecycle", plain, check_lifecycle_filter),
        Case(
            "filter_by_type_and_tags",
            lambda w: dict(zip(("tag", "tag2"), platform_tags(w), strict=True)),
            check_type_and_tags,
        ),
        Case("filter_by_technical_fit", plain, check_technical_fit),
        Case("filter_by_types", plain, check_types),
        Case("filter_by_fact_sheet_type_argument", plain, check_type_argument),
        Case("filtering_example_sorted", plain, check_filtering_example),
        Case("facet_keys", plain, check_facet_keys),
        Case("facet_filters_of_application", plain, check_app_facets),
        Case("create_two_with_aliases", plain, check_aliases),
        Case("create_fact_sheet_variables", plain, check_new_fact_sheet),
        Case("create_fact_sheet_inline", plain, check_new_fact_sheet),
        Case("delete_external_id", app_fills(11), check_no_external_id),
        Case("update_custom_attribute", app_fills(12), check_custom_attribute),
        Case("update_multiple_select", app_fills(13), check_multiple_select),
        Case("update_lifecycle", lambda w: {"initiative": w.initiative}, check_lifecycle),
        Case("update_name_and_description", app_fills(14), check_name_description),
        Case(
            "relations_create",
            lambda w: {
                "application": w.app(20)["id"],
                **dict(zip(("itcomponent", "itcomponent2"), free_itcs(w, 20), strict=True)),
            },
            check_relations_create,
        ),
        Case("relations_list_before_delete", app_fills(21), check_relations_list),
        Case(
            "relation_validity_filter",
            lambda w: {"application": app_with_user_group(w)["id"]},
            check_validity_filter,
        ),
        Case(
            "relation_validity_field_argument",
            lambda w: {"application": app_with_user_group(w)["id"]},
            check_validity_argument,
        ),
        Case("empty_relation_na_fields", app_fills(22), check_na_fields),
        Case("migrate_archive", app_fills(23), check_migrate_archive),
        Case(
            "migrate_relation_create",
            lambda w: {"id": w.app(24)["id"], "targetId": w.app(29)["id"]},
            check_successor_create,
        ),
        Case("migrate_relation_update", successor_fills(sandbox, bearer), check_successor_update),
        Case("migrate_relation_delete", successor_fills(sandbox, bearer), check_successor_delete),
        Case("migrate_create", plain, check_migrate_create),
        Case("migrate_get_all", lambda w: {"userId": w.subscribed()[1]["user"]["id"]}, check_migrate_get_all),
        Case("migrate_get_all_relations", app_fills(25), check_migrate_relations),
        Case("migrate_hierarchy", lambda w: {"rootId": capability_with_children(w)["id"]}, check_hierarchy),
        Case(
            "migrate_get_by_id_full",
            lambda w: {"id": w.app(26)["id"], "userId": w.subscribed()[1]["user"]["id"]},
            check_get_full,
        ),
        Case("migrate_get_by_id", app_fills(27), check_get_small),
        Case("migrate_update", app_fills(28), check_migrate_update),
        Case("total_annual_costs_relations", plain, check_costs),
        Case("tags_all", plain, check_all_tags),
        Case(
            "tags_add_existing",
            app_fills(30, tag=lambda w: addable_tags(w)[0], tag2=lambda w: addable_tags(w)[1]),
            check_tags_existing,
        ),
        Case("tags_add_new", app_fills(31), check_tags_new),
        Case("scripts_time_model_all_applications", plain, check_time_apps),
        Case("scripts_time_model_1_tag_group", plain, check_tag_group),
        Case("scripts_time_model_2_tag", plain, check_tag),
        Case("scripts_time_model_3_tags_of_group", plain, check_time_tags),
        Case(
            "scripts_time_model_4_update_tags",
            lambda w: {
                "application": w.app(32)["id"],
                "rev": w.app(32)["rev"],
                "tags": json.dumps([{"tagId": w.done.get("tolerate", "")}]),
            },
            check_time_update,
        ),
        Case("scripts_simple_graphql_subscribed", plain, check_subscribed),
    ]


CASE_NAMES = [c.name for c in cases(None, "")]  # type: ignore[arg-type]


# -- loading and filling an example -------------------------------------------------------------------------
def read_example(name: str) -> tuple[str, str | None]:
    """The query text and the variables text (None: the example has none); comment lines stay in the
    query (GraphQL comments), the JSON file's leading ``#`` lines are dropped."""
    query = (EXAMPLES / f"{name}.graphql").read_text(encoding="utf-8")
    var_path = EXAMPLES / f"{name}.json"
    if not var_path.exists():
        return query, None
    lines = var_path.read_text(encoding="utf-8").splitlines()
    return query, "\n".join(line for line in lines if not line.startswith("#"))


def fill(text: str, values: dict[str, Any]) -> str:
    """Replaces ``{{name}}`` and ``{name}`` placeholders whose name is in ``values``; others stay."""

    def one(match: re.Match[str]) -> str:
        key = match.group(1) or match.group(2)
        return str(values[key]) if key in values else match.group(0)

    return PLACEHOLDER.sub(one, text)


def fill_json(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return fill(value, values)
    if isinstance(value, list):
        return [fill_json(v, values) for v in value]
    if isinstance(value, dict):
        return {k: fill_json(v, values) for k, v in value.items()}
    return value


def test_every_example_file_has_a_case_and_a_source() -> None:
    files = {p.stem for p in EXAMPLES.glob("*.graphql")}
    assert files == set(CASE_NAMES)
    assert {p.stem for p in EXAMPLES.glob("*.json")} <= files
    for path in [*EXAMPLES.glob("*.graphql"), *EXAMPLES.glob("*.json")]:
        head = path.read_text(encoding="utf-8").splitlines()[:2]
        assert head[0].startswith("# source: https://") and head[1].startswith("# page: "), path.name


@pytest.mark.parametrize("name", CASE_NAMES)
def test_public_example(name: str, sandbox: Sandbox, bearer: str, client: Client, world: World) -> None:
    case = next(c for c in cases(sandbox, bearer) if c.name == name)
    query_text, var_text = read_example(name)
    values = case.fills(world)
    variables = fill_json(json.loads(var_text), values) if var_text else None
    request = GraphQLRequest(gql(fill(query_text, values)), variable_values=variables)
    client.validate(request)  # raises GraphQLError naming the unknown field/argument/type
    assert isinstance(client.session, SyncClientSession)
    try:
        data: Any = client.session.execute(request)
        errors: list[dict[str, Any]] = []
    except TransportQueryError as exc:
        data, errors = exc.data, list(exc.errors or [])
    case.check(data, errors, world)

"""Pathfinder reads beyond paging: filterOptions facets, the Subscriptions facet's subscriptionFilter,
``subscriptions(filter:)``, ``User.permission``, relation node types and strict (INCLUSIVE) relation filters.

Every expected value is worked out by hand from the small workspace built below (see its docstring), not
read back from the sandbox.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kit.sandbox import graphql_api
from kit.sandbox.graphql_api import PathfinderGraphQL
from kit.sandbox.store import Store

WORKSPACE = "ws-reads"


@pytest.fixture(scope="module")
def store() -> Store:
    """Three active applications and one archived, on 2024-06-01:

    ==== ===== ===================== ================================= ====================== ==========
    id   name  businessCriticality   lifecycle (current phase)         tags                   lxState
    ==== ===== ===================== ================================= ====================== ==========
    a1   CRM   missionCritical       plan 2020-01-01, active 2021 (a.) EMEA, legacy           DRAFT
    a2   ERP   businessCritical      active 2019, endOfLife 2024 (eol) APAC                   APPROVED
    a3   Wiki  -                     -                                 -                      DRAFT
    a4   Old   missionCritical       -                                 -                      DRAFT (archived)
    ==== ===== ===================== ================================= ====================== ==========

    Subscriptions: a1 Alice ACCOUNTABLE (Business Owner), Bob RESPONSIBLE (Solution Architect);
    a2 Bob OBSERVER, Carol RESPONSIBLE; a3 none. Only a1 has a description.
    Relations to business capabilities: a1 -> Sales (leading), a1 -> Finance (supporting), a2 -> Finance
    (leading).
    """
    s = Store(workspace_id=WORKSPACE, today=date(2024, 6, 1))
    s.add_user("Alice", "Adams", "alice@example.com", id="u-alice")
    s.add_user("Bob", "Brown", "bob@example.com", id="u-bob")
    s.add_user("Carol", "Clark", "carol@example.com", id="u-carol")
    s.add_subscription_role("Business Owner", subscription_type="ACCOUNTABLE", id="r-owner")
    s.add_subscription_role("Solution Architect", subscription_type="RESPONSIBLE", id="r-arch")
    s.add_tag_group("Region", mode="SINGLE", restrict_to=["Application"], id="g-region")
    s.add_tag("EMEA", group_id="g-region", id="t-emea")
    s.add_tag("APAC", group_id="g-region", id="t-apac")
    s.add_tag("legacy", id="t-legacy")
    s.add_factsheet(
        "Application",
        "CRM",
        id="a1",
        description="Customer relations",
        tags=["t-emea", "t-legacy"],
        fields={
            "businessCriticality": "missionCritical",
            "lifecycle": {"plan": "2020-01-01", "active": "2021-01-01"},
        },
    )
    s.add_factsheet(
        "Application",
        "ERP",
        id="a2",
        tags=["t-apac"],
        lx_state="APPROVED",
        fields={
            "businessCriticality": "businessCritical",
            "lifecycle": {"active": "2019-01-01", "endOfLife": "2024-01-01"},
        },
    )
    s.add_factsheet("Application", "Wiki", id="a3")
    s.add_factsheet(
        "Application", "Old", id="a4", status="ARCHIVED", fields={"businessCriticality": "missionCritical"}
    )
    s.add_factsheet("BusinessCapability", "Sales", id="b1")
    s.add_factsheet("BusinessCapability", "Finance", id="b2")
    s.add_relation("relApplicationToBusinessCapability", "a1", "b1", id="rel-1", supportType="leading")
    s.add_relation("relApplicationToBusinessCapability", "a1", "b2", id="rel-2", supportType="supporting")
    s.add_relation("relApplicationToBusinessCapability", "a2", "b2", id="rel-3", supportType="leading")
    s.subscribe("a1", "u-alice", "ACCOUNTABLE", ["r-owner"], id="s-1")
    s.subscribe("a1", "u-bob", "RESPONSIBLE", ["r-arch"], id="s-2")
    s.subscribe("a2", "u-bob", "OBSERVER", id="s-3")
    s.subscribe("a2", "u-carol", "RESPONSIBLE", id="s-4")
    return s


@pytest.fixture(scope="module")
def api(store: Store) -> PathfinderGraphQL:
    return PathfinderGraphQL(store)


def ok(api: PathfinderGraphQL, query: str, **variables: Any) -> dict[str, Any]:
    result = api.execute(query, variables or None)
    assert "errors" not in result, result["errors"]
    return result["data"]


IDS = """query($type: FactSheetType, $filter: FilterInput) {
  allFactSheets(factSheetType: $type, filter: $filter) { totalCount edges { node { id } } } }"""


def ids(api: PathfinderGraphQL, filt: dict[str, Any], type_name: str | None = "Application") -> list[str]:
    conn = ok(api, IDS, type=type_name, filter=filt)["allFactSheets"]
    assert conn["totalCount"] == len(conn["edges"])
    return [e["node"]["id"] for e in conn["edges"]]


def subscriptions(keys: list[str], operator: str = "OR", **subscription_filter: Any) -> dict[str, Any]:
    facet: dict[str, Any] = {"facetKey": "Subscriptions", "operator": operator, "keys": keys}
    if subscription_filter:
        facet["subscriptionFilter"] = subscription_filter
    return {"facetFilters": [facet]}


# -- filterOptions ------------------------------------------------------------------------------------------

OPTIONS = """query($type: FactSheetType, $filter: FilterInput) {
  allFactSheets(factSheetType: $type, filter: $filter) {
    totalCount
    filterOptions { facets {
      facetKey possibleOperators operator
      results { name key count selected }
      dateFilter { from to type minDate maxDate }
      subscriptionFilter { type roleId }
      relationFieldsFilterOperator relationFieldsFilter { fieldName values { key selected } }
    } }
  }
}"""


def facets(api: PathfinderGraphQL, **variables: Any) -> dict[str, dict[str, Any]]:
    data = ok(api, OPTIONS, **variables)["allFactSheets"]
    found = data["filterOptions"]["facets"]
    by_key = {f["facetKey"]: f for f in found}
    assert len(by_key) == len(found), "a facet key is listed twice"
    return by_key


def counts(facet: dict[str, Any]) -> dict[str, int]:
    return {r["key"]: r["count"] for r in facet["results"]}


def test_facets_of_a_type_in_leanix_order(api):
    keys = list(facets(api, type="Application"))
    relations = [k for k in keys if k.startswith("rel")]
    assert keys[:4] == ["FactSheetTypes", "lifecycle", "category", "businessCriticality"]
    assert (
        keys.index("g-region") < keys.index("_TAGS_") < keys.index("Subscriptions") < keys.index(relations[0])
    )
    assert keys[-4:] == ["DataQuality", "lxState", "TrashBin", "hierarchyLevel"]
    assert {"functionalSuitability", "technicalSuitability", "hostingType"} <= set(keys)
    assert "relApplicationToBusinessCapability" in relations and "relToParent" in relations
    assert "alias" not in keys  # text fields are not facets
    # without a type in scope: the global facets only
    assert list(facets(api)) == [
        "FactSheetTypes",
        "lifecycle",
        "_TAGS_",
        "Subscriptions",
        "DataQuality",
        "lxState",
        "TrashBin",
        "hierarchyLevel",
    ]


def test_facet_results_count_the_current_matches(api):
    found = facets(api, type="Application")
    assert counts(found["FactSheetTypes"])["Application"] == 3
    assert counts(found["FactSheetTypes"])["ITComponent"] == 0
    assert found["lifecycle"]["results"] == [
        {"name": "plan", "key": "plan", "count": 0, "selected": False},
        {"name": "phaseIn", "key": "phaseIn", "count": 0, "selected": False},
        {"name": "active", "key": "active", "count": 1, "selected": False},
        {"name": "phaseOut", "key": "phaseOut", "count": 0, "selected": False},
        {"name": "endOfLife", "key": "endOfLife", "count": 1, "selected": False},
        {"name": "n/a", "key": "__missing__", "count": 1, "selected": False},
    ]
    assert found["lifecycle"]["dateFilter"] == {
        "from": None,
        "to": None,
        "type": None,
        "minDate": "2019-01-01",
        "maxDate": "2024-01-01",
    }
    assert counts(found["businessCriticality"]) == {
        "administrativeService": 0,
        "businessOperational": 0,
        "businessCritical": 1,
        "missionCritical": 1,  # the archived "Old" is not a match
        "__missing__": 1,
    }
    assert found["businessCriticality"]["possibleOperators"] == ["OR", "NOR"]
    assert found["g-region"]["results"] == [
        {"name": "EMEA", "key": "t-emea", "count": 1, "selected": False},
        {"name": "APAC", "key": "t-apac", "count": 1, "selected": False},
        {"name": "n/a", "key": "__missing__", "count": 1, "selected": False},
    ]
    assert counts(found["_TAGS_"]) == {"t-legacy": 1, "__missing__": 1}
    assert found["Subscriptions"]["results"] == [
        {"name": "Alice Adams", "key": "u-alice", "count": 1, "selected": False},
        {"name": "Bob Brown", "key": "u-bob", "count": 2, "selected": False},
        {"name": "Carol Clark", "key": "u-carol", "count": 1, "selected": False},
        {"name": "n/a", "key": "__missing__", "count": 1, "selected": False},
    ]
    assert found["Subscriptions"]["possibleOperators"] == ["OR", "AND", "NOR"]
    assert counts(found["DataQuality"]) == {
        "_noResponsible_": 1,
        "_qualitySealBroken_": 0,
        "_noDescription_": 2,
        "_noLifecycle_": 1,
    }
    assert counts(found["lxState"]) == {"APPROVED": 1, "BROKEN_QUALITY_SEAL": 0, "DRAFT": 2, "REJECTED": 0}
    assert counts(found["TrashBin"]) == {"active": 3, "archived": 0}
    assert found["hierarchyLevel"]["results"] == [{"name": "1", "key": "1", "count": 3, "selected": False}]


def test_relation_facet_lists_targets_and_relation_fields(api):
    rel = facets(api, type="Application")["relApplicationToBusinessCapability"]
    assert rel["results"] == [
        {"name": "Finance", "key": "b2", "count": 2, "selected": False},
        {"name": "Sales", "key": "b1", "count": 1, "selected": False},
        {"name": "n/a", "key": "__missing__", "count": 1, "selected": False},
    ]
    assert rel["relationFieldsFilterOperator"] is None
    assert rel["relationFieldsFilter"] == [
        {
            "fieldName": "functionalSuitability",
            "values": [
                {"key": "unreasonable", "selected": False},
                {"key": "insufficient", "selected": False},
                {"key": "appropriate", "selected": False},
                {"key": "perfect", "selected": False},
            ],
        },
        {
            "fieldName": "supportType",
            "values": [{"key": "leading", "selected": False}, {"key": "supporting", "selected": False}],
        },
    ]
    leading = {
        "facetFilters": [
            {
                "facetKey": "relApplicationToBusinessCapability",
                "keys": ["b2"],
                "relationFieldsFilterOperator": "INCLUSIVE",
                "relationFieldsFilter": [{"fieldName": "supportType", "values": ["leading"]}],
            }
        ]
    }
    rel = facets(api, type="Application", filter=leading)["relApplicationToBusinessCapability"]
    # only ERP matches (its Finance relation is leading; CRM's is supporting), and counts follow the field filter
    assert rel["results"] == [
        {"name": "Finance", "key": "b2", "count": 1, "selected": True},
        {"name": "n/a", "key": "__missing__", "count": 0, "selected": False},
    ]
    assert rel["relationFieldsFilterOperator"] == "INCLUSIVE"
    assert rel["relationFieldsFilter"][1]["values"] == [
        {"key": "leading", "selected": True},
        {"key": "supporting", "selected": False},
    ]


def test_counts_follow_the_filter_and_mark_selected_keys(api):
    critical = {
        "facetFilters": [{"facetKey": "businessCriticality", "operator": "OR", "keys": ["missionCritical"]}]
    }
    found = facets(api, type="Application", filter=critical)
    crit = found["businessCriticality"]
    assert crit["operator"] == "OR"
    assert [r for r in crit["results"] if r["selected"]] == [
        {"name": "missionCritical", "key": "missionCritical", "count": 1, "selected": True}
    ]
    assert counts(found["Subscriptions"]) == {"u-alice": 1, "u-bob": 1, "__missing__": 0}
    archived = {"facetFilters": [{"facetKey": "TrashBin", "operator": "OR", "keys": ["archived"]}]}
    trash = facets(api, type="Application", filter=archived)
    assert counts(trash["TrashBin"]) == {"active": 0, "archived": 1}
    assert counts(trash["businessCriticality"])["missionCritical"] == 1  # "Old"
    # the type can come from a FactSheetTypes facet with one key
    by_facet = {
        "facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["BusinessCapability"]}]
    }
    capability = facets(api, filter=by_facet)
    assert counts(capability["FactSheetTypes"])["BusinessCapability"] == 2
    assert "relBusinessCapabilityToApplication" in capability and "g-region" not in capability


def test_lifecycle_facet_echoes_its_date_filter(api):
    window = {
        "facetFilters": [
            {
                "facetKey": "lifecycle",
                "operator": "OR",
                "keys": ["active"],
                "dateFilter": {"type": "RANGE", "from": "2019-06-01", "to": "2019-12-31"},
            }
        ]
    }
    life = facets(api, type="Application", filter=window)["lifecycle"]
    # only ERP was active in the second half of 2019; CRM's plan phase started in 2020
    assert counts(life) == {
        "plan": 0,
        "phaseIn": 0,
        "active": 1,
        "phaseOut": 0,
        "endOfLife": 0,
        "__missing__": 0,
    }
    assert life["dateFilter"] == {
        "from": "2019-06-01",
        "to": "2019-12-31",
        "type": "RANGE",
        "minDate": "2019-01-01",
        "maxDate": "2024-01-01",
    }


# -- the Subscriptions facet and a fact sheet's subscriptions ---------------------------------------------


def test_subscriptions_facet_by_user_type_and_role(api):
    assert ids(api, subscriptions(["u-bob"])) == ["a1", "a2"]
    assert ids(api, subscriptions(["u-bob"], type="RESPONSIBLE")) == ["a1"]
    assert ids(api, subscriptions(["u-bob"], type="OBSERVER")) == ["a2"]
    # the SAP example: a user subscribed as ACCOUNTABLE with a given role
    assert ids(api, subscriptions(["u-alice"], type="ACCOUNTABLE", roleId="r-owner")) == ["a1"]
    assert ids(api, subscriptions(["u-alice"], type="ACCOUNTABLE", roleId="r-arch")) == []
    assert ids(api, subscriptions(["u-bob", "u-carol"], roleId="r-arch")) == ["a1"]
    # no responsible subscriber / some responsible subscriber
    assert ids(api, subscriptions(["__missing__"], type="RESPONSIBLE")) == ["a3"]
    assert ids(api, subscriptions(["__missing__"], "NOR", type="RESPONSIBLE")) == ["a1", "a2"]
    assert ids(api, subscriptions(["__missing__"], type="ACCOUNTABLE")) == ["a2", "a3"]
    # a subscription filter without keys: any subscription of that kind
    assert ids(api, subscriptions([], type="OBSERVER")) == ["a2"]
    echoed = facets(api, type="Application", filter=subscriptions(["u-bob"], type="RESPONSIBLE"))[
        "Subscriptions"
    ]
    assert echoed["subscriptionFilter"] == {"type": "RESPONSIBLE", "roleId": None}
    assert echoed["results"] == [
        {"name": "Bob Brown", "key": "u-bob", "count": 1, "selected": True},
        {"name": "n/a", "key": "__missing__", "count": 0, "selected": False},
    ]


def test_inline_subscription_filter_and_a_wrong_type(api):
    inline = """{ allFactSheets(factSheetType: Application, filter: {facetFilters: [
      {facetKey: "Subscriptions", operator: OR, keys: ["u-carol"], subscriptionFilter: {type: "RESPONSIBLE"}}
    ]}) { totalCount edges { node { name } } } }"""
    assert ok(api, inline)["allFactSheets"] == {"totalCount": 1, "edges": [{"node": {"name": "ERP"}}]}
    wrong = api.execute(IDS, {"type": "Application", "filter": subscriptions(["u-bob"], type="OWNER")})
    assert wrong["data"] == {"allFactSheets": None}
    assert wrong["errors"][0]["message"] == (
        "Facet 'Subscriptions': subscriptionFilter.type must be RESPONSIBLE, ACCOUNTABLE or OBSERVER, not 'OWNER'"
    )


def test_subscriptions_of_one_user_on_a_fact_sheet(api):
    query = """query($user: ID) { factSheet(id: "a1") {
      all: subscriptions { totalCount edges { node { id } } }
      mine: subscriptions(filter: {userId: $user}) {
        totalCount edges { node { id type user { id email } roles { id name } } } }
      accountable: subscriptions(filter: {type: ACCOUNTABLE}) { totalCount edges { node { user { id } } } }
    } }"""
    got = ok(api, query, user="u-bob")["factSheet"]
    assert got["all"] == {"totalCount": 2, "edges": [{"node": {"id": "s-1"}}, {"node": {"id": "s-2"}}]}
    assert got["mine"] == {
        "totalCount": 1,
        "edges": [
            {
                "node": {
                    "id": "s-2",
                    "type": "RESPONSIBLE",
                    "user": {"id": "u-bob", "email": "bob@example.com"},
                    "roles": [{"id": "r-arch", "name": "Solution Architect"}],
                }
            }
        ],
    }
    assert got["accountable"] == {"totalCount": 1, "edges": [{"node": {"user": {"id": "u-alice"}}}]}
    nobody = ok(api, query, user="u-carol")["factSheet"]["mine"]
    assert nobody == {"totalCount": 0, "edges": []}


def test_user_permission(api):
    query = """{ factSheet(id: "a2") { subscriptions { edges { node {
      user { id permission { role status workspaceId } } } } } } }"""
    edges = ok(api, query)["factSheet"]["subscriptions"]["edges"]
    assert [e["node"]["user"] for e in edges] == [
        {"id": "u-bob", "permission": {"role": "MEMBER", "status": "ACTIVE", "workspaceId": WORKSPACE}},
        {"id": "u-carol", "permission": {"role": "MEMBER", "status": "ACTIVE", "workspaceId": WORKSPACE}},
    ]


# -- relations: node type, strict filtering -----------------------------------------------------------------

RELATIONS = """query($filter: FilterInput) { allFactSheets(factSheetType: Application, filter: $filter) {
  edges { node { id ... on Application {
    relApplicationToBusinessCapability { totalCount edges { node { id type supportType factSheet { id } } } }
  } } } } }"""


def relations_of(api: PathfinderGraphQL, filt: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    edges = ok(api, RELATIONS, filter=filt)["allFactSheets"]["edges"]
    return {e["node"]["id"]: e["node"]["relApplicationToBusinessCapability"] for e in edges}


def rel_filter(operator: str, *values: str) -> dict[str, Any]:
    return {
        "facetFilters": [
            {
                "facetKey": "relApplicationToBusinessCapability",
                "operator": "OR",
                "keys": [],
                "relationFieldsFilterOperator": operator,
                "relationFieldsFilter": [{"fieldName": "supportType", "values": list(values)}],
            }
        ]
    }


def test_relation_nodes_carry_their_graphql_type_name(api):
    rels = relations_of(api, None)
    assert rels["a1"] == {
        "totalCount": 2,
        "edges": [
            {
                "node": {
                    "id": "rel-1",
                    "type": "RelApplicationToBusinessCapability",
                    "supportType": "leading",
                    "factSheet": {"id": "b1"},
                }
            },
            {
                "node": {
                    "id": "rel-2",
                    "type": "RelApplicationToBusinessCapability",
                    "supportType": "supporting",
                    "factSheet": {"id": "b2"},
                }
            },
        ],
    }
    reverse = ok(
        api,
        """{ factSheet(id: "b2") { ... on BusinessCapability {
          relBusinessCapabilityToApplication { edges { node { type factSheet { id } } } } } } }""",
    )["factSheet"]["relBusinessCapabilityToApplication"]["edges"]
    assert reverse == [
        {"node": {"type": "RelBusinessCapabilityToApplication", "factSheet": {"id": "a1"}}},
        {"node": {"type": "RelBusinessCapabilityToApplication", "factSheet": {"id": "a2"}}},
    ]


def test_inclusive_relation_field_filter_narrows_the_returned_edges(api, store):
    rels = relations_of(api, rel_filter("INCLUSIVE", "leading"))
    assert sorted(rels) == ["a1", "a2"]
    assert rels["a1"]["totalCount"] == 1
    assert [e["node"]["id"] for e in rels["a1"]["edges"]] == ["rel-1"]  # the supporting one is left out
    assert [e["node"]["id"] for e in rels["a2"]["edges"]] == ["rel-3"]
    # an EXCLUSIVE filter picks fact sheets but returns their relations whole
    rels = relations_of(api, rel_filter("EXCLUSIVE", "leading"))
    assert list(rels) == ["a1"]
    assert [e["node"]["id"] for e in rels["a1"]["edges"]] == ["rel-1", "rel-2"]
    # the workspace itself is untouched, and a plain query sees every relation again
    assert store.factsheet("a1")["relApplicationToBusinessCapability"]["totalCount"] == 2
    assert relations_of(api, None)["a1"]["totalCount"] == 2


# -- the direct path (plain allFactSheets queries answered without graphql-core) ---------------------------


def test_direct_path_answer_written_by_hand(api):
    query = """query($after: String) { allFactSheets(factSheetType: Application, first: 2, after: $after) {
      totalCount
      pageInfo { hasNextPage }
      edges { node { id __typename ... on Application { name businessCriticality lifecycle { asString }
        tags { name tagGroup { name } } subscriptions { edges { node { type user { email } } } } } } }
    } }"""
    document, _ = api._compiled.document(query)
    assert graphql_api._direct_answer(api, document, {"after": None}, None) is not None
    first = api.execute(query, {"after": None})
    assert first == {
        "data": {
            "allFactSheets": {
                "totalCount": 3,
                "pageInfo": {"hasNextPage": True},
                "edges": [
                    {
                        "node": {
                            "id": "a1",
                            "__typename": "Application",
                            "name": "CRM",
                            "businessCriticality": "missionCritical",
                            "lifecycle": {"asString": "active"},
                            "tags": [
                                {"name": "EMEA", "tagGroup": {"name": "Region"}},
                                {"name": "legacy", "tagGroup": None},
                            ],
                            "subscriptions": {
                                "edges": [
                                    {"node": {"type": "ACCOUNTABLE", "user": {"email": "alice@example.com"}}},
                                    {"node": {"type": "RESPONSIBLE", "user": {"email": "bob@example.com"}}},
                                ]
                            },
                        }
                    },
                    {
                        "node": {
                            "id": "a2",
                            "__typename": "Application",
                            "name": "ERP",
                            "businessCriticality": "businessCritical",
                            "lifecycle": {"asString": "endOfLife"},
                            "tags": [{"name": "APAC", "tagGroup": {"name": "Region"}}],
                            "subscriptions": {
                                "edges": [
                                    {"node": {"type": "OBSERVER", "user": {"email": "bob@example.com"}}},
                                    {"node": {"type": "RESPONSIBLE", "user": {"email": "carol@example.com"}}},
                                ]
                            },
                        }
                    },
                ],
            }
        }
    }
    cursor = graphql_api._encode_cursor(1)
    rest = api.execute(query, {"after": cursor})["data"]["allFactSheets"]
    assert rest["pageInfo"] == {"hasNextPage": False}
    assert [e["node"]["name"] for e in rest["edges"]] == ["Wiki"]
    assert rest["edges"][0]["node"]["lifecycle"] is None and rest["edges"][0]["node"]["tags"] == []

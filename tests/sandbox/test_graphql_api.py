"""Pathfinder GraphQL over the demo store: paging, every filter kind, sorting, errors, introspection."""

from __future__ import annotations

import json
from typing import Any

import graphql
import pytest

from kit.errors import LxkitError
from kit.sandbox import graphql_api
from kit.sandbox.demo import REFERENCE_DATE, generate_workspace
from kit.sandbox.graphql_api import PathfinderGraphQL
from kit.sandbox.store import Store

PAGE = """
query Page($type: FactSheetType, $filter: FilterInput, $sort: [Sorting], $first: Int, $after: String) {
  allFactSheets(factSheetType: $type, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name type } }
  }
}
"""


@pytest.fixture(scope="module")
def store() -> Store:
    return generate_workspace(2000, seed=7)


@pytest.fixture(scope="module")
def api(store: Store) -> PathfinderGraphQL:
    return PathfinderGraphQL(store)


def ok(api: PathfinderGraphQL, query: str, **variables: Any) -> dict[str, Any]:
    result = api.execute(query, variables or None)
    assert "errors" not in result, result["errors"]
    return result["data"]


def ids(api: PathfinderGraphQL, **variables: Any) -> list[str]:
    """All ids of a filtered set, fetched in pages of 500."""
    out: list[str] = []
    after = None
    while True:
        conn = ok(api, PAGE, first=500, after=after, **variables)["allFactSheets"]
        out += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            assert conn["totalCount"] == len(out)
            return out
        after = conn["pageInfo"]["endCursor"]


def active(store: Store, type_name: str | None = None) -> list[dict[str, Any]]:
    return [r for r in store.factsheets(type_name) if r["status"] == "ACTIVE"]


def facet(key: str, keys: list[str], operator: str = "OR", **extra: Any) -> dict[str, Any]:
    return {"facetFilters": [{"facetKey": key, "operator": operator, "keys": keys, **extra}]}


# -- paging ------------------------------------------------------------------------------------------------


def test_paging_returns_every_row_exactly_once(api, store):
    expected = [r["id"] for r in active(store, "ITComponent")]
    seen, after, pages = [], None, 0
    while True:
        conn = ok(api, PAGE, type="ITComponent", first=100, after=after)["allFactSheets"]
        assert conn["totalCount"] == len(expected)
        seen += [e["node"]["id"] for e in conn["edges"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == expected and pages == -(-len(expected) // 100)


def test_no_first_returns_every_match_and_empty_pages(api, store):
    """LeanIX answers ``allFactSheets`` without ``first`` with every match (no page size of 40)."""
    conn = ok(api, "{ allFactSheets(factSheetType: Application) { totalCount edges { node { id } } } }")
    expected = [r["id"] for r in active(store, "Application")]
    assert len(expected) > 40
    assert [e["node"]["id"] for e in conn["allFactSheets"]["edges"]] == expected
    assert conn["allFactSheets"]["totalCount"] == len(expected)
    rest = ok(api, PAGE, type="Application", first=None, after=graphql_api._encode_cursor(9))["allFactSheets"]
    assert [e["node"]["id"] for e in rest["edges"]] == expected[10:]
    assert rest["pageInfo"]["hasNextPage"] is False
    empty = ok(api, PAGE, type="Application", first=0)["allFactSheets"]
    assert empty["edges"] == [] and empty["pageInfo"] == {"hasNextPage": True, "endCursor": None}


def test_bad_cursor_and_negative_first_are_errors(api):
    result = api.execute(PAGE, {"after": "not-a-cursor"})
    assert result["data"] == {"allFactSheets": None}
    assert result["errors"][0]["message"].startswith("Invalid cursor 'not-a-cursor'")
    assert result["errors"][0]["path"] == ["allFactSheets"]
    assert "must not be negative" in api.execute(PAGE, {"first": -1})["errors"][0]["message"]


def test_filtered_lists_are_cached_per_store_version(store):
    api = PathfinderGraphQL(store)
    first = api.select("Application", facet("businessCriticality", ["missionCritical"]))
    assert api.select("Application", facet("businessCriticality", ["missionCritical"])) is first
    store.version += 1  # what any store change does
    assert api.select("Application", facet("businessCriticality", ["missionCritical"])) is not first


# -- filters -----------------------------------------------------------------------------------------------


def test_type_argument_and_types_facet_combine(api, store):
    both = facet("FactSheetTypes", ["Application", "Interface"])
    assert set(ids(api, filter=both)) == {
        r["id"] for r in active(store) if r["type"] in ("Application", "Interface")
    }
    assert set(ids(api, type="Interface", filter=both)) == {r["id"] for r in active(store, "Interface")}
    assert ids(api, type="Provider", filter=both) == []
    nor = facet("FactSheetTypes", ["Application"], "NOR")
    assert len(ids(api, filter=nor)) == len(active(store)) - len(active(store, "Application"))


def test_archived_only_with_trash_bin(api, store):
    archived = {r["id"] for r in store.factsheets("Application") if r["status"] == "ARCHIVED"}
    assert archived
    assert set(ids(api, type="Application", filter=facet("TrashBin", ["archived"]))) == archived
    assert not set(ids(api, type="Application")) & archived
    assert not set(ids(api, type="Application", filter=facet("TrashBin", ["archived"], "NOR"))) & archived


def test_tags_facet_operators(api, store):
    groups = {g["name"]: g for g in store.tag_groups.values()}
    domain = [t for t in store.tags.values() if t["tagGroup"] is groups["Domain"]]
    a, b = domain[0]["id"], domain[1]["id"]
    apps = active(store, "Application")

    def tagged(r, tag_id):
        return any(t["id"] == tag_id for t in r["tags"])

    cases = {
        "OR": {r["id"] for r in apps if tagged(r, a) or tagged(r, b)},
        "AND": {r["id"] for r in apps if tagged(r, a) and tagged(r, b)},
        "NOR": {r["id"] for r in apps if not tagged(r, a) and not tagged(r, b)},
    }
    for operator, expected in cases.items():
        got = set(ids(api, type="Application", filter=facet("_TAGS_", [a, b], operator)))
        assert got == expected, operator
    assert cases["OR"] and cases["AND"] and cases["NOR"]
    region = groups["Region"]
    emea = next(t for t in store.tags.values() if t["tagGroup"] is region and t["name"] == "EMEA")
    got = set(ids(api, type="Application", filter=facet(region["id"], [emea["id"]])))
    assert got == {r["id"] for r in apps if tagged(r, emea["id"])}
    untagged = set(ids(api, type="Application", filter=facet(region["id"], ["__missing__"])))
    assert untagged == {r["id"] for r in apps if not any(t["tagGroup"] is region for t in r["tags"])}


def test_single_select_facet_with_missing(api, store):
    apps = active(store, "Application")
    got = set(
        ids(api, type="Application", filter=facet("businessCriticality", ["missionCritical", "__missing__"]))
    )
    assert got == {r["id"] for r in apps if r["businessCriticality"] in ("missionCritical", None)}
    nor = set(
        ids(api, type="Application", filter=facet("functionalSuitability", ["perfect", "appropriate"], "NOR"))
    )
    assert nor == {r["id"] for r in apps if r["functionalSuitability"] not in ("perfect", "appropriate")}


def test_lifecycle_facet_current_phase_and_date_range(api, store):
    apps = active(store, "Application")
    got = set(ids(api, type="Application", filter=facet("lifecycle", ["endOfLife"])))
    assert got == {r["id"] for r in apps if r["lifecycle"] and r["lifecycle"]["asString"] == "endOfLife"}
    assert got
    window = {"type": "RANGE", "from": "2020-01-01", "to": "2020-12-31"}
    ranged = set(ids(api, type="Application", filter=facet("lifecycle", ["active"], dateFilter=window)))

    def active_in_2020(r):
        phases = (r["lifecycle"] or {}).get("phases") or []
        for i, p in enumerate(phases):
            until = phases[i + 1]["startDate"] if i + 1 < len(phases) else "9999-12-31"
            if p["phase"] == "active" and p["startDate"] <= "2020-12-31" and until > "2020-01-01":
                return True
        return False

    assert ranged == {r["id"] for r in apps if active_in_2020(r)} and ranged
    today = {"type": "TODAY"}
    assert (
        set(ids(api, type="Application", filter=facet("lifecycle", ["endOfLife"], dateFilter=today))) == got
    )
    assert store.today == REFERENCE_DATE
    missing = set(ids(api, type="Application", filter=facet("lifecycle", ["__missing__"])))
    assert missing == {r["id"] for r in apps if r["lifecycle"] is None}


def test_subscriptions_facet(api, store):
    apps = active(store, "Application")
    user = next(iter(store.users))
    got = set(ids(api, type="Application", filter=facet("Subscriptions", [user])))
    assert got == {
        r["id"] for r in apps if any(e["node"]["user"]["id"] == user for e in r["subscriptions"]["edges"])
    }
    none = set(ids(api, type="Application", filter=facet("Subscriptions", ["__missing__"])))
    assert none == {r["id"] for r in apps if r["subscriptions"]["totalCount"] == 0} and none
    some = set(ids(api, type="Application", filter=facet("Subscriptions", ["__missing__"], "NOR")))
    assert some == {r["id"] for r in apps} - none


def test_relation_facet_and_relation_fields_filter(api, store):
    apps = active(store, "Application")
    itc = max(active(store, "ITComponent"), key=lambda r: r["relITComponentToApplication"]["totalCount"])
    got = set(ids(api, type="Application", filter=facet("relApplicationToITComponent", [itc["id"]])))
    assert got == {e["node"]["factSheet"]["id"] for e in itc["relITComponentToApplication"]["edges"]}
    leading = {
        "facetFilters": [
            {
                "facetKey": "relApplicationToBusinessCapability",
                "relationFieldsFilterOperator": "INCLUSIVE",
                "relationFieldsFilter": [{"fieldName": "supportType", "values": ["leading"]}],
            }
        ]
    }
    expected = {
        r["id"]
        for r in apps
        if any(
            e["node"].get("supportType") == "leading"
            for e in r["relApplicationToBusinessCapability"]["edges"]
        )
    }
    assert set(ids(api, type="Application", filter=leading)) == expected and expected
    without = set(ids(api, type="Application", filter=facet("relApplicationToITComponent", ["__missing__"])))
    assert without == {r["id"] for r in apps if r["relApplicationToITComponent"]["totalCount"] == 0}


def test_full_text_ids_external_ids_and_other_facets(api, store):
    apps = active(store, "Application")
    got = set(ids(api, filter={"fullTextSearch": "PORTAL"}))
    assert got == {
        r["id"]
        for r in active(store)
        if any("portal" in (r[k] or "").lower() for k in ("name", "displayName", "description"))
    }
    assert got
    some = [r["id"] for r in apps[:7]]
    assert ids(api, filter={"ids": some}) == some
    ext = next(r for r in apps if r["externalId"])
    assert ids(api, filter={"externalIds": [f"externalId/{ext['externalId']['externalId']}"]}) == [ext["id"]]
    broken = set(ids(api, type="Application", filter=facet("lxState", ["BROKEN_QUALITY_SEAL"])))
    assert broken == {r["id"] for r in apps if r["lxState"] == "BROKEN_QUALITY_SEAL"}
    level2 = set(ids(api, type="BusinessCapability", filter=facet("hierarchyLevel", ["2"])))
    assert level2 == {r["id"] for r in active(store, "BusinessCapability") if r["level"] == 2}
    saas = set(ids(api, type="ITComponent", filter=facet("category", ["saas"])))
    assert saas == {r["id"] for r in active(store, "ITComponent") if r["category"] == "saas"}
    undescribed = set(ids(api, type="Application", filter=facet("DataQuality", ["_noDescription_"])))
    assert undescribed == {r["id"] for r in apps if not r["description"]}


def test_unknown_facet_key_is_an_error_with_path(api):
    result = api.execute(PAGE, {"filter": facet("colour", ["red"])})
    assert result["data"] == {"allFactSheets": None}
    error = result["errors"][0]
    assert error["message"].startswith("Unknown facet key 'colour'")
    assert error["path"] == ["allFactSheets"] and error["locations"] == [{"line": 3, "column": 3}]


# -- sorting -----------------------------------------------------------------------------------------------


def test_sorting(api, store):
    apps = active(store, "Application")
    by_name = ok(api, PAGE, type="Application", first=1000, sort=[{"key": "name", "order": "asc"}])
    names = [e["node"]["name"] for e in by_name["allFactSheets"]["edges"]]
    assert names == sorted((r["name"] for r in apps), key=str.casefold)
    desc = ok(
        api, PAGE, type="Application", first=5, sort={"mode": "BY_FIELD", "key": "updatedAt", "order": "desc"}
    )
    newest = sorted(apps, key=lambda r: r["updatedAt"], reverse=True)[:5]
    assert [e["node"]["id"] for e in desc["allFactSheets"]["edges"]] == [r["id"] for r in newest]
    crit = api.select("Application", None, [{"key": "businessCriticality", "order": "desc"}, {"key": "name"}])
    order = ("missionCritical", "businessCritical", "businessOperational", "administrativeService", None)
    ranks = [order.index(r["businessCriticality"]) for r in crit]
    assert ranks == sorted(ranks)  # best first, empty last
    first_group = [r["name"] for r in crit if r["businessCriticality"] == "missionCritical"]
    assert first_group == sorted(first_group, key=str.casefold)
    bad = api.execute(PAGE, {"sort": [{"key": "colour"}]})
    assert "Cannot sort by 'colour'" in bad["errors"][0]["message"]


# -- shapes: fragments, relations, single fact sheet, tags ------------------------------------------------


def test_fragments_relations_and_nested_fact_sheets(api, store):
    query = """
    query($id: ID!) { factSheet(id: $id) {
      id name ...Crit
      ... on Application {
        lifecycle { asString phases { phase startDate } }
        relApplicationToITComponent { totalCount edges { node {
          id type activeFrom description technicalSuitability costTotalAnnual factSheet { id name type }
        } } }
        subscriptions { totalCount edges { node { type user { email } roles { name } } } }
        tags { name tagGroup { name mode } }
      }
    } }
    fragment Crit on Application { businessCriticality }
    """
    app = max(active(store, "Application"), key=lambda r: r["relApplicationToITComponent"]["totalCount"])
    node = ok(api, query, id=app["id"])["factSheet"]
    assert node["businessCriticality"] == app["businessCriticality"]
    lifecycle = app["lifecycle"]
    assert node["lifecycle"] == (
        {"asString": lifecycle["asString"], "phases": [dict(p) for p in lifecycle["phases"]]}
        if lifecycle
        else None
    )
    rels = node["relApplicationToITComponent"]
    assert rels["totalCount"] == app["relApplicationToITComponent"]["totalCount"] == len(rels["edges"])
    for got, stored in zip(rels["edges"], app["relApplicationToITComponent"]["edges"], strict=True):
        target = stored["node"]["factSheet"]
        assert got["node"]["type"] == "RelApplicationToITComponent"  # the GraphQL type name, as in LeanIX
        assert got["node"]["factSheet"] == {"id": target["id"], "name": target["name"], "type": "ITComponent"}
        assert got["node"]["costTotalAnnual"] == stored["node"].get("costTotalAnnual")
    assert node["subscriptions"]["totalCount"] == app["subscriptions"]["totalCount"]
    assert [t["name"] for t in node["tags"]] == [t["name"] for t in app["tags"]]


def test_fact_sheet_by_id(api, store):
    archived = next(r for r in store.factsheets() if r["status"] == "ARCHIVED")
    query = "query($id: ID!) { factSheet(id: $id) { id status __typename displayName } }"
    got = ok(api, query, id=archived["id"])["factSheet"]
    assert got == {
        "id": archived["id"],
        "status": "ARCHIVED",
        "__typename": archived["type"],
        "displayName": archived["displayName"],
    }
    unknown = api.execute(query, {"id": "no-such-id"})
    assert unknown["data"] == {"factSheet": None}
    assert unknown["errors"] == [
        {
            "message": "Fact sheet with id 'no-such-id' not found: check the id (allFactSheets lists them).",
            "locations": [{"line": 1, "column": 19}],
            "path": ["factSheet"],
            "extensions": {"errorType": "NOT_FOUND"},
        }
    ]


def test_all_tags_tag_groups_and_roles(api, store):
    data = ok(
        api,
        """{ allTags { totalCount edges { node { id name color tagGroup { id name } } } }
             allTagGroups { totalCount edges { node { id name mode restrictToFactSheetTypes tags { totalCount } } } }
             allSubscriptionRoles { edges { node { id name subscriptionType } } } }""",
    )
    assert data["allTags"]["totalCount"] == len(store.tags) == len(data["allTags"]["edges"])
    by_id = {e["node"]["id"]: e["node"] for e in data["allTags"]["edges"]}
    for tag in store.tags.values():
        group = tag["tagGroup"]
        assert by_id[tag["id"]]["tagGroup"] == ({"id": group["id"], "name": group["name"]} if group else None)
    groups = {e["node"]["name"]: e["node"] for e in data["allTagGroups"]["edges"]}
    assert (
        groups["Region"]["mode"] == "SINGLE" and "Application" in groups["Region"]["restrictToFactSheetTypes"]
    )
    assert groups["Region"]["tags"]["totalCount"] == 4
    roles = {e["node"]["name"]: e["node"]["subscriptionType"] for e in data["allSubscriptionRoles"]["edges"]}
    assert roles["Business Owner"] == "ACCOUNTABLE"


# -- introspection -----------------------------------------------------------------------------------------


def test_introspection_follows_the_meta_model(api):
    data = ok(
        api,
        """{ app: __type(name: "Application") { fields { name } interfaces { name } }
             crit: __type(name: "ApplicationBusinessCriticality") { enumValues { name } }
             types: __type(name: "FactSheetType") { enumValues { name } }
             __schema { queryType { name } subscriptionType { name } } }""",
    )
    fields = {f["name"] for f in data["app"]["fields"]}
    assert {
        "id",
        "name",
        "businessCriticality",
        "lifecycle",
        "externalId",
        "relApplicationToITComponent",
    } <= fields
    assert {"relToParent", "relToChild", "subscriptions", "tags", "completion"} <= fields
    assert data["app"]["interfaces"] == [{"name": "BaseFactSheet"}]
    assert [v["name"] for v in data["crit"]["enumValues"]] == [
        "administrativeService",
        "businessOperational",
        "businessCritical",
        "missionCritical",
    ]
    assert "TechnicalStack" in {v["name"] for v in data["types"]["enumValues"]}
    assert data["__schema"] == {"queryType": {"name": "Query"}, "subscriptionType": None}
    full = api.execute(graphql.get_introspection_query())
    assert "errors" not in full and len(full["data"]["__schema"]["types"]) > 100


# -- errors ------------------------------------------------------------------------------------------------


def test_syntax_and_validation_errors_keep_graphql_core_messages(api):
    syntax = api.execute("{\n  allFactSheets(first: 1) {\n    totalCount\n")
    assert syntax == {
        "data": None,
        "errors": [
            {"message": "Syntax Error: Expected Name, found <EOF>.", "locations": [{"line": 4, "column": 1}]}
        ],
    }
    unknown = api.execute(
        "{ allFactSheets {\n  edges { node { ... on Application { nonExistentField } } } } }"
    )
    assert unknown["data"] is None
    assert unknown["errors"][0]["message"].startswith(
        "Cannot query field 'nonExistentField' on type 'Application'."
    )
    assert unknown["errors"][0]["locations"] == [{"line": 2, "column": 39}]
    enum = api.execute("{ allFactSheets(factSheetType: Aplication) { totalCount } }")
    assert (
        enum["data"] is None
        and "Value 'Aplication' does not exist in 'FactSheetType' enum" in enum["errors"][0]["message"]
    )
    var = api.execute(PAGE, {"type": "Aplication"})
    assert var["data"] is None and "Aplication" in var["errors"][0]["message"]


def test_execute_never_raises(api):
    assert api.execute(None)["errors"][0]["message"] == "Must provide a query string."  # type: ignore[arg-type]
    assert api.execute("{ allTags { totalCount } }", ["not", "a", "dict"])["data"] is None  # type: ignore[arg-type]
    assert "Unknown operation named 'Nope'" in api.execute(PAGE, None, "Nope")["errors"][0]["message"]


def test_denied_fields_answer_leanix_permission_errors(store):
    api = PathfinderGraphQL(store, denied_fields=["Application.businessCriticality", "ITComponent.category"])
    query = """{
  allFactSheets(factSheetType: Application, first: 3) {
    edges { node { name ... on Application { businessCriticality alias } } }
  }
  itc: allFactSheets(factSheetType: ITComponent, first: 2) { edges { node { name category } } }
}"""
    result = api.execute(query)
    assert result["errors"] == [
        {
            "message": "No permission: fact_sheet_fields:read:application:businessCriticality",
            "locations": [{"line": 3, "column": 46}],
            "path": ["allFactSheets", "edges", 0, "node", "businessCriticality"],
        },
        {
            "message": "No permission: fact_sheet_fields:read:itcomponent:category",
            "locations": [{"line": 5, "column": 82}],
            "path": ["itc", "edges", 0, "node", "category"],
        },
    ]
    rows = result["data"]["allFactSheets"]["edges"]
    assert len(rows) == 3 and all(r["node"]["businessCriticality"] is None for r in rows)
    assert rows[0]["node"]["name"] == active(store, "Application")[0]["name"]
    assert "errors" not in api.execute("{ allFactSheets(first: 2) { edges { node { name } } } }")
    with pytest.raises(LxkitError, match="'Application.colour'"):
        PathfinderGraphQL(store, denied_fields=["Application.colour"])


# -- speed and the executor shortcut ---------------------------------------------------------------------

WIDE = """query($after: String) { allFactSheets(first: 1000, after: $after, factSheetType: Application) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    __typename id name displayName fullName description type category rev status level qualitySeal lxState
    createdAt updatedAt completion { completion percentage } permissions { self read }
    tags { id name description color status tagGroup { id name shortName mode } }
    subscriptions { totalCount edges { node { id type user { id email } roles { id name } } } }
    ... on Application { businessCriticality functionalSuitability technicalSuitability alias release
      totalAnnualCost numberOfUsers hostingType goLiveDate
      lifecycle { asString phases { phase startDate } } externalId { externalId externalUrl comment status }
      relApplicationToITComponent { totalCount edges { node { id type activeFrom costTotalAnnual
        technicalSuitability factSheet { id name ... on ITComponent { category version } } } } } }
} } } }"""


def test_fast_executor_matches_graphql_core(api):
    fast = api.execute(WIDE)
    plain = graphql.execute_sync(
        api.schema,
        graphql.parse(WIDE),
        context_value=graphql_api._Context(api),
        field_resolver=graphql_api._fast_field,
        type_resolver=graphql_api._type_of,
    )
    assert plain.errors is None and fast == {"data": plain.data}


def test_a_cached_page_of_1000_applications_equals_the_first_answer():
    store = generate_workspace(6000, seed=1)
    api = PathfinderGraphQL(store)
    first = api.execute(WIDE)  # fills the document and result caches
    again = api.execute(WIDE)
    edges = again["data"]["allFactSheets"]["edges"]
    assert len(edges) == 1000
    assert again == first
    assert len({edge["node"]["id"] for edge in edges}) == 1000


# -- the direct path: plain allFactSheets queries answered without graphql-core ---------------------------

READER_PAGE = """
query lxkitFactSheets($first: Int, $after: String, $type: FactSheetType, $filter: FilterInput) {
  allFactSheets(first: $first, after: $after, factSheetType: $type, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id ... on ITComponent { id name displayName type category description status level
      qualitySeal lxState completion { completion } createdAt updatedAt fullName rev lifecycle { asString }
      externalId { externalId } technicalSuitability version totalAnnualCost alias } } }
  }
}"""
ALIASED = """{ apps: allFactSheets(factSheetType: Application) {
  n: totalCount __typename info: pageInfo { more: hasNextPage __typename }
  edges { c: cursor __typename node { __typename i: id ... on BaseFactSheet { name rev } ... on Application {
    name tags { name tagGroup { name } } subscriptions { totalCount edges { node { type roles { name } } } }
    relApplicationToBusinessCapability { edges { node { id type supportType factSheet { id level } } } } } } }
} }"""
STRICT = {
    "facetFilters": [
        {
            "facetKey": "relApplicationToBusinessCapability",
            "relationFieldsFilterOperator": "INCLUSIVE",
            "relationFieldsFilter": [{"fieldName": "supportType", "values": ["leading"]}],
        }
    ]
}
DIRECT_CASES: list[tuple[str, dict[str, Any] | None]] = [
    (PAGE, {"type": "Application", "first": 50}),
    (PAGE, {"type": "Application", "first": 50, "after": graphql_api._encode_cursor(49)}),
    (
        PAGE,
        {"filter": facet("lifecycle", ["active"]), "sort": [{"key": "name", "order": "desc"}], "first": 70},
    ),
    (PAGE, {"type": "Application", "first": 0}),
    (PAGE, None),
    (WIDE, None),
    (READER_PAGE, {"type": "ITComponent", "first": 300}),
    (READER_PAGE, {"type": "ITComponent", "first": 300, "filter": facet("TrashBin", ["archived"])}),
    (ALIASED, None),
    (
        """query($f: FilterInput) { allFactSheets(factSheetType: Application, filter: $f) { edges { node {
        ... on Application { relApplicationToBusinessCapability { totalCount edges { node { supportType } } } }
        } } } }""",
        {"f": STRICT},
    ),
    (
        """{ allFactSheets(first: 5, filter: {facetFilters: [{facetKey: "FactSheetTypes", keys: ["Project"]}]},
        sort: {key: "name"}) { edges { node { id displayName } } } }""",
        None,
    ),
]
FALLBACK_CASES: list[tuple[str, dict[str, Any] | None]] = [
    ("{ allFactSheets(first: 3) { edges { node { ...N } } } } fragment N on BaseFactSheet { id name }", None),
    ("{ allFactSheets(first: 3) { filterOptions { facets { facetKey } } } }", None),
    (
        "{ allFactSheets(first: 3) { edges { node { subscriptions(filter: {type: OBSERVER}) { totalCount } } } } }",
        None,
    ),
    ("{ allFactSheets(first: 3) { edges { node { id @include(if: true) } } } }", None),
    ("{ a: allFactSheets(first: 1) { totalCount } b: allFactSheets(first: 2) { totalCount } }", None),
    (
        "{ allFactSheets(first: 2) { edges { node { subscriptions { edges { node { user { permission { role } } } } } } } } }",
        None,
    ),
    (PAGE, {"after": "not-a-cursor"}),
    (PAGE, {"filter": facet("colour", ["red"])}),
]


def both_ways(api: PathfinderGraphQL, query: str, variables: dict[str, Any] | None) -> tuple[str, str]:
    """The answer as JSON text (as the server sends it), from the direct path and from graphql-core."""
    try:
        direct = api.execute(query, variables)
        api.direct = False
        core = api.execute(query, variables)
    finally:
        api.direct = True
    return json.dumps(direct, separators=(",", ":")), json.dumps(core, separators=(",", ":"))


@pytest.mark.parametrize(("query", "variables"), DIRECT_CASES)
def test_direct_path_answers_byte_for_byte_what_graphql_core_answers(api, query, variables):
    document, errors = api._compiled.document(query)
    assert document is not None, errors
    assert graphql_api._direct_answer(api, document, variables, None) is not None, "took graphql-core's path"
    direct, core = both_ways(api, query, variables)
    assert direct == core
    assert '"errors"' not in direct


@pytest.mark.parametrize(("query", "variables"), FALLBACK_CASES)
def test_queries_the_direct_path_cannot_take_go_to_graphql_core(api, query, variables):
    document, errors = api._compiled.document(query)
    assert document is not None, errors
    assert graphql_api._direct_answer(api, document, variables, None) is None
    direct, core = both_ways(api, query, variables)
    assert direct == core


def test_denied_fields_and_between_pages_hooks_take_graphql_cores_path(store):
    denied = PathfinderGraphQL(store, denied_fields=["Application.businessCriticality"])
    query = "{ allFactSheets(factSheetType: Application, first: 2) { edges { node { ... on Application { businessCriticality } } } } }"
    document, _ = denied._compiled.document(query)
    assert document is not None
    assert graphql_api._direct_answer(denied, document, None, None) is None
    assert denied.execute(query)["errors"][0]["message"] == (
        "No permission: fact_sheet_fields:read:application:businessCriticality"
    )
    pages: list[graphql_api.PageServed] = []
    hooked = PathfinderGraphQL(store, between_pages=pages.append)
    hooked.execute(PAGE, {"type": "Application", "first": 10})
    assert [(p.first_row, p.rows, p.size) for p in pages] == [(0, 10, 10)]

"""The sandbox's GraphQL filtering is kit.integration.facets: same answers with or without a meta model."""

from __future__ import annotations

import pytest

from kit.integration import facets
from kit.sandbox.demo import generate_workspace
from kit.sandbox.graphql_api import PathfinderGraphQL


@pytest.fixture(scope="module")
def store():
    return generate_workspace(1500, seed=3)


def filters(store) -> list[tuple[str | None, dict]]:
    groups = {g["name"]: g for g in store.tag_groups.values()}
    region = groups["Region"]
    emea = next(t for t in store.tags.values() if t["tagGroup"] is region and t["name"] == "EMEA")
    user = next(iter(store.users))
    itc = next(r for r in store.factsheets("ITComponent") if r["relITComponentToApplication"]["totalCount"])

    def one(key, keys, operator="OR", **extra):
        return {"facetFilters": [{"facetKey": key, "operator": operator, "keys": keys, **extra}]}

    return [
        (None, {}),
        (None, one("FactSheetTypes", ["Application", "Interface"])),
        ("Application", one(region["id"], [emea["id"], "__missing__"])),
        ("Application", one("_TAGS_", [emea["id"]], "NOR")),
        ("Application", one("businessCriticality", ["missionCritical", "__missing__"])),
        ("DataObject", one("personalData", ["hrData"])),
        ("Application", one("numberOfUsers", ["__missing__"])),
        ("Application", one("lifecycle", ["active"], dateFilter={"type": "RANGE", "from": "2021-01-01"})),
        (None, one("Subscriptions", [user])),
        ("ITComponent", one("DataQuality", ["_noResponsible_", "_noDescription_"], "AND")),
        ("Application", one("relApplicationToITComponent", [itc["id"]])),
        (
            "Application",
            one(
                "relApplicationToBusinessCapability",
                [],
                relationFieldsFilter=[{"fieldName": "supportType", "values": ["leading"]}],
            ),
        ),
        ("Application", one("TrashBin", ["archived"])),
        (None, {"fullTextSearch": "portal", "ids": [], "externalIds": []}),
        ("BusinessCapability", one("hierarchyLevel", ["2"])),
    ]


def test_graphql_select_is_the_shared_facet_evaluation(store):
    api = PathfinderGraphQL(store)
    schema = store.metamodel  # the facets read the meta model itself
    for fs_type, flt in filters(store):
        served = [r["id"] for r in api.select(fs_type, flt)]
        with_model = facets.select(
            store.factsheets(),
            flt,
            type=fs_type,
            today=store.today,
            tag_group_ids=store.tag_groups,
            schema=schema,
        )
        without_model = facets.select(store.factsheets(), flt, type=fs_type, today=store.today)
        assert served == [r["id"] for r in with_model] == [r["id"] for r in without_model], flt
        assert 0 < len(served) < len(store), flt  # every filter picks some fact sheets, none picks all


def test_graphql_turns_facet_errors_into_graphql_errors(store):
    api = PathfinderGraphQL(store)
    bad = api.execute(
        '{ allFactSheets(filter: {facetFilters: [{facetKey: "colour", keys: ["red"]}]}) { totalCount } }'
    )
    assert bad["errors"][0]["message"].startswith("Unknown facet key 'colour'")
    empty_ids = api.execute("{ allFactSheets(factSheetType: Project, filter: {ids: []}) { totalCount } }")
    assert empty_ids["data"]["allFactSheets"]["totalCount"] == store.count_by_type()["Project"]

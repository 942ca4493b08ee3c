"""Facet filters and scopes on plain records: every facet kind, operators, archived handling, sorting."""

from __future__ import annotations

from datetime import date

import pytest

from kit.integration.facets import (
    MISSING,
    FacetError,
    compile_filter,
    scope_filter,
    select,
    sort_records,
)
from kit.leanix import FactSheetTypeDef, FieldDef, FieldKind, MetaModel, RelationDef

GROUP = {"id": "g-region", "name": "Region"}
EMEA = {"id": "t-emea", "name": "EMEA", "tagGroup": GROUP}
APAC = {"id": "t-apac", "name": "APAC", "tagGroup": GROUP}
LEGACY = {"id": "t-legacy", "name": "Legacy", "tagGroup": None}


def sub(user: str, kind: str) -> dict:
    return {"node": {"id": f"s-{user}", "type": kind, "user": {"id": user}, "roles": []}}


def rel(target: str, **fields) -> dict:
    return {"node": {"id": f"r-{target}", "factSheet": {"id": target}, **fields}}


RECORDS = [
    {
        "id": "a1",
        "type": "Application",
        "name": "CRM Portal",
        "displayName": "CRM Portal",
        "description": "Customer portal",
        "status": "ACTIVE",
        "level": 1,
        "lxState": "APPROVED",
        "category": "businessApplication",
        "businessCriticality": "missionCritical",
        "personalData": ["contactData", "hrData"],
        "numberOfUsers": 120,
        "externalId": {"externalId": "APP-1"},
        "tags": [EMEA, LEGACY],
        "lifecycle": {
            "asString": "active",
            "phases": [
                {"phase": "phaseIn", "startDate": "2019-01-01"},
                {"phase": "active", "startDate": "2020-06-01"},
            ],
        },
        "subscriptions": {"edges": [sub("u1", "RESPONSIBLE")]},
        "relApplicationToITComponent": {
            "edges": [rel("i1", supportType="leading"), rel("i2", supportType="supporting")]
        },
        "updatedAt": "2024-05-01T00:00:00.000Z",
    },
    {
        "id": "a2",
        "type": "Application",
        "name": "ERP",
        "displayName": "ERP",
        "description": None,
        "status": "ACTIVE",
        "level": 2,
        "lxState": "BROKEN_QUALITY_SEAL",
        "category": None,
        "businessCriticality": None,
        "personalData": None,
        "numberOfUsers": None,
        "externalId": {"externalId": "APP-2"},
        "serviceNowId": {"externalId": "SN-9"},
        "tags": [APAC],
        "lifecycle": None,
        "subscriptions": {"edges": [sub("u2", "OBSERVER")]},
        "relApplicationToITComponent": {"edges": []},
        "updatedAt": "2025-01-01T00:00:00.000Z",
    },
    {
        "id": "a3",
        "type": "Application",
        "name": "Old Portal",
        "status": "ARCHIVED",
        "tags": [],
        "lifecycle": {"asString": "endOfLife", "phases": [{"phase": "endOfLife", "startDate": "2018-01-01"}]},
        "subscriptions": {"edges": []},
        "updatedAt": "2018-01-01T00:00:00.000Z",
    },
    {"id": "i1", "type": "ITComponent", "name": "Postgres", "status": "ACTIVE", "tags": [EMEA]},
    {"id": "p1", "type": "Project", "name": "portal relaunch", "status": "ACTIVE"},
]


def ids(flt: dict | None, **kwargs) -> list[str]:
    return [r["id"] for r in select(RECORDS, flt, today=date(2026, 11, 1), **kwargs)]


def facet(key: str, keys: list[str], operator: str = "OR", **extra) -> dict:
    return {"facetFilters": [{"facetKey": key, "operator": operator, "keys": keys, **extra}]}


def test_archived_records_are_left_out_unless_the_trash_bin_asks():
    assert ids(None) == ["a1", "a2", "i1", "p1"]
    assert ids(facet("TrashBin", ["archived"])) == ["a3"]
    assert ids(facet("TrashBin", ["archived", "active"])) == ["a1", "a2", "a3", "i1", "p1"]
    assert ids(facet("TrashBin", ["archived"], "NOR")) == ["a1", "a2", "i1", "p1"]


def test_types_argument_and_facet_combine():
    assert ids(facet("FactSheetTypes", ["Application", "Project"])) == ["a1", "a2", "p1"]
    assert ids(facet("FactSheetTypes", ["Application", "Project"]), type="Project") == ["p1"]
    assert ids(facet("FactSheetTypes", ["Application"], "NOR")) == ["i1", "p1"]
    assert compile_filter(facet("FactSheetTypes", ["Project"]), type="Project").types == frozenset(
        {"Project"}
    )
    assert compile_filter({}).types is None


@pytest.mark.parametrize(("operator", "expected"), [("OR", ["a1", "a2", "i1"]), ("AND", []), ("NOR", ["p1"])])
def test_tags_facet_operators(operator, expected):
    assert ids(facet("_TAGS_", ["t-emea", "t-apac"], operator)) == expected


def test_tag_group_facet_with_and_without_known_group_ids():
    assert ids(facet("g-region", ["t-apac"]), tag_group_ids=["g-region"]) == ["a2"]
    assert ids(facet("g-region", [MISSING]), tag_group_ids=["g-region"]) == ["p1"]
    assert ids(facet("g-region", ["t-emea"])) == ["a1", "i1"]  # found on the records without being told
    assert ids(facet("_TAGS_", ["t-legacy"])) == ["a1"]


def test_field_facets_single_multiple_and_numbers():
    assert ids(facet("businessCriticality", ["missionCritical", MISSING]), type="Application") == ["a1", "a2"]
    assert ids(facet("personalData", ["hrData"])) == ["a1"]
    assert ids(facet("personalData", ["hrData", "contactData"], "AND")) == ["a1"]
    assert ids(facet("numberOfUsers", ["120"])) == ["a1"]
    assert ids(facet("category", [MISSING]), type="Application") == ["a2"]


def test_lifecycle_current_phase_and_date_filters():
    assert ids(facet("lifecycle", ["active"])) == ["a1"]
    assert ids(facet("lifecycle", [MISSING]), type="Application") == ["a2"]
    in_2019 = {"type": "RANGE", "from": "2019-03-01", "to": "2019-12-31"}
    assert ids(facet("lifecycle", ["phaseIn"], dateFilter=in_2019)) == ["a1"]
    assert ids(facet("lifecycle", ["active"], dateFilter=in_2019)) == []
    assert ids(facet("lifecycle", ["active"], dateFilter={"type": "POINT", "from": "2020-06-01"})) == ["a1"]
    assert ids(facet("lifecycle", ["active"], dateFilter={"type": "TODAY"})) == ["a1"]


def test_subscriptions_state_level_and_data_quality():
    assert ids(facet("Subscriptions", ["u1"])) == ["a1"]
    assert ids(facet("Subscriptions", [MISSING])) == ["i1", "p1"]
    assert ids(facet("lxState", ["BROKEN_QUALITY_SEAL"])) == ["a2"]
    assert ids(facet("hierarchyLevel", ["2"])) == ["a2"]
    assert ids(facet("DataQuality", ["_noResponsible_"]), type="Application") == ["a2"]
    assert ids(facet("DataQuality", ["_noDescription_", "_noLifecycle_"], "AND"), type="Application") == [
        "a2"
    ]


def test_relation_facet_with_relation_fields_filter():
    assert ids(facet("relApplicationToITComponent", ["i2"])) == ["a1"]
    assert ids(facet("relApplicationToITComponent", [MISSING]), type="Application") == ["a2"]
    leading = {
        "facetFilters": [
            {
                "facetKey": "relApplicationToITComponent",
                "relationFieldsFilterOperator": "INCLUSIVE",
                "relationFieldsFilter": [{"fieldName": "supportType", "values": ["leading"]}],
            }
        ]
    }
    assert ids(leading) == ["a1"]
    only_supporting = facet(
        "relApplicationToITComponent",
        ["i1"],
        relationFieldsFilterOperator="EXCLUSIVE",
        relationFieldsFilter=[{"fieldName": "supportType", "values": ["supporting"]}],
    )
    assert ids(only_supporting) == ["a1"]  # i1's relation is not a supporting one
    assert (
        ids({**only_supporting, "facetFilters": [{**only_supporting["facetFilters"][0], "keys": ["i2"]}]})
        == []
    )


def test_full_text_ids_and_external_ids():
    assert ids({"fullTextSearch": "PORTAL"}) == ["a1", "p1"]
    assert ids({"quickSearch": "erp"}) == ["a2"]
    assert ids({"ids": ["p1", "a3", "nope"]}) == ["p1"]
    assert ids({"externalIds": ["externalId/APP-2", "APP-1"]}) == ["a1", "a2"]
    assert ids({"externalIds": ["serviceNowId/SN-9"]}) == ["a2"]
    assert ids({"ids": [], "externalIds": [], "facetFilters": []}) == ["a1", "a2", "i1", "p1"]  # iAPI scopes


def test_scope_shape_and_empty_facets():
    scope = {"facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": []}], "ids": [],
             "omitArchivedFactSheets": False}  # fmt: skip
    assert scope_filter(scope) == {"facetFilters": scope["facetFilters"], "ids": []}
    assert ids(scope_filter(scope)) == ["a1", "a2", "i1", "p1"]  # a facet without keys does not restrict


def test_facets_are_anded():
    flt = {
        "facetFilters": [
            facet("_TAGS_", ["t-emea"])["facetFilters"][0],
            facet("FactSheetTypes", ["Application"])["facetFilters"][0],
        ]
    }
    assert ids(flt) == ["a1"]


CRITICALITY = FieldDef(
    "businessCriticality", FieldKind.SINGLE_SELECT, ("administrativeService", "missionCritical")
)
META_MODEL = MetaModel(
    (FactSheetTypeDef("Application", (CRITICALITY,)), FactSheetTypeDef("ITComponent")),
    (
        RelationDef(
            "relApplicationToITComponent", "Application", "ITComponent", "relITComponentToApplication"
        ),
    ),
)


def test_schema_makes_unknown_keys_errors():
    schema = META_MODEL
    assert ids(facet("businessCriticality", ["missionCritical"]), schema=schema) == ["a1"]
    with pytest.raises(FacetError, match="^Unknown facet key 'colour'"):
        compile_filter(facet("colour", ["red"]), schema=schema)
    assert ids(facet("colour", ["red"])) == []  # without a schema the key is read from records
    with pytest.raises(FacetError, match="operator must be OR, AND or NOR"):
        compile_filter(facet("_TAGS_", ["x"], "XOR"))


def test_sorting_with_and_without_schema():
    rows = [r for r in RECORDS if r["type"] == "Application"]
    assert [r["id"] for r in sort_records(rows, {"key": "name"})] == ["a1", "a2", "a3"]
    assert [r["id"] for r in sort_records(rows, [{"key": "updatedAt", "order": "desc"}])] == [
        "a2",
        "a1",
        "a3",
    ]
    assert [r["id"] for r in sort_records(rows, [{"mode": "BY_LIFECYCLE_LAST_PHASE", "order": "desc"}])] == [
        "a3",
        "a1",
        "a2",  # no lifecycle: last either way
    ]
    assert [r["id"] for r in sort_records(rows, [{"key": "externalId"}])] == ["a1", "a2", "a3"]
    schema = META_MODEL
    by_rank = sort_records(rows, [{"key": "businessCriticality", "order": "desc"}], schema)
    assert [r["id"] for r in by_rank] == ["a1", "a2", "a3"]
    with pytest.raises(FacetError, match="Cannot sort by 'colour'"):
        sort_records(rows, [{"key": "colour"}], schema)
    with pytest.raises(FacetError, match="holds several values"):
        sort_records(rows, [{"key": "personalData"}])

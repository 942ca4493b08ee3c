"""What the public LeanIX GraphQL examples need beyond the core meta model: successor relations on Application and
ITComponent (relToSuccessor / relToPredecessor, with activeFrom, activeUntil and description as SAP's
"Migrating from the Fact Sheets REST API to the GraphQL API" page shows them) and the demo workspace's custom
fields (capEx/opEx on ITComponent, serviceNowId and supportedPlatforms on Application), over HTTP on an own
sandbox; and the demo's earlier draws, which the additions must leave as they were.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from kit.leanix import MetaModel
from kit.sandbox import Sandbox, SandboxOptions
from kit.sandbox.demo import generate_workspace
from kit.sandbox.metamodel import DEFAULT_METAMODEL
from tests.sandbox.graphql_http import bearer_of, data, nodes, post

ADDED_FIELDS = {"capEx", "opEx", "serviceNowId", "supportedPlatforms"}
ADDED_CONNECTIONS = {"relToSuccessor", "relToPredecessor"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(size=200, seed=3)) as sb:
        yield sb


@pytest.fixture(scope="module")
def bearer(sandbox: Sandbox) -> str:
    return bearer_of(sandbox)


TYPE_FIELDS = """query($name: String!) { __type(name: $name) { fields { name type { kind name
  ofType { kind name } } } } }"""


def type_fields(sandbox: Sandbox, bearer: str, name: str) -> dict[str, dict[str, Any]]:
    found = data(sandbox, bearer, TYPE_FIELDS, {"name": name})["__type"]
    assert found is not None, f"no type {name} in the schema"
    return {f["name"]: f["type"] for f in found["fields"]}


# -- introspection -------------------------------------------------------------------------------------------


def test_introspection_shows_the_custom_fields_with_their_kinds(sandbox, bearer):
    itc = type_fields(sandbox, bearer, "ITComponent")
    assert itc["capEx"]["name"] == itc["opEx"]["name"] == "Float"
    app = type_fields(sandbox, bearer, "Application")
    assert app["serviceNowId"]["name"] == "String"
    platforms = app["supportedPlatforms"]
    assert platforms["kind"] == "LIST" and platforms["ofType"]["kind"] == "ENUM"
    enum = data(
        sandbox,
        bearer,
        "query($n: String!) { __type(name: $n) { enumValues { name } } }",
        {"n": platforms["ofType"]["name"]},
    )["__type"]
    assert [v["name"] for v in enum["enumValues"]] == ["windows", "macOS", "linux", "iOS", "android", "web"]


@pytest.mark.parametrize("type_name", ["Application", "ITComponent"])
def test_introspection_shows_successor_and_predecessor_with_the_relation_fields(sandbox, bearer, type_name):
    fields = type_fields(sandbox, bearer, type_name)
    assert set(fields) >= ADDED_CONNECTIONS
    connection = type_fields(sandbox, bearer, fields["relToSuccessor"]["name"])
    edge = type_fields(sandbox, bearer, connection["edges"]["ofType"]["name"])
    node = type_fields(sandbox, bearer, edge["node"]["name"])
    assert {"id", "activeFrom", "activeUntil", "description", "factSheet"} <= set(node)
    assert node["factSheet"]["name"] == type_name  # a successor is of the same type


def test_other_types_have_no_successor_relation(sandbox, bearer):
    assert not ADDED_CONNECTIONS & set(type_fields(sandbox, bearer, "BusinessCapability"))


# -- successor relations -------------------------------------------------------------------------------------

FIRST_TWO = (
    "query($t: FactSheetType!) { allFactSheets(factSheetType: $t, first: 2) { edges { node { id name } } } }"
)
ADD_SUCCESSOR = """mutation($id: ID!, $patches: [Patch]!) { updateFactSheet(id: $id, patches: $patches) {
  factSheet { id } } }"""
ENDS = """query($id: ID!) { factSheet(id: $id) { id
  ... on Application { relToSuccessor { edges { node { id activeFrom description factSheet { id } } } }
                       relToPredecessor { edges { node { id activeFrom description factSheet { id } } } } }
  ... on ITComponent { relToSuccessor { edges { node { id activeFrom description factSheet { id } } } }
                       relToPredecessor { edges { node { id activeFrom description factSheet { id } } } } } } }"""


@pytest.mark.parametrize("type_name", ["Application", "ITComponent"])
def test_a_successor_added_on_one_end_reads_from_both_ends(sandbox, bearer, type_name):
    old, new = nodes(data(sandbox, bearer, FIRST_TWO, {"t": type_name})["allFactSheets"])
    value = {"factSheetId": new["id"], "activeFrom": "2025-07-01", "description": "Replaces the old one"}
    patch = {"op": "add", "path": "/relToSuccessor/new_1", "value": json.dumps(value)}
    data(sandbox, bearer, ADD_SUCCESSOR, {"id": old["id"], "patches": [patch]})

    forward = nodes(data(sandbox, bearer, ENDS, {"id": old["id"]})["factSheet"]["relToSuccessor"])
    mine = [r for r in forward if r["factSheet"]["id"] == new["id"]]
    assert [(r["activeFrom"], r["description"]) for r in mine] == [("2025-07-01", "Replaces the old one")]
    backward = nodes(data(sandbox, bearer, ENDS, {"id": new["id"]})["factSheet"]["relToPredecessor"])
    theirs = [r for r in backward if r["factSheet"]["id"] == old["id"]]
    assert [(r["id"], r["activeFrom"], r["description"]) for r in theirs] == [
        (mine[0]["id"], "2025-07-01", "Replaces the old one")
    ]


ALL_SUCCESSORS = """query($t: FactSheetType!) { allFactSheets(factSheetType: $t) { edges { node { id type
  ... on Application { relToSuccessor { edges { node { factSheet { id type } } } }
                       relToPredecessor { edges { node { factSheet { id } } } } }
  ... on ITComponent { relToSuccessor { edges { node { factSheet { id type } } } }
                       relToPredecessor { edges { node { factSheet { id } } } } } } } } }"""


@pytest.mark.parametrize("type_name", ["Application", "ITComponent"])
def test_the_demo_has_successors_and_each_is_the_predecessor_back(sandbox, bearer, type_name):
    records = nodes(data(sandbox, bearer, ALL_SUCCESSORS, {"t": type_name})["allFactSheets"])
    by_id = {r["id"]: r for r in records}
    pairs = [(r["id"], s["factSheet"]) for r in records for s in nodes(r["relToSuccessor"])]
    assert pairs, f"the demo has no {type_name} with a successor"
    for old_id, successor in pairs:
        assert successor["type"] == type_name and successor["id"] != old_id
        back = {p["factSheet"]["id"] for p in nodes(by_id[successor["id"]]["relToPredecessor"])}
        assert old_id in back


# -- custom fields -------------------------------------------------------------------------------------------


def test_capex_and_opex_are_numbers_in_the_demo(sandbox, bearer):
    query = "{ allFactSheets(factSheetType: ITComponent) { edges { node { ... on ITComponent { capEx opEx } } } } }"
    records = nodes(data(sandbox, bearer, query)["allFactSheets"])
    for key in ("capEx", "opEx"):
        values = [r[key] for r in records if r[key] is not None]
        assert values, f"the demo fills no {key}"
        assert all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in values)
        assert len(values) < len(records)  # a share, as in a real workspace: some are empty


def test_custom_fields_write_and_read_back(sandbox, bearer):
    itc, app = (
        nodes(data(sandbox, bearer, FIRST_TWO, {"t": t})["allFactSheets"])[1]["id"]
        for t in ("ITComponent", "Application")
    )
    query = """mutation($id: ID!, $patches: [Patch]!) { updateFactSheet(id: $id, patches: $patches) { factSheet {
      ... on ITComponent { capEx opEx } ... on Application { serviceNowId supportedPlatforms } } } }"""
    patches = [
        {"op": "replace", "path": "/capEx", "value": "125000.5"},
        {"op": "replace", "path": "/opEx", "value": "40000"},
    ]
    got = data(sandbox, bearer, query, {"id": itc, "patches": patches})["updateFactSheet"]["factSheet"]
    assert (got["capEx"], got["opEx"]) == (125000.5, 40000)
    patches = [
        {"op": "replace", "path": "/serviceNowId", "value": "SN-000042"},
        {"op": "replace", "path": "/supportedPlatforms", "value": '["linux", "web"]'},
    ]
    got = data(sandbox, bearer, query, {"id": app, "patches": patches})["updateFactSheet"]["factSheet"]
    assert (got["serviceNowId"], got["supportedPlatforms"]) == ("SN-000042", ["linux", "web"])


def test_a_platform_the_meta_model_lacks_is_refused(sandbox, bearer):
    app = nodes(data(sandbox, bearer, FIRST_TWO, {"t": "Application"})["allFactSheets"])[0]["id"]
    patch = {"op": "replace", "path": "/supportedPlatforms", "value": '["amigaOS"]'}
    answer = post(sandbox, bearer, ADD_SUCCESSOR, {"id": app, "patches": [patch]})
    assert answer["errors"] and "amigaOS" in json.dumps(answer["errors"])


# -- the demo's earlier draws --------------------------------------------------------------------------------


def _without_additions() -> MetaModel:
    types = tuple(
        dataclasses.replace(t, fields=tuple(f for f in t.fields if f.name not in ADDED_FIELDS))
        for t in DEFAULT_METAMODEL.types
    )
    return MetaModel(types, tuple(r for r in DEFAULT_METAMODEL.relations if r.name != "relToSuccessor"))


def _comparable(value: Any, depth: int = 0) -> Any:
    """A record without the added keys and completion (its denominator counts the fields); related fact sheets
    by id, relation edges by their node."""
    if hasattr(value, "node"):
        return _comparable(value.node, depth)
    if isinstance(value, dict):
        if depth > 1 and "id" in value:
            return value["id"]
        skip = ADDED_FIELDS | ADDED_CONNECTIONS | {"completion"}
        return {k: _comparable(v, depth + 1) for k, v in value.items() if k not in skip}
    if isinstance(value, list | tuple):
        return [_comparable(v, depth + 1) for v in value]
    return value


@pytest.mark.parametrize("as_of", [None, date(2022, 6, 1)])
def test_the_additions_leave_every_earlier_draw_as_it_was(as_of):
    before = generate_workspace(300, 5, _without_additions(), as_of)
    after = generate_workspace(300, 5, DEFAULT_METAMODEL, as_of)
    assert list(after.factsheets_by_id) == list(before.factsheets_by_id)
    for fs_id, rec in before.factsheets_by_id.items():
        assert _comparable(after.factsheets_by_id[fs_id]) == _comparable(rec), fs_id
    assert after.documents == before.documents
    old_relations = {r.id for r in before.relations()}
    new_relations = {r.id: r.name for r in after.relations()}
    assert old_relations <= set(new_relations)
    assert {new_relations[i] for i in set(new_relations) - old_relations} == {"relToSuccessor"}

"""A snapshot reads each type in one paging pass per archive pass, and ``read_type`` gives the same frames as
the single readers.

The request count is computed by hand: for every type, the number of active and of archived fact sheets
(asked with plain ``totalCount`` queries) divided by the page size, rounded up (an empty pass is one page),
plus the introspection and the three directory queries; everything else a snapshot asks is the Integration
API (runs and their details) and the token exchange.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.frames.reader import read_type
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.snapshot import own_relations
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY

GRAPHQL = "/services/pathfinder/v1/graphql"
PAGE_SIZE = 20
COUNT = """
query($type: FactSheetType, $filter: FilterInput) {
  allFactSheets(first: 0, factSheetType: $type, filter: $filter) { totalCount }
}
"""
ARCHIVED = {"facetFilters": [{"facetKey": "TrashBin", "operator": "OR", "keys": ["archived"]}]}
TYPES_QUERY = '{ __type(name: "FactSheetType") { enumValues { name } } }'


@pytest.fixture(scope="module")
def small_sandbox() -> Iterator[Sandbox]:
    """A sandbox of its own, so that its request log holds only this module's requests."""
    with Sandbox(SandboxOptions(size=400, seed=5)) as server:
        yield server


def _client(sandbox: Sandbox) -> LeanIXClient:
    return LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY)


def _pages(count: int) -> int:
    return max(1, math.ceil(count / PAGE_SIZE))


def test_a_snapshot_pages_each_type_once_per_archive_pass(small_sandbox: Sandbox, tmp_path: Path) -> None:
    with _client(small_sandbox) as client:
        types = [v["name"] for v in client.graphql(TYPES_QUERY)["__type"]["enumValues"]]
        active = {t: client.graphql(COUNT, {"type": t})["allFactSheets"]["totalCount"] for t in types}
        archived = {
            t: client.graphql(COUNT, {"type": t, "filter": ARCHIVED})["allFactSheets"]["totalCount"]
            for t in types
        }
        assert max(active.values()) > 2 * PAGE_SIZE  # several pages for some types
        assert sum(archived.values()) > 0  # and an archived pass with rows
        ws = Workspace(client, page_size=PAGE_SIZE, progress=False)
        small_sandbox.log.clear()
        ws.snapshot(tmp_path / "snap")
        log = list(small_sandbox.log)

    assert all(r.status == 200 for r in log)
    graphql = [r for r in log if r.path == GRAPHQL]
    pages = sum(_pages(active[t]) + _pages(archived[t]) for t in types)
    introspection, directory = 1, 3  # the meta model; tag groups, tags, subscription roles
    assert len(graphql) == pages + introspection + directory
    others = {r.path.split("/")[2] for r in log if r.path != GRAPHQL}
    assert others <= {"integration-api", "synclog", "mtm"}


def test_read_type_gives_the_frames_of_the_single_readers(ws: Workspace) -> None:
    checked_relations = 0
    for type_name in ws.types():
        together = read_type(ws, type_name, include_archived=True)
        assert together.type == type_name
        pd.testing.assert_frame_equal(together.factsheets, ws.factsheets(type_name, include_archived=True))
        pd.testing.assert_frame_equal(together.tags, ws.tags(type_name, include_archived=True))
        pd.testing.assert_frame_equal(together.lifecycles, ws.lifecycles(type_name, include_archived=True))
        pd.testing.assert_frame_equal(
            together.subscriptions, ws.subscriptions(type_name, include_archived=True)
        )
        assert list(together.relations) == list(ws.model.relations_of(type_name))
        for name, frame in together.relations.items():
            pd.testing.assert_frame_equal(frame, ws.relations(type_name, name, include_archived=True))
            checked_relations += len(frame)
    assert checked_relations > 0


def test_read_type_reads_only_the_relations_asked_for(ws: Workspace) -> None:
    names = own_relations("Application", list(ws.model.relations_of("Application")))
    together = read_type(ws, "Application", include_archived=False, relations=names)
    assert list(together.relations) == names
    assert len(together.factsheets) == len(ws.factsheets("Application"))
    for name in names:
        pd.testing.assert_frame_equal(together.relations[name], ws.relations("Application", name))


def test_the_sandbox_answers_the_one_pass_query_as_graphql_core_does(
    sandbox: Sandbox, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox completes plain sub-selections (tags, subscriptions, relations …) on a short path of its
    own; its answers must be graphql-core's, byte for byte (the second answer is made with it turned off)."""
    from kit.frames.queries import long_query, wide_query
    from kit.frames.reader import _PAGE_QUERY
    from kit.sandbox import graphql_api

    model = ws.model
    queries = []
    for type_name in ("Application", "ITComponent", "BusinessCapability"):
        parts = [wide_query(model, type_name, None).selection]
        parts += [long_query(kind, model).selection for kind in ("tags", "lifecycles", "subscriptions")]
        parts += [long_query("relations", model, r).selection for r in model.relations_of(type_name).values()]
        queries.append((_PAGE_QUERY % f"id ... on {type_name} {{ {' '.join(parts)} }}", {"type": type_name}))
    queries.append(
        (
            "{ allFactSheets(first: 30) { edges { node { __typename ... on Application { a: tags { n: name "
            "__typename tagGroup { name } } lifecycle { asString } lifecycle { phases { phase } } "
            "relApplicationToITComponent { totalCount edges { node { __typename factSheet { id name } } } } "
            "subscriptions { edges { node { user { email } roles { name } factSheet { id } } } } } } } } }",
            {},
        )
    )
    queries.append(("{ allTags { edges { node { id name color tagGroup { id name mode } } } } }", {}))
    fast = [sandbox.graphql.execute(query, {**variables, "first": 200}) for query, variables in queries]
    monkeypatch.setattr(graphql_api, "_field_plan", lambda *args: None)
    slow = [sandbox.graphql.execute(query, {**variables, "first": 200}) for query, variables in queries]
    assert [answer.get("errors") for answer in slow] == [None] * len(queries)
    assert sum(len(a["data"]["allFactSheets"]["edges"]) for a in slow if "allFactSheets" in a["data"]) > 300
    assert [json.dumps(a) for a in fast] == [json.dumps(a) for a in slow]

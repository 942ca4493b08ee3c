"""A snapshot write's order and failures: rows in the API's order, pages in order and one attempt's sink at a
time, a failing sink stops the paging, a failing write leaves no snapshot and no work folder, and the
manifest lists the files in a fixed order. (Written for an overlapped writer that was measured, gained
nothing on this 2-core host, and was removed; the guarantees hold for the sequential one.)

Expected values come from raw GraphQL answers (``client.graphql``) and the sandbox's page hook; one test
runs a child process whose file size limit (``RLIMIT_FSIZE``) makes every file write fail for real.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.client import LeanIXClient
from kit.config import Secret
from kit.frames.paging import Pass, read_pages
from kit.frames.reader import _PAGE_QUERY, read_type
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sandbox.graphql_api import PageServed
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY

PAGE_SIZE = 20
ARCHIVED = {"facetFilters": [{"facetKey": "TrashBin", "operator": "OR", "keys": ["archived"]}]}
RAW_PAGE = """
query($first: Int, $after: String, $type: FactSheetType, $filter: FilterInput) {
  allFactSheets(first: $first, after: $after, factSheetType: $type, filter: $filter) {
    pageInfo { hasNextPage endCursor }
    edges { node { id ... on %s { tags { name } } } }
  }
}
"""
TYPES_QUERY = '{ __type(name: "FactSheetType") { enumValues { name } } }'
COUNT = """
query($type: FactSheetType, $filter: FilterInput) {
  allFactSheets(first: 0, factSheetType: $type, filter: $filter) { totalCount }
}
"""


class Pages:
    """The sandbox's ``between_pages`` hook: the (type, first row) of every page it serves."""

    def __init__(self) -> None:
        self.served: list[tuple[str | None, int]] = []

    def __call__(self, page: PageServed) -> None:
        self.served.append((page.type, page.first_row))


@pytest.fixture(scope="module")
def pages() -> Pages:
    return Pages()


@pytest.fixture(scope="module")
def world(pages: Pages) -> Iterator[tuple[Sandbox, Workspace]]:
    with Sandbox(SandboxOptions(size=400, seed=5, between_pages=pages)) as server:
        with LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            yield server, Workspace(client, page_size=PAGE_SIZE, progress=False, reread_pause=0)


def _raw_nodes(ws: Workspace, type_name: str) -> list[dict[str, Any]]:
    """Every node of ``type_name``, active then archived, paged by hand through raw GraphQL answers."""
    nodes: list[dict[str, Any]] = []
    for filter_ in (None, ARCHIVED):
        after = None
        while True:
            variables = {"first": PAGE_SIZE, "after": after, "type": type_name, "filter": filter_}
            page = ws.client.graphql(RAW_PAGE % type_name, variables)["allFactSheets"]
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    return nodes


def test_rows_keep_the_order_of_the_api_answers(world: tuple[Sandbox, Workspace]) -> None:
    _, ws = world
    nodes = _raw_nodes(ws, "ITComponent")
    assert len(nodes) > 3 * PAGE_SIZE  # several pages handed to the worker
    read = read_type(ws, "ITComponent")
    assert read.factsheets["id"].tolist() == [n["id"] for n in nodes]
    tags = [(n["id"], t["name"]) for n in nodes for t in n["tags"]]
    assert len(tags) > 0
    assert list(zip(read.tags["id"], read.tags["tag"], strict=True)) == tags


class CreateOnce:
    """A ``between_pages`` hook creating one ITComponent after the second page of the first read."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self, page: PageServed) -> None:
        if page.type == "ITComponent" and page.first_row == PAGE_SIZE and not self.done:
            self.done = True
            page.store.add_factsheet("ITComponent", "Created while read")


def test_pages_reach_the_sink_in_order_and_a_reread_never_feeds_the_old_sink() -> None:
    events: list[tuple[str, int, int]] = []  # (what, attempt, ids the sink held before)

    class Sink:
        def __init__(self, attempt: int) -> None:
            self.attempt = attempt
            self.ids: list[str] = []

        def add(self, nodes: list[dict[str, Any]]) -> None:
            events.append(("add", self.attempt, len(self.ids)))
            self.ids += [n["id"] for n in nodes]

    made: list[Sink] = []

    def new_sink() -> Sink:
        events.append(("new", len(made), 0))
        made.append(Sink(len(made)))
        return made[-1]

    hook = CreateOnce()
    with Sandbox(SandboxOptions(size=400, seed=5, between_pages=hook)) as server:
        with LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            ws = Workspace(client, page_size=PAGE_SIZE, progress=False)
            sink = read_pages(
                client,
                _PAGE_QUERY % "id",
                new_sink,
                type="ITComponent",
                kind="fact sheets",
                passes=[Pass(None), Pass(ARCHIVED, "archived")],
                page_size=PAGE_SIZE,
                pause=0,
            )
            expected = [n["id"] for n in _raw_nodes(ws, "ITComponent")]
    assert hook.done
    assert len(made) == 2 and sink is made[1]  # page 3 showed the new totalCount: read again
    assert sink.ids == expected
    second = events.index(("new", 1, 0))
    # attempt 0 got pages 1 and 2 (page 3 was refused before it reached the sink), all before attempt 1
    assert events[:second] == [("new", 0, 0), ("add", 0, 0), ("add", 0, PAGE_SIZE)]
    later = events[second + 1 :]
    assert all(e[:2] == ("add", 1) for e in later)
    sizes = [e[2] for e in later]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)  # one page after the other, in order
    assert len(expected) > 3 * PAGE_SIZE


def test_a_failing_sink_stops_the_paging(world: tuple[Sandbox, Workspace], pages: Pages) -> None:
    _, ws = world
    total = len(_raw_nodes(ws, "ITComponent"))
    assert total > 4 * PAGE_SIZE

    class Broken(Exception):
        pass

    added: list[int] = []

    class Sink:
        def add(self, nodes: list[dict[str, Any]]) -> None:
            added.append(len(nodes))
            if len(added) == 2:
                raise Broken("page 2 could not be taken")

    pages.served.clear()
    with pytest.raises(Broken, match="page 2 could not be taken"):
        read_pages(
            ws.client, _PAGE_QUERY % "id", Sink, type="ITComponent", kind="fact sheets", page_size=PAGE_SIZE
        )
    assert added == [PAGE_SIZE, PAGE_SIZE]  # page 3 never reached the sink
    served = [first for type_name, first in pages.served if type_name == "ITComponent"]
    # page 3 may have been in flight while page 2 failed on the worker; page 4 is never asked for
    assert served in ([0, PAGE_SIZE], [0, PAGE_SIZE, 2 * PAGE_SIZE])


def test_a_sink_failing_on_the_last_page_is_not_swallowed(world: tuple[Sandbox, Workspace]) -> None:
    _, ws = world
    total = len(_raw_nodes(ws, "Provider"))
    archived = ws.client.graphql(COUNT, {"type": "Provider", "filter": ARCHIVED})["allFactSheets"]
    active = total - archived["totalCount"]
    assert 0 < active <= PAGE_SIZE  # one page

    class Sink:
        def add(self, nodes: list[dict[str, Any]]) -> None:
            raise ValueError(f"{len(nodes)} nodes refused")

    with pytest.raises(ValueError, match=f"^{active} nodes refused$"):
        read_pages(ws.client, _PAGE_QUERY % "id", Sink, type="Provider", kind="fact sheets")


def test_the_manifest_lists_the_files_in_a_fixed_order(
    world: tuple[Sandbox, Workspace], tmp_path: Path
) -> None:
    _, ws = world
    client = ws.client
    types = [v["name"] for v in client.graphql(TYPES_QUERY)["__type"]["enumValues"]]
    count = {
        t: client.graphql(COUNT, {"type": t})["allFactSheets"]["totalCount"]
        + client.graphql(COUNT, {"type": t, "filter": ARCHIVED})["allFactSheets"]["totalCount"]
        for t in types
    }
    target = ws.snapshot(tmp_path / "snap")
    manifest = json.loads((target / "manifest.json").read_text())
    names = list(manifest["files"])
    # per type with fact sheets, in the workspace's type order: its fact sheets, then its own relations
    expected_types = [t for t in types if count[t] > 0]
    heads = [n for n in names if n.startswith("factsheets-")]
    assert heads == [f"factsheets-{t}.parquet" for t in expected_types]
    blocks = names[: names.index("tags.parquet")]
    for type_name in expected_types:
        start = blocks.index(f"factsheets-{type_name}.parquet")
        rest = blocks[start + 1 :]
        own = rest[: next((i for i, n in enumerate(rest) if n.startswith("factsheets-")), len(rest))]
        assert own and all(n.startswith(f"relations-{type_name}-") for n in own), (type_name, own)
    assert names[len(blocks) :] == [
        "tags.parquet",
        "lifecycles.parquet",
        "subscriptions.parquet",
        "runs.parquet",
        "fields.parquet",
        "iapi.json",
        "directory.json",
    ]
    assert sorted(p.name for p in target.iterdir()) == sorted([*names, "manifest.json"])
    for name, entry in manifest["files"].items():
        data = (target / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert manifest["factSheets"] == {t: count[t] for t in expected_types}
    runs = client.get("/services/integration-api/v1/synchronizationRuns")
    assert manifest["rows"]["runs"] == len(runs)
    assert len(kit.load_snapshot(target).runs()) == len(runs)


CHILD = """
import json, resource, signal, sys
from pathlib import Path
from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.workspace import Workspace

target = Path(sys.argv[1])
with Sandbox(SandboxOptions(size=400, seed=5)) as server:
    ws = Workspace(LeanIXClient(server.url, Secret(SANDBOX_TOKEN)), page_size=20, progress=False)
    ws.types()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    try:
        ws.snapshot(target)
    except Exception as exc:
        print(json.dumps({"type": type(exc).__name__, "message": str(exc)}))
    else:
        print(json.dumps({"type": None}))
"""


@pytest.mark.skipif(os.name == "nt", reason="RLIMIT_FSIZE")
def test_a_failing_write_leaves_no_snapshot_and_no_work_folder(tmp_path: Path) -> None:
    """Every write of more than one byte fails (a file size limit of 1 byte): the first file written is the
    runs' file, on the worker thread, so the failure comes from there."""
    target = tmp_path / "snapshots" / "2026-12-04"
    target.parent.mkdir()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(target)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        timeout=600,
    )
    assert child.returncode == 0, child.stderr
    outcome = json.loads(child.stdout.strip().splitlines()[-1])
    assert outcome["type"] == "SnapshotError"
    assert outcome["message"].startswith(f"Could not write the snapshot to {target}: File too large")
    assert "Nothing was changed there" in outcome["message"]
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no work folder either

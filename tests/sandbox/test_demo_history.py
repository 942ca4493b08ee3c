"""The demo workspace on any day (``as_of``): what a client sees over loopback HTTP moves as a real one would.

Expectations are worked out here from raw GraphQL and REST answers in plain Python, never by the generator.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

import kit
from kit.client import LeanIXClient
from kit.config import Secret
from kit.errors import LxkitError
from kit.sandbox import (
    HISTORY_START,
    REFERENCE_DATE,
    SANDBOX_TOKEN,
    Sandbox,
    SandboxError,
    SandboxOptions,
)
from kit.sandbox.demo import generate_workspace
from kit.sandbox.metamodel import DEFAULT_METAMODEL
from kit.sandbox.runs import FAILING_LAST_NIGHTS, generate_runs

SIZE = 600
D1, D2 = date(2025, 11, 1), date(2026, 5, 1)
MONTHS = [date(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(13)]  # 2025-11-01 .. 2026-11-01

EVERY = '(first: 10000, filter: {facetFilters: [{facetKey: "TrashBin", operator: OR, keys: ["archived", "active"]}]})'
QUERY = (
    """{ allFactSheets%s { totalCount edges { node {
  id name type status createdAt updatedAt description lxState
  completion { completion }
  tags { id }
  subscriptions { edges { node { id type createdAt } } }
  ... on Application { lifecycle { phases { phase startDate } } businessCriticality alias }
  ... on ITComponent { lifecycle { phases { phase startDate } } }
} } } }"""
    % EVERY
)
RELATIONS = """{ allFactSheets(factSheetType: Application, first: 10000) { edges { node { id
  ... on Application { relApplicationToITComponent { edges { node { id factSheet { id } } } } }
} } } }"""
IAPI = "/services/integration-api/v1"
SYNCLOG = "/services/synclog/v1/synchronizations"


def read(as_of: date | None, size: int = SIZE) -> dict[str, Any]:
    """Everything this test looks at, as a client reads it from a sandbox for ``as_of``."""
    with Sandbox(SandboxOptions(size=size, as_of=as_of)) as sandbox:
        with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN)) as client:
            every = client.graphql(QUERY)["allFactSheets"]
            nodes = [e["node"] for e in every["edges"]]
            assert every["totalCount"] == len(nodes)
            apps = client.graphql(RELATIONS)["allFactSheets"]["edges"]
            statuses = {r["id"]: r for r in client.get(f"{IAPI}/synchronizationRuns")}
            syncs = client.get(SYNCLOG, {"size": 1000, "sort": "createdAt-asc"})
            workspace = client.workspace_id
    assert syncs["total"] == len(syncs["data"]) == len(statuses)
    runs = [  # one row per run: the sync log's connector, time and trigger, the run's own status
        {**s, "runStatus": statuses[s["runId"]]["status"], "description": statuses[s["runId"]]["description"]}
        for s in syncs["data"]
    ]
    relations = {
        (e["node"]["id"], r["node"]["id"], r["node"]["factSheet"]["id"])
        for e in apps
        for r in e["node"]["relApplicationToITComponent"]["edges"]
    }
    return {
        "nodes": {n["id"]: n for n in nodes},
        "relations": relations,
        "runs": runs,
        "workspace": workspace,
    }


@pytest.fixture(scope="module")
def seen() -> dict[date | None, dict[str, Any]]:
    return {d: read(d) for d in (D1, D2, None)}


def filled(value: Any) -> bool:
    return value is not None and value != []


def day_of(stamp: str) -> date:
    return date.fromisoformat(stamp[:10])


def subscriptions(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (e["node"] for e in node["subscriptions"]["edges"])


# -- determinism -----------------------------------------------------------------------------------------------


def test_same_seed_and_day_give_the_same_workspace():
    assert read(D1, size=300)["nodes"] == read(D1, size=300)["nodes"]


def test_reference_day_is_the_store_of_no_as_of():
    plain, dated = generate_workspace(300, seed=3), generate_workspace(300, seed=3, as_of=REFERENCE_DATE)
    assert (dated.today, dated.workspace_id) == (REFERENCE_DATE, plain.workspace_id)
    keys = ("id", "name", "status", "description", "updatedAt", "rev", "lxState")
    assert [[r[k] for k in keys] for r in dated.factsheets()] == [
        [r[k] for k in keys] for r in plain.factsheets()
    ]
    assert [(r.id, r.source_id, r.target_id) for r in dated.relations()] == [
        (r.id, r.source_id, r.target_id) for r in plain.relations()
    ]


def test_the_workspace_is_the_same_one_on_every_day(seen):
    assert seen[D1]["workspace"] == seen[D2]["workspace"] == seen[None]["workspace"]


# -- facts only accumulate -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("early", "late"), [(D1, D2), (D2, None)])
def test_what_existed_earlier_exists_later_with_the_same_values(seen, early, late):
    before, after = seen[early]["nodes"], seen[late]["nodes"]
    assert set(before) <= set(after)  # archived fact sheets stay (as ARCHIVED)
    for fs_id, old in before.items():
        new = after[fs_id]
        assert (new["name"], new["type"], new["createdAt"]) == (old["name"], old["type"], old["createdAt"])
        assert old["updatedAt"] <= new["updatedAt"]
        for key in ("description", "businessCriticality", "alias", "lifecycle"):
            if filled(old.get(key)):
                assert new[key] == old[key], (fs_id, key)
        assert {t["id"] for t in old["tags"]} <= {t["id"] for t in new["tags"]}
        if old["status"] == "ARCHIVED":
            assert new["status"] == "ARCHIVED"
        if new["updatedAt"] <= old["updatedAt"]:  # not changed in between: the very same fact sheet
            same = ("status", "description", "lxState", "completion", "tags", "businessCriticality", "alias")
            assert {k: new.get(k) for k in same} == {k: old.get(k) for k in same}, fs_id
    assert seen[early]["relations"] <= seen[late]["relations"]


def test_some_fact_sheets_are_added_archived_and_filled_in_over_time(seen):
    before, after = seen[D1]["nodes"], seen[None]["nodes"]
    assert sum(1 for i in after if i not in before) >= 10
    assert set(before) < set(after)
    newly_archived = [
        i for i in before if before[i]["status"] == "ACTIVE" and after[i]["status"] == "ARCHIVED"
    ]
    assert len(newly_archived) >= 1
    described = [
        i for i in before if before[i]["description"] is None and after[i]["description"] is not None
    ]
    assert len(described) >= 10


@pytest.mark.parametrize("as_of", [D1, D2])
def test_nothing_is_dated_after_the_day(seen, as_of):
    nodes = seen[as_of]["nodes"].values()
    assert nodes
    for node in nodes:
        assert node["createdAt"] <= node["updatedAt"]
        start = f"{as_of}T00:00:00.000Z"  # the store shows the workspace at the start of the day (UTC)
        assert node["updatedAt"] <= start
        for sub in subscriptions(node):
            assert node["createdAt"] <= sub["createdAt"] <= start


def test_a_broken_quality_seal_was_approved_before_it_broke(seen):
    before, after = seen[D1]["nodes"], seen[None]["nodes"]
    states = {(before[i]["lxState"], after[i]["lxState"]) for i in before}
    assert ("APPROVED", "BROKEN_QUALITY_SEAL") in states
    assert all(old == new or (old, new) == ("APPROVED", "BROKEN_QUALITY_SEAL") for old, new in states)


# -- lifecycles advance ----------------------------------------------------------------------------------------


def current_phase(lifecycle: dict[str, Any] | None, today: date) -> str | None:
    """The phase in effect on ``today``: the last one that has started (the first if none has)."""
    if not lifecycle or not lifecycle["phases"]:
        return None
    started = [p["phase"] for p in lifecycle["phases"] if p["startDate"] <= today.isoformat()]
    return started[-1] if started else lifecycle["phases"][0]["phase"]


def test_lifecycles_reach_end_of_life_between_two_days():
    """Fact sheets whose endOfLife starts between D1 and D2 show it as the current phase at D2, not at D1."""
    with_lifecycle = [t.name for t in DEFAULT_METAMODEL.types if any(f.name == "lifecycle" for f in t.fields)]
    fragments = " ".join(
        f"... on {t} {{ lifecycle {{ asString phases {{ phase startDate }} }} }}" for t in with_lifecycle
    )
    query = f"{{ allFactSheets(first: 10000) {{ edges {{ node {{ id {fragments} }} }} }} }}"
    answers = []
    for day in (D1, D2):
        with Sandbox(SandboxOptions(size=1500, as_of=day)) as server:
            with LeanIXClient(server.url, Secret(SANDBOX_TOKEN)) as client:
                edges = client.graphql(query)["allFactSheets"]["edges"]
        answers.append({e["node"]["id"]: e["node"]["lifecycle"] for e in edges if e["node"].get("lifecycle")})
    before, after = answers
    reached = [
        i
        for i, life in before.items()
        if any(
            p["phase"] == "endOfLife" and D1.isoformat() < p["startDate"] <= D2.isoformat()
            for p in life["phases"]
        )
    ]
    assert len(reached) >= 3, "the demo should have fact sheets reaching end of life within six months"
    for fs_id in reached:
        assert before[fs_id]["asString"] == current_phase(before[fs_id], D1) != "endOfLife"
        assert after[fs_id]["asString"] == current_phase(after[fs_id], D2) == "endOfLife"
    assert all(life["asString"] == current_phase(life, D1) for life in before.values())
    assert all(life["asString"] == current_phase(life, D2) for life in after.values())


# -- trends ----------------------------------------------------------------------------------------------------


def test_the_share_of_described_applications_rises_over_a_year():
    """Over 12 months the share of active applications with a description should rise by several points.

    Half the descriptions existed from the start and the rest came later, so a year (about a tenth of the
    workspace's ten-year history, with a quarter of the fact sheets changed in it) should move the share by
    several points; 3 points is a margin well below the ~9 points the generator's design gives, and far
    above a change of 0.01 that would mean no history at all."""
    shares = []
    for day in MONTHS[::3]:  # quarterly: 2025-11-01 .. 2026-11-01
        store = generate_workspace(1500, as_of=day)
        apps = [r for r in store.factsheets("Application") if r["status"] == "ACTIVE"]
        shares.append(sum(r["description"] is not None for r in apps) / len(apps))
    assert shares[-1] - shares[0] >= 0.03, shares
    assert shares[-1] == max(shares), shares


# -- run history -----------------------------------------------------------------------------------------------


def test_runs_of_a_day_are_the_same_whatever_the_day_asked_for():
    early, late = read(D2 - timedelta(days=30), size=50)["runs"], read(D2, size=50)["runs"]
    failing = {
        (c, (D2 - timedelta(days=30 + n)).isoformat())
        for c, nights in FAILING_LAST_NIGHTS.items()
        for n in range(nights)
    }  # the last nights before the earlier day failed then (an incident); later they are ordinary nights
    late_by_day = {(r["name"], r["createdAt"][:10], r["trigger"]): r for r in late}
    common = [r for r in early if r["createdAt"][:10] >= late[0]["createdAt"][:10]]
    assert len(common) > 200  # 60 common days, four connectors
    for run in common:
        key = (run["name"], run["createdAt"][:10], run["trigger"])
        if key[:2] in failing:
            assert run["runStatus"] == "FAILED" and late_by_day[key]["id"] != run["id"]
            continue
        assert {k: v for k, v in late_by_day[key].items() if k != "workspaceId"} == {
            k: v for k, v in run.items() if k != "workspaceId"
        }


@pytest.mark.parametrize("as_of", [D1, D2])
def test_no_run_after_the_day_and_the_last_nights_failed(seen, as_of):
    runs = seen[as_of]["runs"]
    assert max(day_of(r["createdAt"]) for r in runs) == as_of  # that day's nightly runs are over by its end
    assert min(day_of(r["createdAt"]) for r in runs) == as_of - timedelta(days=89)
    for connector, nights in FAILING_LAST_NIGHTS.items():
        last = [r for r in runs if r["name"] == connector and r["trigger"] == "FULL_SYNC_JOB"][-nights:]
        assert [day_of(r["createdAt"]) for r in last] == [
            as_of - timedelta(days=n) for n in reversed(range(nights))
        ]
        assert {r["runStatus"] for r in last} == {"FAILED"}


def test_run_windows_overlap_exactly_on_their_common_days():
    until_a, until_b = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    a, b = generate_runs("w", seed=5, until=until_a), generate_runs("w", seed=5, until=until_b)
    incident = {("servicenow-cmdb", f"2026-02-{d}") for d in (26, 27, 28)}  # failed in window a only

    def common(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            r
            for r in runs
            if "2026-01-01" <= r["createdAt"][:10] < "2026-03-01"
            and (r["connectorId"], r["createdAt"][:10]) not in incident
        ]

    assert b.runs[0]["createdAt"][:10] == "2026-01-01" and a.runs[-1]["createdAt"][:10] == "2026-02-28"
    assert len(common(a.runs)) > 200 and common(a.runs) == common(b.runs)


# -- errors ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [HISTORY_START - timedelta(days=1), REFERENCE_DATE + timedelta(days=1), date(1999, 1, 1)]
)
def test_a_day_outside_the_history_is_refused_naming_the_range(bad):
    for attempt in (lambda: SandboxOptions(as_of=bad), lambda: generate_workspace(10, as_of=bad)):
        with pytest.raises(SandboxError) as caught:
            attempt()
        assert isinstance(caught.value, LxkitError)
        assert "2016-01-01" in str(caught.value) and "2026-11-01" in str(caught.value)
        assert str(bad) in str(caught.value)


def test_as_of_must_be_a_date():
    with pytest.raises(SandboxError, match="datetime.date"):
        SandboxOptions(as_of=datetime(2026, 1, 1, tzinfo=UTC))  # type: ignore[arg-type]
    with pytest.raises(SandboxError, match="datetime.date"):
        SandboxOptions(as_of="2026-01-01")  # type: ignore[arg-type]


# -- kit.connect ------------------------------------------------------------------------------------------------


def test_connect_starts_an_embedded_sandbox_per_day(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEANIX_HOST", raising=False)
    monkeypatch.delenv("LEANIX_API_TOKEN", raising=False)
    then = kit.connect(sandbox_size=130, sandbox_as_of="2021-03-15", progress=False)
    again = kit.connect(sandbox_size=130, sandbox_as_of=date(2021, 3, 15), progress=False)
    now = kit.connect(sandbox_size=130, progress=False)
    assert then.host == again.host != now.host  # one sandbox per (size, seed, day), started once
    every = {"facetFilters": [{"facetKey": "TrashBin", "operator": "OR", "keys": ["archived", "active"]}]}
    old, new = then.factsheets("Application", filter=every), now.factsheets("Application", filter=every)
    assert 0 < len(old) < len(new)
    assert set(old["id"]) <= set(new["id"])
    assert (old["createdAt"] < datetime(2021, 3, 15, tzinfo=UTC)).all()
    with pytest.raises(SandboxError, match="YYYY-MM-DD"):
        kit.connect(sandbox_size=130, sandbox_as_of="15.03.2021", progress=False)

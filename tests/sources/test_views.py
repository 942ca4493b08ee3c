"""Workspace views: plain records, a snapshot, a live workspace and the sandbox store answer alike."""

from __future__ import annotations

from datetime import date

import pytest

import kit
from kit.client import LeanIXClient
from kit.config import Secret
from kit.integration.juel import Integration, TagResolver, evaluate
from kit.integration.view import WorkspaceView
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sandbox.view import StoreView
from kit.sources import LiveView, NodesView, SnapshotView
from kit.workspace import Workspace

TESTING = {"id": "g-test", "name": "Testing"}
TEST_PRJ = {"id": "t-test", "name": "TEST_PRJ", "tagGroup": TESTING}
LEGACY = {"id": "t-legacy", "name": "Legacy", "tagGroup": None}
SUBSCRIPTION = {
    "id": "s1",
    "type": "RESPONSIBLE",
    "user": {"id": "u1", "email": "ann@x.example"},
    "roles": [],
}


def node(fs_id: str, type_name: str, name: str, status: str, external: str | None, **extra) -> dict:
    ext = {"externalId": external} if external else None
    return {"id": fs_id, "type": type_name, "name": name, "status": status, "externalId": ext, **extra}


NODES = [
    node("p1", "Project", "Alpha", "ACTIVE", "prj-1", tags=[TEST_PRJ]),
    node("p1-old", "Project", "Alpha (old)", "ARCHIVED", "prj-1", tags=[TEST_PRJ, LEGACY]),
    node("p2-old", "Project", "Beta", "ARCHIVED", "prj-2"),
    node("a1", "Application", "CRM", "ACTIVE", "prj-1", subscriptions={"edges": [{"node": SUBSCRIPTION}]}),
]


def test_nodes_view_indexes_and_defaults():
    view = NodesView(NODES, today=date(2026, 1, 1))
    assert isinstance(view, WorkspaceView) and view.today == date(2026, 1, 1)
    assert view.find_external("Project", "externalId", "prj-1")["id"] == "p1"  # active wins over archived
    assert view.find_external("Project", "externalId", "prj-2")["id"] == "p2-old"  # only an archived one
    assert view.find_external("Application", "externalId", "prj-1")["id"] == "a1"
    assert view.find_external("Project", "externalId", "prj-9") is None
    assert view.record("p1-old")["name"] == "Alpha (old)" and view.record("nope") is None
    assert [r["id"] for r in view.records("Project")] == ["p1", "p1-old", "p2-old"]
    assert view.records("Interface") == []
    assert [t["id"] for t in view.tags()] == ["t-test", "t-legacy"]
    assert view.tag_groups() == [
        {"id": "g-test", "name": "Testing", "shortName": None, "mode": None, "restrictToFactSheetTypes": []}
    ]
    assert view.users() == [
        {
            "id": "u1",
            "email": "ann@x.example",
            "userName": "ann@x.example",
            "firstName": None,
            "lastName": None,
        }
    ]


def test_nodes_view_select_and_scope_shape():
    view = NodesView(NODES)
    project = {
        "facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Project"]}],
        "ids": [],
    }
    assert [r["id"] for r in view.select(project)] == ["p1"]
    archived = {"facetFilters": [{"facetKey": "TrashBin", "operator": "OR", "keys": ["archived"]}]}
    assert [r["id"] for r in view.select(archived, "Project")] == ["p1-old", "p2-old"]
    tagged = {
        "facetFilters": [{"facetKey": "g-test", "operator": "OR", "keys": ["t-test"]}],
        "omitArchivedFactSheets": True,
    }
    assert [r["id"] for r in view.select(tagged)] == ["p1"]
    assert [r["id"] for r in view.select({"externalIds": ["externalId/prj-1"]})] == ["p1", "a1"]


def test_tag_resolver_serves_juel():
    view = NodesView(NODES)
    resolver = view.tag_resolver()
    assert isinstance(resolver, TagResolver)
    integration = Integration(tags=resolver)
    text = "${integration.tags.getTagGroupId('Testing')}/${integration.tags.getTagId('Testing','TEST_PRJ')}"
    assert evaluate(text, {"integration": integration}) == "g-test/t-test"
    assert (
        evaluate("${integration.tags.getTagId('Other tags','Legacy')}", {"integration": integration})
        == "t-legacy"
    )
    assert evaluate("${integration.tags.getTagId('Testing','Legacy')}", {"integration": integration}) is None
    assert resolver.all_tag_groups() == [{"id": "g-test", "name": "Testing"}]


def test_given_tags_and_groups_win_over_the_records():
    groups = [{"id": "g-test", "name": "Testing", "mode": "SINGLE"}, {"id": "g-x", "name": "Unused"}]
    view = NodesView(NODES, tag_groups=groups, tags=[TEST_PRJ])
    assert [g["id"] for g in view.tag_groups()] == ["g-test", "g-x"]
    assert view.tag_resolver().tag_group_id("Unused") == "g-x"
    assert view.tag_resolver().tag_id(None, "Legacy") is None


# -- the same questions to four views of one sandbox workspace ----------------------------------------------


TYPES = [
    "Application",
    "DataObject",
    "ITComponent",
    "Project",
]  # a snapshot of every type would take longer than the test


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    with Sandbox(SandboxOptions(size=300, seed=5)) as sandbox:
        client = LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN))
        ws = Workspace(client, progress=False)
        target = tmp_path_factory.mktemp("views") / "snap"
        ws.snapshot(target, types=TYPES)
        today = sandbox.store.today
        store = sandbox.store
        built = {
            "store": StoreView(store),  # every type: answers are compared on TYPES
            "nodes": NodesView([r for t in TYPES for r in store.factsheets(t)], today=today),
            "snapshot": SnapshotView(kit.load_snapshot(target), today=today),
            "live": LiveView(ws, TYPES, today=today),
        }
        for view in built.values():  # load everything while the server runs
            view.records()
            view.tags()
        yield store, built
        client.close()


def scopes(store) -> list[tuple[str | None, dict]]:
    region = next(g for g in store.tag_groups.values() if g["name"] == "Region")
    emea = next(t for t in store.tags.values() if t["name"] == "EMEA")
    user = next(
        e.node["user"]["id"] for r in store.factsheets("Project") for e in r["subscriptions"]["edges"]
    )

    def one(key, keys, operator="OR", **extra):
        return {"facetFilters": [{"facetKey": key, "operator": operator, "keys": keys, **extra}], "ids": []}

    return [
        (None, one("FactSheetTypes", ["Project", "Application"])),
        (None, one(region["id"], [emea["id"]])),
        ("Application", one("businessCriticality", ["missionCritical", "__missing__"])),
        ("Application", one("lifecycle", ["active"])),
        ("Application", one("lifecycle", ["phaseOut"], dateFilter={"type": "RANGE", "from": "2027-01-01"})),
        ("Application", one("relApplicationToITComponent", ["__missing__"])),
        (
            "Application",
            one(
                "relApplicationToBusinessCapability",
                [],
                relationFieldsFilter=[{"fieldName": "supportType", "values": ["leading"]}],
            ),
        ),
        (None, one("Subscriptions", [user])),
        ("Project", one("_TAGS_", [emea["id"]], "NOR")),
        (None, one("DataQuality", ["_noResponsible_"])),
        (None, one("TrashBin", ["archived"])),
        ("ITComponent", one("category", ["saas"])),
        (None, {"fullTextSearch": "cloud"}),
    ]


def test_views_select_the_same_fact_sheets(views):
    store, built = views
    compared = {r["id"] for t in TYPES for r in store.factsheets(t)}
    for fs_type, scope in scopes(store):
        answers = {
            name: {r["id"] for r in view.select(scope, fs_type)} & compared for name, view in built.items()
        }
        expected = answers["store"]
        assert expected, scope
        assert answers == dict.fromkeys(built, expected), scope


def test_views_agree_on_records(views):
    store, built = views
    apps = [r for r in store.factsheets("Application") if r["externalId"]]
    for name, view in built.items():
        assert {r["id"] for r in view.records()} >= {r["id"] for t in TYPES for r in store.factsheets(t)}, (
            name
        )
        assert len(view.records("Application")) == sum(1 for _ in store.factsheets("Application")), name
        for app in apps[:25]:
            found = view.find_external("Application", "externalId", app["externalId"]["externalId"])
            assert found is not None and found["id"] == app["id"], name
            record = view.record(app["id"])
            assert (record["name"], record["status"], record["lxState"]) == (
                app["name"],
                app["status"],
                app["lxState"],
            )
            assert record["lifecycle"] == app["lifecycle"] or dict(record["lifecycle"]) == {
                "asString": app["lifecycle"]["asString"],
                "phases": [dict(p) for p in app["lifecycle"]["phases"]],
            }, name
            assert [t["id"] for t in record["tags"]] == [t["id"] for t in app["tags"]], name
            subs = [(e["node"]["user"]["id"], e["node"]["type"]) for e in record["subscriptions"]["edges"]]
            assert subs == [(e.node["user"]["id"], e.node["type"]) for e in app["subscriptions"]["edges"]], (
                name
            )
            rels = [
                e["node"]["factSheet"]["id"]
                for e in (record.get("relApplicationToITComponent") or {}).get("edges", [])
            ]
            assert rels == [e.node["factSheet"]["id"] for e in app["relApplicationToITComponent"]["edges"]], (
                name
            )


def test_views_resolve_tag_names_alike(views):
    store, built = views
    used = {t["id"]: t for ft in TYPES for r in store.factsheets(ft) for t in r["tags"]}
    for name, view in built.items():
        resolver = view.tag_resolver()
        for tag in used.values():
            group = tag["tagGroup"]["name"] if tag["tagGroup"] else None
            assert resolver.tag_id(group, tag["name"]) == tag["id"], name
            if group:
                assert resolver.tag_group_id(group) == tag["tagGroup"]["id"], name
        assert set(used) <= {t["id"] for t in view.tags()}, name
        subscribers = {
            e.node["user"]["id"]
            for t in TYPES
            for r in store.factsheets(t)
            for e in r["subscriptions"]["edges"]
        }
        assert subscribers <= {u["id"] for u in view.users()}, name


def test_snapshot_view_builds_plain_values(views):
    _store, built = views
    snapshot = built["snapshot"]
    record = next(r for r in snapshot.records("Application") if r["externalId"] and r["completion"])
    assert isinstance(record["createdAt"], str) and record["createdAt"].endswith("Z")
    assert set(record["completion"]) == {"completion", "percentage"}
    assert isinstance(record["type"], str) and isinstance(record["status"], str)
    assert record["externalId"]["externalId"].startswith("APP-")
    assert isinstance(record["numberOfUsers"], int | None) and isinstance(
        record["totalAnnualCost"], float | None
    )
    data_object = next(r for r in snapshot.records("DataObject") if r["personalData"])
    assert isinstance(data_object["personalData"], list) and all(
        isinstance(v, str) for v in data_object["personalData"]
    )
    assert snapshot.records("NoSuchType") == []


def test_open_view_reads_live_none_or_a_snapshot_folder(sandbox_env, ws, tmp_path):
    from kit import open as open_view

    assert open_view(None) is None and open_view("") is None and open_view(" None ") is None
    live = open_view("live")
    assert isinstance(live, kit.Workspace)
    assert live.client.base_url == sandbox_env.url
    folder = ws.snapshot(tmp_path / "snap", types=["Project"])
    offline = open_view(str(folder))
    assert isinstance(offline, kit.Snapshot)
    projects = ws.factsheets("Project", include_archived=True)
    assert sorted(offline.factsheets("Project", include_archived=True)["id"]) == sorted(projects["id"])
    with pytest.raises(kit.SnapshotError):
        open_view(str(tmp_path / "no_such_snapshot"))

"""The demo workspace generator and the store it fills: determinism, realism, consistency."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kit.sandbox.demo import REFERENCE_DATE, allocate, generate_workspace, uuid4_from_bits
from kit.sandbox.metamodel import DEFAULT_METAMODEL
from kit.sandbox.store import EMPTY_CONNECTION, Store, StoreError

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def store() -> Store:
    return generate_workspace(2000, seed=7)


def snapshot(s: Store) -> list[tuple]:
    rows = [(r["id"], r["type"], r["name"], r["description"], r["updatedAt"]) for r in s.factsheets()]
    rels = [(r.id, r.name, r.source_id, r.target_id) for r in s.relations()]
    return [s.workspace_id, rows, rels, sorted(s.tags), sorted(u["email"] for u in s.users.values())]


def test_same_seed_same_store_other_seed_other_store():
    first, again, other = generate_workspace(300, 3), generate_workspace(300, 3), generate_workspace(300, 4)
    assert snapshot(first) == snapshot(again)
    assert first.version == again.version
    assert {r["id"] for r in first.factsheets()}.isdisjoint(r["id"] for r in other.factsheets())
    assert [r["name"] for r in first.factsheets()] != [r["name"] for r in other.factsheets()]


def test_ids_are_uuid4_from_the_seeded_generator(store):
    import uuid

    assert all(UUID.match(r["id"]) for r in store.factsheets())
    assert all(UUID.match(r.id) for r in store.relations())
    bits = 0x0123456789ABCDEF0123456789ABCDEF
    assert uuid4_from_bits(bits) == str(uuid.UUID(int=bits, version=4))


def test_size_and_proportions(store):
    counts = store.count_by_type(include_archived=True)
    assert sum(counts.values()) == len(store) == 2000
    assert sorted(counts, key=counts.get, reverse=True)[:2] == ["ITComponent", "Application"]
    assert all(n > 0 for n in counts.values())
    assert counts["Interface"] > counts["BusinessCapability"] > counts["Objective"]
    assert sum(allocate(7, DEFAULT_METAMODEL).values()) == 7
    assert sum(allocate(123_457, DEFAULT_METAMODEL).values()) == 123_457


def test_names_are_unique_per_type_and_realistic(store):
    for type_name in DEFAULT_METAMODEL.type_names:
        names = [r["name"] for r in store.factsheets(type_name)]
        assert len(names) == len(set(names)), type_name
    providers = {r["name"] for r in store.factsheets("Provider")}
    assert {"Oracle", "Microsoft", "SAP"} <= providers
    itcs = [r["name"] for r in store.factsheets("ITComponent")]
    assert any(n.startswith("Oracle Database ") for n in itcs)
    numbered = [n for n in itcs if re.search(r" \(\d+\)$", n)]
    assert len(numbered) < len(itcs) * 0.2


def test_gaps_archived_and_past_end_of_life(store):
    records = list(store.factsheets())
    no_description = sum(r["description"] is None for r in records) / len(records)
    assert 0.08 < no_description < 0.25
    archived = sum(r["status"] == "ARCHIVED" for r in records) / len(records)
    assert 0.01 < archived < 0.06
    apps = list(store.factsheets("Application"))
    no_lifecycle = sum(r["lifecycle"] is None for r in apps) / len(apps)
    assert 0.03 < no_lifecycle < 0.2
    ref = REFERENCE_DATE.isoformat()
    past_eol = [
        r
        for r in apps
        if r["lifecycle"]
        and any(p["phase"] == "endOfLife" and p["startDate"] <= ref for p in r["lifecycle"]["phases"])
    ]
    assert past_eol and all(r["lifecycle"]["asString"] == "endOfLife" for r in past_eol)
    assert any(r["lifecycle"] and r["lifecycle"]["phases"][0]["startDate"] > ref for r in apps)
    assert any(r["businessCriticality"] is None for r in apps)
    assert len({r["businessCriticality"] for r in apps}) == 5
    assert 0.6 < sum(r["externalId"] is not None for r in apps) / len(apps) < 0.95
    assert {r["lxState"] for r in records} == {"APPROVED", "DRAFT", "BROKEN_QUALITY_SEAL", "REJECTED"}
    completions = {r["completion"]["completion"] for r in records}
    assert min(completions) < 0.5 < max(completions) <= 1


def test_record_shape(store):
    app = next(r for r in store.factsheets("Application") if r["lifecycle"] and r["tags"] and r["externalId"])
    assert app["__typename"] == app["type"] == "Application"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", app["createdAt"])
    assert app["createdAt"] <= app["updatedAt"] <= "2026-11-01"
    assert app["completion"]["percentage"] == round(app["completion"]["completion"] * 100)
    assert set(app["lifecycle"]) == {"asString", "phases"}
    assert all(re.match(r"^\d{4}-\d\d-01$", p["startDate"]) for p in app["lifecycle"]["phases"])
    assert set(app["externalId"]) == {"externalId", "externalUrl", "comment", "status"}
    tag = app["tags"][0]
    assert set(tag) == {"id", "name", "description", "color", "status", "tagGroup"}
    for conn in DEFAULT_METAMODEL.relations_of("Application"):
        assert app[conn]["totalCount"] == len(app[conn]["edges"])
    assert store.factsheets_by_id[app["id"]] is store.factsheet(app["id"]) is app


def test_relations_are_consistent_in_both_directions(store):
    seen = Counter()
    for rel in store.relations():
        src, dst = store.factsheet(rel.source_id), store.factsheet(rel.target_id)
        assert rel.node["factSheet"] is dst and rel.reverse_node["factSheet"] is src
        assert any(e["node"] is rel.node for e in src[rel.name]["edges"])
        reverse_name = rel.reverse_node["type"]
        assert any(e["node"] is rel.reverse_node for e in dst[reverse_name]["edges"])
        assert src["status"] == dst["status"] == "ACTIVE"
        seen[rel.name] += 1
    for rdef in DEFAULT_METAMODEL.relations:
        assert seen[rdef.name] > 0, rdef.name
    fan_out = [r["relApplicationToITComponent"]["totalCount"] for r in store.factsheets("Application")]
    assert max(fan_out) <= 6 and sum(fan_out) / len(fan_out) > 1.5
    reverse = list(store.relations("relITComponentToApplication"))
    assert reverse and all(store.factsheet(r.source_id)["type"] == "ITComponent" for r in reverse)


def test_business_capabilities_have_three_levels_and_paths(store):
    levels = Counter(r["level"] for r in store.factsheets("BusinessCapability") if r["status"] == "ACTIVE")
    assert set(levels) == {1, 2, 3} and levels[1] < levels[2] < levels[3]
    leaf = next(r for r in store.factsheets("BusinessCapability") if r["level"] == 3)
    parent = leaf["relToParent"]["edges"][0]["node"]["factSheet"]
    assert leaf["displayName"] == f"{parent['displayName']} / {leaf['name']}"
    assert any(e["node"]["factSheet"] is leaf for e in parent["relToChild"]["edges"])
    assert any(r["relToParent"]["totalCount"] for r in store.factsheets("Application"))


def test_tags_users_and_subscriptions(store):
    groups = {g["name"]: g for g in store.tag_groups.values()}
    assert (
        groups["Region"]["mode"] == "SINGLE" and "Application" in groups["Region"]["restrictToFactSheetTypes"]
    )
    assert groups["Domain"]["mode"] == "MULTIPLE" and groups["Domain"]["restrictToFactSheetTypes"] == []
    test_tag = next(t for t in store.tags.values() if t["name"] == "TEST_PRJ")
    tagged = [r for r in store.factsheets() if test_tag in r["tags"]]
    assert tagged and {r["type"] for r in tagged} == {"Project"} and len(tagged) < 20
    for r in store.factsheets():
        single = [
            t["tagGroup"]["id"] for t in r["tags"] if t["tagGroup"] and t["tagGroup"]["mode"] == "SINGLE"
        ]
        assert len(single) == len(set(single))
    assert len(store.users) == 50 and len({u["email"] for u in store.users.values()}) == 50
    assert {"Business Owner", "IT Owner", "Application Owner"} <= {
        r["name"] for r in store.subscription_roles.values()
    }
    subs = [e["node"] for r in store.factsheets() for e in r["subscriptions"]["edges"]]
    assert {s["type"] for s in subs} == {"RESPONSIBLE", "ACCOUNTABLE", "OBSERVER"}
    assert any(s["roles"] for s in subs) and any(not s["roles"] for s in subs)
    unsubscribed = sum(r["subscriptions"]["totalCount"] == 0 for r in store.factsheets())
    assert 0.1 < unsubscribed / len(store) < 0.35


# -- the store's own API ---------------------------------------------------------------------------------


def small_store() -> Store:
    s = Store(workspace_name="t")
    s.add_factsheet("Application", "CRM", id="app-1", fields={"businessCriticality": "missionCritical"})
    s.add_factsheet("ITComponent", "Oracle 19c", id="itc-1", category="software")
    s.add_factsheet("BusinessCapability", "Sales", id="bc-1")
    s.add_factsheet("BusinessCapability", "Leads", id="bc-2")
    return s


def test_store_keeps_both_ends_and_bumps_version():
    s = small_store()
    before = s.version
    node = s.add_relation("relApplicationToITComponent", "app-1", "itc-1", id="rel-1", costTotalAnnual=1200)
    assert s.version == before + 1
    expected = {"id": "rel-1", "type": "relApplicationToITComponent", "costTotalAnnual": 1200.0}
    assert node == {**expected, "factSheet": s.factsheet("itc-1")}
    back = s.factsheet("itc-1")["relITComponentToApplication"]
    assert back["totalCount"] == 1 and back["edges"][0]["node"]["factSheet"]["id"] == "app-1"
    assert s.factsheet("app-1")["relToParent"] is EMPTY_CONNECTION
    with pytest.raises(StoreError, match="already related"):
        s.add_relation("relITComponentToApplication", "itc-1", "app-1")
    with pytest.raises(StoreError, match="must point to a ITComponent"):
        s.add_relation("relApplicationToITComponent", "app-1", "bc-1")
    s.remove_relation("rel-1")
    assert s.factsheet("itc-1")["relITComponentToApplication"]["totalCount"] == 0
    assert s.relation("rel-1") is None


def test_store_hierarchy_names_and_cycles():
    s = small_store()
    s.add_relation("relToParent", "bc-2", "bc-1")
    leads = s.factsheet("bc-2")
    assert (leads["level"], leads["displayName"]) == (2, "Sales / Leads")
    with pytest.raises(StoreError, match="cycle"):
        s.add_relation("relToParent", "bc-1", "bc-2")
    s.update_factsheet("bc-1", name="Selling")
    assert leads["displayName"] == "Selling / Leads"


def test_store_validates_values_and_updates():
    s = small_store()
    with pytest.raises(StoreError, match="'huge' is not a valid Application.businessCriticality"):
        s.add_factsheet("Application", "X", fields={"businessCriticality": "huge"})
    with pytest.raises(StoreError, match="has no field 'nope'"):
        s.add_factsheet("Application", "X", fields={"nope": 1})
    with pytest.raises(StoreError, match="exists already"):
        s.add_factsheet("Application", "CRM again", id="app-1")
    app = s.factsheet("app-1")
    rev, version = app["rev"], s.version
    s.update_factsheet("app-1", description="Customer relations", release="2.0", lxState="APPROVED")
    assert (app["rev"], s.version) == (rev + 1, version + 1)
    assert (app["fullName"], app["qualitySeal"]) == ("CRM 2.0", "APPROVED")
    group = s.add_tag_group("Region", mode="SINGLE", restrict_to=["Application"])
    emea, apac = (s.add_tag(n, group_id=group["id"])["id"] for n in ("EMEA", "APAC"))
    with pytest.raises(StoreError, match="one tag per fact sheet"):
        s.update_factsheet("app-1", tags=[emea, apac])
    with pytest.raises(StoreError, match="does not apply to ITComponent"):
        s.update_factsheet("itc-1", tags=[emea])
    s.update_factsheet("app-1", tags=[emea])
    assert [t["name"] for t in app["tags"]] == ["EMEA"]
    lifecycle = s.lifecycle({"active": "2020-01-01", "plan": "2019-01-01"})
    assert [p["phase"] for p in lifecycle["phases"]] == ["plan", "active"]

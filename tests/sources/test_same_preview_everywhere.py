"""Acceptance: the same preview over a live sandbox, a snapshot of it and hand-made records of the same fact
sheets gives equal frames (issue 7), for generated small workspaces with multi-select fields, relations with
fields, tags, external ids, archived fact sheets and subscriptions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sandbox.metamodel import DEFAULT_METAMODEL
from kit.sandbox.store import Store
from kit.sources import HandMadeView, LiveView, SnapshotView
from kit.sources.records import stable_id
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY

NOW = datetime(2026, 11, 2, 9, 0)
TYPES = ["Application", "DataObject", "ITComponent"]
USERS = ["ann@example.test", "bob@example.test", "cy@example.test"]
ZONES = ["Z1", "Z2"]
CRITICALITY = DEFAULT_METAMODEL.type("Application").field("businessCriticality").values
SUITABILITY = DEFAULT_METAMODEL.relation("Application", "relApplicationToITComponent").fields[3].values
PERSONAL = DEFAULT_METAMODEL.type("DataObject").field("personalData").values
USAGE = ("create", "read", "update", "delete")
STATUS = st.sampled_from(["ACTIVE", "ACTIVE", "ARCHIVED"])


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def workspaces(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few applications, IT components and data objects in the hand-made shape."""
    itcs = [
        {"type": "ITComponent", "name": f"ITC {i}", "externalId": f"itc-{i}", "status": draw(STATUS)}
        for i in range(draw(st.integers(1, 2)))
    ]
    objects = []
    for i in range(draw(st.integers(0, 2))):
        personal = draw(st.lists(st.sampled_from(PERSONAL), unique=True, max_size=2))
        objects.append({"type": "DataObject", "name": f"Data {i}", "fields": {"personalData": personal}})
    apps = []
    for i in range(draw(st.integers(1, 4))):
        app: dict[str, Any] = {"type": "Application", "name": f"App {i}", "status": draw(STATUS)}
        if draw(st.booleans()) or i == 0:
            app["externalId"] = f"app-{i}"
        crit = draw(_maybe(st.sampled_from(CRITICALITY)))
        if crit:
            app["fields"] = {"businessCriticality": crit}
        zones = draw(st.lists(st.sampled_from(ZONES), unique=True, max_size=2))
        app["tags"] = [{"group": "Zone", "name": z} for z in zones]
        if draw(st.booleans()):
            app["lifecycle"] = {
                "plan": "2025-01-01",
                "active": draw(st.sampled_from(["2026-01-01", "2027-06-01"])),
            }
        users = draw(st.lists(st.sampled_from(USERS), unique=True, max_size=2))
        app["subscriptions"] = [
            {
                "user": u,
                "type": draw(st.sampled_from(["RESPONSIBLE", "OBSERVER"])),
                "roles": ["Steward"] * (k == 0),
            }
            for k, u in enumerate(users)
        ]
        relations = []
        for itc in draw(st.lists(st.sampled_from(itcs), unique_by=lambda x: x["name"], max_size=2)):
            fields = {"technicalSuitability": draw(st.sampled_from(SUITABILITY))}
            if draw(st.booleans()):
                fields["costTotalAnnual"] = float(draw(st.integers(0, 5000)))
            relations.append(
                {"type": "relApplicationToITComponent", "target": itc["externalId"], "fields": fields}
            )
        for obj in (
            draw(st.lists(st.sampled_from(objects), unique_by=lambda x: x["name"], max_size=2))
            if objects
            else []
        ):
            usage = draw(st.lists(st.sampled_from(USAGE), unique=True, min_size=1, max_size=3))
            relations.append(
                {"type": "relApplicationToDataObject", "target": obj["name"], "fields": {"usage": usage}}
            )
        app["relations"] = relations
        apps.append(app)
    return apps + itcs + objects


@st.composite
def ldif_items(draw: st.DrawFn, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """LDIF content that updates some applications by external id and creates one."""
    known = [i["externalId"] for i in items if i["type"] == "Application" and "externalId" in i]
    itcs = [i["externalId"] for i in items if i["type"] == "ITComponent"]
    objects = [stable_id("factsheet", "DataObject", i["name"]) for i in items if i["type"] == "DataObject"]
    ids = draw(st.lists(st.sampled_from(known), unique=True, min_size=1)) + ["app-new"]
    return [
        {
            "type": "app",
            "id": ext,
            "data": {
                "name": f"{ext} renamed" if draw(st.booleans()) else f"App {ext[4:]}",
                "crit": draw(st.sampled_from(CRITICALITY)),
                "itc": draw(st.sampled_from(itcs)),
                "fit": draw(st.sampled_from(SUITABILITY)),
                "zone": draw(st.sampled_from(ZONES)),
                "user": draw(st.sampled_from([*USERS, "new@example.test"])),
                "dataObject": draw(st.sampled_from(objects)) if objects else None,
                "personal": draw(st.sampled_from(PERSONAL)),
            },
        }
        for ext in ids
    ]


def _update(key: str, expr: str) -> dict[str, Any]:
    return {"key": {"expr": key}, "values": [{"expr": expr}]}


EXTERNAL = {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}}
CONFIG = {
    "connectorType": "same",
    "connectorId": "same-preview",
    "connectorVersion": "1.0.0",
    "processingDirection": "inbound",
    "processingMode": "full",
    "deletionScope": {
        "maximumDeletionRatio": {"factSheets": 100},
        "factSheets": [
            {
                "scope": {
                    "facetFilters": [
                        {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]},
                        {
                            "facetKey": "${integration.tags.getTagGroupId('Zone')}",
                            "operator": "OR",
                            "keys": ["${integration.tags.getTagId('Zone','Z1')}"],
                        },
                    ],
                    "ids": [],
                }
            }
        ],
    },
    "processors": [
        {
            "processorType": "inboundFactSheet",
            "processorName": "Apps",
            "type": "Application",
            "filter": {"exactType": "app"},
            "identifier": EXTERNAL,
            "run": 0,
            "updates": [_update("name", "${data.name}"), _update("businessCriticality", "${data.crit}")],
        },
        {
            "processorType": "inboundRelation",
            "processorName": "App to ITC",
            "type": "relApplicationToITComponent",
            "filter": {"exactType": "app"},
            "run": 1,
            "from": EXTERNAL,
            "to": {"external": {"id": {"expr": "${data.itc}"}, "type": {"expr": "externalId"}}},
            "updates": [_update("technicalSuitability", "${data.fit}")],
        },
        {
            "processorType": "inboundTag",
            "processorName": "Zone",
            "filter": {"exactType": "app"},
            "identifier": EXTERNAL,
            "run": 1,
            "updates": [_update("group.name", "Zone"), _update("name", "${data.zone}")],
        },
        {
            "processorType": "inboundSubscription",
            "processorName": "Owner",
            "filter": {"exactType": "app"},
            "identifier": EXTERNAL,
            "run": 1,
            "updates": [
                _update("user", "${data.user}"),
                _update("subscriptionType", "RESPONSIBLE"),
                {
                    "key": {"expr": "addSubscriptionRoles"},
                    "values": [{"map": [{"key": "roleName", "value": "Steward"}]}],
                },
            ],
        },
        {
            "processorType": "inboundRelation",
            "processorName": "App to data",
            "type": "relApplicationToDataObject",
            "filter": {"exactType": "app", "advanced": "${data.dataObject != null}"},
            "run": 1,
            "from": EXTERNAL,
            "to": {"internal": "${data.dataObject}"},
            "updates": [_update("usage", "read")],
        },
        {
            "processorType": "inboundFactSheet",
            "processorName": "Personal data",
            "type": "DataObject",
            "filter": {"exactType": "app", "advanced": "${data.dataObject != null}"},
            "identifier": {"internal": "${data.dataObject}"},
            "run": 2,
            "updates": [_update("personalData", "${data.personal}")],
        },
    ],
}


def seed(store: Store, view: HandMadeView) -> None:
    """Put the hand-made fact sheets into a sandbox store with the same ids."""
    for group in view.tag_groups():
        store.add_tag_group(group["name"], mode="MULTIPLE", id=group["id"])
    for tag in view.tags():
        store.add_tag(tag["name"], group_id=(tag["tagGroup"] or {}).get("id"), id=tag["id"])
    for user in view.users():
        store.add_user(user["firstName"], user["lastName"], user["email"], id=user["id"])
    for role in view.roles:
        store.add_subscription_role(role["name"], id=role["id"])
    records = view.records()
    for rec in records:
        fields = {f.name: rec.get(f.name) for f in DEFAULT_METAMODEL.type(rec["type"]).fields}
        if rec.get("lifecycle"):
            fields["lifecycle"] = {p["phase"]: p["startDate"] for p in rec["lifecycle"]["phases"]}
        fields["externalId"] = (
            (rec.get("externalId") or {}).get("externalId") if "externalId" in fields else None
        )
        store.add_factsheet(
            rec["type"], rec["name"], id=rec["id"], status=rec["status"], tags=[t["id"] for t in rec["tags"]],
            fields={k: v for k, v in fields.items() if v is not None},
        )  # fmt: skip
    for rec in records:
        for edge in rec["subscriptions"]["edges"]:
            sub = edge["node"]
            store.subscribe(
                rec["id"], sub["user"]["id"], sub["type"], [r["id"] for r in sub["roles"]], id=sub["id"]
            )
        for name in ("relApplicationToITComponent", "relApplicationToDataObject"):
            for edge in (rec.get(name) or {}).get("edges", []):
                node = edge["node"]
                fields = {k: v for k, v in node.items() if k not in ("id", "type", "factSheet")}
                store.add_relation(name, rec["id"], node["factSheet"]["id"], id=node["id"], **fields)


TIMING = re.compile(r".*(Duration|Time)$")
"""Columns of the run statistics that measure the machine (they differ run to run on any source)."""


def comparable(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {n: f.drop(columns=[c for c in f.columns if TIMING.fullmatch(str(c))]) for n, f in frames.items()}


RELATIONS = ("relApplicationToITComponent", "relITComponentToApplication", "relApplicationToDataObject",
             "relDataObjectToApplication")  # fmt: skip


def essentials(record: Any) -> dict[str, Any]:
    """What a preview may read of a record, in plain values (connections as sorted lists)."""
    subs = [
        (e["node"]["id"], e["node"]["type"], e["node"]["user"]["id"], e["node"]["user"]["email"],
         sorted((r["id"], r["name"]) for r in e["node"]["roles"]))
        for e in record["subscriptions"]["edges"]
    ]  # fmt: skip
    out = {
        "id": record["id"], "type": record["type"], "name": record["name"], "status": record["status"],
        "externalId": (record.get("externalId") or {}).get("externalId"),
        "tags": sorted(t["id"] for t in record["tags"]),
        "lifecycle": record.get("lifecycle") and {"asString": record["lifecycle"]["asString"],
                                                   "phases": [dict(p) for p in record["lifecycle"]["phases"]]},
        "subscriptions": sorted(subs),
        "businessCriticality": record.get("businessCriticality"),
        "personalData": record.get("personalData"),
    }  # fmt: skip
    for name in RELATIONS:
        edges = (record.get(name) or {}).get("edges") or []
        out[name] = sorted(
            (e["node"]["id"], e["node"]["factSheet"]["id"],
             sorted((k, v) for k, v in e["node"].items() if k not in ("id", "type", "factSheet") and v is not None))
            for e in edges
        )  # fmt: skip
    return out


@settings(max_examples=15)
@given(data=st.data())
def test_the_same_preview_over_live_snapshot_and_hand_made_records(
    data: st.DataObject, tmp_path_factory
) -> None:
    items = data.draw(workspaces())
    content = data.draw(ldif_items(items))
    ldif = {"connectorType": "same", "connectorId": "same-preview", "connectorVersion": "1.0.0",
            "lxVersion": "1.0.0", "processingMode": "full", "content": content}  # fmt: skip
    with Sandbox(SandboxOptions(size=0, seed=3)) as sandbox:
        today = sandbox.store.today
        hand_made = HandMadeView(items, metamodel=DEFAULT_METAMODEL, users="any", today=today)
        seed(sandbox.store, hand_made)
        with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            ws = Workspace(client, progress=False)
            folder = ws.snapshot(tmp_path_factory.mktemp("same") / "snap", types=TYPES)
            sources = {
                "live": LiveView(ws, TYPES, today=today),
                "snapshot": SnapshotView(kit.load_snapshot(folder), today=today),
                "hand-made": hand_made,
            }
            facts = {name: [essentials(r) for t in TYPES for r in sorted(s.records(t), key=lambda r: r["id"])]
                     for name, s in sources.items()}  # fmt: skip
            previews = {name: kit.preview(CONFIG, ldif, workspace=s, now=NOW) for name, s in sources.items()}
            got = {name: comparable(p.frames()) for name, p in previews.items()}
    for name in ("snapshot", "hand-made"):
        assert facts[name] == facts["live"], name
    expected = got["live"]
    assert "writes" in expected
    for name in ("snapshot", "hand-made"):
        assert list(got[name]) == list(expected), name
        for frame, live in expected.items():
            pd.testing.assert_frame_equal(got[name][frame], live, obj=f"{name}: {frame}")

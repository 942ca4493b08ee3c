"""Hand-made workspaces: the documented shape, stable ids, reverse relations, users and checked keys."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

import kit
from kit.leanix import MetaModel
from kit.sandbox.metamodel import DEFAULT_METAMODEL
from kit.sources import HandMadeView, NodesView, RecordShapeError, as_source
from kit.sources.records import stable_id

TODAY = date(2025, 1, 1)
CRM = {
    "type": "Application",
    "name": "CRM",
    "externalId": "app-1",
    "status": "ARCHIVED",
    "tags": [{"group": "Region", "name": "EU"}, {"name": "Legacy"}],
    "lifecycle": {"plan": "2023-01-01", "active": "2024-01-01", "endOfLife": "2030-01-01"},
    "subscriptions": [{"user": "ann@example.com", "type": "RESPONSIBLE", "roles": ["Owner"]}],
    "relations": [
        {
            "type": "relApplicationToITComponent",
            "target": "itc-1",
            "fields": {"technicalSuitability": "adequate", "costTotalAnnual": 1200},
            "activeFrom": "2024-02-01",
        }
    ],
    "fields": {"businessCriticality": "missionCritical", "alias": "crm"},
}
ORACLE = {"type": "ITComponent", "name": "Oracle DB", "externalId": "itc-1"}


def view(*items, **options) -> HandMadeView:
    options.setdefault("metamodel", DEFAULT_METAMODEL)
    options.setdefault("users", ["ann@example.com"])
    return HandMadeView(list(items), today=TODAY, **options)


def test_a_hand_made_fact_sheet_becomes_a_record_with_stable_ids():
    crm = view(CRM, ORACLE).find_external("Application", "externalId", "app-1")
    assert crm is not None and crm["name"] == "CRM" and crm["status"] == "ARCHIVED"
    assert crm["id"] == stable_id("factsheet", "Application", "app-1")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", crm["id"])
    assert view(CRM, ORACLE).record(crm["id"])["id"] == crm["id"]  # the same on every build
    assert crm["externalId"] == {
        "externalId": "app-1",
        "externalUrl": None,
        "comment": None,
        "status": "ACTIVE",
    }
    assert crm["businessCriticality"] == "missionCritical" and crm["alias"] == "crm"
    assert crm["functionalSuitability"] is None  # every field of the type, None when unset
    assert crm["lifecycle"] == {
        "asString": "active",
        "phases": [
            {"phase": "plan", "startDate": "2023-01-01"},
            {"phase": "active", "startDate": "2024-01-01"},
            {"phase": "endOfLife", "startDate": "2030-01-01"},
        ],
    }
    assert [(t["name"], t["tagGroup"] and t["tagGroup"]["name"]) for t in crm["tags"]] == [
        ("EU", "Region"),
        ("Legacy", None),
    ]
    sub = crm["subscriptions"]["edges"][0]["node"]
    assert (sub["type"], sub["user"]["email"], [r["name"] for r in sub["roles"]]) == (
        "RESPONSIBLE",
        "ann@example.com",
        ["Owner"],
    )


def test_relations_get_their_reverse_side_with_the_same_fields():
    built = view(CRM, ORACLE)
    crm = built.find_external("Application", "externalId", "app-1")
    oracle = built.find_external("ITComponent", "externalId", "itc-1")
    forward = crm["relApplicationToITComponent"]["edges"][0]["node"]
    reverse = oracle["relITComponentToApplication"]["edges"][0]["node"]
    assert forward["factSheet"]["id"] == oracle["id"] and reverse["factSheet"]["id"] == crm["id"]
    assert forward["id"] == reverse["id"]
    for node in (forward, reverse):
        assert (node["technicalSuitability"], node["costTotalAnnual"], node["activeFrom"]) == (
            "adequate",
            1200.0,
            "2024-02-01",
        )
    assert crm["relApplicationToBusinessCapability"] == {"totalCount": 0, "edges": []}


def test_without_a_meta_model_the_reverse_follows_leanix_naming():
    items = [
        {"type": "Interface", "name": "Feed", "relations": [{"type": "relInterfaceToProviderApplication",
                                                             "target": "CRM"}]},
        {"type": "Application", "name": "CRM"},
        {"type": "Application", "name": "CRM v2", "relations": [{"type": "relToParent", "target": "CRM"}]},
    ]  # fmt: skip
    built = HandMadeView(items)
    crm = next(r for r in built.records("Application") if r["name"] == "CRM")
    assert [e["node"]["factSheet"]["name"] for e in crm["relProviderApplicationToInterface"]["edges"]] == [
        "Feed"
    ]
    assert [e["node"]["factSheet"]["name"] for e in crm["relToChild"]["edges"]] == ["CRM v2"]
    assert built.metamodel is None


def test_a_relation_target_is_an_external_id_a_name_or_an_id():
    oracle_id = stable_id("factsheet", "ITComponent", "itc-1")
    for target in ("itc-1", "Oracle DB", oracle_id):
        app = {"type": "Application", "name": "A", "relations": [{"type": "relApplicationToITComponent",
                                                                  "target": target}]}  # fmt: skip
        found = view(app, ORACLE).records("Application")[0]["relApplicationToITComponent"]["edges"]
        assert [e["node"]["factSheet"]["id"] for e in found] == [oracle_id], target
    with pytest.raises(
        RecordShapeError, match=r"\[0\]\.relations\[0\]\.target: no ITComponent fact sheet .*'itc-9'"
    ):
        view({**CRM, "relations": [{"type": "relApplicationToITComponent", "target": "itc-9"}]}, ORACLE)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{**CRM, "extrnalId": "x"}], r"^\[0\]\.extrnalId: unknown key \(did you mean 'externalId'\?\)"),
        (
            [ORACLE, {**CRM, "relations": [{"tpye": "relApplicationToITComponent", "target": "itc-1"}]}],
            r"^\[1\]\.relations\[0\]\.tpye: unknown key \(did you mean 'type'\?\)",
        ),
        (
            [{"type": "Application", "name": "X", "fields": {"alias": {"type": "STRING", "value": "x"}}}],
            r"^\[0\]\.fields\.alias\.type: unknown key \(a field's kind is given as 'kind'",
        ),
        (
            [{"type": "Application", "name": "X", "colour": "red"}],
            r"^\[0\]\.colour: unknown key\. Allowed here",
        ),
        ([{"type": "Aplication", "name": "X"}], r"^\[0\]\.type: .*'Application'"),
        (
            [{"type": "Application", "name": "X", "fields": {"businessCriticality": "critical"}}],
            r"^\[0\]\.fields\.businessCriticality: 'critical' is not a value",
        ),
        (
            [{"type": "Application", "name": "X", "fields": {"busnessCriticality": "x"}}],
            r"did you mean 'businessCriticality'",
        ),
        (
            [{"type": "Application", "name": "X", "lifecycle": {"activ": "2024-01-01"}}],
            r"lifecycle\.activ: no such phase",
        ),
        (
            [{"type": "Application", "name": "X", "tags": [{"group": "Region", "nam": "EU"}]}],
            r"tags\[0\]\.nam: unknown key",
        ),
        (
            [{"type": "Application", "name": "X"}, {"type": "Application", "name": "X"}],
            r"^\[1\] has the same id",
        ),
    ],
)
def test_a_misspelt_or_unknown_key_is_an_error_with_its_path(items, message):
    with pytest.raises(RecordShapeError, match=message):
        view(*items)


def test_per_field_kinds_without_a_meta_model():
    item = {"type": "Application", "name": "A", "fields": {
        "rmExternalId": {"kind": "EXTERNALID", "value": "rm-7"},
        "tech": {"kind": "MULTIPLE_SELECT", "value": ["java", "sql"]},
        "cost": {"kind": "DOUBLE", "value": 3},
    }}  # fmt: skip
    built = HandMadeView([item])
    assert built.find_external("Application", "rmExternalId", "rm-7")["name"] == "A"
    record = built.records()[0]
    assert record["tech"] == ["java", "sql"] and record["cost"] == 3.0
    with pytest.raises(RecordShapeError, match=r"fields\.tech is 'java'; a multiple select value is a list"):
        HandMadeView(
            [
                {
                    "type": "Application",
                    "name": "A",
                    "fields": {"tech": {"kind": "MULTIPLE_SELECT", "value": "java"}},
                }
            ]
        )
    with pytest.raises(RecordShapeError, match="kinds: STRING"):
        HandMadeView([{"type": "Application", "name": "A", "fields": {"x": {"kind": "TEXT", "value": "a"}}}])


def test_users_are_declared_or_any_email_is_chosen_explicitly():
    with pytest.raises(
        RecordShapeError, match=r"subscriptions\[0\]\.user: 'ann@example.com' is not a declared user"
    ):
        view(CRM, ORACLE, users=None)
    declared = view(CRM, ORACLE, users=[{"email": "ann@example.com", "firstName": "Ann", "lastName": "Lee"}])
    assert [(u["email"], u["firstName"], u["lastName"]) for u in declared.users()] == [
        ("ann@example.com", "Ann", "Lee")
    ]
    anyone = view(CRM, ORACLE, users="any")
    assert [u["email"] for u in anyone.users()] == ["ann@example.com"]
    with pytest.raises(RecordShapeError, match="users='any'"):
        view(CRM, ORACLE, users="all")


def test_as_source_reads_hand_made_lists_and_keeps_node_shaped_ones():
    assert isinstance(as_source([CRM, ORACLE]), HandMadeView)
    nodes = [{"id": "p1", "type": "Project", "name": "P1", "externalId": {"externalId": "prj-1"}}]
    assert type(as_source(nodes)) is NodesView


CONFIG = {
    "connectorType": "t",
    "connectorId": "t",
    "connectorVersion": "1.0.0",
    "processingDirection": "inbound",
    "processingMode": "partial",
    "processors": [
        {
            "processorType": "inboundFactSheet",
            "processorName": "Projects",
            "type": "Project",
            "filter": {"exactType": "project"},
            "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
            "updates": [{"key": {"expr": "name"}, "values": [{"expr": "${data.name}"}]}],
        }
    ],
}
LDIF = {
    "connectorType": "t",
    "connectorId": "t",
    "connectorVersion": "1.0.0",
    "lxVersion": "1.0.0",
    "content": [{"type": "project", "id": "prj-1", "data": {"name": "Renamed"}}],
}


@pytest.mark.parametrize("workspace", ["nodes", "hand-made"])
def test_a_plain_string_external_id_is_matched_so_the_preview_predicts_an_update(workspace):
    # Before the redesign NodesView ignored "externalId": "prj-1": the preview predicted a create (a duplicate).
    if workspace == "nodes":
        source = NodesView(
            [{"id": "p1", "type": "Project", "name": "P1", "status": "ACTIVE", "externalId": "prj-1"}]
        )
    else:
        source = view({"type": "Project", "name": "P1", "externalId": "prj-1"})
    preview = kit.preview(CONFIG, LDIF, workspace=source, now=datetime(2025, 1, 1))
    writes = preview.writes
    assert list(writes["action"].astype(str)) == ["update"]
    assert list(writes["target_id"]) == [source.find_external("Project", "externalId", "prj-1")["id"]]
    assert (writes["before"].iloc[0], writes["after"].iloc[0]) == ("P1", "Renamed")


def test_the_meta_model_is_the_views():
    assert view(ORACLE).metamodel is DEFAULT_METAMODEL
    assert isinstance(DEFAULT_METAMODEL, MetaModel)

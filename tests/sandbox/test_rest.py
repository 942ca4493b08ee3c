"""The sandbox's Pathfinder REST and MTM user endpoints (docs/sandbox.md §4) over loopback HTTP.

A hand-built workspace serves most tests, so every expected value below is written by hand; the shapes are
those of LeanIX's Java SDK models (FactSheetResponse, FactSheetListResponse, FieldnameAndData, Tag.bgColor,
Subscription.linkedRoles, DataModel).
"""

from __future__ import annotations

from datetime import date

import pytest
import requests

from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sandbox.store import Store

PF = "/services/pathfinder/v1"
WS = "11111111-1111-4111-8111-111111111111"
USER = "22222222-2222-4222-8222-222222222222"


def _workspace() -> Store:
    s = Store(workspace_id=WS, workspace_name="REST test", today=date(2025, 6, 1))
    group = s.add_tag_group("Region", id="tg-1", short_name="RGN")
    s.add_tag("EMEA", group_id=group["id"], color="#ff0000", id="tag-1")
    s.add_user("Anna", "Schmidt", "anna.schmidt@example.com", id=USER)
    role = s.add_subscription_role("Business Owner", subscription_type="ACCOUNTABLE", id="role-1")
    s.add_factsheet(
        "Application",
        "CRM",
        id="app-1",
        description="Customer data",
        category="businessApplication",
        tags=["tag-1"],
        fields={
            "businessCriticality": "missionCritical",
            "lifecycle": {"active": "2020-01-01", "endOfLife": "2030-01-01"},
            "externalId": "APP-1",
            "numberOfUsers": 120,
        },
    )
    s.add_factsheet("ITComponent", "Linux", id="itc-1")
    s.add_factsheet("ITComponent", "Linux 9", id="itc-2")
    s.add_factsheet("ITComponent", "Old Box", id="itc-3", status="ARCHIVED")
    s.add_factsheet("BusinessCapability", "Sales", id="bc-1")
    s.add_relation("relToParent", "itc-2", "itc-1", id="rel-p")
    s.add_relation(
        "relApplicationToBusinessCapability",
        "app-1",
        "bc-1",
        id="rel-1",
        supportType="leading",
        activeFrom="2021-01-01",
    )
    s.add_relation("relApplicationToITComponent", "app-1", "itc-2", id="rel-2")
    sub = s.subscribe("app-1", USER, "ACCOUNTABLE", [role["id"]], id="sub-1")
    # a role's comment belongs to the subscription (LeanIX: subscriptions { roles { id name comment } })
    sub["roles"] = ({**role, "comment": "Deputy during leave"},)
    s.documents["app-1"] = {
        "Runbook": {
            "id": "doc-1",
            "name": "Runbook",
            "url": "https://wiki.example/crm",
            "documentType": "website",
        }
    }
    return s


@pytest.fixture(scope="module")
def server():
    with Sandbox(SandboxOptions(), store=_workspace()) as sb:
        yield sb


@pytest.fixture(scope="module")
def http(server):
    token = requests.post(
        f"{server.url}/services/mtm/v1/oauth2/token",
        auth=("apitoken", SANDBOX_TOKEN),
        data={"grant_type": "client_credentials"},
        timeout=10,
    ).json()["access_token"]
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        yield session


def _get(server, http, path: str, **params):
    return http.get(f"{server.url}{path}", params=params, timeout=10)


def test_fact_sheet_envelope_and_values(server, http):
    answer = _get(server, http, f"{PF}/factSheets/app-1")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["type"], body["errorMessage"], body["errors"]) == (
        "OK",
        "FactSheet",
        None,
        [],
    )
    fs = body["data"]
    assert (fs["id"], fs["name"], fs["type"], fs["description"]) == (
        "app-1",
        "CRM",
        "Application",
        "Customer data",
    )
    assert fs["tags"] == [
        {
            "id": "tag-1",
            "name": "EMEA",
            "description": None,
            "bgColor": "#ff0000",
            "status": "ACTIVE",
            "tagGroup": {
                "id": "tg-1",
                "name": "Region",
                "shortName": "RGN",
                "description": None,
                "mandatory": False,
                "mode": "SINGLE",
                "restrictToFactSheetTypes": [],
            },
        }
    ]
    fields = {f["name"]: f["data"] for f in fs["fields"]}
    assert fields["category"] == {"type": "SingleSelect", "keyword": "businessApplication"}
    assert fields["businessCriticality"] == {"type": "SingleSelect", "keyword": "missionCritical"}
    assert fields["numberOfUsers"] == {"type": "IntegerValue", "value": 120}
    assert fields["lifecycle"] == {
        "type": "Lifecycle",
        "phases": [
            {"phase": "active", "startDate": "2020-01-01"},
            {"phase": "endOfLife", "startDate": "2030-01-01"},
        ],
    }
    assert fields["externalId"]["externalId"] == "APP-1"
    assert "functionalSuitability" not in fields  # unset fields are left out
    assert fs["documents"][0]["name"] == "Runbook" and fs["documents"][0]["url"] == "https://wiki.example/crm"
    assert fs["subscriptions"] == [
        {
            "id": "sub-1",
            "userId": USER,
            "type": "ACCOUNTABLE",
            "linkedRoles": [
                {
                    "roleId": "role-1",
                    "name": "Business Owner",
                    "description": None,
                    "comment": "Deputy during leave",
                }
            ],
            "roles": [
                {
                    "id": "role-1",
                    "name": "Business Owner",
                    "subscriptionType": "ACCOUNTABLE",
                    "restrictToFactSheetTypes": [],
                }
            ],
        }
    ]
    relations = {r["id"]: r for r in fs["relations"]}
    assert set(relations) == {"rel-1", "rel-2"}
    capability = relations["rel-1"]
    assert capability["type"] == "relApplicationToBusinessCapability"
    assert (capability["fromId"], capability["toId"], capability["displayNameToFS"]) == (
        "app-1",
        "bc-1",
        "Sales",
    )
    assert (capability["typeFromFS"], capability["typeToFS"]) == ("Application", "BusinessCapability")
    assert capability["activeFrom"] == "2021-01-01" and capability["activeFromPresent"] is True
    assert capability["fields"] == [
        {"name": "supportType", "data": {"type": "SingleSelect", "keyword": "leading"}}
    ]


def test_relation_types_and_fields_narrow_the_answer(server, http):
    fs = _get(
        server,
        http,
        f"{PF}/factSheets/app-1",
        relationTypes="relApplicationToITComponent",
        fields="lifecycle",
    ).json()["data"]
    assert [r["id"] for r in fs["relations"]] == ["rel-2"]
    assert fs["relations"][0]["factSheet"]["displayName"] == "Linux / Linux 9"
    assert [f["name"] for f in fs["fields"]] == ["lifecycle"]


def test_hierarchy_from_both_ends(server, http):
    child = _get(server, http, f"{PF}/factSheets/itc-2").json()["data"]
    assert (child["displayName"], child["level"]) == ("Linux / Linux 9", 2)
    parent_rel = next(r for r in child["relations"] if r["type"] == "relToParent")
    assert (parent_rel["id"], parent_rel["toId"]) == ("rel-p", "itc-1")
    parent = _get(server, http, f"{PF}/factSheets/itc-1", relationTypes="relToChild").json()["data"]
    assert [(r["type"], r["toId"]) for r in parent["relations"]] == [("relToChild", "itc-2")]


def test_unknown_fact_sheet_is_404_with_the_envelope(server, http):
    answer = _get(server, http, f"{PF}/factSheets/no-such-id")
    assert answer.status_code == 404
    body = answer.json()
    assert (body["status"], body["type"], body["data"]) == ("ERROR", "FactSheet", None)
    assert "no-such-id" in body["errorMessage"]


def test_rest_needs_a_bearer_token(server):
    answer = requests.get(f"{server.url}{PF}/factSheets/app-1", timeout=10)
    assert answer.status_code == 401


def test_list_pages_with_a_cursor(server, http):
    first = _get(server, http, f"{PF}/factSheets", type="ITComponent", pageSize=1).json()
    assert (first["status"], first["type"], first["total"]) == ("OK", "FactSheet", 2)  # itc-3 is archived
    assert [d["name"] for d in first["data"]] == ["Linux"] and first["cursor"]
    second = _get(
        server, http, f"{PF}/factSheets", type="ITComponent", pageSize=1, cursor=first["cursor"]
    ).json()
    assert [d["name"] for d in second["data"]] == ["Linux 9"] and second["cursor"] is None
    assert second["data"][0]["relations"] == []  # relations only for the relationTypes asked for
    archived = _get(server, http, f"{PF}/factSheets", type="ITComponent", archivedOnly="true").json()
    assert [d["name"] for d in archived["data"]] == ["Old Box"]
    both = _get(server, http, f"{PF}/factSheets", type="Application,BusinessCapability").json()
    assert [d["name"] for d in both["data"]] == ["CRM", "Sales"] and both["total"] == 2
    everything = _get(server, http, f"{PF}/factSheets").json()
    assert everything["total"] == 4  # app-1, itc-1, itc-2, bc-1
    related = _get(
        server, http, f"{PF}/factSheets", type="Application", relationTypes="relApplicationToITComponent"
    )
    assert [r["toId"] for r in related.json()["data"][0]["relations"]] == ["itc-2"]


@pytest.mark.parametrize(
    ("params", "quoted"),
    [
        ({"type": "Applicaton"}, "Applicaton"),
        ({"pageSize": "0"}, "pageSize"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
def test_list_refuses_bad_parameters(server, http, params, quoted):
    answer = _get(server, http, f"{PF}/factSheets", **params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["status"] == "ERROR" and quoted in body["message"]


def test_data_model(server, http):
    body = _get(server, http, f"{PF}/models/dataModel").json()
    assert (body["status"], body["type"]) == ("OK", "DataModel")
    model = body["data"]
    app = model["factSheets"]["Application"]
    assert app["fields"]["businessCriticality"] == {
        "type": "SINGLE_SELECT",
        "mandatory": False,
        "values": ["administrativeService", "businessOperational", "businessCritical", "missionCritical"],
    }
    assert app["fields"]["lifecycle"]["values"] == ["plan", "phaseIn", "active", "phaseOut", "endOfLife"]
    assert app["fields"]["numberOfUsers"]["type"] == "INTEGER"
    assert "relApplicationToITComponent" in app["relations"] and "relToParent" in app["relations"]
    rel = model["relations"]["relApplicationToBusinessCapability"]
    assert (
        rel["from"]["factSheetType"] == "Application"
        and rel["from"]["name"] == "relApplicationToBusinessCapability"
    )
    assert rel["to"] == {
        "factSheetType": "BusinessCapability",
        "name": "relBusinessCapabilityToApplication",
        "multiplicity": "MULTIPLE",
    }
    assert rel["fields"]["supportType"]["values"] == ["leading", "supporting"]
    assert set(rel["fields"]) == {
        "activeFrom",
        "activeUntil",
        "description",
        "functionalSuitability",
        "supportType",
    }
    hierarchy = model["relations"]["relITComponentToParent"]
    assert (hierarchy["from"]["name"], hierarchy["to"]["name"], hierarchy["to"]["multiplicity"]) == (
        "relToParent",
        "relToChild",
        "SINGLE",
    )
    assert "relITComponentToApplication" not in model["relations"]  # each relation once, from its source


def test_mtm_user(server, http):
    body = _get(server, http, f"/services/mtm/v1/workspaces/{WS}/users/{USER}").json()
    assert body["status"] == "OK"
    assert {
        k: body["data"][k] for k in ("id", "userName", "email", "firstName", "lastName", "displayName")
    } == {
        "id": USER,
        "userName": "anna.schmidt@example.com",
        "email": "anna.schmidt@example.com",
        "firstName": "Anna",
        "lastName": "Schmidt",
        "displayName": "Anna Schmidt",
    }


@pytest.mark.parametrize(
    "path",
    [f"/services/mtm/v1/workspaces/{WS}/users/nobody", f"/services/mtm/v1/workspaces/other-ws/users/{USER}"],
)
def test_mtm_user_unknown_is_404(server, http, path):
    answer = _get(server, http, path)
    assert answer.status_code == 404
    assert answer.json()["status"] == "ERROR" and answer.json()["data"] is None


def test_demo_workspace_has_what_rest_clients_read():
    """The demo workspace fills IT component hierarchies, documents and commented subscription roles."""
    with Sandbox(SandboxOptions(size=300, seed=3)) as sb:
        token = requests.post(
            f"{sb.url}/services/mtm/v1/oauth2/token",
            auth=("apitoken", SANDBOX_TOKEN),
            data={"grant_type": "client_credentials"},
            timeout=10,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        store = sb.store
        child = next(r for r in store.factsheets("ITComponent") if r["relToParent"]["totalCount"])
        parent = child["relToParent"]["edges"][0]["node"]["factSheet"]
        fs = requests.get(f"{sb.url}{PF}/factSheets/{child['id']}", headers=headers, timeout=10).json()[
            "data"
        ]
        assert fs["displayName"] == f"{parent['displayName']} / {child['fullName']}"
        assert [r["toId"] for r in fs["relations"] if r["type"] == "relToParent"] == [parent["id"]]
        with_docs = next(iter(store.documents))
        fs = requests.get(f"{sb.url}{PF}/factSheets/{with_docs}", headers=headers, timeout=10).json()["data"]
        assert {d["name"] for d in fs["documents"]} == set(store.documents[with_docs])
        assert all(d["url"].startswith("https://") for d in fs["documents"])
        commented = next(
            (r, e.node)
            for r in store.factsheets()
            for e in r["subscriptions"]["edges"]
            if len(e.node["roles"]) > 1 and all(role["comment"] for role in e.node["roles"])
        )
        fs = requests.get(f"{sb.url}{PF}/factSheets/{commented[0]['id']}", headers=headers, timeout=10).json()
        sub = next(s for s in fs["data"]["subscriptions"] if s["id"] == commented[1]["id"])
        assert [(r["name"], r["comment"]) for r in sub["linkedRoles"]] == [
            (r["name"], r["comment"]) for r in commented[1]["roles"]
        ]
        assert all(r["comment"] for r in sub["linkedRoles"]) and len(sub["linkedRoles"]) > 1

"""The evaluator against the sandbox's demo workspace (records in the GraphQL node shape, the sandbox meta
model passed as ``fields``) and the remaining processor types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from kit.integration.engine import evaluate
from kit.integration.plan import (
    FieldWrite,
    ImpactWrite,
    RelationWrite,
    SubscriptionWrite,
    TagWrite,
    ToDoWrite,
)
from kit.sandbox.demo import generate_workspace
from kit.sandbox.metamodel import DEFAULT_METAMODEL
from kit.sources import NodesView
from tests.builders import Inputs, update

INPUTS = Inputs("demo", "demo-1")
HEADER = INPUTS.header
NOW = datetime(2025, 6, 1, 8, 0)


@pytest.fixture(scope="module")
def store() -> Any:
    return generate_workspace(300, 5)


@pytest.fixture(scope="module")
def view(store: Any) -> NodesView:
    return NodesView(
        list(store.factsheets()),
        tag_groups=list(store.tag_groups.values()),
        users=[{"id": u["id"], "email": u["email"]} for u in store.users.values()]
        if hasattr(store, "users")
        else None,
        today=date(2025, 6, 1),
    )


def run(view: Any, *processors: dict[str, Any], items: list[dict[str, Any]], **root: Any) -> Any:
    config = {**HEADER, "processors": list(processors), **root}
    ldif = {**HEADER, "lxVersion": "1.0.0", "content": items}
    return evaluate(config, ldif, view, fields=DEFAULT_METAMODEL, now=NOW)


def test_external_ids_of_demo_applications_update_with_meta_model_kinds(store: Any, view: NodesView) -> None:
    app = next(a for a in store.factsheets("Application") if a["externalId"] and a["status"] == "ACTIVE")
    processor = {
        "processorType": "inboundFactSheet",
        "processorName": "apps",
        "type": "Application",
        "filter": {"exactType": "App"},
        "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
        "updates": [
            update("businessCriticality", "${data.crit}"),
            update("numberOfUsers", "${data.users}"),
            update("totalAnnualCost", "${data.cost}"),
            update("lifecycle.phaseOut", "${data.out}"),
            update("hostingType", "cloud"),
            update("colour", "red"),
        ],
    }
    item = {
        "id": app["externalId"]["externalId"],
        "type": "App",
        "data": {"crit": "missionCritical", "users": "42", "cost": "1e3", "out": "2030-01-01"},
    }
    result = run(view, processor, items=[item])
    writes = {w.key: (w.before, w.value) for w in result.plan.writes if isinstance(w, FieldWrite)}
    assert writes["businessCriticality"] == (app["businessCriticality"], "missionCritical")
    assert writes["numberOfUsers"] == (app["numberOfUsers"], 42)
    assert writes["totalAnnualCost"] == (app["totalAnnualCost"], 1000.0)
    assert writes["lifecycle.phaseOut"][1] == "2030-01-01"
    assert [(w["category"], w["message"].split(" (allowed")[0]) for w in result.warnings] == [
        ("INVALID_VALUE", "Value 'cloud' is not allowed for key 'hostingType'"),
        ("UNKNOWN_FIELD", "Field 'colour' does not exist for type Application"),
    ]
    assert {w.target.id for w in result.plan.writes} == {app["id"]}


def test_search_by_tag_facet_and_relations_between_demo_fact_sheets(store: Any, view: NodesView) -> None:
    group = next(g for g in store.tag_groups.values() if g["name"] == "Cloud Readiness")

    def in_group(tag: Any) -> bool:
        return (tag.get("tagGroup") or {}).get("id") == group["id"]

    tagged = [
        a
        for a in store.factsheets("Application")
        if a["status"] == "ACTIVE" and any(in_group(t) for t in a["tags"])
    ]
    tag_id = next(t["id"] for t in tagged[0]["tags"] if in_group(t))
    scope = {
        "facetFilters": [
            {
                "facetKey": "${integration.tags.getTagGroupId('Cloud Readiness')}",
                "operator": "OR",
                "keys": [tag_id],
            }
        ]
    }
    processor = {
        "processorType": "inboundFactSheet",
        "processorName": "tagged",
        "type": "Application",
        "filter": {"exactType": "All"},
        "identifier": {"search": {"scope": scope}},
        "updates": [update("alias", "${search.resultIndex}")],
    }
    result = run(view, processor, items=[{"id": "x", "type": "All", "data": {}}])
    expected = {a["id"] for a in tagged if any(t["id"] == tag_id for t in a["tags"])}
    assert {w.target.id for w in result.plan.writes} == expected
    assert sorted(w.value for w in result.plan.writes) == sorted(str(i) for i in range(len(expected)))

    itc = next(c for c in store.factsheets("ITComponent") if c["status"] == "ACTIVE")
    app = next(a for a in store.factsheets("Application") if a["status"] == "ACTIVE")
    relation = {
        "processorType": "inboundRelation",
        "processorName": "rel",
        "type": "relITComponentToApplication",
        "filter": {"exactType": "Rel"},
        "from": {"internal": "${data.itc}"},
        "to": {"internal": "${data.app}"},
        "updates": [update("description", "linked")],
    }
    result = run(
        view, relation, items=[{"id": "r", "type": "Rel", "data": {"itc": itc["id"], "app": app["id"]}}]
    )
    (write,) = [w for w in result.plan.writes if isinstance(w, RelationWrite)]
    assert (write.source.id, write.target.id, write.fields) == (
        itc["id"],
        app["id"],
        {"description": "linked"},
    )
    assert result.plan.touched.relations == {
        ("relITComponentToApplication", itc["id"], app["id"]),
        ("relApplicationToITComponent", app["id"], itc["id"]),
    }


def test_impacts_and_todos() -> None:
    impact = {
        "processorType": "inboundImpact",
        "processorName": "impact",
        "filter": {"exactType": "I"},
        "identifier": {"external": {"id": {"expr": "${data.app}"}, "type": {"expr": "externalId"}}},
        "updates": [
            update("groupName", "Plan"),
            {
                "key": {"expr": "impacts"},
                "values": [
                    {
                        "map": [
                            {"key": "type", "value": "FACTSHEET_SET"},
                            {"key": "fieldName", "value": "alias"},
                        ]
                    }
                ],
            },
        ],
    }
    todo = {
        "processorType": "inboundToDo",
        "processorName": "todo",
        "filter": {"exactType": "T"},
        "identifier": {"external": "${content.id}"},
        "updates": [
            update("title", "Check ${data.what}"),
            update("category", "ACTION_ITEM"),
            update("status", "OPEN"),
            update("dueDate", "2025-07-01"),
        ],
    }
    config = {**HEADER, "processors": [impact, todo]}
    ldif = {
        **HEADER,
        "lxVersion": "1.0.0",
        "content": [
            {"id": "i", "type": "I", "data": {"app": "crm"}},
            {"id": "t-9", "type": "T", "data": {"what": "owners"}},
        ],
    }
    result = evaluate(config, ldif, now=NOW)
    (imp,) = [w for w in result.plan.writes if isinstance(w, ImpactWrite)]
    assert imp.values == {"groupName": "Plan", "impacts": [{"type": "FACTSHEET_SET", "fieldName": "alias"}]}
    assert imp.target.external == ("externalId", "crm")
    (item,) = [w for w in result.plan.writes if isinstance(w, ToDoWrite)]
    assert item.values == {
        "title": "Check owners",
        "category": "ACTION_ITEM",
        "status": "OPEN",
        "dueDate": "2025-07-01",
        "externalId": "t-9",
    }
    assert item.target is None


def test_new_users_regex_groups_key_replace_and_op_add() -> None:
    subs = {
        "processorType": "inboundSubscription",
        "processorName": "subs",
        "filter": {"exactType": "S"},
        "identifier": {"internal": "${data.fs}"},
        "updates": [
            update("newUser.email", "${data.mail}"),
            update("newUser.firstName", "Ann"),
            update("subscriptionType", "RESPONSIBLE"),
            {"key": {"expr": "subscriptionRoles"}, "values": [{"expr": "${data.roles}"}]},
        ],
    }
    apps = {
        "processorType": "inboundFactSheet",
        "processorName": "apps",
        "type": "Application",
        "filter": {"exactType": "A"},
        "identifier": {"internal": "${data.fs}"},
        "updates": [
            update(
                "alias",
                {"expr": "${data.code}", "regexReplace": {"match": "^([A-Z]+)-(\\d+)$", "replace": "$2/$1"}},
            ),
            {
                "key": {"expr": "ALIAS_X", "regexReplace": {"match": "^.*$", "replace": "description"}},
                "values": [{"expr": "d"}],
            },
            update("labels", "b", "c", op="add"),
        ],
    }
    fields = {"Application": {"alias": "STRING", "labels": "MULTIPLE_SELECT"}}
    record = {
        "id": "a-1",
        "type": "Application",
        "name": "A",
        "status": "ACTIVE",
        "tags": [],
        "labels": ["a", "b"],
    }
    view = NodesView([record], today=date(2025, 6, 1))
    config = {**HEADER, "processors": [subs, apps]}
    items = [
        {
            "id": "1",
            "type": "S",
            "data": {"fs": "a-1", "mail": "ann@example.com", "roles": ["Owner", "Owner", "Expert"]},
        },
        {"id": "2", "type": "A", "data": {"fs": "a-1", "code": "APP-17"}},
    ]
    result = evaluate(
        config, {**HEADER, "lxVersion": "1.0.0", "content": items}, view, fields=fields, now=NOW
    )
    (sub,) = [w for w in result.plan.writes if isinstance(w, SubscriptionWrite)]
    assert (sub.user, sub.type, sub.roles, sub.new_user) == (
        "ann@example.com",
        "RESPONSIBLE",
        ("Owner", "Expert"),
        True,
    )
    writes = {w.key: w.value for w in result.plan.writes if isinstance(w, FieldWrite)}
    assert writes == {"alias": "17/APP", "description": "d", "labels": ["a", "b", "c"]}
    assert not [w for w in result.plan.writes if isinstance(w, TagWrite)]
    assert result.warnings == []

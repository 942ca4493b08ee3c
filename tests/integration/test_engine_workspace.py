"""The offline evaluator against a workspace: matching, before values, restore, archive, search, relations,
tags, subscriptions, documents — and the touched set deletion scopes rely on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kit.integration.engine import evaluate
from kit.integration.plan import (
    DocumentWrite,
    FactSheetRef,
    FieldWrite,
    RelationWrite,
    StatusWrite,
    SubscriptionWrite,
    TagWrite,
)
from kit.sources import NodesView
from tests.builders import EXTERNAL, Inputs, item, update

INPUTS = Inputs("ws", "ws-1")
HEADER = INPUTS.header
config = INPUTS.config
ldif = INPUTS.ldif
NOW = datetime(2025, 1, 15, 9, 30)
FIELDS = {
    "Application": {
        "alias": "STRING",
        "businessCriticality": {"kind": "SINGLE_SELECT", "values": ["low", "high"]},
        "lifecycle": "LIFECYCLE",
        "externalId": "EXTERNALID",
    },
    "ITComponent": {"externalId": "EXTERNALID", "alias": "STRING"},
}
READINESS = {"id": "g-1", "name": "Readiness", "mode": "SINGLE", "restrictToFactSheetTypes": ["Application"]}
BOSS = {"id": "u-1", "email": "boss@example.com", "userName": "boss"}
DEV = {"id": "u-2", "email": "dev@example.com", "userName": "dev"}


def edges(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"totalCount": len(nodes), "edges": [{"node": n} for n in nodes]}


def records() -> list[dict[str, Any]]:
    db = {
        "id": "itc-1",
        "type": "ITComponent",
        "name": "DB",
        "status": "ACTIVE",
        "externalId": {"externalId": "db"},
        "tags": [],
    }
    cache = {
        "id": "itc-2",
        "type": "ITComponent",
        "name": "Cache",
        "status": "ACTIVE",
        "externalId": {"externalId": "cache"},
        "tags": [],
    }
    crm = {
        "id": "app-1",
        "type": "Application",
        "name": "CRM",
        "description": "old text",
        "status": "ACTIVE",
        "alias": "crm",
        "businessCriticality": "low",
        "externalId": {"externalId": "crm", "externalUrl": None},
        "lifecycle": {"asString": "active", "phases": [{"phase": "active", "startDate": "2020-01-01"}]},
        "tags": [
            {"id": "t-1", "name": "Ready", "tagGroup": READINESS},
            {"id": "t-9", "name": "Loose", "tagGroup": None},
        ],
        "subscriptions": edges(
            {"id": "s-1", "type": "ACCOUNTABLE", "user": BOSS, "roles": [{"id": "r-1", "name": "Owner"}]}
        ),
        "relApplicationToITComponent": edges(
            {"id": "rel-1", "factSheet": {"id": "itc-1", "type": "ITComponent", "name": "DB"}},
            {"id": "rel-2", "factSheet": {"id": "itc-2", "type": "ITComponent", "name": "Cache"}},
        ),
    }
    archived = {
        "id": "app-2",
        "type": "Application",
        "name": "Legacy",
        "status": "ARCHIVED",
        "externalId": {"externalId": "legacy"},
        "tags": [{"id": "t-2", "name": "Not ready", "tagGroup": READINESS}],
        "subscriptions": edges({"id": "s-2", "type": "OBSERVER", "user": DEV, "roles": []}),
    }
    erp = {
        "id": "app-3",
        "type": "Application",
        "name": "ERP",
        "status": "ACTIVE",
        "alias": "erp",
        "externalId": None,
        "tags": [],
    }
    return [crm, archived, erp, db, cache]


def view() -> NodesView:
    # tag groups given explicitly: NodesView derives groups from tags without their mode and restriction
    return NodesView(records(), tag_groups=[READINESS], today=date(2025, 1, 15))


def apps(*updates: dict[str, Any], identifier: dict[str, Any] = EXTERNAL, **extra: Any) -> dict[str, Any]:
    return {
        "processorType": "inboundFactSheet",
        "processorName": "Apps",
        "type": "Application",
        "filter": {"exactType": "App"},
        "identifier": identifier,
        "updates": list(updates),
        **extra,
    }


def run(*processors: dict[str, Any], items: list[dict[str, Any]], **root: Any) -> Any:
    return evaluate(config(*processors, **root), ldif(*items), view(), fields=FIELDS, now=NOW)


def of(result: Any, kind: type) -> list[Any]:
    return [w for w in result.plan.writes if isinstance(w, kind)]


def test_an_existing_fact_sheet_is_updated_with_before_values() -> None:
    result = run(
        apps(
            update("description", "new text"),
            update("alias", "crm"),
            update("lifecycle.active", "2021-02-03"),
        ),
        items=[item("crm")],
    )
    ref = FactSheetRef(id="app-1", type="Application")
    assert [(w.target, w.action, w.key, w.before, w.value) for w in of(result, FieldWrite)] == [
        (ref, "update", "description", "old text", "new text"),
        (ref, "update", "alias", "crm", "crm"),
        (ref, "update", "lifecycle.active", "2020-01-01", "2021-02-03"),
    ]
    assert result.plan.touched.factsheets == {"app-1"}
    assert result.notes == []


def test_internal_id_of_an_archived_fact_sheet_restores_it() -> None:
    result = run(
        apps(update("description", "back"), identifier={"internal": "${data.id}"}),
        items=[item("x", id="app-2")],
    )
    ref = FactSheetRef(id="app-2", type="Application")
    assert result.plan.writes == [
        StatusWrite(result.plan.writes[0].origin, ref, "restore"),
        FieldWrite(result.plan.writes[0].origin, ref, "update", "description", "back", None),
    ]


def test_external_id_of_an_archived_fact_sheet_creates_a_new_one() -> None:
    result = run(apps(update("name", "Legacy again")), items=[item("legacy")])
    (write,) = of(result, FieldWrite)
    assert (write.action, write.target) == (
        "create",
        FactSheetRef(type="Application", external=("externalId", "legacy")),
    )
    assert of(result, StatusWrite) == []
    assert result.plan.touched.factsheets == set()


def test_internal_id_errors_not_found_and_type_mismatch() -> None:
    result = run(
        apps(update("name", "x"), identifier={"internal": "${data.id}"}),
        items=[item("a", id="nope"), item("b", id="itc-1")],
    )
    assert [(w["content"], w["category"], w["message"]) for w in result.warnings] == [
        ("a", "FACT_SHEET_NOT_FOUND", "No fact sheet with id 'nope' exists (identifier)"),
        (
            "b",
            "FACT_SHEET_TYPE_MISMATCH",
            "Fact sheet 'itc-1' is of type ITComponent, not Application (identifier)",
        ),
    ]


def test_mode_delete_archives_the_matched_fact_sheet() -> None:
    result = run(apps(update("name", "ignored"), mode="delete"), items=[item("crm"), item("unknown")])
    assert [(w.action, w.target.id) for w in result.plan.writes] == [("archive", "app-1")]
    assert [(w["content"], w["category"]) for w in result.warnings] == [("unknown", "FACT_SHEET_NOT_FOUND")]


def test_search_identifier_updates_every_match_with_result_index() -> None:
    search = {
        "search": {
            "scope": {
                "facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]}],
                "ids": [],
            },
            "filter": "${lx.factsheet.alias == data.alias || data.alias == '*'}",
        }
    }
    processor = apps(
        update("description", "${search.resultIndex + 1} of ${search.resultSize}: ${lx.factsheet.name}"),
        identifier=search,
        read={"fields": ["alias"]},
    )
    result = run(
        processor, items=[item("one", alias="erp"), item("all", alias="*"), item("none", alias="zzz")]
    )
    assert [(w.origin.content_id, w.target.id, w.value) for w in of(result, FieldWrite)] == [
        ("one", "app-3", "1 of 1: ERP"),
        ("all", "app-1", "1 of 2: CRM"),
        ("all", "app-3", "2 of 2: ERP"),
    ]
    assert [(w["content"], w["category"]) for w in result.warnings] == [("none", "FACT_SHEET_NOT_FOUND")]
    assert result.stats["processorStatistics"][0]["graphQLRequestCount"] == 1 + 3


def test_search_with_multiple_matches_not_allowed_updates_nothing() -> None:
    search = {
        "search": {
            "scope": {
                "facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]}]
            },
            "multipleMatchesAllowed": False,
        }
    }
    result = run(apps(update("alias", "x"), identifier=search), items=[item("a")])
    assert of(result, FieldWrite) == []
    assert result.warnings[0]["category"] == "SEARCH_MULTIPLE_MATCHES"


def test_external_then_search_then_create() -> None:
    identifier = {**EXTERNAL, "search": {"scope": {"ids": ["${data.id}"]}}}
    result = run(
        apps(update("name", "${content.id}"), identifier=identifier),
        items=[item("crm"), item("zz", id="app-3"), item("new", id="none")],
    )
    assert [(w.action, w.target.id, w.target.external) for w in of(result, FieldWrite)] == [
        ("update", "app-1", None),
        ("update", "app-3", None),
        ("create", None, ("externalId", "new")),
    ]


def test_lx_reads_the_fields_named_in_read_and_what_earlier_levels_wrote() -> None:
    first = apps(update("alias", "renamed"))
    second = {
        **apps(
            update(
                "description", "${lx.factsheet.alias}/${lx.factsheet.businessCriticality}/${lx.tags.size()}"
            )
        ),
        "run": 1,
        "read": {"fields": ["alias", "businessCriticality"], "tags": {"groups": ["Readiness"]}},
    }
    result = run(first, second, items=[item("crm")])
    assert of(result, FieldWrite)[-1].value == "renamed/low/1"


def test_relations_resolve_created_and_existing_ends_and_constraining_deletes_the_rest() -> None:
    itcs = {
        "processorType": "inboundFactSheet",
        "processorName": "ITCs",
        "type": "ITComponent",
        "filter": {"exactType": "App"},
        "identifier": {"external": {"id": {"expr": "${data.itc}"}, "type": {"expr": "externalId"}}},
        "updates": [update("name", "${data.itc}")],
    }
    relation = {
        "processorType": "inboundRelation",
        "processorName": "rel",
        "type": "relApplicationToITComponent",
        "filter": {"exactType": "App"},
        "run": 1,
        "constrainingRelations": True,
        "from": EXTERNAL,
        "to": {"external": {"id": {"expr": "${data.itc}"}, "type": {"expr": "externalId"}}},
        "updates": [update("activeFrom", "2024-01-01"), update("description", "via iAPI")],
    }
    result = run(
        itcs, relation, items=[item("crm", itc="db"), item("crm", itc="queue"), item("ghost", itc="db")]
    )
    rels = of(result, RelationWrite)
    crm = FactSheetRef(id="app-1", type="Application")
    assert [(r.action, r.source, r.target, r.fields) for r in rels] == [
        (
            "upsert",
            crm,
            FactSheetRef(id="itc-1", type="ITComponent"),
            {"activeFrom": "2024-01-01", "description": "via iAPI"},
        ),
        (
            "upsert",
            crm,
            FactSheetRef(type="ITComponent", external=("externalId", "queue")),
            {"activeFrom": "2024-01-01", "description": "via iAPI"},
        ),
        ("delete", crm, FactSheetRef(id="itc-2", type="ITComponent"), {}),
    ]
    assert rels[2].origin.content_id is None and rels[2].origin.level == 1
    assert [(w["content"], w["category"]) for w in result.warnings] == [("ghost", "FACT_SHEET_NOT_FOUND")]
    assert result.plan.touched.relations == {
        ("relApplicationToITComponent", "app-1", "itc-1"),
        ("relITComponentToApplication", "itc-1", "app-1"),
    }


def test_optional_relation_processors_do_not_warn_about_missing_ends() -> None:
    relation = {
        "processorType": "inboundRelation",
        "type": "relApplicationToITComponent",
        "filter": {"exactType": "App"},
        "optional": True,
        "from": EXTERNAL,
        "to": {"external": {"id": {"expr": "${data.itc}"}, "type": {"expr": "externalId"}}},
    }
    result = run(relation, items=[item("ghost", itc="db")])
    # not a warning: an informational record (issue 11; reference §6.2)
    assert [(w["category"], w["status"]) for w in result.warnings] == [("FACT_SHEET_NOT_FOUND", "INFO")]
    assert result.plan.writes == []


def test_tags_existing_new_single_mode_restricted_and_read_only() -> None:
    tags = {
        "processorType": "inboundTag",
        "processorName": "tags",
        "filter": {"exactType": "App"},
        "identifier": {"internal": "${data.id}"},
        "updates": [
            update("name", "${data.tag}"),
            update("group.name", "${data.group}", optional=True),
            update("tagsReadOnly", "${data.ro}", optional=True),
        ],
    }
    items = [
        item("1", id="app-1", tag="Not ready", group="Readiness"),
        item("2", id="app-1", tag="Brand new", group="Fresh"),
        item("3", id="itc-1", tag="Ready", group="Readiness"),
        item("4", id="app-3", tag="Missing", group="Readiness", ro=True),
        item("5", id="app-3", tag="Loose"),
    ]
    result = run(tags, items=items)
    crm = FactSheetRef(id="app-1", type="Application")
    erp = FactSheetRef(id="app-3", type="Application")
    assert [
        (w.action, w.target, w.group, w.tag, w.create_tag, w.create_group) for w in of(result, TagWrite)
    ] == [
        ("remove", crm, "Readiness", "Ready", False, False),
        ("add", crm, "Readiness", "Not ready", False, False),
        ("add", crm, "Fresh", "Brand new", True, True),
        ("add", erp, None, "Loose", False, False),
    ]
    assert [(w["content"], w["category"]) for w in result.warnings] == [
        ("3", "TAG_GROUP_RESTRICTED"),
        ("4", "TAG_NOT_FOUND"),
    ]
    assert result.plan.touched.tags == {("app-1", "t-2"), ("app-3", "t-9")}


def test_subscriptions_keep_an_existing_accountable_and_resolve_users() -> None:
    processor = {
        "processorType": "inboundSubscription",
        "processorName": "subs",
        "filter": {"exactType": "App"},
        "identifier": {"internal": "${data.id}"},
        "updates": [
            update("user", "${data.user}"),
            update("subscriptionType", "${data.type}"),
            {
                "key": {"expr": "addSubscriptionRoles"},
                "values": [{"map": [{"key": "roleName", "value": "${data.role}"}]}],
                "optional": True,
            },
            update("comment", "from iAPI", optional=True),
        ],
    }
    items = [
        item("1", id="app-1", user="dev@example.com", type="ACCOUNTABLE"),
        item("2", id="app-1", user="boss@example.com", type="ACCOUNTABLE", role="Architect"),
        item("3", id="app-3", user="nobody@example.com", type="OBSERVER"),
        item("4", id="app-3", user="dev@example.com", type="WATCHER"),
    ]
    result = run(processor, items=items)
    subs = of(result, SubscriptionWrite)
    assert [(s.action, s.target.id, s.user, s.type, s.roles, s.comment, s.new_user) for s in subs] == [
        ("upsert", "app-1", "boss@example.com", "ACCOUNTABLE", ("Owner", "Architect"), "from iAPI", False)
    ]
    assert [(w["content"], w["category"]) for w in result.warnings] == [
        ("1", "SUBSCRIPTION_CONFLICT"),
        ("3", "USER_NOT_FOUND"),
        ("4", "INVALID_VALUE"),
        ("4", "MISSING_KEY"),
    ]
    assert result.plan.touched.subscriptions == {("app-1", "u-1", "ACCOUNTABLE")}


def test_documents_need_a_name_and_support_delete() -> None:
    def processor(**extra: Any) -> dict[str, Any]:
        return {
            "processorType": "inboundDocument",
            "processorName": "docs",
            "filter": {"exactType": "App"},
            "identifier": EXTERNAL,
            "updates": [
                update("name", "${data.name}"),
                update("url", "${data.url}"),
                update("documentType", "website"),
            ],
            **extra,
        }

    result = run(
        processor(), items=[item("crm", name="Wiki", url="https://wiki"), item("crm", url="https://x")]
    )
    docs = of(result, DocumentWrite)
    assert [(d.action, d.target.id, d.name, d.values) for d in docs] == [
        ("createOrUpdate", "app-1", "Wiki", {"url": "https://wiki", "documentType": "website"})
    ]
    assert [(w["category"], w["status"]) for w in result.warnings] == [
        ("NO_VALUE_FOUND", "WARNING"),
        ("MISSING_KEY", "ERROR"),
    ]
    assert result.plan.touched.documents == {("app-1", "Wiki")}
    deleted = run(processor(mode="delete"), items=[item("crm", name="Wiki", url="u")])
    assert [(d.action, d.name) for d in of(deleted, DocumentWrite)] == [("delete", "Wiki")]


def test_integration_tags_resolve_ids_from_the_workspace() -> None:
    result = run(
        apps(
            update(
                "alias",
                "${integration.tags.getTagGroupId('Readiness')}/${integration.tags.getTagId('Readiness', 'Ready')}",
            )
        ),
        items=[item("crm")],
    )
    assert of(result, FieldWrite)[0].value == "g-1/t-1"


def test_read_only_processors_only_collect_variables() -> None:
    reader = apps(
        readOnly=True,
        read={"fields": ["alias"]},
        variables=[{"key": "aliases", "value": "${lx.factsheet.alias}"}],
    )
    result = run(reader, items=[item("crm"), item("nothing")])
    assert result.plan.writes == []
    assert result.variables[("aliases", 0)] == ["crm"]
    assert result.plan.touched.factsheets == {"app-1"}


def search_apps(scope: dict[str, Any], lx_filter: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"scope": scope}
    if lx_filter:
        found["filter"] = lx_filter
    return {"search": found}


APP_SCOPE = {"facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]}]}


def test_a_later_level_search_finds_fact_sheets_created_at_an_earlier_level() -> None:
    create = apps(update("name", "${data.name}"))  # level 0: new Application 'Billing' (external id bill)
    describe = {
        **apps(
            update("description", "found ${lx.factsheet.name}"),
            identifier=search_apps(APP_SCOPE, "${lx.factsheet.name == data.name}"),
        ),
        "run": 1,
    }
    result = run(create, describe, items=[item("bill", name="Billing"), item("crm", name="CRM")])
    new_ref = FactSheetRef(type="Application", external=("externalId", "bill"))
    assert [(w.action, w.target, w.key, w.value) for w in of(result, FieldWrite)] == [
        ("create", new_ref, "name", "Billing"),
        ("update", FactSheetRef(id="app-1", type="Application"), "name", "CRM"),
        ("update", new_ref, "description", "found Billing"),
        ("update", FactSheetRef(id="app-1", type="Application"), "description", "found CRM"),
    ]
    assert result.warnings == []


def test_a_search_at_the_same_level_does_not_see_that_levels_creations() -> None:
    create = apps(update("name", "${data.name}"))
    describe = apps(
        update("description", "x"), identifier=search_apps(APP_SCOPE, "${lx.factsheet.name == data.name}")
    )
    result = run(create, describe, items=[item("bill", name="Billing")])
    assert [w.key for w in of(result, FieldWrite)] == ["name"]
    assert [(w["content"], w["category"]) for w in result.warnings] == [("bill", "FACT_SHEET_NOT_FOUND")]


def test_created_fact_sheets_are_selected_by_tag_external_id_and_type_facets() -> None:
    create = apps(update("name", "${data.name}"))
    tag = {
        "processorType": "inboundTag",
        "processorName": "ready",
        "filter": {"exactType": "App"},
        "identifier": EXTERNAL,
        "run": 1,
        "updates": [update("group.name", "Readiness"), update("name", "Ready")],
    }
    ready = {
        "facetFilters": [*APP_SCOPE["facetFilters"], {"facetKey": "g-1", "operator": "OR", "keys": ["t-1"]}]
    }
    by_tag = {**apps(update("alias", "ready"), identifier=search_apps(ready)), "run": 2}
    by_external = {
        **apps(update("alias", "ext"), identifier=search_apps({"externalIds": ["externalId/${content.id}"]})),
        "filter": {"exactType": "Again"},
        "run": 2,
    }
    itcs = {**apps(update("alias", "itc"), identifier=search_apps({**APP_SCOPE, "facetFilters": [
        {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["ITComponent"]}]})), "run": 2,
        "filter": {"exactType": "Never"}}  # fmt: skip
    result = run(
        create, tag, by_tag, by_external, itcs, items=[item("bill", name="Billing"), item("bill", "Again")]
    )
    new_ref = FactSheetRef(type="Application", external=("externalId", "bill"))
    tagged = [(w.target, w.value) for w in of(result, FieldWrite) if w.key == "alias"]
    # by tag: CRM (tagged Ready in the workspace) and the new Billing (tagged at level 1); by external id: Billing
    assert tagged == [
        (FactSheetRef(id="app-1", type="Application"), "ready"),
        (new_ref, "ready"),
        (new_ref, "ext"),
    ]

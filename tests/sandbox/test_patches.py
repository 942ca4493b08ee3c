"""JSON patches on a small hand-built store, and the store's transactions that make a request all or nothing.

Values and paths follow the SAP LeanIX pages quoted in tests/sandbox/test_mutations.py; expected answers are
written by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from kit.sandbox.patches import PatchError, apply_patches
from kit.sandbox.store import Store


@pytest.fixture
def store() -> Store:
    s = Store(workspace_name="patches")
    s.add_factsheet("Application", "CRM", id="app-1")
    s.add_factsheet("Application", "CRM Child", id="app-2")
    s.add_factsheet("ITComponent", "Postgres", id="itc-1")
    s.add_factsheet("DataObject", "Customer", id="do-1")
    s.add_relation("relToParent", "app-2", "app-1", id="rel-parent")
    group = s.add_tag_group("Region", mode="MULTIPLE", id="tg-1")
    s.add_tag("Europe", group_id=group["id"], id="tag-eu")
    s.add_tag("Cloud", id="tag-cloud")
    s.add_user("Jane", "Doe", "jane.doe@example.com", id="user-1")
    s.add_subscription_role("Application Owner", id="role-1")
    s.start_event_log()
    return s


def patch(op: str, path: str, value: Any = None) -> dict[str, Any]:
    return {"op": op, "path": path, "value": value}


def refused(store: Store, fs_id: str, *patches: dict[str, Any], comment: str | None = None) -> PatchError:
    with pytest.raises(PatchError) as caught, store.transaction():
        apply_patches(store, fs_id, list(patches), comment=comment)
    return caught.value


# -- values ----------------------------------------------------------------------------------------------------
def test_a_single_value_where_a_list_is_expected(store):
    apply_patches(store, "do-1", [patch("replace", "/personalData", "hrData")])
    assert store.factsheet("do-1")["personalData"] == ["hrData"]
    apply_patches(store, "do-1", [patch("replace", "/personalData", '["contactData", "hrData", "hrData"]')])
    assert store.factsheet("do-1")["personalData"] == ["contactData", "hrData"]


def test_json_string_values_for_selects_numbers_and_states(store):
    apply_patches(
        store,
        "app-1",
        [
            patch("replace", "/businessCriticality", '"missionCritical"'),
            patch("replace", "/numberOfUsers", "250"),
            patch("replace", "/totalAnnualCost", "1234.5"),
            patch("replace", "/lxState", '"APPROVED"'),
            patch("add", "/goLiveDate", "2024-02-29"),
        ],
    )
    rec = store.factsheet("app-1")
    assert (rec["businessCriticality"], rec["numberOfUsers"], rec["totalAnnualCost"]) == (
        "missionCritical",
        250,
        1234.5,
    )
    assert (rec["lxState"], rec["qualitySeal"], rec["goLiveDate"]) == ("APPROVED", "APPROVED", "2024-02-29")


def test_patches_of_one_update_make_one_revision(store):
    rev = store.factsheet("app-1")["rev"]
    apply_patches(store, "app-1", [patch("replace", "/alias", "a"), patch("replace", "/description", "d")])
    assert store.factsheet("app-1")["rev"] == rev + 1


@pytest.mark.parametrize(
    ("p", "error_type", "message"),
    [
        (
            patch("replace", "/descriptio", "x"),
            "BUSINESS_LOGIC",
            "The path '/descriptio' is invalid in FactSheet schema Application.",
        ),
        (
            patch("replace", "/businessCriticality", "veryCritical"),
            "MODEL_COMPLIANT",
            "'veryCritical' is not a value of Application.businessCriticality; allowed: administrativeService, businessOperational, businessCritical, missionCritical.",
        ),
        (
            patch("replace", "/lifecycle", '{"phases": [{"phase": "plan"'),
            "BUSINESS_LOGIC",
            "The value for '/lifecycle' is not valid JSON (Expecting ',' delimiter at column 29): '{\"phases\": [{\"phase\": \"plan\"'",
        ),
        (
            patch("replace", "/lifecycle", '{"phases": [{"phase": "someday", "startDate": "2020-01-01"}]}'),
            "MODEL_COMPLIANT",
            "Unknown lifecycle phase(s) ['someday']; phases are plan, phaseIn, active, phaseOut, endOfLife",
        ),
        (
            patch("replace", "/numberOfUsers", "many"),
            "MODEL_COMPLIANT",
            "'/numberOfUsers' needs a whole number, got 'many'.",
        ),
        (
            patch("remove", "/name"),
            "BUSINESS_LOGIC",
            "'/name' of a Application fact sheet cannot be removed or empty; replace it instead.",
        ),
        (
            patch("move", "/name", "x"),
            "BUSINESS_LOGIC",
            "Unknown patch operation 'move' at path '/name'; use add, replace or remove.",
        ),
        (
            patch("add", "/tags", '[{"tagId": "tag-none"}]'),
            "NOT_FOUND",
            "Tag with id 'tag-none' does not exist.",
        ),
        (
            patch("add", "/relApplicationToITComponent/new_1", '{"factSheetId": "nope"}'),
            "NOT_FOUND",
            "Fact sheet with id 'nope' does not exist.",
        ),
        (
            patch("add", "/relApplicationToITComponent/new_1", '{"factSheetId": "do-1"}'),
            "MODEL_COMPLIANT",
            "relApplicationToITComponent must point to a ITComponent, not to a DataObject (do-1)",
        ),
        (
            patch("add", "/relApplicationToITComponent/new_1", '{"factSheetId": "itc-1", "color": "red"}'),
            "MODEL_COMPLIANT",
            "Relation relApplicationToITComponent has no field 'color'; it has activeFrom, activeUntil, description, technicalSuitability, costTotalAnnual",
        ),
    ],
)
def test_refusals_name_the_problem_and_leanix_error_type(store, p, error_type, message):
    error = refused(store, "app-1", p)
    assert (error.error_type, error.message, error.path) == (error_type, message, p["path"])


def test_archiving_needs_a_comment(store):
    error = refused(store, "app-1", patch("add", "/status", "ARCHIVED"))
    assert (
        error.message == "Archiving a fact sheet needs a reason: give updateFactSheet a 'comment' argument."
    )
    apply_patches(store, "app-1", [patch("add", "/status", "ARCHIVED")], comment="Irrelevant application")
    assert store.factsheet("app-1")["status"] == "ARCHIVED"


# -- tags, relations, subscriptions -------------------------------------------------------------------------------
def test_tags_by_group_and_name_and_remove_all(store):
    apply_patches(
        store,
        "app-1",
        [
            patch(
                "replace", "/tags", '[{"tagGroupName": "Region", "tagName": "Europe"}, {"tagName": "Cloud"}]'
            )
        ],
    )
    assert [t["id"] for t in store.factsheet("app-1")["tags"]] == ["tag-eu", "tag-cloud"]
    apply_patches(store, "app-1", [patch("remove", "/tags")])
    assert store.factsheet("app-1")["tags"] == []


def test_two_tags_of_a_single_group_in_one_patch_are_refused(store):
    store.add_tag_group("Cloud Readiness", mode="SINGLE", id="tg-2")
    store.add_tag("Cloud Native", group_id="tg-2", id="tag-native")
    store.add_tag("Cloud Ready", group_id="tg-2", id="tag-ready")
    error = refused(
        store, "app-1", patch("add", "/tags", '[{"tagId": "tag-native"}, {"tagId": "tag-ready"}]')
    )
    assert (error.error_type, error.message) == (
        "MODEL_COMPLIANT",
        "Tag group 'Cloud Readiness' allows one tag per fact sheet; the patch gives 'Cloud Native' and 'Cloud Ready'.",
    )
    apply_patches(store, "app-1", [patch("add", "/tags", '{"tagId": "tag-native"}')])
    apply_patches(
        store, "app-1", [patch("add", "/tags", '{"tagId": "tag-ready"}')]
    )  # takes the other's place
    assert [t["id"] for t in store.factsheet("app-1")["tags"]] == ["tag-ready"]


def test_relation_fields_replaced_by_relation_id_and_remove_all(store):
    apply_patches(
        store,
        "app-1",
        [
            patch(
                "add",
                "/relApplicationToITComponent/new_1",
                '{"factSheetId": "itc-1", "technicalSuitability": "adequate"}',
            )
        ],
    )
    [edge] = store.factsheet("app-1")["relApplicationToITComponent"]["edges"]
    rel_id = edge.node["id"]
    apply_patches(
        store,
        "app-1",
        [patch("replace", f"/relApplicationToITComponent/{rel_id}", '{"description": "main database"}')],
    )
    reverse = store.factsheet("itc-1")["relITComponentToApplication"]["edges"][0].node
    assert (reverse["id"], reverse["description"], reverse["technicalSuitability"]) == (
        rel_id,
        "main database",
        "adequate",
    )
    apply_patches(store, "app-1", [patch("remove", "/relApplicationToITComponent")])
    assert store.factsheet("app-1")["relApplicationToITComponent"]["totalCount"] == 0
    assert store.factsheet("itc-1")["relITComponentToApplication"]["totalCount"] == 0


def test_subscription_by_email_with_a_role_then_its_type_changed(store):
    value = '{"user": {"email": "JANE.DOE@example.com"}, "type": "RESPONSIBLE", "roles": {"name": "Application Owner"}}'
    apply_patches(store, "app-1", [patch("add", "/subscriptions/new_1", value)])
    [edge] = store.factsheet("app-1")["subscriptions"]["edges"]
    sub = edge.node
    assert (sub["user"]["id"], sub["type"], [r["id"] for r in sub["roles"]]) == (
        "user-1",
        "RESPONSIBLE",
        ["role-1"],
    )
    apply_patches(
        store, "app-1", [patch("replace", f"/subscriptions/{sub['id']}", '{"type": "ACCOUNTABLE"}')]
    )
    assert store.factsheet("app-1")["subscriptions"]["edges"][0].node["type"] == "ACCOUNTABLE"
    error = refused(
        store, "app-1", patch("add", "/subscriptions/new_2", '{"user": {"email": "nobody@example.com"}}')
    )
    assert error.error_type == "NOT_FOUND"


# -- transactions ---------------------------------------------------------------------------------------------------
def snapshot(store: Store) -> Any:
    def conn(rec: dict[str, Any], name: str) -> list[tuple[str, str]]:
        return [(e.node["id"], e.node["factSheet"]["id"]) for e in rec[name]["edges"]]

    return (
        {
            fs_id: {
                **{
                    k: v
                    for k, v in rec.items()
                    if not (isinstance(v, dict) and "edges" in v) and k not in ("tags",)
                },
                "tags": [t["id"] for t in rec["tags"]],
                "rels": {
                    k: conn(rec, k)
                    for k, v in rec.items()
                    if isinstance(v, dict) and "edges" in v and k != "subscriptions"
                },
                "subs": [e.node["user"]["id"] for e in rec["subscriptions"]["edges"]],
            }
            for fs_id, rec in store.factsheets_by_id.items()
        },
        sorted(store.tags),
        sorted(r.id for r in store.relations()),
        len(store.events),
    )


def test_a_failed_transaction_leaves_the_store_as_it_was(store):
    before = snapshot(store)
    with pytest.raises(PatchError), store.transaction():
        new = store.add_factsheet("Application", "Temporary")
        apply_patches(
            store,
            "app-1",
            [
                patch("replace", "/name", "CRM Renamed"),  # the child's displayName follows ...
                patch("add", "/tags", '[{"tagName": "Brand new"}]'),
                patch("add", "/relApplicationToITComponent/new_1", '{"factSheetId": "itc-1"}'),
                patch("add", "/subscriptions/new_1", '{"user": {"id": "user-1"}, "type": "OBSERVER"}'),
            ],
        )
        assert store.factsheet("app-2")["displayName"] == "CRM Renamed / CRM Child"
        store.remove_relation("rel-parent")
        store.delete_factsheet(new["id"])
        apply_patches(store, "app-1", [patch("replace", "/nope", "x")])
    assert snapshot(store) == before
    assert store.factsheet("app-2")["displayName"] == "CRM / CRM Child"  # ... and back


def test_a_savepoint_undoes_only_its_own_changes(store):
    with store.transaction():
        apply_patches(store, "app-1", [patch("replace", "/alias", "kept")])
        with store.transaction() as inner:
            apply_patches(store, "app-1", [patch("replace", "/alias", "validated only")])
            inner.rollback()
        assert store.factsheet("app-1")["alias"] == "kept"
    assert store.factsheet("app-1")["alias"] == "kept"
    assert [e["newValue"] for e in store.events.query("app-1")] == ["kept"]

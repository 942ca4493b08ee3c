"""Pathfinder mutations over loopback against an own sandbox: the SAP LeanIX documentation's examples, sent as
published (ids replaced by the sandbox's), with the answers the pages show.

Pages quoted (SAP Help Portal, https://help.sap.com/docs/leanix/ea/<page>):
- creating-fact-sheet, graphql-basics (Mutations; Including Multiple Mutations ... Using Aliases)
- updating-fact-sheet (name and description, multiple select, lifecycle, external id, quality seal, archiving)
- managing-relations-between-fact-sheets (creating, updating, deleting relations; the duplicate error)
- managing-tags-on-fact-sheet (adding existing and new tags, removing tags)
- error-handling-in-graphql / api-updates-graphql-error-handling (batch mutations rolled back)
- leanix-public/scripts timeModelSync/python/README.md (upsertTagGroup, upsertTag)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from kit.sandbox import Sandbox, SandboxOptions
from kit.sandbox.view import StoreView
from tests.builders import EXTERNAL, Inputs, fact_sheets, item, update
from tests.sandbox.graphql_http import bearer_of, post

ROLLED_BACK = "Error in Request. Transaction is rolled back!"
FAST_RUN = "/services/integration-api/v1/fastSynchronizationRuns/withConfig"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(size=200, seed=3)) as sb:
        yield sb


@pytest.fixture(scope="module")
def bearer(sandbox: Sandbox) -> str:
    return bearer_of(sandbox)


def ok(sandbox: Sandbox, bearer: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = post(sandbox, bearer, query, variables)
    assert not answer.get("errors"), answer.get("errors")
    return dict(answer["data"])


def new_app(sandbox: Sandbox, bearer: str, name: str) -> str:
    data = ok(
        sandbox,
        bearer,
        "mutation ($input: BaseFactSheetInput!) { createFactSheet(input: $input) { factSheet { id } } }",
        {"input": {"name": name, "type": "Application"}},
    )
    return str(data["createFactSheet"]["factSheet"]["id"])


def an_id(sandbox: Sandbox, type_name: str, n: int = 0) -> str:
    return [r["id"] for r in sandbox.store.factsheets(type_name) if r["status"] == "ACTIVE"][n]


READ = """query ($id: ID!) { factSheet(id: $id) { id name description rev status lxState
  tags { id name tagGroup { name } }
  ... on Application {
    alias externalId { externalId }
    lifecycle { phases { phase startDate } }
    relApplicationToITComponent { edges { node { id description factSheet { id } } } }
  } } }"""


def read(sandbox: Sandbox, bearer: str, fs_id: str) -> dict[str, Any]:
    return dict(ok(sandbox, bearer, READ, {"id": fs_id})["factSheet"])


# -- createFactSheet ---------------------------------------------------------------------------------------
def test_create_with_patches_as_documented(sandbox, bearer):
    # https://help.sap.com/docs/leanix/ea/creating-fact-sheet (mutation and variables as published)
    query = """mutation ($input: BaseFactSheetInput!, $patches: [Patch]!) {
  createFactSheet(input: $input, patches: $patches) {
    factSheet {
      id
      name
      description
      type
      ... on Application {
        externalId {
          externalId
        }
        alias
      }
    }
  }
}"""
    variables = {
        "input": {"name": "AC Management", "type": "Application"},
        "patches": [
            {"op": "add", "path": "/description", "value": "Application for AC management"},
            {"op": "add", "path": "/externalId", "value": '{"type":"ExternalId","externalId":"1234567890"}'},
            {"op": "add", "path": "/alias", "value": "AC App"},
        ],
    }
    created = ok(sandbox, bearer, query, variables)["createFactSheet"]["factSheet"]
    assert {k: v for k, v in created.items() if k != "id"} == {
        "name": "AC Management",
        "description": "Application for AC management",
        "type": "Application",
        "externalId": {"externalId": "1234567890"},
        "alias": "AC App",
    }
    again = read(sandbox, bearer, created["id"])  # a read right after sees it
    assert (again["name"], again["alias"], again["externalId"]) == (
        "AC Management",
        "AC App",
        {"externalId": "1234567890"},
    )


def test_two_aliased_creates_in_one_request(sandbox, bearer):
    # graphql-basics: "Including Multiple Mutations in a Single Request Using Aliases"
    query = """mutation {
  fs1: createFactSheet(input: {name: "fs1", type:Application}) {
    factSheet { id }
  },
  fs2: createFactSheet(input: {name: "fs2", type:Application}) {
    factSheet { id }
  }
}"""
    data = ok(sandbox, bearer, query)
    assert set(data) == {"fs1", "fs2"}
    assert read(sandbox, bearer, data["fs1"]["factSheet"]["id"])["name"] == "fs1"
    assert read(sandbox, bearer, data["fs2"]["factSheet"]["id"])["name"] == "fs2"


# -- updateFactSheet: fields -----------------------------------------------------------------------------
UPDATE = """mutation ($patches: [Patch]!) {
  updateFactSheet(id: "%s", patches: $patches) {
    factSheet {
      id
      name
      description
    }
  }
}"""


def test_name_and_description_replaced(sandbox, bearer):
    # updating-fact-sheet: "Updating the Name and Description on a Fact Sheet"
    fs_id = new_app(sandbox, bearer, "AC Management")
    patches = [
        {"op": "replace", "path": "/name", "value": "AC Management Cloud"},
        {"op": "replace", "path": "/description", "value": "Application for AC management"},
    ]
    data = ok(sandbox, bearer, UPDATE % fs_id, {"patches": patches})
    assert data == {
        "updateFactSheet": {
            "factSheet": {
                "id": fs_id,
                "name": "AC Management Cloud",
                "description": "Application for AC management",
            }
        }
    }


def test_multiple_select_takes_a_json_list_or_a_single_value(sandbox, bearer):
    # updating-fact-sheet: "Updating an Attribute of the Multiple Select Type" sends '["macOS", "windows"]' for
    # a custom attribute; the same shape goes to a multiple select field of the sandbox's meta model.
    mm = sandbox.store.metamodel
    owner, fdef = next((t.name, f) for t in mm.types for f in t.fields if f.kind.name == "MULTIPLE_SELECT")
    fs_id = an_id(sandbox, owner)
    two = list(fdef.values[:2])
    query = 'mutation ($p: [Patch]!) { updateFactSheet(id: "%s", patches: $p) { factSheet { ... on %s { %s } } } }'
    data = ok(
        sandbox,
        bearer,
        query % (fs_id, owner, fdef.name),
        {"p": [{"op": "replace", "path": f"/{fdef.name}", "value": f'["{two[0]}", "{two[1]}"]'}]},
    )
    assert data["updateFactSheet"]["factSheet"][fdef.name] == two
    data = ok(
        sandbox,
        bearer,
        query % (fs_id, owner, fdef.name),
        {"p": [{"op": "replace", "path": f"/{fdef.name}", "value": two[1]}]},
    )
    assert data["updateFactSheet"]["factSheet"][fdef.name] == [two[1]]


def test_lifecycle_phases_left_out_are_deleted(sandbox, bearer):
    # updating-fact-sheet: "Updating the Lifecycle on a Fact Sheet" (value as published)
    fs_id = new_app(sandbox, bearer, "Lifecycle app")
    value = (
        '{"phases":[{"phase":"plan","startDate":"2019-01-12"}, {"phase":"phaseIn","startDate":"2020-03-12"}, '
        '{"phase":"active","startDate":"2021-05-10"}, {"phase":"phaseOut","startDate":"2025-03-30"}, '
        '{"phase":"endOfLife","startDate":"2027-01-01"}]}'
    )
    ok(
        sandbox,
        bearer,
        UPDATE % fs_id,
        {"patches": [{"op": "replace", "path": "/lifecycle", "value": value}]},
    )
    assert read(sandbox, bearer, fs_id)["lifecycle"]["phases"] == [
        {"phase": "plan", "startDate": "2019-01-12"},
        {"phase": "phaseIn", "startDate": "2020-03-12"},
        {"phase": "active", "startDate": "2021-05-10"},
        {"phase": "phaseOut", "startDate": "2025-03-30"},
        {"phase": "endOfLife", "startDate": "2027-01-01"},
    ]
    # "if you only include the plan phase in the input, the mutation will update this phase and delete all others"
    only_plan = '{"phases":[{"phase":"plan","startDate":"2018-06-01"}]}'
    ok(
        sandbox,
        bearer,
        UPDATE % fs_id,
        {"patches": [{"op": "replace", "path": "/lifecycle", "value": only_plan}]},
    )
    assert read(sandbox, bearer, fs_id)["lifecycle"]["phases"] == [
        {"phase": "plan", "startDate": "2018-06-01"}
    ]
    # "The remove patch operation deletes all phases"
    ok(sandbox, bearer, UPDATE % fs_id, {"patches": [{"op": "remove", "path": "/lifecycle", "value": ""}]})
    assert read(sandbox, bearer, fs_id)["lifecycle"] is None


def test_external_id_replaced_and_removed(sandbox, bearer):
    # updating-fact-sheet: "Updating the External ID" and "Deleting the External ID from a Fact Sheet"
    fs_id = new_app(sandbox, bearer, "External app")
    query = (
        """mutation ($patches: [Patch]!) {
  updateFactSheet(id: "%s", patches: $patches) {
    factSheet {
      id
      name
      ... on Application {
        externalId {
          externalId
        }
      }
    }
  }
}"""
        % fs_id
    )
    value = '{"type":"ExternalId","externalId":"123456789"}'
    data = ok(sandbox, bearer, query, {"patches": [{"op": "replace", "path": "/externalId", "value": value}]})
    assert data["updateFactSheet"]["factSheet"]["externalId"] == {"externalId": "123456789"}
    data = ok(sandbox, bearer, query, {"patches": [{"op": "remove", "path": "/externalId", "value": ""}]})
    assert data["updateFactSheet"]["factSheet"] == {"id": fs_id, "name": "External app", "externalId": None}


def test_quality_seal_approved(sandbox, bearer):
    # updating-fact-sheet: "Updating the Quality Seal on a Fact Sheet"
    fs_id = new_app(sandbox, bearer, "Seal app")
    query = 'mutation ($patches: [Patch]!) { updateFactSheet(id: "%s", patches: $patches) { factSheet { id name lxState } } }'
    data = ok(
        sandbox,
        bearer,
        query % fs_id,
        {"patches": [{"op": "replace", "path": "/lxState", "value": "APPROVED"}]},
    )
    assert data["updateFactSheet"]["factSheet"] == {"id": fs_id, "name": "Seal app", "lxState": "APPROVED"}


# -- archiving -------------------------------------------------------------------------------------------
ARCHIVE = """mutation ($patches: [Patch]!) {
  updateFactSheet(id: "%s", comment: "Irrelevant application", patches: $patches) {
    factSheet {
      id
      status
    }
  }
}"""
RECOVER = """mutation ($patches: [Patch]!) {
  updateFactSheet(id: "%s", comment: "Recover the application from archive", patches: $patches) {
    factSheet {
      id
      status
    }
  }
}"""


def test_archive_with_comment_and_recover(sandbox, bearer):
    # updating-fact-sheet: "Archiving a Fact Sheet" and "Recovering an Archived Fact Sheet"
    fs_id = new_app(sandbox, bearer, "To archive")
    data = ok(
        sandbox, bearer, ARCHIVE % fs_id, {"patches": [{"op": "add", "path": "/status", "value": "ARCHIVED"}]}
    )
    assert data == {"updateFactSheet": {"factSheet": {"id": fs_id, "status": "ARCHIVED"}}}
    data = ok(
        sandbox, bearer, RECOVER % fs_id, {"patches": [{"op": "add", "path": "/status", "value": "ACTIVE"}]}
    )
    assert data == {"updateFactSheet": {"factSheet": {"id": fs_id, "status": "ACTIVE"}}}


def test_archive_without_comment_is_refused(sandbox, bearer):
    # "To archive a fact sheet, set the status attribute to ARCHIVED and specify a reason for archiving in comment."
    fs_id = new_app(sandbox, bearer, "No reason")
    query = (
        'mutation ($p: [Patch]!) { updateFactSheet(id: "%s", patches: $p) { factSheet { status } } }' % fs_id
    )
    answer = post(sandbox, bearer, query, {"p": [{"op": "add", "path": "/status", "value": "ARCHIVED"}]})
    assert answer["data"] == {"updateFactSheet": None}
    [error] = answer["errors"]
    assert error["extensions"]["errorType"] == "BUSINESS_LOGIC"
    assert "comment" in error["message"]
    assert read(sandbox, bearer, fs_id)["status"] == "ACTIVE"


# -- rev and validateOnly ----------------------------------------------------------------------------------
def test_rev_goes_up_and_a_stale_rev_is_refused(sandbox, bearer):
    # leanix-public/scripts timeModelSync queries.py sends rev with validateOnly:false, as written there
    fs_id = new_app(sandbox, bearer, "Rev app")
    rev = read(sandbox, bearer, fs_id)["rev"]
    query = (
        'mutation($patches:[Patch]!){result:updateFactSheet(id:"%s", rev:%d, patches:$patches, validateOnly:false)'
        "{factSheet{rev ...on Application{displayName}}}}"
    )
    patch = {"op": "replace", "path": "/alias", "value": "first"}
    data = ok(sandbox, bearer, query % (fs_id, rev), {"patches": [patch]})
    assert data["result"]["factSheet"]["rev"] == rev + 1
    answer = post(sandbox, bearer, query % (fs_id, rev), {"patches": [{**patch, "value": "second"}]})
    assert answer["data"] == {"result": None}
    [error] = answer["errors"]
    assert error["extensions"]["errorType"] == "BUSINESS_LOGIC"
    assert f"rev {rev}" in error["message"] and f"rev is {rev + 1}" in error["message"]
    assert error["path"] == ["result"]
    assert read(sandbox, bearer, fs_id)["alias"] == "first"


def test_validate_only_answers_as_if_done_and_changes_nothing(sandbox, bearer):
    fs_id = new_app(sandbox, bearer, "Validate me")
    before = read(sandbox, bearer, fs_id)
    version = sandbox.store.version
    query = (
        'mutation ($p: [Patch]!) { updateFactSheet(id: "%s", patches: $p, validateOnly: true) '
        "{ factSheet { name rev } } }" % fs_id
    )
    data = ok(sandbox, bearer, query, {"p": [{"op": "replace", "path": "/name", "value": "Validated"}]})
    assert data["updateFactSheet"]["factSheet"] == {"name": "Validated", "rev": before["rev"] + 1}
    assert read(sandbox, bearer, fs_id) == before
    assert sandbox.store.version > version  # moved on, so no cached read keeps the undone state
    create = 'mutation { createFactSheet(input: {name: "Never", type: Application}, validateOnly: true) { factSheet { id name } } }'
    made = ok(sandbox, bearer, create)["createFactSheet"]["factSheet"]
    assert made["name"] == "Never"
    assert post(sandbox, bearer, 'query { factSheet(id: "%s") { id } }' % made["id"])["data"] == {
        "factSheet": None
    }


# -- batches -----------------------------------------------------------------------------------------------
def test_a_batch_with_an_invalid_mutation_is_rolled_back(sandbox, bearer):
    # error-handling-in-graphql: "Error Handling for Batch Mutations" (request as published, our ids)
    ids = [new_app(sandbox, bearer, f"Batch {n}") for n in (1, 2, 3)]
    query = """mutation {
  m1: updateFactSheet(
    id: "%s"
    patches: [{ op: replace, path: "/description", value: "first description" }]
  ) {
    factSheet {
      id
      description
    }
  }
  m2: updateFactSheet(
    id: "%s"
    patches: [
      { op: replace, path: "/descriptio", value: "invalid field description" }
    ]
  ) {
    factSheet {
      id
      description
    }
  }
  m3: updateFactSheet(
    id: "%s"
    patches: [
      { op: replace, path: "/description", value: "third description" }
    ]
  ) {
    factSheet {
      id
      description
    }
  }
}""" % tuple(ids)
    answer = post(sandbox, bearer, query)
    assert answer["data"] is None
    first, last = answer["errors"]
    assert first["message"] == "The path '/descriptio' is invalid in FactSheet schema Application."
    assert first["path"] == ["m2"]
    assert first["extensions"]["errorType"] == "BUSINESS_LOGIC"
    assert last == {"message": ROLLED_BACK, "path": [], "extensions": {"errorType": "BUSINESS_LOGIC"}}
    assert [read(sandbox, bearer, i)["description"] for i in ids] == [None, None, None]


def test_a_batch_rolls_back_creates_too(sandbox, bearer):
    before = len(sandbox.store)
    query = """mutation {
  ok: createFactSheet(input: {name: "Kept?", type: Application}) { factSheet { id } }
  bad: updateFactSheet(id: "no-such-id", patches: [{op: replace, path: "/name", value: "x"}]) { factSheet { id } }
}"""
    answer = post(sandbox, bearer, query)
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["errorType"] == "NOT_FOUND"
    assert answer["errors"][-1]["message"] == ROLLED_BACK
    assert len(sandbox.store) == before
    found = ok(sandbox, bearer, '{ allFactSheets(filter: {fullTextSearch: "Kept?"}) { totalCount } }')
    assert found["allFactSheets"]["totalCount"] == 0


# -- relations ---------------------------------------------------------------------------------------------
RELATIONS = """mutation ($patches: [Patch]!) {
  updateFactSheet(id: "%s", patches: $patches) {
    factSheet {
      id
      name
      ... on Application {
        relApplicationToITComponent {
          edges {
            node {
              id
            }
          }
        }
      }
    }
  }
}"""

IT_SIDE = """query ($id: ID!) { factSheet(id: $id) { ... on ITComponent {
  relITComponentToApplication { edges { node { id factSheet { id } } } } } } }"""


def test_relations_added_show_on_both_ends_updated_and_removed(sandbox, bearer):
    # managing-relations-between-fact-sheets: creating (new_1, new_2), updating (replace by id), deleting
    app = new_app(sandbox, bearer, "AC Management Cloud")
    it1, it2, it3 = (an_id(sandbox, "ITComponent", n) for n in range(3))
    patches = [
        {"op": "add", "path": "/relApplicationToITComponent/new_1", "value": '{"factSheetId":"%s"}' % it1},
        {"op": "add", "path": "/relApplicationToITComponent/new_2", "value": '{"factSheetId":"%s"}' % it2},
    ]
    data = ok(sandbox, bearer, RELATIONS % app, {"patches": patches})
    rel_ids = [
        e["node"]["id"] for e in data["updateFactSheet"]["factSheet"]["relApplicationToITComponent"]["edges"]
    ]
    assert len(rel_ids) == 2
    other_end = ok(sandbox, bearer, IT_SIDE, {"id": it1})["factSheet"]["relITComponentToApplication"]["edges"]
    assert {"id": rel_ids[0], "factSheet": {"id": app}} in [e["node"] for e in other_end]

    # updating: "unlinking a Fact Sheet and linking a new one" keeps the relation id
    value = '{"factSheetId":"%s", "description":"Update related Fact Sheet"}' % it3
    patch = {"op": "replace", "path": f"/relApplicationToITComponent/{rel_ids[1]}", "value": value}
    data = ok(sandbox, bearer, RELATIONS % app, {"patches": [patch]})
    assert [
        e["node"]["id"] for e in data["updateFactSheet"]["factSheet"]["relApplicationToITComponent"]["edges"]
    ] == rel_ids
    edges = read(sandbox, bearer, app)["relApplicationToITComponent"]["edges"]
    assert {e["node"]["id"]: (e["node"]["factSheet"]["id"], e["node"]["description"]) for e in edges} == {
        rel_ids[0]: (it1, None),
        rel_ids[1]: (it3, "Update related Fact Sheet"),
    }
    it2_side = ok(sandbox, bearer, IT_SIDE, {"id": it2})["factSheet"]["relITComponentToApplication"]["edges"]
    assert all(e["node"]["factSheet"]["id"] != app for e in it2_side)

    # deleting both by relation id
    removes = [{"op": "remove", "path": f"/relApplicationToITComponent/{r}"} for r in rel_ids]
    data = ok(sandbox, bearer, RELATIONS % app, {"patches": removes})
    assert data["updateFactSheet"]["factSheet"]["relApplicationToITComponent"] == {"edges": []}
    it1_side = ok(sandbox, bearer, IT_SIDE, {"id": it1})["factSheet"]["relITComponentToApplication"]["edges"]
    assert all(e["node"]["factSheet"]["id"] != app for e in it1_side)


def test_a_duplicate_relation_is_refused_as_model_compliant(sandbox, bearer):
    # managing-relations-between-fact-sheets: the FS_VALIDATION_RELATION_NOT_UNIQUE_OUTGOING error example
    app = new_app(sandbox, bearer, "Dup app")
    it1 = an_id(sandbox, "ITComponent", 4)
    patch = {"op": "add", "path": "/relApplicationToITComponent/new_1", "value": '{"factSheetId":"%s"}' % it1}
    ok(sandbox, bearer, RELATIONS % app, {"patches": [patch]})
    answer = post(sandbox, bearer, RELATIONS % app, {"patches": [patch]})
    assert answer["data"] == {"updateFactSheet": None}
    [error] = answer["errors"]
    assert error["message"].startswith(
        "[FS_VALIDATION_RELATION_NOT_UNIQUE_OUTGOING] Outgoing relation occurred twice!"
    )
    assert error["extensions"]["errorType"] == "MODEL_COMPLIANT"
    assert error["extensions"]["objectPath"] == "/relApplicationToITComponent/new_1"


# -- tags ------------------------------------------------------------------------------------------------------
TAGS = """mutation ($patches: [Patch]!) {
  updateFactSheet(id: "%s", patches: $patches) {
    factSheet {
      id
      name
      tags {
        id
        name
        tagGroup {
          name
        }
      }
    }
  }
}"""


def test_tags_by_id_by_name_new_and_removed(sandbox, bearer):
    # managing-tags-on-fact-sheet: adding existing tags by id, new tags by name, removing by id
    fs_id = new_app(sandbox, bearer, "Tagged app")
    other = [
        t for t in sandbox.store.tags.values() if t["tagGroup"] is None or t["tagGroup"]["mode"] == "MULTIPLE"
    ]
    first, second = other[0], other[1]
    value = '[{"tagId":"%s"}, {"tagId":"%s"}]' % (first["id"], second["id"])
    data = ok(sandbox, bearer, TAGS % fs_id, {"patches": [{"op": "add", "path": "/tags", "value": value}]})
    assert sorted(t["id"] for t in data["updateFactSheet"]["factSheet"]["tags"]) == sorted(
        [first["id"], second["id"]]
    )

    new = '[{"tagName":"Development"}, {"tagName":"Demo"}]'
    data = ok(sandbox, bearer, TAGS % fs_id, {"patches": [{"op": "add", "path": "/tags", "value": new}]})
    by_name = {t["name"]: t for t in data["updateFactSheet"]["factSheet"]["tags"]}
    assert by_name["Development"]["tagGroup"] is None and by_name["Demo"]["tagGroup"] is None
    assert {first["name"], second["name"], "Development", "Demo"} <= set(by_name)

    # the tag made by name is found by name next time (no second "Demo")
    ok(
        sandbox,
        bearer,
        TAGS % new_app(sandbox, bearer, "Also demo"),
        {
            "patches": [
                {
                    "op": "add",
                    "path": "/tags",
                    "value": '{"tagName":"Demo"}',
                }  # a single object where a list is expected
            ]
        },
    )
    assert [t["name"] for t in sandbox.store.tags.values()].count("Demo") == 1

    value = '[{"tagId":"%s"}, {"tagId":"%s"}]' % (first["id"], second["id"])
    data = ok(sandbox, bearer, TAGS % fs_id, {"patches": [{"op": "remove", "path": "/tags", "value": value}]})
    assert sorted(t["name"] for t in data["updateFactSheet"]["factSheet"]["tags"]) == ["Demo", "Development"]


def test_upsert_tag_group_and_tags_then_tag_by_group_and_name(sandbox, bearer):
    # leanix-public/scripts timeModelSync/python/README.md (mutations as published)
    group = ok(
        sandbox,
        bearer,
        """mutation createTimeTagGroup{upsertTagGroup(name:"Time Model",mode:SINGLE,restrictToFactSheetTypes:Application){
  id
  name
}}""",
    )["upsertTagGroup"]
    assert group["name"] == "Time Model"
    tag = ok(
        sandbox,
        bearer,
        """mutation createInvestTag{upsertTag(name:"Invest",tagGroupName:"Time Model", description:"Modernize the application because it has a high business value (e.g. application with high usage, but supported by outdated technology).",color:"#00b361"){
  tagGroup{
    id
    name
  }
  id
  name
}}""",
    )["upsertTag"]
    assert tag["tagGroup"] == {"id": group["id"], "name": "Time Model"} and tag["name"] == "Invest"
    again = ok(
        sandbox,
        bearer,
        'mutation { upsertTag(name: "Invest", tagGroupName: "Time Model", color: "#000000") { id color } }',
    )
    assert again["upsertTag"] == {"id": tag["id"], "color": "#000000"}  # an upsert: same tag, new color
    ok(sandbox, bearer, 'mutation { upsertTag(name: "Tolerate", tagGroupName: "Time Model") { id } }')

    fs_id = new_app(sandbox, bearer, "TIME app")
    set_tag = '[{"tagGroupName":"Time Model","tagName":"%s"}]'
    ok(
        sandbox,
        bearer,
        TAGS % fs_id,
        {"patches": [{"op": "replace", "path": "/tags", "value": set_tag % "Invest"}]},
    )
    data = ok(
        sandbox,
        bearer,
        TAGS % fs_id,
        {"patches": [{"op": "add", "path": "/tags", "value": set_tag % "Tolerate"}]},
    )
    # SINGLE mode: the group's new tag takes the place of the old one
    assert [(t["name"], t["tagGroup"]["name"]) for t in data["updateFactSheet"]["factSheet"]["tags"]] == [
        ("Tolerate", "Time Model")
    ]


# -- subscriptions -----------------------------------------------------------------------------------------
def test_subscription_added_by_patch_and_removed(sandbox, bearer):
    fs_id = new_app(sandbox, bearer, "Subscribed app")
    user = next(iter(sandbox.store.users.values()))
    role = next(
        r for r in sandbox.store.subscription_roles.values() if r["subscriptionType"] == "RESPONSIBLE"
    )
    value = (
        '{"user": {"email": "%s"}, "type": "RESPONSIBLE", "roles": [{"id": "%s", "comment": "owner"}]}'
        % (
            user["email"],
            role["id"],
        )
    )
    query = (
        """mutation ($p: [Patch]!) { updateFactSheet(id: "%s", patches: $p) { factSheet {
      subscriptions { edges { node { id type user { email } roles { id comment } } } } } } }"""
        % fs_id
    )
    data = ok(sandbox, bearer, query, {"p": [{"op": "add", "path": "/subscriptions/new_1", "value": value}]})
    [edge] = data["updateFactSheet"]["factSheet"]["subscriptions"]["edges"]
    assert {k: v for k, v in edge["node"].items() if k != "id"} == {
        "type": "RESPONSIBLE",
        "user": {"email": user["email"]},
        "roles": [{"id": role["id"], "comment": "owner"}],
    }
    data = ok(
        sandbox, bearer, query, {"p": [{"op": "remove", "path": f"/subscriptions/{edge['node']['id']}"}]}
    )
    assert data["updateFactSheet"]["factSheet"]["subscriptions"]["edges"] == []


# -- the engine and Integration API runs see mutations -------------------------------------------------------
def test_an_integration_run_after_a_mutation_sees_it(sandbox, bearer):
    query = """mutation ($input: BaseFactSheetInput!, $patches: [Patch]!) {
      createFactSheet(input: $input, patches: $patches) { factSheet { id } } }"""
    variables = {
        "input": {"name": "Made by GraphQL", "type": "Application"},
        "patches": [{"op": "add", "path": "/externalId", "value": '{"externalId":"mut-1"}'}],
    }
    fs_id = ok(sandbox, bearer, query, variables)["createFactSheet"]["factSheet"]["id"]
    view = StoreView(sandbox.store)
    assert view.find_external("Application", "externalId", "mut-1")["id"] == fs_id

    inputs = Inputs("mutations")
    config = inputs.config(fact_sheets("Application", update("name", "${data.name}"), identifier=EXTERNAL))
    ldif = inputs.ldif(item("mut-1", "App", name="Renamed by a run"))
    answer = requests.post(
        f"{sandbox.url}{FAST_RUN}",
        json={"input": ldif, "processorConfiguration": config},
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=60,
    ).json()
    assert answer["status"] == "FINISHED", answer
    assert (
        read(sandbox, bearer, fs_id)["name"] == "Renamed by a run"
    )  # the run updated the mutation's fact sheet
    events = ok(
        sandbox,
        bearer,
        '{ allLogEvents(factSheetId: "%s") { edges { node { eventType path newValue } } } }' % fs_id,
    )
    assert events["allLogEvents"]["edges"][0]["node"] == {
        "eventType": "FACT_SHEET_FIELD_UPDATED",
        "path": "/name",
        "newValue": "Renamed by a run",
    }

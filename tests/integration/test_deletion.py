"""Deletion-scope predictions for the documented examples, on a small hand-written workspace."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kit.integration.deletion import DeletionScopeError, predict_deletions
from kit.integration.plan import (
    DocumentWrite,
    FactSheetRef,
    FieldWrite,
    RelationWrite,
    StatusWrite,
    SubscriptionWrite,
    TagWrite,
)
from kit.integration.view import Touched
from kit.previews.frames import deletions_frame
from kit.sources import NodesView

FIXTURES = Path(__file__).parent / "fixtures" / "deletion"
NOW = datetime(2026, 11, 1, 6, 0)
HEADER = {"connectorId": "prjFull", "connectorType": "prjFull", "processingMode": "full", "customFields": {}}


def config(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def workspace_records() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The fixture workspace expanded into GraphQL node-shaped records."""
    raw = json.loads((FIXTURES / "workspace.json").read_text())
    tags, users = raw["tags"], raw["users"]
    summaries = {
        fs["id"]: {"id": fs["id"], "type": fs["type"], "name": fs["name"]} for fs in raw["factSheets"]
    }
    records = []
    for fs in raw["factSheets"]:
        rec = {k: v for k, v in fs.items() if not isinstance(v, list)}
        rec["tags"] = [tags[t] for t in fs.get("tags", [])]
        subs = [
            {
                "id": s,
                "type": kind,
                "user": users[u],
                "roles": [{"id": f"role-{r}", "name": r} for r in roles],
            }
            for s, u, kind, roles in fs.get("subscriptions", [])
        ]
        rec["subscriptions"] = {"totalCount": len(subs), "edges": [{"node": n} for n in subs]}
        docs = [{"id": d, "name": n, "documentType": t, "url": None} for d, n, t in fs.get("documents", [])]
        rec["documents"] = {"totalCount": len(docs), "edges": [{"node": n} for n in docs]}
        for name in [k for k in fs if k.startswith("rel")]:
            nodes = [
                {"id": rid, "type": name, "description": text, "factSheet": summaries[target]}
                for rid, target, text in fs[name]
            ]
            rec[name] = {"totalCount": len(nodes), "edges": [{"node": n} for n in nodes]}
        records.append(rec)
    return records, raw


@pytest.fixture
def view() -> NodesView:
    records, raw = workspace_records()
    return NodesView(records, tag_groups=raw["tagGroups"], tags=raw["tags"].values(), today=NOW.date())


def predict(cfg: dict[str, Any], view: NodesView, touched: Touched | None = None, **ratios: float):
    if ratios:
        cfg = copy.deepcopy(cfg)
        cfg["deletionScope"].setdefault("maximumDeletionRatio", {}).update(ratios)
    return predict_deletions(cfg, view, touched or Touched(), header=HEADER, now=NOW)


def archive(fs_id: str) -> StatusWrite:
    return StatusWrite(origin=None, target=FactSheetRef(id=fs_id), action="archive")


# -- the documented auto-deletion example ----------------------------------------------------------------


def test_any_kind_reaching_its_limit_cancels_all_deletion(view):
    # The LDIF of the example brings prj-42, prj-43 and prj-44: the run touches those three projects only.
    prediction = predict(config("auto_deletion_projects"), view, Touched(factsheets={"p42", "p43", "p44"}))
    assert prediction.summary() == [
        "1 Project fact sheet would be archived (25%, limit 30%): cancelled with all deletion, "
        "as relation deletion reached its limit",
        "3 relations relApplicationToITComponent would be deleted (100%): "
        "deletion would be cancelled at the 40% limit",
        "3 documents would be deleted (100%): deletion would be cancelled at the 50% limit",
    ]
    assert prediction.cancelled
    assert {k: (p.in_scope, len(p.to_delete), p.cancelled) for k, p in prediction.kinds.items()} == {
        "factSheets": (4, 1, True),
        "relations": (3, 3, True),
        "documents": (3, 3, True),
    }
    assert prediction.kinds["relations"].ratio == 1.0 and prediction.kinds["relations"].limit == 40
    assert prediction.kinds["factSheets"].ratio == 0.25 and prediction.kinds["documents"].limit == 50
    assert prediction.writes() == []
    frame = deletions_frame(prediction)
    assert list(frame.columns) == ["kind", "id", "type", "name", "detail", "cancelled"]
    assert frame["cancelled"].all() and len(frame) == 7


def test_auto_deletion_when_the_run_touches_relations_and_documents(view):
    touched = Touched(
        factsheets={"p42", "p43", "p44"},
        relations={
            ("relApplicationToITComponent", "a1", "i1"),
            ("relApplicationToITComponent", "a1", "i2"),
            ("relApplicationToITComponent", "a2", "i3"),
        },
        documents={("p42", "MyDocs_plan"), ("p42", "MyDocs_old"), ("p43", "MyDocs_budget")},
    )
    prediction = predict(config("auto_deletion_projects"), view, touched)
    assert prediction.summary() == [
        "1 Project fact sheet would be archived (25%, limit 30%)",
        "0 relations would be deleted (0%, limit 40%)",
        "0 documents would be deleted (0%, limit 50%)",
    ]
    assert not prediction.cancelled
    assert prediction.writes() == [archive("p7")]
    assert deletions_frame(prediction).to_dict("records") == [
        {
            "kind": "factSheets",
            "id": "p7",
            "type": "Project",
            "name": "Legacy Project",
            "detail": "deletionScope.factSheets[0]",
            "cancelled": False,
        }
    ]


def test_relations_and_documents_to_delete_are_listed_per_item(view):
    touched = Touched(
        factsheets={"p42", "p43", "p44", "p7"}, relations={("relApplicationToITComponent", "a1", "i1")}
    )
    prediction = predict(config("auto_deletion_projects"), view, touched, relations=101, documents=101)
    assert prediction.summary() == [
        "0 fact sheets would be archived (0%, limit 30%)",
        "2 relations relApplicationToITComponent would be deleted (66%, limit 101%)",
        "3 documents would be deleted (100%, limit 101%)",
    ]
    rows = deletions_frame(prediction)[["kind", "id", "type", "name"]].to_dict("records")
    assert rows == [
        {"kind": "relations", "id": "r2", "type": "relApplicationToITComponent", "name": "CRM → Postgres"},
        {"kind": "relations", "id": "r3", "type": "relApplicationToITComponent", "name": "ERP → SAP HR"},
        {"kind": "documents", "id": "d1", "type": "jira", "name": "MyDocs_plan"},
        {"kind": "documents", "id": "d2", "type": "website", "name": "MyDocs_old"},
        {"kind": "documents", "id": "d4", "type": "jira", "name": "MyDocs_budget"},
    ]
    ref = FactSheetRef
    assert prediction.writes() == [
        RelationWrite(None, "delete", "relApplicationToITComponent", ref(id="a1"), ref(id="i2")),
        RelationWrite(None, "delete", "relApplicationToITComponent", ref(id="a2"), ref(id="i3")),
        DocumentWrite(None, "delete", ref(id="p42"), "MyDocs_plan"),
        DocumentWrite(None, "delete", ref(id="p42"), "MyDocs_old"),
        DocumentWrite(None, "delete", ref(id="p43"), "MyDocs_budget"),
    ]


def test_fact_sheets_are_archived_after_every_other_kind(view):
    prediction = predict(config("auto_deletion_projects"), view, factSheets=101, relations=101, documents=101)
    kinds = [type(w).__name__ for w in prediction.writes()]
    assert kinds == ["RelationWrite"] * 3 + ["DocumentWrite"] * 3 + ["StatusWrite"] * 4
    assert [w.target.id for w in prediction.writes()[-4:]] == ["p42", "p43", "p44", "p7"]


# -- the TEST_PRJ safety net -----------------------------------------------------------------------------


def test_test_tag_keeps_untagged_projects_out_of_scope(view):
    touched = Touched(factsheets={"p42", "p43"})
    prediction = predict(config("test_prj_safety_net"), view, touched)
    assert prediction.summary() == [
        "1 Project fact sheet would be archived (33%): deletion would be cancelled at the 30% limit"
    ]
    kind = prediction.kinds["factSheets"]
    assert kind.in_scope == 3  # p42, p43, p44: the archived p44old and the untagged p7 are out of scope
    assert [i.id for i in kind.to_delete] == ["p44"]
    relaxed = predict(config("test_prj_safety_net"), view, touched, factSheets=34)
    assert relaxed.summary() == ["1 Project fact sheet would be archived (33%, limit 34%)"]
    assert relaxed.writes() == [archive("p44")]


def test_a_test_tag_the_workspace_lacks_widens_the_scope_with_a_warning(view):
    records, raw = workspace_records()
    without_testing = [g for g in raw["tagGroups"] if g["name"] != "Testing"]
    tags = [t for t in raw["tags"].values() if t["name"] != "TEST_PRJ"]
    bare = NodesView(records, tag_groups=without_testing, tags=tags, today=NOW.date())
    prediction = predict(
        config("test_prj_safety_net"), bare, Touched(factsheets={"p42", "p43"}), factSheets=101
    )
    assert prediction.summary() == [
        "2 Project fact sheets would be archived (50%, limit 101%)",
        "Warning: deletionScope.factSheets[0].scope.facetFilters[1].facetKey is empty or evaluated to null; "
        "the facet is dropped",
    ]
    cfg = config("test_prj_safety_net")
    facet = cfg["deletionScope"]["factSheets"][0]["scope"]["facetFilters"][1]
    facet["keys"] = ["${integration.tags.getTagId('Testing','NO_SUCH_TAG')}"]
    missing_tag = predict(cfg, view, Touched(factsheets={"p42", "p43"}), factSheets=101)
    assert missing_tag.summary() == [
        "2 Project fact sheets would be archived (50%, limit 101%)",
        "Warning: deletionScope.factSheets[0].scope.facetFilters[1].keys[0] evaluated to null "
        "(${integration.tags.getTagId('Testing','NO_SUCH_TAG')}); the value is dropped",
        "Warning: deletionScope.factSheets[0].scope.facetFilters[1] has no keys left, "
        "so it no longer restricts the scope",
    ]


def test_scope_ids_and_external_ids_may_use_the_header(view):
    cfg = {
        "processingMode": "full",
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": 101},
            "factSheets": [
                {"scope": {"externalIds": ["${'externalId/'.concat(header.customFields.myExternalId)}"]}}
            ],
        },
    }
    header = {**HEADER, "customFields": {"myExternalId": "prj-7"}}
    prediction = predict_deletions(cfg, view, Touched(), header=header, now=NOW)
    assert prediction.writes() == [archive("p7")]
    assert prediction.kinds["factSheets"].in_scope == 1


# -- the ratio limit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("untouched", "in_scope", "limit", "cancelled", "line"),
    [
        (
            3,
            10,
            30,
            True,
            "3 Task fact sheets would be archived (30%): deletion would be cancelled at the 30% limit",
        ),
        (3, 10, 30.5, False, "3 Task fact sheets would be archived (30%, limit 30.5%)"),
        (29, 100, 30, False, "29 Task fact sheets would be archived (29%, limit 30%)"),
        (
            30,
            100,
            30,
            True,
            "30 Task fact sheets would be archived (30%): deletion would be cancelled at the 30% limit",
        ),
        (
            1,
            3,
            33.3,
            True,
            "1 Task fact sheet would be archived (33%): deletion would be cancelled at the 33.3% limit",
        ),
        (1, 3, 33.4, False, "1 Task fact sheet would be archived (33%, limit 33.4%)"),
        (
            10,
            10,
            100,
            True,
            "10 Task fact sheets would be archived (100%): deletion would be cancelled at the 100% limit",
        ),
        (10, 10, 101, False, "10 Task fact sheets would be archived (100%, limit 101%)"),
        (1, 200, 50, False, "1 Task fact sheet would be archived (<1%, limit 50%)"),
        (
            5,
            10,
            None,
            True,
            "5 Task fact sheets would be archived (50%): deletion would be cancelled at the 50% limit",
        ),
        (4, 10, None, False, "4 Task fact sheets would be archived (40%, limit 50%)"),
    ],
)
def test_deletion_is_cancelled_when_the_ratio_reaches_the_limit(untouched, in_scope, limit, cancelled, line):
    records = [
        {"id": f"t{i}", "type": "Task", "name": f"Task {i}", "status": "ACTIVE"} for i in range(in_scope)
    ]
    touched = Touched(factsheets={f"t{i}" for i in range(untouched, in_scope)})
    cfg: dict[str, Any] = {"processingMode": "full", "deletionScope": {"factSheets": [{"scope": {}}]}}
    if limit is not None:
        cfg["deletionScope"]["maximumDeletionRatio"] = {"factSheets": limit}
    prediction = predict_deletions(cfg, NodesView(records), touched, header={}, now=NOW)
    assert prediction.summary() == [line]
    assert prediction.cancelled is cancelled
    assert len(prediction.writes()) == (0 if cancelled else untouched)
    assert prediction.kinds["factSheets"].ratio == untouched / in_scope


def test_limit_must_be_a_number(view):
    cfg = config("auto_deletion_projects")
    cfg["deletionScope"]["maximumDeletionRatio"]["factSheets"] = "thirty"
    with pytest.raises(DeletionScopeError, match=r"maximumDeletionRatio.factSheets must be a number"):
        predict(cfg, view)


# -- owners, tags, subscriptions, documents --------------------------------------------------------------


def test_owner_is_removed_and_the_fact_sheet_archived_only_without_owners(view):
    prediction = predict(config("owner_multiple_sources"), view)
    assert prediction.summary() == [
        "2 Process fact sheets would be archived (40%, limit 50%)",
        "1 fact sheet would only lose this run's owner and stay (other owners remain)",
    ]
    assert prediction.writes() == [
        FieldWrite(
            origin=None,
            target=FactSheetRef(id="pr2"),
            action="update",
            key="alias",
            value='["otherOwner"]',
            before='["myOwner","otherOwner"]',
        ),
        archive("pr1"),  # ["myOwner"]: no owner left
        archive("pr4"),  # empty field: no owner at all
    ]  # pr3 belongs to otherOwner only; pr5's alias "LC" is not an owner list: both stay
    assert prediction.kinds["factSheets"].in_scope == 5
    details = deletions_frame(prediction)["detail"].tolist()
    assert details == [
        'deletionScope.factSheets[0]; no owner left in alias (was ["myOwner"])',
        "deletionScope.factSheets[0]; no owner left in alias (was empty)",
    ]
    touched = predict(config("owner_multiple_sources"), view, Touched(factsheets={"pr1", "pr2", "pr4"}))
    assert touched.writes() == []


def test_tags_of_multiple_groups_are_removed_but_never_the_tags(view):
    prediction = predict(config("tags_of_multiple_groups"), view)
    assert prediction.summary() == ["4 tag assignments would be removed (100%, limit 101%)"]
    ref = FactSheetRef
    assert prediction.writes() == [
        TagWrite(None, "remove", ref(id="c1"), "Cloud:Region", "eu-west"),
        TagWrite(None, "remove", ref(id="c2"), "Cloud:Region", "us-east"),
        TagWrite(None, "remove", ref(id="c1"), "Cloud:Cloud Service", "S3"),
        TagWrite(None, "remove", ref(id="c2"), "Cloud:Tech Category", "Storage"),
    ]
    assert deletions_frame(prediction)[["id", "type", "name"]].values.tolist() == [
        ["t-eu", "Cloud:Region", "eu-west"],
        ["t-us", "Cloud:Region", "us-east"],
        ["t-s3", "Cloud:Cloud Service", "S3"],
        ["t-storage", "Cloud:Tech Category", "Storage"],
    ]
    default_limit = config("tags_of_multiple_groups")
    del default_limit["deletionScope"]["maximumDeletionRatio"]
    assert predict(default_limit, view).summary() == [
        "4 tag assignments would be removed (100%): deletion would be cancelled at the 50% limit"
    ]


def test_tag_scopes_regex_group_and_advanced(view):
    documented = predict(
        config("remove_tags_and_subscriptions"),
        view,
        Touched(subscriptions={("p42", "u-anna", "RESPONSIBLE")}),
    )
    # The documented advanced filter keeps only tags without a group, which myGroup tags never are.
    assert documented.summary() == [
        "0 tag assignments would be removed (0%, limit 40%): cancelled with all deletion, "
        "as subscription deletion reached its limit",
        "1 subscription would be deleted (50%): deletion would be cancelled at the 50% limit",
    ]
    cfg = config("remove_tags_and_subscriptions")
    del cfg["deletionScope"]["tags"][0]["advanced"]
    del cfg["deletionScope"]["subscriptions"]
    plain = predict(cfg, view, Touched(tags={("p42", "t-prefix-a")}), tags=101)
    assert plain.summary() == ["1 tag assignment would be removed (50%, limit 101%)"]  # Keep does not match
    assert plain.writes() == [TagWrite(None, "remove", FactSheetRef(id="p43"), "myGroup", "Prefix_B")]
    cfg["deletionScope"]["tags"][0] = {
        "tagScopes": [{"tag": "Prefix_.*"}],
        "scope": {"facetFilters": [{"keys": ["Project"], "facetKey": "FactSheetTypes", "operator": "OR"}]},
        "advanced": "${lx.tag.tagGroup.name==null && lx.factsheet.name.startsWith('Project')}",
    }
    ungrouped = predict(cfg, view, tags=101)
    assert ungrouped.writes() == [TagWrite(None, "remove", FactSheetRef(id="p44"), None, "Prefix_Other")]
    assert deletions_frame(ungrouped)[["type", "name"]].values.tolist() == [["Other tags", "Prefix_Other"]]


def test_subscriptions_by_type_and_role(view):
    prediction = predict(config("remove_tags_and_subscriptions"), view, subscriptions=101, tags=101)
    assert prediction.summary() == [
        "0 tag assignments would be removed (0%, limit 101%)",
        "2 subscriptions would be deleted (100%, limit 101%)",
    ]
    ref = FactSheetRef
    assert prediction.writes() == [
        SubscriptionWrite(None, "delete", ref(id="p42"), "anna@corp.example", "RESPONSIBLE", ("My Role",)),
        SubscriptionWrite(None, "delete", ref(id="p7"), "anna@corp.example", "RESPONSIBLE", ("My Role",)),
    ]  # s2 is an OBSERVER, s3 has another role
    assert deletions_frame(prediction)[["id", "type", "name"]].values.tolist() == [
        ["s1", "RESPONSIBLE", "anna@corp.example"],
        ["s4", "RESPONSIBLE", "anna@corp.example"],
    ]


def test_pure_cleanup_run_deletes_everything_in_scope_subject_to_the_ratio(view):
    ldif = json.loads((FIXTURES / "empty_ldif.json").read_text())
    assert ldif["content"] == [] and config("anonymized_subscriptions_cleanup")["processors"] == []
    header = {k: ldif[k] for k in ("connectorId", "connectorType", "connectorVersion")}
    cfg = config("anonymized_subscriptions_cleanup")
    prediction = predict_deletions(cfg, view, Touched(), header=header, now=NOW)
    assert prediction.summary() == [
        "1 subscription would be deleted (100%): deletion would be cancelled at the 50% limit"
    ]
    cfg["deletionScope"]["maximumDeletionRatio"] = {"subscriptions": 101}
    allowed = predict_deletions(cfg, view, Touched(), header=header, now=NOW)
    assert allowed.summary() == ["1 subscription would be deleted (100%, limit 101%)"]
    assert allowed.writes() == [
        SubscriptionWrite(None, "delete", FactSheetRef(id="a1"), "anonymized@corp.example", "RESPONSIBLE", ())
    ]  # s6 is not anonymized; s7 is an OBSERVER


def test_advanced_relations_and_documents_with_a_failing_expression(view):
    touched = Touched(factsheets={"p42", "p43", "p44"}, documents={("p42", "MyDocs_plan")})
    prediction = predict(
        config("advanced_relations_and_documents"), view, touched, relations=101, documents=101
    )
    lines = prediction.summary()
    assert lines[:3] == [
        "1 Project fact sheet would be archived (25%, limit 50%)",
        "1 relation relProjectToITComponent would be deleted (100%, limit 101%)",
        "1 document would be deleted (50%, limit 101%)",
    ]
    # r6 has no description: calling contains() on null fails, and the relation stays.
    assert len(lines) == 4 and lines[3].startswith(
        "Warning: deletionScope.relations[0].advanced failed, the item stays: "
    )
    assert "cannot call method 'contains' on null" in lines[3]
    ref = FactSheetRef
    assert prediction.writes() == [
        RelationWrite(None, "delete", "relProjectToITComponent", ref(id="p42"), ref(id="i1")),
        DocumentWrite(None, "delete", ref(id="p43"), "MyDocs_budget"),
        archive("p7"),
    ]


def test_overlapping_scopes_handle_each_item_once(view):
    project = {"facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Project"]}]}
    tagged = {"facetFilters": [{"facetKey": "_TAGS_", "operator": "OR", "keys": ["t-test-prj"]}]}
    cfg = {
        "processingMode": "FULL",
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": 101, "relations": 101},
            "factSheets": [{"scope": project}, {"scope": tagged}, {"scope": project}],
            "relations": [
                {"relationTypes": ["relProjectToITComponent"], "scope": project},
                {"relationTypes": ["relProjectToITComponent"], "scope": tagged},
            ],
        },
    }
    prediction = predict_deletions(cfg, view, Touched(), header={}, now=NOW)
    assert prediction.summary() == [
        "4 Project fact sheets would be archived (100%, limit 101%)",
        "3 relations relProjectToITComponent would be deleted (100%, limit 101%)",
    ]
    assert [i.detail for i in prediction.kinds["relations"].to_delete] == [
        "Project p42 → ITComponent i1; deletionScope.relations[0]",
        "Project p43 → ITComponent i2; deletionScope.relations[0]",
        "Project p44 → ITComponent i3; deletionScope.relations[0]",
    ]


def test_relation_scope_without_types_reads_the_own_connections(view):
    cfg = {
        "processingMode": "full",
        "deletionScope": {
            "maximumDeletionRatio": {"relations": 101},
            "relations": [{"scope": {"ids": ["a1", "i1"]}}],
        },
    }
    prediction = predict_deletions(cfg, view, Touched(), header={}, now=NOW)
    assert [(i.type, i.id) for i in prediction.kinds["relations"].to_delete] == [
        ("relApplicationToITComponent", "r1"),
        ("relApplicationToITComponent", "r2"),
    ]


# -- modes and odd configurations --------------------------------------------------------------------------


def test_partial_mode_ignores_deletion_scopes(view):
    cfg = config("auto_deletion_projects")
    cfg["processingMode"] = "partial"
    prediction = predict(cfg, view)
    assert prediction.summary() == ["Deletion scopes are ignored in PARTIAL mode: nothing would be deleted"]
    assert prediction.kinds == {} and prediction.writes() == [] and not prediction.cancelled
    assert deletions_frame(prediction).empty
    del cfg["processingMode"]  # partial is the default
    assert predict_deletions(cfg, view, Touched(), header={}, now=NOW).mode == "partial"


def test_full_mode_without_deletion_scope_and_unpredicted_kinds(view):
    bare = predict_deletions(
        {"processingMode": "full", "processors": []}, view, Touched(), header={}, now=NOW
    )
    assert bare.summary() == ["No deletion scope: nothing would be deleted"]
    todo = {
        "processingMode": "full",
        "deletionScope": {"todos": [{"filterObject": {"states": ["PREPARED"]}}]},
    }
    assert predict_deletions(todo, view, Touched(), header={}, now=NOW).summary() == [
        "No deletion scope: nothing would be deleted",
        "Warning: deletionScope.todos is not predicted (the workspace view has no todos)",
    ]
    with pytest.raises(DeletionScopeError, match="deletionScope.factSheets must be a list"):
        predict_deletions(
            {"processingMode": "full", "deletionScope": {"factSheets": {"scope": {}}}},
            view,
            Touched(),
            header={},
            now=NOW,
        )


def test_broken_expressions_skip_their_scope_with_a_warning(view):
    cfg = {
        "processingMode": "full",
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": 101},
            "factSheets": [
                {"scope": {"ids": ["${header.customFields.missing.toUpperCase()}"]}},
                {"scope": {"ids": ["p7"]}, "advanced": "${lx.factsheet.name =="},
                {"scope": {"ids": ["p43"]}, "advanced": "${lx.factsheet.name == 'Project 43'}"},
            ],
        },
    }
    prediction = predict_deletions(cfg, view, Touched(), header=HEADER, now=NOW)
    lines = prediction.summary()
    assert lines[0] == "1 Project fact sheet would be archived (100%, limit 101%)"
    assert lines[1].startswith("Warning: deletionScope.factSheets[0].scope: ")
    assert lines[1].endswith("; this scope is skipped")
    assert lines[2].startswith("Warning: deletionScope.factSheets[1].advanced: ")
    assert lines[2].endswith("; nothing of this scope is deleted")
    assert prediction.writes() == [archive("p43")]


def test_ids_that_evaluate_to_null_no_longer_restrict_the_scope(view):
    cfg = {
        "processingMode": "full",
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": 101},
            "factSheets": [{"scope": {"facetFilters": [], "ids": ["${header.customFields.missing.id}"]}}],
        },
    }
    prediction = predict_deletions(cfg, view, Touched(), header=HEADER, now=NOW)
    assert prediction.summary() == [
        "17 fact sheets (5 Process, 4 Project, 3 CloudComponent, 3 ITComponent, 2 Application) would be "
        "archived (100%, limit 101%)",
        "Warning: deletionScope.factSheets[0].scope.ids[0] evaluated to null "
        "(${header.customFields.missing.id}); the value is dropped",
        "Warning: deletionScope.factSheets[0].scope.ids has no values left, so it no longer restricts",
    ]


def test_owner_without_field_name_and_many_failing_expressions_warn_once(view):
    cfg = {
        "processingMode": "full",
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": 101, "relations": 101},
            "factSheets": [{"scope": {"ids": ["pr1", "pr2"]}, "owner": {"ownerId": "myOwner"}}],
            "relations": [{"scope": {}, "advanced": "${lx.relation.missing.length() > 0}"}],
        },
    }
    prediction = predict_deletions(cfg, view, Touched(), header={}, now=NOW)
    lines = prediction.summary()
    assert lines[:3] == [
        "2 Process fact sheets would be archived (100%, limit 101%)",
        "0 relations would be deleted (0%, limit 101%)",
        "Warning: deletionScope.factSheets[0].owner needs fieldName and ownerId; "
        "archived without owner check",
    ]
    failed = [line for line in lines if "relations[0].advanced failed" in line]
    assert len(failed) == 4  # three items named, then one line for the rest
    assert failed[-1] == "Warning: deletionScope.relations[0].advanced failed for more items; they stay too"


def test_the_frame_and_repr_show_the_summary(view):
    prediction = predict(config("test_prj_safety_net"), view, Touched(factsheets={"p42", "p43"}))
    assert deletions_frame(prediction)[["id", "cancelled"]].values.tolist() == [["p44", True]]
    assert repr(prediction).splitlines()[1].strip().startswith("1 Project fact sheet")

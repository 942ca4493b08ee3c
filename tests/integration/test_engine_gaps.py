"""The engine's documented gaps of issue 11: ``optional`` relations (INFO records), per-role subscription
comments, name candidates, integral variable aggregates, and what the preview does not evaluate.

Expected values come from the LeanIX documentation quoted at each test (the Integration API pages of
https://docs.leanix.net/docs/ and https://help.sap.com/docs/leanix/ea/) or are written by hand. The workspace is
an in-memory :class:`~kit.sources.NodesView` (no HTTP at all).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kit.integration.engine import evaluate
from kit.integration.plan import FieldWrite, RelationWrite, SubscriptionWrite
from kit.previews.not_evaluated import not_evaluated
from kit.previews.preview import preview
from kit.sources import NodesView
from tests.builders import EXTERNAL, Inputs, item, update

INPUTS = Inputs("gaps", "gaps-1")
config = INPUTS.config
ldif = INPUTS.ldif
NOW = datetime(2025, 1, 15, 9, 30)
OWNER_ROLE = {"id": "r-1", "name": "Business Owner"}
BOSS = {"id": "u-1", "email": "boss@example.com", "userName": "boss"}


def records() -> list[dict[str, Any]]:
    def sheet(fs_id: str, fs_type: str, name: str, external: str | None, **extra: Any) -> dict[str, Any]:
        return {
            "id": fs_id,
            "type": fs_type,
            "name": name,
            "status": extra.pop("status", "ACTIVE"),
            "externalId": {"externalId": external} if external else None,
            "tags": [],
            **extra,
        }

    return [
        sheet("app-1", "Application", "Best Name", "crm"),
        sheet("app-2", "Application", "Old Name", "erp"),
        sheet("app-3", "Application", "Archived Name", "old", status="ARCHIVED"),
        sheet("itc-1", "ITComponent", "DB", "db"),
    ]


def view() -> NodesView:
    return NodesView(records(), users=[BOSS], today=date(2025, 1, 15))


def run(*processors: dict[str, Any], items: list[dict[str, Any]]) -> Any:
    return evaluate(config(*processors), ldif(*items), view(), now=NOW)


def relation(**extra: Any) -> dict[str, Any]:
    return {
        "processorType": "inboundRelation",
        "processorName": "App to ITC",
        "type": "relApplicationToITComponent",
        "filter": {"exactType": "App"},
        "from": EXTERNAL,
        "to": {"external": {"id": {"expr": "${data.itc}"}, "type": {"expr": "externalId"}}},
        **extra,
    }


# -- optional on inboundRelation: a missing end is an INFO record --------------------------------------------
# Reference §6.2 (Integration API swagger, InboundRelation): "`"optional": true` turns 'fact sheet missing'
# warnings into info"; LeanIX's sync logs carry a level OK|WARNING|INFO|ERROR (reference §7).


def test_a_missing_relation_end_is_a_warning_without_optional() -> None:
    result = run(relation(), items=[item("crm", itc="nope")])
    assert [(w["category"], w["status"]) for w in result.warnings] == [("FACT_SHEET_NOT_FOUND", "WARNING")]
    assert not [w for w in result.plan.writes if isinstance(w, RelationWrite)]


def test_optional_turns_the_missing_end_into_info_and_counts_it_apart() -> None:
    result = run(relation(optional=True), items=[item("crm", itc="nope"), item("erp", itc="db")])
    assert [(w["category"], w["status"], w["content"]) for w in result.warnings] == [
        ("FACT_SHEET_NOT_FOUND", "INFO", "crm")
    ]
    assert "externalId 'nope'" in result.warnings[0]["message"]
    written = [w for w in result.plan.writes if isinstance(w, RelationWrite)]
    assert [(w.source.id, w.target.id) for w in written] == [("app-2", "itc-1")]
    counters = result.compiled.processors[0].stats
    assert (counters.infos, counters.warnings) == (1, 0)
    assert result.stats["processorStatistics"][0]["errorCount"] == 0


def test_optional_relation_validates_and_the_preview_keeps_infos_apart() -> None:
    shown = preview(
        config(relation(optional=True)), ldif(item("crm", itc="nope"), item("erp", itc="db")), view()
    )
    assert shown.warnings.empty
    assert shown.infos[["processor", "content", "category", "status"]].values.tolist() == [
        ["App to ITC", "crm", "FACT_SHEET_NOT_FOUND", "INFO"]
    ]
    row = shown.stats_processors.iloc[0]
    assert (row["warningCount"], row["infoCount"]) == (0, 1)
    assert "Warnings: none; infos: 1" in shown.summary()


def test_log_level_off_suppresses_infos_too() -> None:
    result = run(relation(optional=True, logLevel="off"), items=[item("crm", itc="nope")])
    assert result.warnings == []


# -- subscriptionRoles with a per-role comment ----------------------------------------------------------------
# Docs, Inbound Subscription example (https://docs.leanix.net/docs/inbound-processors):
#   {"key": {"expr": "subscriptionRoles"}, "values": [{"map": [{"key": "roleName", "value": "Business Owner"},
#    {"key": "comment", "value": "This person is the business owner"}]}]}


def subscriptions(*updates: dict[str, Any]) -> dict[str, Any]:
    return {
        "processorType": "inboundSubscription",
        "processorName": "Subscription creation",
        "filter": {"exactType": "App"},
        "identifier": EXTERNAL,
        "updates": list(updates),
    }


def role(name: str, comment: str | None = None) -> dict[str, Any]:
    entries = [{"key": "roleName", "value": name}]
    if comment is not None:
        entries.append({"key": "comment", "value": comment})
    return {"map": entries}


def test_a_role_comment_is_kept_in_the_written_subscription() -> None:
    result = run(
        subscriptions(
            update("user", "boss@example.com"),
            update("subscriptionType", "RESPONSIBLE"),
            update(
                "subscriptionRoles",
                role("Business Owner", "This person is the business owner"),
                role("Sponsor"),
            ),
        ),
        items=[item("crm")],
    )
    written = [w for w in result.plan.writes if isinstance(w, SubscriptionWrite)]
    assert len(written) == 1
    assert written[0].roles == ("Business Owner", "Sponsor")
    assert written[0].role_comments == {"Business Owner": "This person is the business owner"}
    assert result.warnings == []


def test_the_preview_shows_role_comments() -> None:
    shown = preview(
        config(
            subscriptions(
                update("user", "boss@example.com"),
                update("subscriptionType", "OBSERVER"),
                update("addSubscriptionRoles", role("Business Owner", "added by the import")),
            )
        ),
        ldif(item("erp")),
        view(),
    )
    assert shown.subscriptions["role_comments"].tolist() == [{"Business Owner": "added by the import"}]


# -- name candidates -----------------------------------------------------------------------------------------
# Docs, "Best Name for Fact Sheet" (https://docs.leanix.net/docs/advanced): "All the above use cases can be
# covered simply by providing a list of potential name candidates. Every candidate that results in a null
# (evaluated in the 'values' section) or is already taken by another Fact Sheet will be skipped. In case I
# want to keep a name once set and not changed after creation, admins configure to read current Fact Sheet
# content and use the existing name as a first option."


def best_name() -> dict[str, Any]:
    """The documented processor: the current name first, then data.app, data.app2, data.app3."""
    return {
        "processorType": "inboundFactSheet",
        "processorName": "Apps from Deployments",
        "type": "Application",
        "filter": {"exactType": "Deployment"},
        "identifier": EXTERNAL,
        "updates": [
            update("name", "${lx.factsheet.name}", "${data.app}", "${data.app2}", "${data.app3}"),
        ],
        "read": {"fields": ["name"]},
    }


DOC_DATA = {
    "app3": "veryLongAndUnhandyNameIDoNotWantToSeeIfPossible",
    "app2": "littleBitBetterNameButStillNotGood",
}


def names(result: Any) -> dict[str, Any]:
    return {
        w.target.id or w.target.external[1]: w.value
        for w in result.plan.writes
        if isinstance(w, FieldWrite) and w.key == "name"
    }


def test_a_new_fact_sheet_gets_the_best_name_not_taken() -> None:
    result = run(best_name(), items=[item("new-1", "Deployment", app="Best Name", **DOC_DATA)])
    # "Best Name" belongs to app-1: skipped; the next candidate is used
    assert names(result) == {"new-1": "littleBitBetterNameButStillNotGood"}
    assert result.warnings == []


def test_a_free_best_name_and_an_archived_holder_do_not_block() -> None:
    result = run(
        best_name(),
        items=[
            item("new-1", "Deployment", app="Fresh Name", **DOC_DATA),
            item("new-2", "Deployment", app="Archived Name", **DOC_DATA),
        ],
    )
    assert names(result) == {"new-1": "Fresh Name", "new-2": "Archived Name"}


def test_an_existing_fact_sheet_keeps_its_name() -> None:
    result = run(best_name(), items=[item("erp", "Deployment", app="Fresh Name", **DOC_DATA)])
    assert names(result) == {"app-2": "Old Name"}  # its own name is not "taken by another Fact Sheet"


def test_a_name_this_run_gave_away_is_taken_and_all_taken_is_a_warning() -> None:
    result = run(
        best_name(),
        items=[
            item("new-1", "Deployment", app="Fresh Name", app2="Best Name"),
            item("new-2", "Deployment", app="Fresh Name", app2="Best Name"),
        ],
    )
    assert names(result) == {"new-1": "Fresh Name"}
    assert [(w["content"], w["category"]) for w in result.warnings] == [
        ("new-2", "NO_VALUE_FOUND"),
        ("new-2", "MISSING_KEY"),
    ]
    assert "Every name candidate is taken" in result.warnings[0]["message"]


# -- variable aggregates print like the documented examples -------------------------------------------------
# Reference §6.5: variables.x.sum()/max()/min()/count()/distinct()/join(', '); "invalid numbers count as 0".
# EL arithmetic (JUEL coercion, EL 1.7.1): Long + Long stays a Long, so an integral sum prints "30", not "30.0".


def aggregates() -> dict[str, Any]:
    collect = {
        "processorType": "variableProcessor",
        "processorName": "collect",
        "filter": {"exactType": "App"},
        "variables": [
            {"key": "cost", "value": "${data.cost}"},
            {"key": "team", "value": "${data.team}"},
        ],
    }
    report = {
        "processorType": "inboundFactSheet",
        "processorName": "report",
        "type": "Application",
        "filter": {"exactType": "Total"},
        "identifier": EXTERNAL,
        "run": 1,
        "updates": [
            update("name", "Total"),
            update(
                "description",
                "sum ${variables.cost.sum()} max ${variables.cost.max()} min ${variables.cost.min()} "
                "count ${variables.cost.count()} teams ${variables.team.distinct().join(', ')}",
            ),
        ],
    }
    return config(collect, report)


def test_integral_aggregates_print_without_a_trailing_zero() -> None:
    items = [item("a", cost="10", team="red"), item("b", cost=20, team="red"), item("t", "Total")]
    result = evaluate(aggregates(), ldif(*items), now=NOW)
    described = [w.value for w in result.plan.writes if isinstance(w, FieldWrite) and w.key == "description"]
    assert described == ["sum 30 max 20 min 10 count 2 teams red"]


def test_a_decimal_entry_makes_the_sum_a_double() -> None:
    items = [item("a", cost="10", team="red"), item("b", cost="2.5", team="blue"), item("t", "Total")]
    result = evaluate(aggregates(), ldif(*items), now=NOW)
    described = [w.value for w in result.plan.writes if isinstance(w, FieldWrite) and w.key == "description"]
    assert described == ["sum 12.5 max 10 min 2.5 count 2 teams red, blue"]


# -- what the preview does not evaluate, per processor --------------------------------------------------------


def test_not_evaluated_lists_processor_parts_with_what_and_why() -> None:
    searched = {
        "processorType": "inboundFactSheet",
        "processorName": "Bookmarked apps",
        "type": "Application",
        "identifier": {
            "search": {"scope": {}, "scopeFromBookmark": "${integration.bookmarks.getBookmarkId('b')}"}
        },
        "updates": [update("alias", "x")],
    }
    full = Inputs("gaps", "gaps-1", mode="full").config(
        searched,
        deletionScope={"impacts": [{"scope": {}}], "todos": [{"filterObject": {"states": ["PREPARED"]}}]},
    )
    rows = not_evaluated(full)
    assert [(r["processor"], r["processor_index"], r["path"]) for r in rows] == [
        ("Bookmarked apps", 0, "processors[0].identifier.search.scopeFromBookmark"),
        ("deletionScope", None, "deletionScope.impacts[0]"),
        ("deletionScope", None, "deletionScope.todos[0]"),
    ]
    assert "bookmark's saved filter" in rows[0]["why"]
    assert "no to-dos" in rows[2]["why"]
    assert not_evaluated(config(searched, deletionScope={"impacts": [{"scope": {}}]}))[1:] == []  # partial
    # outboundFactSheet is evaluated (tests/integration/test_outbound.py); only its metrics exports are not
    outbound = {"processorType": "outboundFactSheet", "processorName": "Export", "fields": ["name"]}
    assert not_evaluated({"processors": [outbound]}) == []
    outbound["metrics"] = [{"name": "m"}]
    assert [(r["processor"], r["what"], r["path"]) for r in not_evaluated({"processors": [outbound]})] == [
        ("Export", "metrics export 'm'", "processors[0].metrics[0]")
    ]


def test_the_preview_has_a_not_evaluated_frame_and_summary_lines() -> None:
    searched = {
        "processorType": "inboundFactSheet",
        "processorName": "Bookmarked apps",
        "type": "Application",
        "filter": {"exactType": "App"},
        "identifier": {"search": {"scope": {"ids": ["app-1"]}, "scopeFromBookmark": "bookmark-1"}},
        "updates": [update("alias", "x")],
    }
    shown = preview(config(searched), ldif(item("a")), view())
    assert shown.not_evaluated[["processor", "processor_index", "path"]].values.tolist() == [
        ["Bookmarked apps", 0, "processors[0].identifier.search.scopeFromBookmark"]
    ]
    assert "not_evaluated" in shown.frames()
    assert any(
        line.startswith("Not evaluated: scopeFromBookmark of 'identifier' of 'Bookmarked apps'")
        for line in shown.summary().splitlines()
    )

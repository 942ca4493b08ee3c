"""Fact sheet frames from the sandbox over loopback HTTP, checked against the sandbox's own store."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from kit.frames.columns import STRING
from kit.frames.queries import BASE
from kit.integration.engine import FieldModel
from kit.leanix import UnknownFactSheetType, UnknownField
from kit.workspace import DeniedFieldsWarning


def active(store, type_name):
    return [r for r in store.factsheets(type_name) if r["status"] == "ACTIVE"]


def test_paging_loses_and_repeats_no_row(sandbox, ws):
    expected = active(sandbox.store, "Application")
    assert len(expected) > 2 * ws.page_size  # several pages
    frame = ws.factsheets("Application")
    assert len(frame) == len(expected)
    assert frame["id"].is_unique
    assert set(frame["id"]) == {r["id"] for r in expected}


def test_columns_have_stable_order_and_dtypes(sandbox, ws):
    frame = ws.factsheets("Application")
    assert list(frame.columns[: len(BASE)]) == list(BASE)
    model = sandbox.store.metamodel
    crit = next(f for f in model.type("Application").fields if f.name == "businessCriticality")
    assert isinstance(frame["businessCriticality"].dtype, pd.CategoricalDtype)
    assert frame["businessCriticality"].cat.ordered
    assert tuple(frame["businessCriticality"].cat.categories) == crit.values
    assert frame["type"].dtype == "category" and set(frame["type"]) == {"Application"}
    assert str(frame["createdAt"].dtype).startswith("datetime64") and str(frame["createdAt"].dt.tz) == "UTC"
    assert frame["level"].dtype == "Int64" and frame["completion"].dtype == "Float64"
    assert frame["name"].dtype == STRING and frame["lifecycle"].cat.ordered
    again = ws.factsheets("Application")
    assert list(again.columns) == list(frame.columns) and list(again.dtypes) == list(frame.dtypes)


def test_values_match_the_store(sandbox, ws):
    frame = ws.factsheets("Application").set_index("id")
    for record in active(sandbox.store, "Application")[:200]:
        row = frame.loc[record["id"]]
        assert row["name"] == record["name"]
        value = row["businessCriticality"]
        assert (None if pd.isna(value) else value) == record["businessCriticality"]
        expected_phase = (record["lifecycle"] or {}).get("asString")
        assert (None if pd.isna(row["lifecycle"]) else row["lifecycle"]) == expected_phase
        description = row["description"]
        assert (None if pd.isna(description) else description) == record["description"]


def test_fields_selects_columns_and_custom_fields_come_by_introspection(ws):
    frame = ws.factsheets("Application", fields=["businessCriticality", "alias"])
    assert list(frame.columns) == [*BASE, "businessCriticality", "alias"]
    listed = ws.fields("Application").set_index("field")
    assert listed.loc["businessCriticality", "kind"] == "SINGLE_SELECT"
    assert listed.loc["businessCriticality", "values"] == [
        "administrativeService",
        "businessOperational",
        "businessCritical",
        "missionCritical",
    ]
    assert listed.loc["relApplicationToITComponent", "kind"] == "RELATION"
    assert listed.loc["relApplicationToITComponent", "graphqlType"] == "ITComponent"
    assert "costTotalAnnual" in listed.loc["relApplicationToITComponent", "relationFields"]
    assert listed.loc["lifecycle", "kind"] == "LIFECYCLE"
    assert listed.loc["externalId", "kind"] == "EXTERNALID"
    assert (
        listed.loc["numberOfUsers", "kind"] == "INTEGER"
        and listed.loc["numberOfUsers", "graphqlType"] == "Int"
    )
    assert listed.loc["goLiveDate", "kind"] == "DATE" and listed.loc["name", "kind"] == "STRING"


def test_unknown_type_and_field_get_clear_errors(ws):
    with pytest.raises(UnknownFactSheetType, match="Did you mean 'Application'"):
        ws.factsheets("Aplication")
    with pytest.raises(UnknownField, match="Did you mean 'businessCriticality'"):
        ws.factsheets("Application", fields=["businessCritcality"])
    with pytest.raises(UnknownField, match=r"use ws.tags\('Application'\)"):
        ws.factsheets("Application", fields=["tags"])


def test_tag_facet_filter(sandbox, ws):
    tag = next(t for t in sandbox.store.tags.values() if t["name"] == "TEST_PRJ")
    facet = {"facetFilters": [{"facetKey": "_TAGS_", "operator": "OR", "keys": [tag["id"]]}]}
    frame = ws.factsheets("Project", filter=facet)
    expected = {
        r["id"] for r in active(sandbox.store, "Project") if any(t["id"] == tag["id"] for t in r["tags"])
    }
    assert expected and set(frame["id"]) == expected


def test_full_text_search_and_ids_filters(sandbox, ws):
    records = active(sandbox.store, "ITComponent")
    word = records[0]["name"].split()[0]
    found = ws.factsheets("ITComponent", filter={"fullTextSearch": word})
    expected = {
        r["id"]
        for r in records
        if word.lower() in (r["name"] + " " + (r["description"] or "")).lower()
        or word.lower() in r["displayName"].lower()
    }
    assert set(found["id"]) == expected
    ids = [r["id"] for r in records[:5]]
    assert set(ws.factsheets("ITComponent", filter={"ids": ids})["id"]) == set(ids)


def test_archived_only_when_asked(sandbox, ws):
    everything = list(sandbox.store.factsheets("Application"))
    archived = {r["id"] for r in everything if r["status"] == "ARCHIVED"}
    assert archived
    frame = ws.factsheets("Application", include_archived=True)
    assert len(frame) == len(everything)
    assert set(frame.loc[frame["status"] == "ARCHIVED", "id"]) == archived
    assert not set(ws.factsheets("Application")["id"]) & archived


def test_relations_frame(sandbox, ws):
    frame = ws.relations("Application", "relApplicationToITComponent")
    apps = {r["id"] for r in active(sandbox.store, "Application")}
    expected = [r for r in sandbox.store.relations("relApplicationToITComponent") if r.source_id in apps]
    assert len(frame) == len(expected)
    assert set(zip(frame["fromId"], frame["toId"], strict=True)) == {
        (r.source_id, r.target_id) for r in expected
    }
    assert set(frame["toType"]) == {"ITComponent"}
    by_id = {r.id: r for r in expected}
    for row in frame.head(50).itertuples():
        stored = by_id[row.relationId].node
        assert (None if pd.isna(row.costTotalAnnual) else row.costTotalAnnual) == stored.get(
            "costTotalAnnual"
        )
    assert str(frame["activeFrom"].dtype).startswith("datetime64")


def test_tags_lifecycles_subscriptions_frames(sandbox, ws):
    records = active(sandbox.store, "Application")
    tags = ws.tags("Application")
    assert len(tags) == sum(len(r["tags"]) for r in records)
    assert {"tagGroup", "tag", "tagId"} <= set(tags.columns)
    phases = ws.lifecycles("Application")
    assert len(phases) == sum(len((r["lifecycle"] or {}).get("phases") or []) for r in records)
    assert phases.groupby("id")["current"].sum().max() == 1
    subs = ws.subscriptions("Application")
    assert len(subs) == sum(len(r["subscriptions"]["edges"]) for r in records)
    assert set(subs["subscriptionType"].dropna()) <= {"ACCOUNTABLE", "RESPONSIBLE", "OBSERVER"}


def test_denied_fields_raise_or_are_dropped_with_a_warning(sandbox, ws):
    with sandbox.options_changed(denied_fields=("Application.businessCriticality",)):
        with pytest.raises(
            Exception, match="No permission: fact_sheet_fields:read:application:businessCriticality"
        ):
            ws.factsheets("Application")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = ws.factsheets("Application", on_denied="drop")
    assert "businessCriticality" not in frame.columns and "functionalSuitability" in frame.columns
    assert len(frame) == len(active(sandbox.store, "Application"))
    assert [w.category for w in caught] == [DeniedFieldsWarning]
    assert "businessCriticality" in str(caught[0].message)


def test_progress_bar_counts_to_total_when_asked(sandbox, client, capsys):
    from kit.workspace import Workspace

    quiet = Workspace(client, page_size=100, progress=False)
    quiet.factsheets("Application")
    assert capsys.readouterr().err == ""
    loud = Workspace(client, page_size=100, progress=True)
    loud.factsheets("Application")
    total = len(active(sandbox.store, "Application"))
    err = capsys.readouterr().err
    assert f"0/{total} " in err and "Application" in err  # the bar is sized from totalCount


class _ModelOnlyView:
    """A view with the workspace's meta model whose records must never be read for kinds."""

    def __init__(self, metamodel):
        self.metamodel = metamodel

    def records(self, type=None):  # noqa: A002
        raise AssertionError("kinds must come from the meta model, not from records")


def test_the_engine_takes_kinds_from_ws_model(ws):
    model = FieldModel(None, _ModelOnlyView(ws.model))
    crit = model.lookup("Application", "businessCriticality")
    assert crit.kind == "SINGLE_SELECT" and crit.allowed[-1] == "missionCritical"
    assert model.lookup("DataObject", "personalData").multi
    assert model.lookup("Application", "colour") == "Field 'colour' does not exist for type Application"
    assert model.relation_ends("relInterfaceToProviderApplication") == (
        "Interface",
        "Application",
        "relProviderApplicationToInterface",
    )


def test_workspace_and_snapshot_read_for_people_without_paths(sandbox, ws, tmp_path):
    """What reports print as their source: the workspace's name and address; a snapshot's workspace, time
    and folder name, never the folder's absolute path (``repr`` keeps the details)."""
    assert str(ws) == f"workspace 'Demo Corp' at {sandbox.url}"
    saved = ws.snapshot(tmp_path / "2026-11-01", types=["Project"])
    import kit

    snap = kit.load_snapshot(saved)
    text = str(snap)
    assert text.startswith("the snapshot of workspace 'Demo Corp' taken ") and text.endswith(
        " UTC (folder 2026-11-01)"
    )
    assert str(tmp_path) not in text and str(tmp_path) in repr(snap)

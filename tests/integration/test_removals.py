"""``count_removals``: what a run would archive or delete, from processors and deletion scopes, by kind.

Expected counts are worked out by hand on the workspace of :mod:`tests.integration.removal_workspace`
(reference §6.3 ``mode: delete``, §6.7 deletion scopes and their ratio limit).
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from kit.iapi_runs import DeletionsNotConfirmed, require_confirmation
from kit.integration.plan import (
    FactSheetRef,
    FieldWrite,
    Origin,
    RelationWrite,
    StatusWrite,
    TagWrite,
)
from kit.integration.removals import count_removals
from kit.previews.preview import preview
from kit.previews.scope import scope_check
from kit.sources import NodesView
from tests.integration.removal_workspace import (
    EXTERNAL,
    archive_apps,
    config,
    delete_documents,
    delete_relations,
    delete_subscriptions,
    delete_tags,
    item,
    ldif,
    records,
    set_stage,
    tag_scope,
    update,
    view,
)

NOW = datetime(2025, 1, 1, 6, 0)
APPS = {
    "processorType": "inboundFactSheet",
    "processorName": "Apps",
    "type": "Application",
    "filter": {"exactType": "App"},
    "identifier": EXTERNAL,
    "updates": [update("name", "${data.name}")],
}


def every_kind():
    """One removal of each kind a processor makes: ERP archived, CRM→DB deleted, HR's PILOT removed (mode
    delete), CRM's Dev replaced by Prod (single-select group Stage), ann's subscription and Runbook deleted."""
    cfg = config(
        archive_apps(),
        delete_relations(),
        delete_tags(),
        set_stage(),
        delete_subscriptions(),
        delete_documents(),
    )
    data = ldif(
        item("erp", "Drop"),
        item("x", "Unlink", app="crm", it="db"),
        item("z", "Untag", app="hr", tag="PILOT", group="Pilot"),
        item("s", "Stage", app="crm", tag="Prod"),
        item("u", "Unsubscribe", app="crm", user="ann@example.com"),
        item("d", "Undocument", app="crm", doc="Runbook"),
    )
    return preview(cfg, data, view(), now=NOW)


def test_every_kind_a_processor_removes_is_counted() -> None:
    removals = every_kind().removals
    assert dict(removals.counts) == {
        "factSheets": 1,
        "relations": 1,
        "tags": 2,
        "subscriptions": 1,
        "documents": 1,
    }
    assert removals.total == 6
    assert removals.phrase() == (
        "1 fact sheet (archived), 1 relation, 2 tag assignments, 1 subscription, 1 document"
    )
    items = removals.items
    assert items[["kind", "action", "processor", "factsheet_id", "type", "name"]].values.tolist() == [
        ["factSheets", "archive", "Drop apps", "a-2", "Application", "ERP"],
        ["relations", "delete", "Drop relations", "a-1", "relApplicationToITComponent", "CRM → DB"],
        ["tags", "remove", "Drop tags", "a-3", "Pilot", "PILOT"],
        ["tags", "remove", "Stage", "a-1", "Stage", "Dev"],
        ["subscriptions", "delete", "Drop subscriptions", "a-1", "RESPONSIBLE", "ann@example.com"],
        ["documents", "delete", "Drop documents", "a-1", None, "Runbook"],
    ]
    assert set(items["by"]) == {"processor"}
    assert removals.by_source() == {"processors": removals.phrase()}


def test_the_preview_summary_has_one_line_for_them() -> None:
    lines = every_kind().summary().splitlines()
    assert (
        "Would archive or delete: 1 fact sheet (archived), 1 relation, 2 tag assignments, 1 subscription, "
        "1 document"
    ) in lines


def test_processors_and_deletion_scopes_add_up() -> None:
    # ERP archived by the processor (so touched, not the scope's); HR (PILOT, untouched) by the scope.
    cfg = config(archive_apps(), APPS, processingMode="full", deletionScope=tag_scope())
    data = ldif(item("erp", "Drop"), item("crm", "App", name="CRM"), processingMode="full")
    removals = preview(cfg, data, view(), now=NOW).removals
    assert dict(removals.counts) == {"factSheets": 2}
    assert removals.items[["by", "factsheet_id", "name"]].values.tolist() == [
        ["processor", "a-2", "ERP"],
        ["deletion scope", "a-3", "HR"],
    ]
    assert removals.by_source() == {
        "processors": "1 fact sheet (archived)",
        "deletion scopes": "1 fact sheet (archived)",
    }


def test_cancelled_scope_deletions_are_not_counted() -> None:
    # Two PILOT apps in scope, none touched: 100% reaches a 50% limit, so iAPI deletes nothing (§6.7).
    data = ldif(item("crm", "App", name="CRM"), processingMode="full")
    allowed = preview(config(APPS, processingMode="full", deletionScope=tag_scope()), data, view(), now=NOW)
    assert dict(allowed.removals.counts) == {"factSheets": 2}
    cancelled = preview(
        config(APPS, processingMode="full", deletionScope=tag_scope(ratio=50)), data, view(), now=NOW
    )
    assert cancelled.deletions is not None and cancelled.deletions.cancelled
    assert dict(cancelled.removals.counts) == {} and cancelled.removals.total == 0
    assert "Would archive or delete: nothing" in cancelled.summary().splitlines()


def test_scope_tags_relations_by_kind() -> None:
    data = ldif(item("crm", "App", name="CRM"), processingMode="full")
    tags = preview(
        config(APPS, processingMode="full", deletionScope=tag_scope(kind="tags")), data, view(), now=NOW
    ).removals
    assert dict(tags.counts) == {"tags": 2}  # PILOT on ERP and HR
    assert tags.phrase() == "2 tag assignments"


def test_without_a_workspace_the_scopes_are_named_as_not_counted() -> None:
    # the processor's archive is still known (the named fact sheet is assumed to exist); the scopes are not
    cfg = config(archive_apps(), processingMode="full", deletionScope=tag_scope())
    shown = preview(cfg, ldif(item("erp", "Drop"), processingMode="full"), now=NOW)
    assert shown.removals.unknown == ("deletion scopes, as no workspace was given",)
    assert shown.removals.line() == (
        "Would archive or delete: 1 fact sheet (archived) "
        "(not counted: deletion scopes, as no workspace was given)"
    )


def test_partial_mode_ignores_scopes() -> None:
    cfg = config(APPS, deletionScope=tag_scope())
    removals = preview(cfg, ldif(item("crm", "App", name="CRM")), view(), now=NOW).removals
    assert removals.total == 0 and removals.unknown == ()


def test_records_that_remove_nothing_are_left_out() -> None:
    origin = Origin(0, "p", 0, "c", "T")
    ref = FactSheetRef(id="a-1")
    writes = [
        StatusWrite(origin, ref, "restore"),
        FieldWrite(origin, ref, "update", "name", "x"),
        TagWrite(origin, "add", ref, None, "T"),
        TagWrite(origin, "create", FactSheetRef(), "G", "T", create_tag=True),
        RelationWrite(origin, "upsert", "relApplicationToITComponent", ref, FactSheetRef(id="i-1")),
        StatusWrite(origin, ref, "archive"),
    ]
    removals = count_removals(writes)
    assert dict(removals.counts) == {"factSheets": 1}
    # the same records from a processor in mode delete: the relation upsert is a delete, the tag add a removal
    removed = count_removals(writes, processors=[{"processorType": "x", "mode": "delete"}])
    assert dict(removed.counts) == {"factSheets": 1, "relations": 1, "tags": 1}


def test_scope_check_reports_the_same_removals() -> None:
    cfg = config(archive_apps(), APPS, processingMode="full", deletionScope=tag_scope())
    data = ldif(item("erp", "Drop"), item("crm", "App", name="CRM"), processingMode="full")
    check = scope_check(cfg, data, NodesView(records()), now=NOW)
    assert check.removals is not None and dict(check.removals.counts) == {"factSheets": 2}
    assert "Would archive or delete: 2 fact sheets (archived)" in check.summary().splitlines()
    assert scope_check(cfg, data, view(), now=NOW, removals=False).removals is None


# -- the guard ------------------------------------------------------------------------------------------


def test_a_test_run_is_never_refused() -> None:
    assert require_confirmation(every_kind(), test=True, confirm_deletions=None).total == 6
    assert require_confirmation(every_kind(), test=True, confirm_deletions=1).total == 6


def test_a_real_run_needs_the_total() -> None:
    shown = every_kind()
    with pytest.raises(DeletionsNotConfirmed) as missing:
        require_confirmation(shown, test=False, confirm_deletions=None)
    text = str(missing.value)
    assert text.splitlines()[0] == (
        "This real run would archive or delete 6 item(s): 1 fact sheet (archived), 1 relation, "
        "2 tag assignments, 1 subscription, 1 document."
    )
    assert "confirm_deletions=6" in text
    assert missing.value.removals is not None and missing.value.removals.total == 6
    with pytest.raises(DeletionsNotConfirmed, match="confirm_deletions=5 does not match that total"):
        require_confirmation(shown, test=False, confirm_deletions=5)
    with pytest.raises(DeletionsNotConfirmed, match="must be a whole number"):
        require_confirmation(shown, test=False, confirm_deletions=True)
    assert require_confirmation(shown, test=False, confirm_deletions=6).total == 6


def test_nothing_to_remove_needs_no_confirmation_but_a_wrong_one_is_refused() -> None:
    shown = preview(config(APPS), ldif(item("crm", "App", name="CRM")), view(), now=NOW)
    assert require_confirmation(shown, test=False, confirm_deletions=None).total == 0
    assert require_confirmation(shown, test=False, confirm_deletions=0).total == 0
    with pytest.raises(DeletionsNotConfirmed, match="would archive or delete nothing"):
        require_confirmation(shown, test=False, confirm_deletions=3)


def test_the_cli_prints_the_removals_and_the_number_to_confirm(tmp_path, capsys) -> None:
    from kit.cli import main

    cfg, data = tmp_path / "config.json", tmp_path / "ldif.json"
    cfg.write_text(json.dumps(config(archive_apps())))
    data.write_text(json.dumps(ldif(item("erp", "Drop"))))
    for command in ("preview", "scope"):
        assert main([command, str(cfg), str(data)]) == 0
        out = capsys.readouterr().out
        assert "Would archive or delete: 1 fact sheet (archived)" in out.splitlines()
        assert "A real run needs ws.run(config, ldif, test=False, confirm_deletions=1)." in out
        table = out.split("would archive or delete:\n", 1)[1].splitlines()
        assert table[0].split() == ["kind", "action", "by", "processor", "factsheet_id", "type", "name"]
        assert table[1].split()[:4] == ["factSheets", "archive", "processor", "Drop"]

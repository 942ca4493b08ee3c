"""``kit.integration.predict.predict``: the one prediction behind ``kit.preview``, ``scope_check`` and the
sandbox's runs (engine result, deletion scopes, notes, removals, the plan an applier replays)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kit.integration.plan import FieldWrite, StatusWrite
from kit.integration.predict import Prediction, predict
from kit.sources import NodesView

from .test_preview import NOW, full_config, item, ldif, records


def test_a_full_run_with_a_workspace_predicts_its_deletions() -> None:
    view = NodesView(records(), today=date(2025, 3, 1))
    items = [item("crm", name="CRM"), item("erp", name="ERP"), item("hr", name="HR")]
    predicted = predict([full_config()], ldif(*items, processingMode="full"), view, now=NOW)
    assert isinstance(predicted, Prediction)
    assert predicted.now == NOW and predicted.view is view and predicted.notes == ()
    assert predicted.deletions is not None and not predicted.deletions.cancelled
    # records(): a-1..a-4 are Applications; the run touches crm, erp, hr (a-1..a-3), so a-4 "Old" is archived
    assert [(type(w).__name__, w.target.id) for w in predicted.plan.writes] == [
        ("FieldWrite", "a-1"),
        ("FieldWrite", "a-2"),
        ("FieldWrite", "a-3"),
        ("StatusWrite", "a-4"),
    ]
    assert predicted.stats["deletedObjects"] == [
        {"kind": "factSheets", "id": "a-4", "type": "Application", "name": "Old"}
    ]
    assert predicted.removals.total == 1
    assert predicted.removals.items[["by", "factsheet_id", "name"]].values.tolist() == [
        ["deletion scope", "a-4", "Old"]
    ]
    assert predicted.describe(predicted.plan.writes[-1].target) == ("a-4", "a-4", None, "Old")


def test_without_a_workspace_the_notes_say_what_could_not_be_predicted() -> None:
    predicted = predict([full_config()], ldif(item("crm", name="CRM"), processingMode="full"), None, now=NOW)
    assert predicted.deletions is None
    assert "no workspace given: deletions cannot be computed" in predicted.notes
    assert predicted.removals.unknown == ("deletion scopes, as no workspace was given",)
    (write,) = predicted.plan.writes
    assert isinstance(write, FieldWrite) and not isinstance(write, StatusWrite)
    assert predicted.describe(write.target) == (None, "new Application externalId=crm", "Application", "CRM")


def test_a_prediction_is_frozen() -> None:
    predicted = predict([full_config()], ldif(item("crm", name="CRM"), processingMode="full"), None, now=NOW)
    with pytest.raises(dataclasses.FrozenInstanceError):
        predicted.notes = ()  # type: ignore[misc]  # the point of the test

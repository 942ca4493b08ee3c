"""``ws.run`` against the sandbox, with expected warnings, stats and effects written by hand from the docs.

The round-trip tests compare the engine with itself (the sandbox applies runs with the same engine); here
every expected number and name is worked out on paper from the reference (``leanix-api.md`` §6.3 ``mode``,
§6.4 value rule 4 "no value ⇒ warning unless optional", §6.7 deletion scopes and ratio) and the best-practice
page (a value mapping with a catch-all raises no warning; a deletion scope narrowed to a test tag).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.iapi_runs import DeletionsNotConfirmed
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY

EXTERNAL = {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}}


def header(connector: str, mode: str = "partial") -> dict[str, Any]:
    return {
        "connectorType": connector,
        "connectorId": connector,
        "connectorVersion": "1.0.0",
        "processingDirection": "inbound",
        "processingMode": mode,
    }


def ldif(connector: str, items: list[dict[str, Any]], mode: str = "partial") -> dict[str, Any]:
    return {**header(connector, mode), "lxVersion": "1.0.0", "content": items}


def mapped(value_expr: str, pairs: list[tuple[str, str]], catch_all: str | None = None) -> list[dict]:
    """A value mapping as the reference shows it: one regexMatch per source value, first hit wins."""
    values = [
        {"expr": value_expr, "regexMatch": f"^{src}$", "regexReplace": {"match": "^.*$", "replace": dst}}
        for src, dst in pairs
    ]
    return values + ([{"expr": catch_all}] if catch_all is not None else [])


def comparison(result) -> list[list[Any]]:
    return result.comparison[["measure", "predicted", "reported", "match"]].values.tolist()


@pytest.fixture
def fresh():
    """A small sandbox of its own: real runs change it."""
    with Sandbox(SandboxOptions(size=60, seed=5, run_delay=0.01)) as server:
        client = LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY)
        yield server, Workspace(client, progress=False)
        client.close()


def status_of(ws: Workspace, fs_type: str, name: str) -> str:
    frame = ws.factsheets(fs_type, include_archived=True)
    return str(frame.loc[frame["name"] == name, "status"].item())


# -- warnings (test run on the session sandbox) -------------------------------------------------------


def test_a_value_mapping_without_catch_all_warns_for_the_unmapped_value(ws) -> None:
    """Three applications with criticality high, low, medium. Processor 0 maps high and low only: the
    medium item has no value for businessCriticality, one warning (§6.4 rule 4). Processor 1 maps the same
    values into the description with a catch-all, so it never warns (best practice page)."""
    connector = "doc-value-mapping"
    config = {
        **header(connector),
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Criticality",
                "type": "Application",
                "filter": {"exactType": "App"},
                "identifier": EXTERNAL,
                "updates": [
                    {"key": {"expr": "name"}, "values": [{"expr": "${data.name}"}]},
                    {
                        "key": {"expr": "businessCriticality"},
                        "values": mapped(
                            "${data.crit}",
                            [("high", "businessCritical"), ("low", "administrativeService")],
                        ),
                    },
                ],
            },
            {
                "processorType": "inboundFactSheet",
                "processorName": "Description",
                "type": "Application",
                "filter": {"exactType": "App"},
                "identifier": EXTERNAL,
                "updates": [
                    {
                        "key": {"expr": "description"},
                        "values": mapped("${data.crit}", [("high", "Critical")], catch_all="Other"),
                    }
                ],
            },
        ],
    }
    items = [
        {"type": "App", "id": "doc-vm-a", "data": {"name": "Doc VM A", "crit": "high"}},
        {"type": "App", "id": "doc-vm-b", "data": {"name": "Doc VM B", "crit": "low"}},
        {"type": "App", "id": "doc-vm-c", "data": {"name": "Doc VM C", "crit": "medium"}},
    ]
    result = ws.run(config, ldif(connector, items))
    assert result.status == "FINISHED" and result.test
    warned = result.warnings[["processorName", "processorIndex", "content", "status"]].values.tolist()
    assert warned == [["Criticality", 0, "doc-vm-c", "WARNING"]]
    assert comparison(result) == [
        ["processed content items", 3, 3, True],
        ["content items of processor 0 'Criticality'", 3, 3, True],
        ["content items of processor 1 'Description'", 3, 3, True],
        ["warnings", 1, 1, True],
        ["warnings of processor 0 'Criticality'", 1, 1, True],
        ["deleted objects", 0, 0, True],
    ]
    assert "Would archive or delete: nothing" in result.preview.summary().splitlines()
    created = ws.factsheets("Application", filter={"fullTextSearch": "Doc VM"})
    assert len(created) == 0  # a test run persists nothing


# -- mode delete ----------------------------------------------------------------------------------------


def retire_config(connector: str) -> dict[str, Any]:
    return {
        **header(connector),
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Retire apps",
                "type": "Application",
                "mode": "delete",
                "filter": {"exactType": "Retired"},
                "identifier": EXTERNAL,
            }
        ],
    }


def test_a_mode_delete_processor_needs_confirmation_and_archives_one_named_fact_sheet(fresh) -> None:
    """``mode: delete`` archives the matched fact sheet (§6.3): one LDIF item naming legacy-billing ⇒ exactly
    "Legacy Billing" is archived, and a real run is refused until confirm_deletions=1."""
    server, ws = fresh
    server.store.add_factsheet("Application", "Legacy Billing", fields={"externalId": "legacy-billing"})
    server.store.add_factsheet("Application", "Billing NG", fields={"externalId": "billing-ng"})
    connector = "doc-retire"
    config = retire_config(connector)
    data = ldif(connector, [{"type": "Retired", "id": "legacy-billing", "data": {}}])
    runs_before = len(ws.runs())

    with pytest.raises(DeletionsNotConfirmed) as refused:
        ws.run(copy.deepcopy(config), data, test=False)
    lines = str(refused.value).splitlines()
    assert lines[0] == "This real run would archive or delete 1 item(s): 1 fact sheet (archived)."
    assert lines[1] == "  by processors: 1 fact sheet (archived)"
    assert "confirm_deletions=1" in lines[2]
    assert refused.value.removals.items["name"].tolist() == ["Legacy Billing"]
    with pytest.raises(DeletionsNotConfirmed, match="confirm_deletions=2 does not match"):
        ws.run(copy.deepcopy(config), data, test=False, confirm_deletions=2)
    assert status_of(ws, "Application", "Legacy Billing") == "ACTIVE"  # nothing ran
    assert len(ws.runs()) == runs_before

    tested = ws.run(copy.deepcopy(config), data)  # a test run is never refused, and changes nothing
    assert tested.status == "FINISHED" and tested.comparison["match"].all()
    assert status_of(ws, "Application", "Legacy Billing") == "ACTIVE"

    real = ws.run(config, data, test=False, confirm_deletions=1)
    assert real.status == "FINISHED"
    assert comparison(real) == [
        ["processed content items", 1, 1, True],
        ["content items of processor 0 'Retire apps'", 1, 1, True],
        ["warnings", 0, 0, True],
        ["deleted objects", 0, 0, True],
    ]
    assert status_of(ws, "Application", "Legacy Billing") == "ARCHIVED"
    assert status_of(ws, "Application", "Billing NG") == "ACTIVE"


# -- a FULL-mode run with a deletion scope narrowed to a tag ------------------------------------------


def pilot_projects(server) -> dict[str, str]:
    """Projects Pilot A, B, C tagged PILOT_RUN (group Pilot), Other D untagged; name -> id."""
    store = server.store
    group = store.add_tag_group("Pilot", mode="MULTIPLE")
    tag = store.add_tag("PILOT_RUN", group_id=group["id"])
    ids = {}
    for name in ("Pilot A", "Pilot B", "Pilot C"):
        ids[name] = store.add_factsheet("Project", name, tags=[tag["id"]])["id"]
    ids["Other D"] = store.add_factsheet("Project", "Other D")["id"]
    return ids


def full_config(connector: str) -> dict[str, Any]:
    return {
        **header(connector, "full"),
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Projects",
                "type": "Project",
                "filter": {"exactType": "Project"},
                "identifier": {"internal": "${content.id}"},
                "updates": [{"key": {"expr": "description"}, "values": [{"expr": "${data.text}"}]}],
            }
        ],
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": 101},
            "factSheets": [
                {
                    "scope": {
                        "facetFilters": [
                            {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Project"]},
                            {
                                "facetKey": "${integration.tags.getTagGroupId('Pilot')}",
                                "operator": "OR",
                                "keys": ["${integration.tags.getTagId('Pilot','PILOT_RUN')}"],
                            },
                        ],
                        "ids": [],
                    }
                }
            ],
        },
    }


def test_a_full_run_archives_the_untouched_fact_sheets_of_its_tag_scope(fresh) -> None:
    """Scope: Projects tagged PILOT_RUN = A, B, C. The LDIF touches A ⇒ B and C are archived (2 of 3, 66%,
    under the 101% limit); D is outside the scope and stays (§6.7; the best-practice test-tag advice)."""
    server, ws = fresh
    ids = pilot_projects(server)
    connector = "doc-full"
    config = full_config(connector)
    data = ldif(
        connector, [{"type": "Project", "id": ids["Pilot A"], "data": {"text": "still running"}}], "full"
    )

    tested = ws.run(copy.deepcopy(config), data)
    assert tested.status == "FINISHED"
    assert comparison(tested) == [
        ["processed content items", 1, 1, True],
        ["content items of processor 0 'Projects'", 1, 1, True],
        ["warnings", 0, 0, True],
        ["deleted objects", 2, 2, True],
    ]
    summary = tested.preview.summary().splitlines()
    assert "Would archive or delete: 2 fact sheets (archived)" in summary
    assert "Deletions: 2 Project fact sheets would be archived (66%, limit 101%)" in summary
    assert set(tested.stats.deleted_objects["name"]) == {"Pilot B", "Pilot C"}

    with pytest.raises(DeletionsNotConfirmed) as refused:
        ws.run(copy.deepcopy(config), data, test=False)
    assert str(refused.value).splitlines()[:2] == [
        "This real run would archive or delete 2 item(s): 2 fact sheets (archived).",
        "  by deletion scopes: 2 fact sheets (archived)",
    ]
    assert {n: status_of(ws, "Project", n) for n in ids} == dict.fromkeys(ids, "ACTIVE")

    real = ws.run(config, data, test=False, confirm_deletions=2)
    assert real.status == "FINISHED" and real.comparison["match"].all()
    assert {n: status_of(ws, "Project", n) for n in ids} == {
        "Pilot A": "ACTIVE",
        "Pilot B": "ARCHIVED",
        "Pilot C": "ARCHIVED",
        "Other D": "ACTIVE",
    }


def test_the_refusal_names_every_kind_processors_and_scopes_together(fresh) -> None:
    """One run removing three kinds: Legacy Billing archived (mode delete), its document Runbook deleted
    (inboundDocument mode delete) and the PILOT_RUN assignments of Pilot A, B and C removed by a tags deletion
    scope: the run updates A but touches no tag assignment, and untouched items in scope go (§6.7; a scope
    without tagScopes takes every tag). Expected: 1 fact sheet, 3 tag assignments, 1 document = 5."""
    server, ws = fresh
    ids = pilot_projects(server)
    legacy = server.store.add_factsheet(
        "Application", "Legacy Billing", fields={"externalId": "legacy-billing"}
    )
    server.store.documents[legacy["id"]] = {"Runbook": {"name": "Runbook", "url": "https://example.com/rb"}}
    connector = "doc-mixed"
    config = full_config(connector)
    scope = config["deletionScope"].pop("factSheets")
    config["deletionScope"] = {"maximumDeletionRatio": {"tags": 101}, "tags": scope}
    config["processors"] += [
        {**retire_config(connector)["processors"][0], "run": 1},
        {
            "processorType": "inboundDocument",
            "processorName": "Drop runbooks",
            "mode": "delete",
            "filter": {"exactType": "Retired"},
            "identifier": EXTERNAL,
            "updates": [{"key": {"expr": "name"}, "values": [{"expr": "Runbook"}]}],
        },
    ]
    data = ldif(
        connector,
        [
            {"type": "Project", "id": ids["Pilot A"], "data": {"text": "still running"}},
            {"type": "Retired", "id": "legacy-billing", "data": {}},
        ],
        "full",
    )
    with pytest.raises(DeletionsNotConfirmed) as refused:
        ws.run(copy.deepcopy(config), data, test=False, confirm_deletions=1)
    assert str(refused.value).splitlines()[:3] == [
        "This real run would archive or delete 5 item(s): 1 fact sheet (archived), 3 tag assignments, "
        "1 document. confirm_deletions=1 does not match that total.",
        "  by processors: 1 fact sheet (archived), 1 document",
        "  by deletion scopes: 3 tag assignments",
    ]
    assert status_of(ws, "Application", "Legacy Billing") == "ACTIVE"
    assert list(server.store.documents[legacy["id"]]) == ["Runbook"]

    real = ws.run(config, data, test=False, confirm_deletions=5)
    assert real.status == "FINISHED"
    assert status_of(ws, "Application", "Legacy Billing") == "ARCHIVED"
    assert server.store.documents[legacy["id"]] == {}
    tagged = {
        name: [t["name"] for t in server.store.factsheet(ids[name])["tags"]]
        for name in ("Pilot A", "Pilot B", "Pilot C")
    }
    assert tagged == {"Pilot A": [], "Pilot B": [], "Pilot C": []}
    assert server.store.factsheet(ids["Other D"])["status"] == "ACTIVE"

"""The sandbox's Metrics API v2 (docs/alerts.md §3, reference §9): schemas, points that overwrite, and the
points of real ``inboundMetrics`` runs."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from kit.sandbox import Sandbox, SandboxOptions
from tests.builders import Inputs, item, update
from tests.sandbox.test_webhooks_api import Api

METRICS = "/services/metrics/v2"
RUNS = "/services/integration-api/v1/synchronizationRuns"
NOV_1 = "2026-11-01T00:00:00Z"
NOV_1_EPOCH = 1_793_491_200  # (56 * 365 + 14 leap days + 304 days of Jan-Oct 2026) * 86400
_names = itertools.count()


@pytest.fixture(scope="module")
def api():
    with Sandbox(SandboxOptions(size=200, seed=3, run_delay=0)) as server:
        yield Api(server)


def schema_body(**changes: Any) -> dict[str, Any]:
    """The reference's example schema (§9.1), with a fresh name."""
    return {
        "name": f"Availability {next(_names)}",
        "description": "This is a test metric for SAP LeanIX EAM docs",
        "attributes": [
            {"name": "Availability", "type": "metric"},
            {"name": "factSheetID", "type": "dimension"},
        ],
        **changes,
    }


@pytest.fixture
def schema(api):
    return api.ok("POST", f"{METRICS}/schemas", schema_body())


def points(api: Api, schema: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    return api.ok("GET", f"{METRICS}/schemas/{schema['uuid']}/points", **params)["data"]


def test_a_created_schema_comes_back_with_a_uuid_and_is_listed(api):
    body = schema_body()
    created = api.ok("POST", f"{METRICS}/schemas", body)
    assert {k: created[k] for k in ("name", "description", "attributes")} == body
    assert len(created["uuid"]) == 36
    assert api.ok("GET", f"{METRICS}/schemas/{created['uuid']}") == created
    listed = api.ok("GET", f"{METRICS}/schemas")["data"]
    assert created in listed
    assert api.ok("GET", f"{METRICS}/schemas", name=body["name"])["data"] == [created]


def test_a_schema_name_that_exists_is_a_409(api, schema):
    status, answer = api.call("POST", f"{METRICS}/schemas", schema_body(name=schema["name"]))
    assert status == 409
    assert answer["errors"][0]["value"] == "name"
    assert schema["uuid"] in answer["errors"][0]["messages"][0]


def test_a_deleted_schema_is_gone(api, schema):
    path = f"{METRICS}/schemas/{schema['uuid']}"
    assert api.call("DELETE", path) == (204, None)
    for method in ("GET", "DELETE"):
        status, answer = api.call(method, path)
        assert (status, answer["errors"][0]["value"]) == (404, "uuid")
    assert api.call("GET", f"{path}/points")[0] == 404
    assert api.call("POST", f"{path}/points", {"timestamp": NOV_1})[0] == 404


@pytest.mark.parametrize(
    ("changes", "value"),
    [
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"attributes": []}, "attributes"),
        ({"attributes": [{"name": "x", "type": "gauge"}]}, "attributes[0].type"),
        ({"attributes": [{"type": "metric"}]}, "attributes[0]"),
        (
            {"attributes": [{"name": "x", "type": "metric"}, {"name": "x", "type": "dimension"}]},
            "attributes[1].name",
        ),
        ({"attributes": [{"name": "timestamp", "type": "metric"}]}, "attributes[0].name"),
        ({"description": 3}, "description"),
    ],
)
def test_invalid_schemas_are_a_400_naming_the_place(api, changes, value):
    status, answer = api.call("POST", f"{METRICS}/schemas", schema_body(**changes))
    assert status == 400
    assert answer["status"] == "ERROR"
    assert answer["errors"][0]["value"] == value


def test_a_point_at_the_same_time_and_dimensions_overwrites(api, schema):
    path = f"{METRICS}/schemas/{schema['uuid']}/points"
    written = api.ok("POST", path, {"timestamp": NOV_1, "Availability": 99, "factSheetID": "fs-1"})
    assert written == {"timestamp": NOV_1, "Availability": 99, "factSheetID": "fs-1"}
    api.ok("POST", path, {"timestamp": NOV_1, "Availability": 100, "factSheetID": "fs-1"})
    assert points(api, schema) == [{"timestamp": NOV_1, "Availability": 100, "factSheetID": "fs-1"}]
    api.ok("POST", path, {"timestamp": NOV_1, "Availability": 50, "factSheetID": "fs-2"})
    assert points(api, schema) == [
        {"timestamp": NOV_1, "Availability": 100, "factSheetID": "fs-1"},
        {"timestamp": NOV_1, "Availability": 50, "factSheetID": "fs-2"},
    ]


@pytest.mark.parametrize(
    "timestamp",
    [
        NOV_1_EPOCH,
        float(NOV_1_EPOCH),
        "2026-11-01T00:00:00.000Z",
        "2026-11-01T01:00:00+01:00",
        "2026-10-31T19:00:00-05:00",
    ],
)
def test_epoch_seconds_offsets_and_fractions_name_the_same_moment(api, schema, timestamp):
    path = f"{METRICS}/schemas/{schema['uuid']}/points"
    api.ok("POST", path, {"timestamp": NOV_1, "Availability": 1, "factSheetID": "fs-1"})
    api.ok("POST", path, {"timestamp": timestamp, "Availability": 2, "factSheetID": "fs-1"})
    assert points(api, schema) == [{"timestamp": NOV_1, "Availability": 2, "factSheetID": "fs-1"}]


def test_points_are_listed_by_time_and_a_range_can_be_listed_and_deleted(api, schema):
    path = f"{METRICS}/schemas/{schema['uuid']}/points"
    for day in (3, 1, 2):
        api.ok("POST", path, {"timestamp": f"2026-11-0{day}T00:00:00Z", "Availability": day})
    assert [p["Availability"] for p in points(api, schema)] == [1, 2, 3]
    assert points(api, schema)[0] == {"timestamp": NOV_1, "Availability": 1}  # no dimension given: none kept
    ranged = points(api, schema, start="2026-11-02T00:00:00Z", end="2026-11-03T00:00:00Z")
    assert [p["timestamp"] for p in ranged] == ["2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"]
    assert [p["Availability"] for p in points(api, schema, start=str(NOV_1_EPOCH + 86400))] == [2, 3]
    assert api.ok("DELETE", path, start="2026-11-02T00:00:00Z", end="2026-11-02T23:59:59Z") == {"deleted": 1}
    assert [p["Availability"] for p in points(api, schema)] == [1, 3]
    assert api.ok("DELETE", path) == {"deleted": 2}
    assert points(api, schema) == []


@pytest.mark.parametrize(
    ("point", "value"),
    [
        ({"Availability": 1}, "timestamp"),
        ({"timestamp": "yesterday", "Availability": 1}, "timestamp"),
        ({"timestamp": True, "Availability": 1}, "timestamp"),
        ({"timestamp": 1e300, "Availability": 1}, "timestamp"),
        ({"timestamp": NOV_1, "Uptime": 1}, "Uptime"),
        ({"timestamp": NOV_1, "Availability": "high"}, "Availability"),
        ({"timestamp": NOV_1, "Availability": True}, "Availability"),
        ({"timestamp": NOV_1, "factSheetID": 7}, "factSheetID"),
    ],
)
def test_invalid_points_are_a_400_naming_the_key(api, schema, point, value):
    status, answer = api.call("POST", f"{METRICS}/schemas/{schema['uuid']}/points", point)
    assert status == 400
    assert answer["errors"][0]["value"] == value
    assert points(api, schema) == []


def test_a_bad_range_is_a_400(api, schema):
    status, answer = api.call("GET", f"{METRICS}/schemas/{schema['uuid']}/points", start="last week")
    assert (status, answer["errors"][0]["value"]) == (400, "start")


# -- inboundMetrics runs ---------------------------------------------------------------------------------
COSTS = Inputs("costs")
METRICS_CONFIG = COSTS.config(
    {
        "processorType": "inboundMetrics",
        "processorName": "Monthly cost points",
        "filter": {"exactType": "Metrics"},
        "run": 1,
        "updates": [
            update("measurement", "${data.measurement}"),
            update("time", "${data.time}"),
            update("fieldKey", "cost"),
            update("fieldValueNumber", "${data.cost}"),
            update("tagKey", "factSheetId"),
            update("tagValue", "${data.factSheetId}"),
        ],
    }
)


def metrics_ldif(measurement: str, *costs: tuple[str, str, float]) -> dict[str, Any]:
    return COSTS.ldif(
        *(
            item(f"p{i}", "Metrics", measurement=measurement, time=moment, cost=cost, factSheetId=fs)
            for i, (moment, fs, cost) in enumerate(costs)
        ),
        processingMode="partial",
    )


def start_run(api: Api, ldif: dict[str, Any], *, test: bool) -> None:
    body = {"input": ldif, "processorConfiguration": METRICS_CONFIG}
    run_id = api.ok("POST", f"{RUNS}/withConfig", body, start="true", test=str(test).lower())["id"]
    end = time.monotonic() + 20
    while (status := api.ok("GET", f"{RUNS}/{run_id}/status")["status"]) not in ("FINISHED", "FAILED"):
        assert time.monotonic() < end, "the run did not end"
        time.sleep(0.01)
    assert status == "FINISHED"


def by_name(api: Api, name: str) -> list[dict[str, Any]]:
    return api.ok("GET", f"{METRICS}/schemas", name=name)["data"]


def test_a_real_inbound_metrics_run_writes_its_points_into_the_schema_named_by_measurement(api):
    name = f"lxkit cloud cost {next(_names)}"
    ldif = metrics_ldif(
        name,
        ("2026-10-01T00:00:00.000000Z", "fs-1", 120.5),
        ("2026-10-01T00:00:00.000000Z", "fs-2", 80.0),
        ("2026-11-01T00:00:00.000000Z", "fs-1", 130.0),
    )
    start_run(api, ldif, test=False)
    [schema] = by_name(api, name)
    assert schema["attributes"] == [
        {"name": "cost", "type": "metric"},
        {"name": "factSheetId", "type": "dimension"},
    ]
    expected = [
        {"timestamp": "2026-10-01T00:00:00Z", "cost": 120.5, "factSheetId": "fs-1"},
        {"timestamp": "2026-10-01T00:00:00Z", "cost": 80.0, "factSheetId": "fs-2"},
        {"timestamp": NOV_1, "cost": 130.0, "factSheetId": "fs-1"},
    ]
    assert points(api, schema) == expected

    again = metrics_ldif(name, ("2026-11-01T00:00:00.000000Z", "fs-1", 135.0))  # the same time and tags
    start_run(api, ldif, test=False)
    start_run(api, again, test=False)
    assert by_name(api, name) == [schema]
    assert points(api, schema) == [*expected[:2], {"timestamp": NOV_1, "cost": 135.0, "factSheetId": "fs-1"}]


def test_a_test_run_writes_no_points(api):
    name = f"lxkit test only {next(_names)}"
    start_run(api, metrics_ldif(name, (NOV_1, "fs-1", 1.0)), test=True)
    assert by_name(api, name) == []


def test_a_new_tag_key_adds_a_dimension_to_the_schema(api):
    name = f"lxkit grown {next(_names)}"
    start_run(api, metrics_ldif(name, (NOV_1, "fs-1", 1.0)), test=False)
    [schema] = by_name(api, name)
    tagged = {
        **METRICS_CONFIG,
        "processors": [
            {
                **METRICS_CONFIG["processors"][0],
                "updates": [
                    *METRICS_CONFIG["processors"][0]["updates"],
                    update(
                        "tags", {"map": [{"key": "key", "value": "region"}, {"key": "value", "value": "eu"}]}
                    ),
                ],
            }
        ],
    }
    body = {"input": metrics_ldif(name, (NOV_1, "fs-1", 2.0)), "processorConfiguration": tagged}
    api.ok("POST", f"{RUNS}/withConfig", body, start="true")
    end = time.monotonic() + 20
    while len(points(api, schema)) < 2 and time.monotonic() < end:
        time.sleep(0.01)
    [grown] = by_name(api, name)
    assert grown["attributes"][-1] == {"name": "region", "type": "dimension"}
    assert points(api, schema) == [
        {"timestamp": NOV_1, "cost": 1.0, "factSheetId": "fs-1"},
        {"timestamp": NOV_1, "cost": 2.0, "factSheetId": "fs-1", "region": "eu"},
    ]

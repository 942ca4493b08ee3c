"""The sandbox's Metrics API v2 (``/services/metrics/v2``): schemas and their points, in memory.

A schema is ``{uuid, name, description, attributes: [{name, type: metric|dimension}]}``; a point is
``{"timestamp": ISO text or epoch seconds, <metric>: number, <dimension>: text}``. Writing a point creates it
or overwrites the one with the same timestamp (normalised to UTC) and the same dimension values, which is what
makes publishing a day's KPIs twice harmless. Answers list timestamps as ISO ``...Z`` texts.

Envelopes (reference §9.1 shows only that a created schema comes back with its ``uuid``): a schema or a point
is answered as the object itself, a list as ``{"data": [...]}``; errors as LeanIX's REST services answer them,
``{"status": "ERROR", "errors": [{"value", "messages"}]}``.

:meth:`MetricsStore.put_iapi` takes the points of an Integration API ``inboundMetrics`` run: the schema is the
one named by the point's ``measurement`` (created when missing, a new key adding an attribute). INFERRED:
LeanIX does not document how iAPI points map onto v2 schemas.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from datetime import UTC, datetime
from email.message import Message
from typing import TYPE_CHECKING, Any

from kit.sandbox.errors import ApiError
from kit.sandbox.request_parts import Query, json_body, param

if TYPE_CHECKING:
    from kit.sandbox.server import Sandbox

__all__ = [
    "MetricsStore",
    "create_schema",
    "delete_points",
    "delete_schema",
    "get_schema",
    "iso",
    "list_points",
    "list_schemas",
    "parse_timestamp",
    "write_point",
]

log = logging.getLogger("kit.sandbox")

ATTRIBUTE_TYPES = ("metric", "dimension")
Answer = tuple[int, Any]
#: a point's identity: its UTC time and its (dimension, value) pairs, sorted
PointKey = tuple[datetime, tuple[tuple[str, str], ...]]


def _refuse(status: int, value: str, *messages: str) -> ApiError:
    return ApiError(status, {"status": "ERROR", "errors": [{"value": value, "messages": list(messages)}]})


def parse_timestamp(value: object, where: str = "timestamp") -> datetime:
    """``value`` as an aware UTC datetime: an ISO 8601 text (``Z``, an offset or none, meaning UTC; any
    fraction of a second) or epoch seconds (int or float). Raises a 400 naming ``where`` otherwise."""
    rule = (
        f"{where} must be an ISO 8601 time such as '2026-11-01T00:00:00Z' (or with an offset) or epoch "
        "seconds (a number)"
    )
    if isinstance(value, bool) or value is None:
        raise _refuse(400, where, f"{rule}, got {value!r}.")
    if isinstance(value, int | float):
        try:
            if not math.isfinite(value):
                raise ValueError
            return datetime.fromtimestamp(value, UTC)
        except (ValueError, OverflowError, OSError):
            raise _refuse(400, where, f"{rule}; {value!r} is out of range.") from None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise _refuse(400, where, f"{rule}, got {value[:100]!r}.") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    raise _refuse(400, where, f"{rule}, got a {type(value).__name__}.")


def iso(moment: datetime) -> str:
    """``2026-11-01T00:00:00Z`` (with microseconds only when there are some)."""
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return f"{text}Z"


class MetricsStore:
    """Schemas (by uuid, in creation order) and their points (by :data:`PointKey`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.schemas: dict[str, dict[str, Any]] = {}
        self.points: dict[str, dict[PointKey, dict[str, Any]]] = {}

    def find(self, schema_uuid: str) -> dict[str, Any]:
        found = self.schemas.get(schema_uuid)
        if found is None:
            raise _refuse(404, "uuid", f"No metrics schema with uuid '{schema_uuid}' in this workspace.")
        return found

    def by_name(self, name: str) -> dict[str, Any] | None:
        return next((s for s in self.schemas.values() if s["name"] == name), None)

    def add_schema(self, name: str, description: str, attributes: list[dict[str, str]]) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "uuid": str(uuid.uuid4()),
            "name": name,
            "description": description,
            "attributes": attributes,
        }
        self.schemas[schema["uuid"]] = schema
        self.points[schema["uuid"]] = {}
        return schema

    def put(self, schema: dict[str, Any], moment: datetime, values: dict[str, Any]) -> dict[str, Any]:
        """Create or overwrite the point of ``schema`` at ``moment`` with ``values`` (checked already)."""
        kinds = {a["name"]: a["type"] for a in schema["attributes"]}
        dims = tuple(sorted((k, v) for k, v in values.items() if kinds[k] == "dimension"))
        point = {"timestamp": iso(moment), **values}
        self.points[schema["uuid"]][(moment, dims)] = point
        return point

    def put_iapi(
        self, measurement: str, time: str | None, fields: dict[str, Any], tags: dict[str, Any]
    ) -> None:
        """Store one ``inboundMetrics`` point (a real run's): schema ``measurement``, metrics ``fields``,
        dimensions ``tags``, at ``time`` (None: now). A key already used with the other type is left out."""
        try:
            moment = datetime.now(UTC) if time in (None, "") else parse_timestamp(time, "time")
        except ApiError:  # a run is not refused for one point: the point is left out
            log.info("lxkit sandbox: a metrics point of %r has an unreadable time; left out", measurement)
            return
        wanted = [(k, "metric") for k, v in fields.items() if _is_number(v)]
        wanted += [(k, "dimension") for k, v in tags.items() if v is not None]
        with self.lock:
            schema = self.by_name(measurement) or self.add_schema(measurement, "", [])
            kinds = {a["name"]: a["type"] for a in schema["attributes"]}
            for key, kind in wanted:
                if key not in kinds:
                    schema["attributes"].append({"name": key, "type": kind})
                    kinds[key] = kind
            values: dict[str, Any] = {
                k: fields[k] for k, kind in wanted if kind == "metric" and kinds[k] == kind
            }
            values |= {k: str(tags[k]) for k, kind in wanted if kind == "dimension" and kinds[k] == kind}
            self.put(schema, moment, values)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# -- schemas ---------------------------------------------------------------------------------------------
def _checked_schema(body: object) -> tuple[str, str, list[dict[str, str]]]:
    if not isinstance(body, dict):
        raise _refuse(400, "body", "The body must be a schema JSON object: {name, description, attributes}.")
    name, description, attributes = body.get("name"), body.get("description") or "", body.get("attributes")
    if not isinstance(name, str) or not name.strip():
        raise _refuse(400, "name", "name is required: the schema's name (text).")
    if not isinstance(description, str):
        raise _refuse(400, "description", "description must be text.")
    if not isinstance(attributes, list) or not attributes:
        raise _refuse(
            400, "attributes", 'attributes is required: a list of {"name", "type": metric|dimension}.'
        )
    seen: set[str] = set()
    for index, attribute in enumerate(attributes):
        where = f"attributes[{index}]"
        if (
            not isinstance(attribute, dict)
            or not isinstance(attribute.get("name"), str)
            or not attribute["name"]
        ):
            raise _refuse(400, where, f"{where} must be an object with a non-empty 'name'.")
        if attribute.get("type") not in ATTRIBUTE_TYPES:
            raise _refuse(400, f"{where}.type", f"{where}.type must be 'metric' or 'dimension'.")
        if attribute["name"] == "timestamp" or attribute["name"] in seen:
            raise _refuse(
                400,
                f"{where}.name",
                f"{where}.name {attribute['name']!r} is taken (by 'timestamp' or another attribute).",
            )
        seen.add(attribute["name"])
    return name, description, [{"name": a["name"], "type": a["type"]} for a in attributes]


def list_schemas(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    store = sandbox.metrics
    name = param(query, "name")
    with store.lock:
        found = [dict(s) for s in store.schemas.values() if name is None or s["name"] == name]
    return 200, {"data": found}


def create_schema(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    name, description, attributes = _checked_schema(json_body(body))
    store = sandbox.metrics
    with store.lock:
        existing = store.by_name(name)
        if existing is not None:
            raise _refuse(409, "name", f"A metrics schema named {name!r} exists (uuid {existing['uuid']}).")
        return 200, dict(store.add_schema(name, description, attributes))


def get_schema(sandbox: Sandbox, query: Query, body: bytes, headers: Message, schema_uuid: str) -> Answer:
    with sandbox.metrics.lock:
        return 200, dict(sandbox.metrics.find(schema_uuid))


def delete_schema(sandbox: Sandbox, query: Query, body: bytes, headers: Message, schema_uuid: str) -> Answer:
    store = sandbox.metrics
    with store.lock:
        store.find(schema_uuid)
        del store.schemas[schema_uuid]
        del store.points[schema_uuid]
    return 204, None


# -- points ----------------------------------------------------------------------------------------------
def _checked_point(schema: dict[str, Any], body: object) -> tuple[datetime, dict[str, Any]]:
    if not isinstance(body, dict):
        raise _refuse(
            400, "body", 'The body must be a point JSON object: {"timestamp": ..., <attribute>: ...}.'
        )
    if "timestamp" not in body:
        raise _refuse(400, "timestamp", "timestamp is required (ISO 8601 text or epoch seconds).")
    moment = parse_timestamp(body["timestamp"])
    kinds = {a["name"]: a["type"] for a in schema["attributes"]}
    values = {k: v for k, v in body.items() if k != "timestamp"}
    for key, value in values.items():
        if key not in kinds:
            raise _refuse(
                400,
                key,
                f"{key!r} is not an attribute of schema {schema['name']!r} (attributes: {', '.join(kinds)}).",
            )
        if kinds[key] == "metric" and not _is_number(value):
            raise _refuse(400, key, f"{key!r} is a metric: its value must be a finite number, got {value!r}.")
        if kinds[key] == "dimension" and not isinstance(value, str):
            raise _refuse(400, key, f"{key!r} is a dimension: its value must be text, got {value!r}.")
    return moment, values


def _range(query: Query) -> tuple[datetime | None, datetime | None]:
    start, end = param(query, "start"), param(query, "end")
    low = None if start is None else parse_timestamp(_number_or_text(start), "start")
    high = None if end is None else parse_timestamp(_number_or_text(end), "end")
    return low, high


def _number_or_text(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value


def write_point(sandbox: Sandbox, query: Query, body: bytes, headers: Message, schema_uuid: str) -> Answer:
    store = sandbox.metrics
    payload = json_body(body)
    with store.lock:
        schema = store.find(schema_uuid)
        moment, values = _checked_point(schema, payload)
        return 200, dict(store.put(schema, moment, values))


def list_points(sandbox: Sandbox, query: Query, body: bytes, headers: Message, schema_uuid: str) -> Answer:
    """The schema's points from ``start`` to ``end`` (both inclusive, either optional), sorted by time."""
    low, high = _range(query)
    store = sandbox.metrics
    with store.lock:
        store.find(schema_uuid)
        found = sorted(
            (key, point)
            for key, point in store.points[schema_uuid].items()
            if (low is None or key[0] >= low) and (high is None or key[0] <= high)
        )
    return 200, {"data": [dict(point) for _, point in found]}


def delete_points(sandbox: Sandbox, query: Query, body: bytes, headers: Message, schema_uuid: str) -> Answer:
    """Remove the schema's points from ``start`` to ``end`` (both inclusive; none given: all of them)."""
    low, high = _range(query)
    store = sandbox.metrics
    with store.lock:
        store.find(schema_uuid)
        points = store.points[schema_uuid]
        doomed = [k for k in points if (low is None or k[0] >= low) and (high is None or k[0] <= high)]
        for key in doomed:
            del points[key]
    return 200, {"deleted": len(doomed)}

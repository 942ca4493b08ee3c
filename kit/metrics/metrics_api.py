"""The two ways :func:`kit.metrics.publish` writes points: the Metrics API v2 (reference §9.1, docs/alerts.md
§3: find a schema by name, create it when missing, write points, read them back) and the Integration API's
``inboundMetrics`` processor (reference §9.3: :func:`inbound_metrics` builds the configuration and LDIF).

Answers are taken in either shape LeanIX services use: the envelope ``{"status": "OK", "data": ...}`` or the
bare value (a list of schemas, a schema object). A schema is ``{uuid, name, description, attributes: [{name,
type: metric|dimension}]}``; a point is ``{"timestamp": ..., <metric>: number, <dimension>: string}``, and a
point with the same timestamp and dimension values replaces the earlier one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd

from kit.client import LeanIXError
from kit.metrics.kpi import KpiError

__all__ = [
    "CONNECTOR",
    "METRIC",
    "METRICS_API",
    "PublishError",
    "ensure_schema",
    "find_schema",
    "inbound_metrics",
    "read_points",
    "schema_path",
    "write_points",
]

METRICS_API = "/services/metrics/v2"
METRIC = "value"
"""The one metric attribute of a KPI schema: the KPI's value."""
CONNECTOR = "lxkit-kpis"
"""``connectorType`` and ``connectorId`` of the Integration API route."""


class PublishError(KpiError):
    """KPIs that cannot be published as asked (a bad argument, or a schema in the workspace that does not fit)."""


def _data(answer: Any) -> Any:
    """The payload of an answer: ``data`` of a LeanIX envelope, else the answer itself."""
    if isinstance(answer, Mapping) and "data" in answer and not {"uuid", "timestamp"} & set(answer):
        return answer["data"]
    return answer


def _items(answer: Any, what: str) -> list[dict[str, Any]]:
    items = _data(answer)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise PublishError(
            f"The Metrics API answered {what} with {type(items).__name__}, not a list of objects "
            '(nor {"data": [...]}); is the host a LeanIX instance?'
        )
    return [dict(i) for i in items]


def schema_path(uuid: str, *parts: str) -> str:
    """``/services/metrics/v2/schemas/<uuid>[/<part>...]`` with the uuid quoted for a path."""
    return "/".join([f"{METRICS_API}/schemas", quote(str(uuid), safe=""), *parts])


def find_schema(client: Any, name: str) -> dict[str, Any] | None:
    """The schema called ``name`` (``GET /schemas``), or None."""
    for schema in _items(client.get(f"{METRICS_API}/schemas"), "GET /schemas"):
        if schema.get("name") == name:
            return schema
    return None


def ensure_schema(
    client: Any, name: str, dimensions: Sequence[str], description: str = ""
) -> tuple[str, bool]:
    """(uuid, created): the schema ``name``, created with the metric ``value`` and one dimension attribute
    per name in ``dimensions`` when missing. An existing schema must have those attributes: one that lacks
    any is an error naming them (LeanIX refuses points with attributes a schema does not declare)."""
    schema = find_schema(client, name)
    created = False
    if schema is None:
        body = {
            "name": name,
            "description": description,
            "attributes": [{"name": METRIC, "type": "metric"}]
            + [{"name": d, "type": "dimension"} for d in dimensions],
        }
        try:
            schema = _data(client.post(f"{METRICS_API}/schemas", body))
            created = True
        except LeanIXError as exc:
            if exc.status != 409:  # 409: created meanwhile by someone else; read it below
                raise
            schema = find_schema(client, name)
        if not isinstance(schema, Mapping) or not schema.get("uuid"):
            schema = find_schema(client, name)
    if not isinstance(schema, Mapping) or not schema.get("uuid"):
        raise PublishError(f"The Metrics API did not return the uuid of schema {name!r} after creating it.")
    _check_attributes(schema, name, dimensions)
    return str(schema["uuid"]), created


def _check_attributes(schema: Mapping[str, Any], name: str, dimensions: Sequence[str]) -> None:
    declared = {
        str(a.get("name")): str(a.get("type", "")).lower()
        for a in schema.get("attributes") or ()
        if isinstance(a, Mapping)
    }
    wanted = {METRIC: "metric", **{d: "dimension" for d in dimensions}}
    wrong = [f"{attr} ({kind})" for attr, kind in wanted.items() if declared.get(attr) != kind]
    if wrong:
        have = ", ".join(f"{a} ({k})" for a, k in declared.items()) or "none"
        raise PublishError(
            f"Metrics schema {name!r} (uuid {schema.get('uuid')}) lacks the attribute(s) {', '.join(wrong)}; "
            f"it has {have}. Delete it (DELETE {METRICS_API}/schemas/<uuid>, its points go with it) or "
            "publish under another schema_prefix."
        )


def write_points(client: Any, uuid: str, points: Iterable[Mapping[str, Any]]) -> int:
    """POST each point to ``/schemas/<uuid>/points``; returns how many were written."""
    written = 0
    for point in points:
        client.post(schema_path(uuid, "points"), dict(point))
        written += 1
    return written


def read_points(
    client: Any, uuid: str, start: str | None = None, end: str | None = None
) -> list[dict[str, Any]]:
    """The points of schema ``uuid`` between ``start`` and ``end`` (ISO timestamps, both optional)."""
    params = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
    return _items(
        client.get(schema_path(uuid, "points"), params=params or None), "GET /schemas/<uuid>/points"
    )


def inbound_metrics(frame: pd.DataFrame, as_of: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """(processor configuration, LDIF) writing the points of ``frame`` (:func:`points`) through
    ``inboundMetrics`` (reference §9.3).

    One content item (type ``Metrics``) per point carries ``measurement``, ``time``, ``value`` and its
    dimension values; one processor per set of dimension attributes reads them, so names travel as data and
    never as code in a JUEL expression.
    """
    groups: dict[tuple[str, ...], str] = {}
    content = []
    for row in frame.to_dict("records"):
        attributes: Mapping[str, str] = row["attributes"]
        group = groups.setdefault(tuple(attributes), f"g{len(groups)}")
        data: dict[str, Any] = {
            "group": group,
            "measurement": str(row["schema"]),
            "time": str(row["timestamp"]),
            "value": repr(float(row["value"])),
        }
        if attributes:
            data["dimensions"] = {k: str(v) for k, v in attributes.items()}
        kpi, text = str(row["kpi"]), str(row["dimensions"])
        item_id = f"{kpi}|{text}" if text else kpi
        content.append({"type": "Metrics", "id": item_id, "data": data})
    processors = [_processor(names, group) for names, group in groups.items()]
    header = {
        "connectorType": CONNECTOR,
        "connectorId": CONNECTOR,
        "connectorVersion": "1.0.0",
        "processingDirection": "inbound",
        "processingMode": "partial",
    }
    config = {**header, "processors": processors, "variables": {}}
    ldif = {
        **header,
        "lxVersion": "1.0.0",
        "description": f"lxkit KPIs of {as_of.isoformat()}",
        "content": content,
    }
    return config, ldif


def _update(key: str, *values: dict[str, Any]) -> dict[str, Any]:
    return {"key": {"expr": key}, "values": list(values)}


def _processor(names: tuple[str, ...], group: str) -> dict[str, Any]:
    updates = [
        _update("measurement", {"expr": "${data.measurement}"}),
        _update("time", {"expr": "${data.time}"}),
        _update("fieldKey", {"expr": METRIC}),
        _update("fieldValueNumber", {"expr": "${data.value}"}),
    ]
    if names:
        tags = [
            {"map": [{"key": "key", "value": n}, {"key": "value", "value": f"${{data.dimensions['{n}']}}"}]}
            for n in names
        ]
        updates.append(_update("tags", *tags))
    return {
        "processorType": "inboundMetrics",
        "processorName": "lxkit KPIs" + (f" by {', '.join(names)}" if names else ""),
        "processorDescription": "One Metrics point per KPI value (kit.metrics.publish)",
        "filter": {"exactType": "Metrics", "advanced": f"${{data.group.equals('{group}')}}"},
        "run": 0,
        "updates": updates,
    }

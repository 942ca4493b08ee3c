"""``inboundMetrics``: one Metrics point per execution.

Keys: ``measurement`` (required), ``time`` (ISO timestamp; absent ⇒ ``None``, i.e. the run's time),
``fieldKey`` + ``fieldValueNumber`` (a number) ⇒ ``fields``, ``tagKey`` + ``tagValue`` and ``tags`` (list of
``{key, value}`` maps) ⇒ ``tags``. Points go to the Metrics API, so they count no GraphQL request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.plan import MetricPoint

from .configuration import Compiler
from .metamodel import FieldInfo, FieldModel
from .processor import Processor
from .values import evaluate_updates
from .warnings import Category

__all__ = ["MetricsProcessor"]

_KEYS = {
    "measurement": FieldInfo("measurement", "measurement", None, "STRING"),
    "time": FieldInfo("time", "time", None, "DATETIME"),
    "fieldKey": FieldInfo("fieldKey", "fieldKey", None, "STRING"),
    "fieldValueNumber": FieldInfo("fieldValueNumber", "fieldValueNumber", None, "DOUBLE"),
    "tagKey": FieldInfo("tagKey", "tagKey", None, "STRING"),
    "tagValue": FieldInfo("tagValue", "tagValue", None, "STRING"),
    "tags": FieldInfo("tags", "tags", None, None, multi=True),
}


def metrics_key(key: str) -> FieldInfo | str:
    return _KEYS.get(key) or f"Key '{key}' is not supported by inboundMetrics (keys: {', '.join(_KEYS)})"


class MetricsProcessor(Processor):
    processor_type = "inboundMetrics"

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        self.updates = self.compile_updates(raw, compiler, path, metrics_key)

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        values = {
            k: v for k, _, v, _ in evaluate_updates(self.updates, run, self, ctx, content_id, metrics_key)
        }
        measurement = values.get("measurement")
        if not measurement:
            run.warn(
                self,
                content_id,
                Category.MISSING_KEY,
                "A metrics point needs a 'measurement'",
                self.path,
                key="measurement",
            )
            return
        fields: dict[str, Any] = {}
        if values.get("fieldKey"):
            fields[str(values["fieldKey"])] = values.get("fieldValueNumber")
        tags: dict[str, Any] = {}
        if values.get("tagKey"):
            tags[str(values["tagKey"])] = values.get("tagValue")
        for entry in values.get("tags") or ():
            if isinstance(entry, Mapping) and entry.get("key") not in (None, ""):
                tags[str(entry["key"])] = entry.get("value")
        run.writes.append(
            MetricPoint(self.origin(run, item), str(measurement), values.get("time"), fields, tags)
        )
        self.collect_variables(run, ctx, item)

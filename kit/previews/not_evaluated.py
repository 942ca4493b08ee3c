"""What the offline evaluation of a configuration leaves out, said per processor: name, what, why.

The engine evaluates inbound processors and the deletion scopes of fact sheets, relations, tags,
subscriptions and documents. A preview must not look complete where it is not, so every part of a
configuration the kit reads but does not evaluate is listed here, one row each, instead of one generic note:

* ``metrics`` exports of ``outboundFactSheet`` processors (the workspace view holds no metrics, so
  ``lx.metrics.<name>`` reads as null; the rest of the processor is evaluated into the exported LDIF);
* ``search.scopeFromBookmark`` of an identifier (a bookmark's saved filter is not part of a workspace view:
  the search used only its ``scope``);
* ``deletionScope.impacts`` and ``deletionScope.todos`` of a FULL run (a workspace view holds no impacts or
  to-dos, so which of them the run would delete cannot be predicted).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["COLUMNS", "not_evaluated"]

#: the columns of :func:`not_evaluated` rows (and of the preview's ``not_evaluated`` frame)
COLUMNS = ["processor", "processor_index", "what", "path", "why"]

_METRICS_WHY = (
    "the workspace view holds no metrics, so lx.metrics.<name> reads as null (the rest of the processor is "
    "evaluated into the exported LDIF)"
)
_BOOKMARK_WHY = (
    "a bookmark's saved filter is not part of the workspace view, so the search used only its 'scope' and "
    "may have matched more fact sheets than the bookmark would"
)
_DELETION_WHY = {
    "impacts": "the workspace view holds no impacts, so which impacts the run would delete is not predicted",
    "todos": "the workspace view holds no to-dos, so which to-dos the run would delete is not predicted",
}
_IDENTIFIER_KEYS = ("identifier", "from", "to")


def not_evaluated(configuration: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per part of ``configuration`` the offline evaluation does not evaluate (see the module
    docstring): ``processor`` (name, or ``deletionScope``), ``processor_index`` (None for deletion scopes),
    ``what``, ``path`` (JSON path in the configuration) and ``why``."""
    rows = list(_processor_rows(configuration))
    rows.extend(_deletion_rows(configuration))
    return rows


def _processor_rows(configuration: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    processors = configuration.get("processors")
    for index, raw in enumerate(processors if isinstance(processors, list) else ()):
        if not isinstance(raw, Mapping):
            continue
        kind = str(raw.get("processorType") or "")
        name = str(raw.get("processorName") or kind)
        path = f"processors[{index}]"
        if kind == "outboundFactSheet":
            metrics = raw.get("metrics")
            for position, metric in enumerate(metrics if isinstance(metrics, list) else ()):
                label = metric.get("name") if isinstance(metric, Mapping) else None
                where = f"{path}.metrics[{position}]"
                yield _row(name, index, f"metrics export {label!r}", where, _METRICS_WHY)
            continue
        for key in _IDENTIFIER_KEYS:
            identifier = raw.get(key)
            search = identifier.get("search") if isinstance(identifier, Mapping) else None
            if isinstance(search, Mapping) and search.get("scopeFromBookmark") not in (None, ""):
                where = f"{path}.{key}.search.scopeFromBookmark"
                yield _row(name, index, f"scopeFromBookmark of '{key}'", where, _BOOKMARK_WHY)


def _deletion_rows(configuration: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    if str(configuration.get("processingMode") or "partial").lower() != "full":
        return  # deletion scopes are read in FULL mode only
    scopes = configuration.get("deletionScope")
    if not isinstance(scopes, Mapping):
        return
    for kind, why in _DELETION_WHY.items():
        entries = scopes.get(kind)
        for position, _ in enumerate(entries if isinstance(entries, list) else ()):
            path = f"deletionScope.{kind}[{position}]"
            yield _row("deletionScope", None, f"deletion scope of {kind}", path, why)


def _row(processor: str, index: int | None, what: str, path: str, why: str) -> dict[str, Any]:
    return {"processor": processor, "processor_index": index, "what": what, "path": path, "why": why}

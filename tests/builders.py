"""Builders for processor configurations and LDIFs, shared by every test that writes them by hand.

INPUTS = Inputs("prv")                      # connectorType/connectorId "prv"/"prv-1", partial mode
config, ldif = INPUTS.config, INPUTS.ldif
ldif(item("a1", "App", name="CRM"))
config(fact_sheets("Application", update("name", "${data.name}"), identifier=EXTERNAL))
"""

from __future__ import annotations

from typing import Any

EXTERNAL = {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}}
"""The identifier of the reference's examples: the content id is the fact sheet's ``externalId``."""


class Inputs:
    """The header every configuration and LDIF of one test module shares, and builders over it."""

    def __init__(
        self, connector: str = "test", connector_id: str | None = None, mode: str = "partial"
    ) -> None:
        self.header: dict[str, Any] = {
            "connectorType": connector,
            "connectorId": connector_id or f"{connector}-1",
            "connectorVersion": "1.0.0",
            "processingDirection": "inbound",
            "processingMode": mode,
        }

    def config(self, *processors: dict[str, Any], **root: Any) -> dict[str, Any]:
        """A processor configuration: the header, the processors, and any root key (deletionScope ...)."""
        return {**self.header, "processors": list(processors), **root}

    def ldif(self, *items: dict[str, Any], **header: Any) -> dict[str, Any]:
        """An LDIF: the header (keys overridable), ``lxVersion`` and the content items."""
        return {**self.header, "lxVersion": "1.0.0", **header, "content": list(items)}


def item(id: str, type: str = "App", /, **data: Any) -> dict[str, Any]:  # noqa: A002
    """One LDIF content item."""
    return {"id": id, "type": type, "data": data}


def update(key: str, *values: Any, **extra: Any) -> dict[str, Any]:
    """One ``updates`` entry; a value is a JUEL text (``expr``) or a whole value object."""
    return {
        "key": {"expr": key},
        "values": [v if isinstance(v, dict) else {"expr": v} for v in values],
        **extra,
    }


def fact_sheets(type: str = "Application", *updates: dict[str, Any], **extra: Any) -> dict[str, Any]:  # noqa: A002
    """An ``inboundFactSheet`` processor for content of any type, identified by external id by default."""
    return {
        "processorType": "inboundFactSheet",
        "processorName": extra.pop("name", "Apps"),
        "type": type,
        "filter": extra.pop("filter", {"exactType": "App"}),
        "identifier": extra.pop("identifier", EXTERNAL),
        "updates": list(updates),
        **extra,
    }

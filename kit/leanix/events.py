"""LeanIX's Integration API run events (reference §7.3): what a webhook subscription gets when a run starts,
finishes or is aborted."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

__all__ = ["RUN_FINISHED_EXAMPLE"]

#: the documented ``INTEGRATION_RUN_FINISHED`` payload of an Integration API run, verbatim (SAP's "webhook
#: payloads" page); ``duration`` is in seconds for the Integration API (ServiceNow sends an ISO duration)
RUN_FINISHED_EXAMPLE: MappingProxyType[str, Any] = MappingProxyType(
    {
        "type": "INTEGRATION-API",
        "scope": "PARTIAL",
        "version": "1.0.0",
        "duration": 3.924405624,
        "progress": "FINISHED",
        "direction": "INBOUND",
        "errorCount": 0,
        "connectorId": "inbound-document-connector",
        "warningCount": 0,
        "connectorType": "inboundDocument",
        "integratedTool": "",
        "processedCount": 2,
        "synchronizationId": "865b71a1-e66f-49c0-89de-5bc5fb42401b",
    }
)

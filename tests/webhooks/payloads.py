"""Payloads written by hand from reference §7.3 (the INTEGRATION_RUN_FINISHED example, verbatim) and
variants of it, for the webhook tests."""

from __future__ import annotations

from typing import Any

SYNC_ID = "865b71a1-e66f-49c0-89de-5bc5fb42401b"

# reference §7.3, verbatim
FINISHED: dict[str, Any] = {
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
    "synchronizationId": SYNC_ID,
}


def finished(**changes: Any) -> dict[str, Any]:
    """The §7.3 payload with some keys changed."""
    return {**FINISHED, **changes}

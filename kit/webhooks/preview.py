"""See what a webhook callback would send, before LeanIX runs it (docs/alerts.md §2).

:func:`preview_callback` runs a callback (text, or a ``.js`` file) on a run-statistics payload through
:func:`kit.callbacks.run_callback`, the same engine the sandbox's deliveries use, and returns a
:class:`CallbackPreview`: whether it would deliver, what, where, and what it logged. :func:`sample_payload`
makes payloads shaped like LeanIX's own (reference §7.3) for the cases worth trying: clean, warnings,
errors, aborted, another connector.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.callbacks import TIME_LIMIT, CallbackError, run_callback
from kit.leanix.events import RUN_FINISHED_EXAMPLE

__all__ = ["CallbackPreview", "preview_callback", "sample_payload"]

#: the progress of a run's payload for each event (a STARTED event reports a RUNNING run)
_PROGRESS = {"STARTED": "RUNNING", "RUNNING": "RUNNING", "FINISHED": "FINISHED", "ABORTED": "ABORTED"}


def sample_payload(
    progress: str = "FINISHED",
    warnings: int = 0,
    errors: int = 0,
    connector_id: str = RUN_FINISHED_EXAMPLE["connectorId"],
    *,
    processed: int = RUN_FINISHED_EXAMPLE["processedCount"],
    duration: float | str = RUN_FINISHED_EXAMPLE["duration"],
    scope: str = RUN_FINISHED_EXAMPLE["scope"],
    direction: str = RUN_FINISHED_EXAMPLE["direction"],
    connector_type: str = RUN_FINISHED_EXAMPLE["connectorType"],
    version: str = RUN_FINISHED_EXAMPLE["version"],
    synchronization_id: str = RUN_FINISHED_EXAMPLE["synchronizationId"],
) -> dict[str, Any]:
    """A run-statistics payload with the keys of LeanIX's ``INTEGRATION_RUN_FINISHED`` example (reference
    §7.3); the defaults are that example's values. ``progress`` is FINISHED, ABORTED or RUNNING (STARTED
    is taken as RUNNING, the progress a started run reports)."""
    key = str(progress).upper()
    if key not in _PROGRESS:
        raise ValueError(
            f"unknown progress {progress!r}; choose from FINISHED, ABORTED, RUNNING (or STARTED)"
        )
    for name, value in (("warnings", warnings), ("errors", errors), ("processed", processed)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a count (an integer >= 0), got {value!r}")
    return {
        **RUN_FINISHED_EXAMPLE,
        "scope": scope,
        "version": version,
        "duration": duration,
        "progress": _PROGRESS[key],
        "direction": direction,
        "errorCount": errors,
        "connectorId": connector_id,
        "warningCount": warnings,
        "connectorType": connector_type,
        "processedCount": processed,
        "synchronizationId": synchronization_id,
    }


@dataclass(frozen=True)
class CallbackPreview:
    """What a callback made of one payload: :attr:`delivers` (LeanIX would send it), the :attr:`payload`
    it would send, to :attr:`target_url` with :attr:`target_method`, and its console lines (:attr:`logs`)."""

    delivers: bool
    payload: Any
    target_url: str | None
    target_method: str | None
    logs: tuple[str, ...] = field(default=())

    def _heading(self) -> str:
        heading = f"would deliver: {'yes' if self.delivers else 'no'}"
        if self.delivers and self.target_url:
            heading += f" ({self.target_method or 'POST'} {self.target_url})"
        return heading

    def __str__(self) -> str:
        lines = [self._heading(), json.dumps(self.payload, indent=2, ensure_ascii=False)]
        lines += self.logs
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = html.escape(json.dumps(self.payload, indent=2, ensure_ascii=False))
        parts = [f"<div><strong>{html.escape(self._heading())}</strong>", f"<pre>{body}</pre>"]
        if self.logs:
            parts.append(f"<pre>{html.escape(chr(10).join(self.logs))}</pre>")
        parts.append("</div>")
        return "".join(parts)


def _is_path(value: object, suffix: str) -> bool:
    if isinstance(value, Path):
        return True
    return isinstance(value, str) and "\n" not in value and value.strip().lower().endswith(suffix)


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CallbackError(f"{path}: no such {what} file", kind="input") from None
    except UnicodeDecodeError as exc:
        raise CallbackError(
            f"{path}: the {what} file is not UTF-8 text (byte {exc.start}); save it as UTF-8", kind="input"
        ) from None
    except OSError as exc:
        raise CallbackError(
            f"{path}: cannot read the {what} file ({exc.strerror or exc})", kind="input"
        ) from None


def _payload(payload: Any) -> Any:
    """The payload data: the sample for None, the parsed JSON for a file (or for JSON text), else as given."""
    if payload is None:
        return sample_payload()
    if isinstance(payload, Path) or (
        isinstance(payload, str) and not payload.lstrip().startswith(("{", "["))
    ):
        path = Path(payload)
        text, where = _read(path, "payload"), str(path)
    elif isinstance(payload, str):
        text, where = payload, "the payload text"
    else:
        return payload
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CallbackError(
            f"{where}, line {exc.lineno}, column {exc.colno}: {exc.msg}; the payload must be JSON such as "
            "LeanIX's run-statistics payload (kit.webhooks.sample_payload() shows one)",
            kind="input",
            line=exc.lineno,
            column=exc.colno,
        ) from None


def preview_callback(
    js: str | Path,
    payload: Any = None,
    *,
    target_url: str | None = None,
    time_limit: float = TIME_LIMIT,
) -> CallbackPreview:
    """Run callback ``js`` on ``payload`` as LeanIX would for one delivery, and say what it would send.

    ``js`` is the JavaScript text, or a ``.js`` file (a :class:`~pathlib.Path`, or a str ending in ``.js``).
    ``payload`` is None (the sample of :func:`sample_payload`), data (dict, list ...), a JSON file (a Path or
    a str path) or JSON text (a str starting with ``{`` or ``[``). Raises :class:`kit.callbacks.CallbackError`
    with line and column for a callback that is not valid JavaScript, throws or runs longer than
    ``time_limit`` seconds, and (``kind="input"``) for a missing file or a payload that is not JSON.
    """
    name = "the callback"
    source: Any = js  # anything but text is refused by run_callback (kind "input")
    if _is_path(js, ".js"):
        path = Path(js)
        name, source = path.name, _read(path, "callback")
    data = _payload(payload)
    delivery = run_callback(source, data, target_url=target_url, name=name, time_limit=time_limit)
    return CallbackPreview(
        delivers=delivery.active,
        payload=delivery.payload,
        target_url=delivery.target_url,
        target_method=delivery.target_method,
        logs=delivery.logs,
    )

"""Run a LeanIX webhook callback, the JavaScript of a PUSH subscription, on this machine.

LeanIX runs a subscription's ``callback`` once per delivery with one global object, ``delivery``, whose
``payload``, ``active``, ``targetUrl`` and ``targetMethod`` it may change: ``delivery.active = false`` drops
the delivery, ``delivery.payload = {...}`` reshapes what is sent (reference §8.4). :func:`run_callback` does
the same in an embedded V8 (the ``mini-racer`` package) and returns the :class:`Delivery` as it stands when
the script ends. :func:`kit.webhooks.preview_callback` and the sandbox's webhook deliveries both use it, so a
callback behaves the same in a preview and in a sandbox run.

Why V8 through mini-racer: it has binary wheels for Linux (x86-64 and ARM), macOS and Windows and needs no
Node; it runs ES5 as ES5 (it is a superset; LeanIX does not document its callback engine, and all of its
examples are ES5, so write callbacks in ES5); each evaluation takes a time limit and a memory limit, so a
``while (true) {}`` callback comes back as an error instead of hanging; and its errors carry line and column.
QuickJS bindings were the runner-up: smaller, also limited in time and memory, but their errors name only
the line.

The script runs in a fresh context per call, with nothing but the standard built-ins, ``delivery`` and a
``console`` whose ``log``/``info``/``warn``/``error`` lines are kept in :attr:`Delivery.logs`. No file, no
network, no Python objects are reachable from it.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from kit.errors import LxkitError

__all__ = ["CallbackError", "Delivery", "run_callback"]

#: the default limits of one callback run
TIME_LIMIT = 1.0
MEMORY_LIMIT_MB = 64

_PRELUDE = """
var __lxkit_logs = [];
var console = (function () {
  function keep(level) {
    return function () {
      var parts = [];
      for (var i = 0; i < arguments.length; i++) {
        var a = arguments[i];
        parts.push(typeof a === 'string' ? a : JSON.stringify(a));
      }
      __lxkit_logs.push(level + ': ' + parts.join(' '));
    };
  }
  return {log: keep('log'), info: keep('info'), warn: keep('warn'), error: keep('error')};
})();
"""

_RESULT = """JSON.stringify({
  active: !!delivery.active,
  payload: delivery.payload === undefined ? null : delivery.payload,
  targetUrl: delivery.targetUrl === undefined ? null : delivery.targetUrl,
  targetMethod: delivery.targetMethod === undefined ? null : delivery.targetMethod,
  logs: __lxkit_logs
})"""

_WHERE = re.compile(r"^<anonymous>:(\d+): ?(.*)$")
_ENDLESS = re.compile(r"\bwhile\s*\(\s*(?:true|1)\s*\)|\bfor\s*\(\s*;\s*;\s*\)")


@dataclass(frozen=True)
class Delivery:
    """What a callback left in ``delivery``: whether LeanIX would send it (:attr:`active`), and what."""

    active: bool
    payload: Any
    target_url: str | None
    target_method: str | None
    logs: tuple[str, ...] = field(default=())

    @property
    def body(self) -> str:
        """The request body LeanIX would send: the payload as JSON."""
        return json.dumps(self.payload, ensure_ascii=False)


class CallbackError(LxkitError):
    """A callback that is not valid JavaScript, throws, runs too long or uses too much memory. ``line`` and
    ``column`` (1-based, in the callback's own text) say where, when the engine knows; ``kind`` is one of
    ``syntax``, ``runtime``, ``timeout``, ``memory``, ``input``."""

    def __init__(
        self, message: str, *, kind: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.line = line
        self.column = column


def _payload_json(payload: object) -> str:
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CallbackError(
            f"the payload given to the callback is not JSON ({exc}); give a dict, list, string, number, "
            "bool or None (NaN and infinities have no JSON form)",
            kind="input",
        ) from None


def _position(message: str) -> tuple[int | None, int | None, str]:
    """Line, column and the error's first line from a V8 message such as ``<anonymous>:2: TypeError: ...``
    followed by the source line and a caret under the column."""
    lines = message.splitlines()
    if not lines:
        return None, None, message
    found = _WHERE.match(lines[0])
    if not found:
        return None, None, lines[0]
    line, text = int(found.group(1)), found.group(2)
    column = None
    if len(lines) >= 3 and lines[2].strip() == "^":
        column = lines[2].index("^") + 1
    return line, column, text


def _where(name: str, line: int | None, column: int | None) -> str:
    if line is None:
        return name
    return f"{name}, line {line}" + (f", column {column}" if column is not None else "")


def _endless_loops(source: str) -> list[tuple[int, int]]:
    """Positions (line, column) of loops that can only end by ``break``: the likely culprits of a timeout."""
    found = []
    for match in _ENDLESS.finditer(source):
        before = source[: match.start()]
        found.append((before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1))
    return found


def run_callback(
    source: str,
    payload: object,
    *,
    target_url: str | None = None,
    target_method: str | None = "POST",
    name: str = "the callback",
    time_limit: float = TIME_LIMIT,
    memory_limit_mb: int = MEMORY_LIMIT_MB,
) -> Delivery:
    """Run callback ``source`` for one delivery of ``payload`` (JSON data) and return the :class:`Delivery`.

    ``delivery`` starts as ``{payload, active: true, targetUrl, targetMethod}``. ``name`` is how errors
    call the script (e.g. its file). Raises :class:`CallbackError` with line and column for a syntax error
    or an uncaught exception, and when the script runs longer than ``time_limit`` seconds or needs more than
    ``memory_limit_mb`` MB.
    """
    if not isinstance(source, str):
        raise CallbackError(f"{name} must be JavaScript text, got a {type(source).__name__}", kind="input")
    if not (isinstance(time_limit, int | float) and math.isfinite(time_limit) and time_limit > 0):
        raise CallbackError(
            f"time_limit must be a positive number of seconds, got {time_limit!r}", kind="input"
        )
    start = {"payload": None, "active": True, "targetUrl": target_url, "targetMethod": target_method}
    data = _payload_json(payload)

    from py_mini_racer import mini_racer  # noqa: PLC0415 - V8 loads only when a callback runs

    with mini_racer(_event_loop()) as engine:
        return _run(engine, source, data, start, name, time_limit, memory_limit_mb)


_LOOP: asyncio.AbstractEventLoop | None = None
_LOOP_LOCK = threading.Lock()


def _event_loop() -> asyncio.AbstractEventLoop:
    """One asyncio loop, in a daemon thread, for every V8 context this process makes.

    mini-racer otherwise starts a loop per context and closes it with the context; V8 may still report a
    cancelled (timed-out) evaluation after that, and the report then fails on the closed loop. On a loop
    that lives as long as the process, a late report finds no one waiting and is dropped.
    """
    global _LOOP  # noqa: PLW0603 - one loop per process, made on first use
    with _LOOP_LOCK:
        if _LOOP is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="lxkit-v8-loop", daemon=True).start()
            _LOOP = loop
        return _LOOP


def _run(
    engine: Any,
    source: str,
    data: str,
    start: dict[str, Any],
    name: str,
    time_limit: float,
    memory_limit_mb: int,
) -> Delivery:
    from py_mini_racer import (  # noqa: PLC0415 - V8 loads only when a callback runs
        JSEvalException,
        JSOOMException,
        JSParseException,
        JSTimeoutException,
    )

    limits = {"timeout_sec": time_limit, "max_memory": memory_limit_mb * 1024 * 1024}
    engine.eval(_PRELUDE)
    engine.eval(f"var delivery = {json.dumps(start)}; delivery.payload = JSON.parse({json.dumps(data)});")
    try:
        engine.eval(source, **limits)
    except JSTimeoutException:
        hint = ""
        loops = _endless_loops(source)
        if loops:
            hint = " Possibly the loop at " + ", ".join(f"line {ln}, column {col}" for ln, col in loops) + "."
        raise CallbackError(
            f"{name} did not finish within {time_limit:g} s and was stopped (an endless loop?).{hint} "
            "A callback must return quickly: LeanIX runs it once per delivery.",
            kind="timeout",
            line=loops[0][0] if len(loops) == 1 else None,
            column=loops[0][1] if len(loops) == 1 else None,
        ) from None
    except JSOOMException:
        raise CallbackError(
            f"{name} needed more than {memory_limit_mb} MB of memory and was stopped", kind="memory"
        ) from None
    except JSParseException as exc:
        line, column, text = _position(str(exc))
        raise CallbackError(
            f"{_where(name, line, column)}: {text}. The callback is not valid JavaScript; write it in "
            "ES5 (var, function, no arrow functions), as LeanIX's examples are.",
            kind="syntax",
            line=line,
            column=column,
        ) from None
    except JSEvalException as exc:
        line, column, text = _position(str(exc))
        raise CallbackError(
            f"{_where(name, line, column)}: the callback threw {text!r}. LeanIX would not deliver this "
            "event; guard the access (e.g. check that a field exists before reading from it).",
            kind="runtime",
            line=line,
            column=column,
        ) from None
    try:
        result = json.loads(engine.eval(_RESULT, **limits))
    except JSEvalException as exc:
        raise CallbackError(
            f"{name} left a delivery that has no JSON form ({_position(str(exc))[2]}); set "
            "delivery.payload to plain objects, arrays, strings, numbers and booleans",
            kind="runtime",
        ) from None
    return Delivery(
        active=bool(result["active"]),
        payload=result.get("payload"),
        target_url=result["targetUrl"],
        target_method=result["targetMethod"],
        logs=tuple(result["logs"]),
    )

"""Fault injection and rate limiting for the sandbox, set per server and changeable while it runs.

Every decision comes from a seeded RNG, so a failing test can be replayed with the same faults.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fault", "FaultInjector", "Faults", "RateLimiter"]

FAULT_KINDS = ("429", "429-retry-after", "500", "502", "503", "drop")


@dataclass(frozen=True)
class Faults:
    """What goes wrong, per request. Rates are probabilities in [0, 1] per kind.

    ``script`` lists the faults of the next requests in order (None: no fault), before ``rates`` apply;
    ``retry_after`` is the value sent with ``429-retry-after`` (and with 503s when ``retry_after_on_503``);
    ``latency`` seconds are added to every answer; ``expire_tokens_after`` makes the server reject access
    tokens older than that many seconds, whatever ``expires_in`` told the client (forced token expiry).
    """

    rates: dict[str, float] = field(default_factory=dict)
    script: tuple[str | None, ...] = ()
    retry_after: float = 0.0
    latency: float = 0.0
    expire_tokens_after: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = (set(self.rates) | set(self.script)) - set(FAULT_KINDS) - {None}
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(map(str, unknown))}; choose from {FAULT_KINDS}")
        if sum(self.rates.values()) > 1:
            raise ValueError("fault rates add up to more than 1")

    @classmethod
    def mixed(
        cls, total: float, kinds: tuple[str, ...] = ("429", "429-retry-after", "503", "drop"), **kw: Any
    ) -> Faults:
        """``total`` spread evenly over ``kinds`` (by default the transient faults a client must survive)."""
        return cls(rates={k: total / len(kinds) for k in kinds}, **kw)


@dataclass(frozen=True)
class Fault:
    kind: str
    retry_after: float | None = None


class FaultInjector:
    """Draws the fault (or none) for each request from the current :class:`Faults`."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(faults or Faults())

    def configure(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)
            self._script = list(faults.script)

    def draw(self) -> Fault | None:
        with self._lock:
            faults = self.faults
            if self._script:
                kind = self._script.pop(0)
                return (
                    None
                    if kind is None
                    else Fault(kind, faults.retry_after if kind == "429-retry-after" else None)
                )
            if not faults.rates:
                return None
            roll = self._rng.random()
        for kind in FAULT_KINDS:
            rate = faults.rates.get(kind, 0.0)
            if roll < rate:
                return Fault(kind, faults.retry_after if kind == "429-retry-after" else None)
            roll -= rate
        return None


class RateLimiter:
    """LeanIX's user-based limit: at most ``per_minute`` requests in any 60-second window per user."""

    def __init__(self, per_minute: int | None = 1800, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def check(self, user: str) -> float | None:
        """None when the request may pass, else the seconds until it would."""
        if not self.per_minute:
            return None
        now = self._clock()
        with self._lock:
            window = self._seen.setdefault(user, deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= self.per_minute:
                return max(0.0, window[0] + 60 - now)
            window.append(now)
            return None

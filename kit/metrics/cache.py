"""Cached KPI values of one dated snapshot: ``<history>/.kpis/<date>.json``, rewritten atomically.

The file holds the SHA-256 of the snapshot's manifest (a snapshot written again is a new snapshot) and, per
KPI, its fingerprint (:meth:`Kpi.fingerprint`) and rows. An entry whose manifest SHA or fingerprint differs
is stale and is computed again; entries of KPIs not being evaluated are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.outputs import OutputError, atomic_file

__all__ = ["CACHE_FOLDER", "CachedValues"]

CACHE_FOLDER = ".kpis"
FORMAT = 1
log = logging.getLogger("kit.metrics")


@dataclass
class CachedValues:
    """The cache file of one date: manifest SHA-256 and ``{kpi name: {"fingerprint", "rows"}}``."""

    path: Path
    manifest_sha256: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path, day: dt.date, manifest_sha256: str) -> CachedValues:
        """The cached values of ``day`` if they belong to this manifest; else an empty cache."""
        path = folder / CACHE_FOLDER / f"{day.isoformat()}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path, manifest_sha256)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("%s: unreadable KPI cache (%s); its values are computed again", path, exc)
            return cls(path, manifest_sha256)
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("manifestSha256") != manifest_sha256
            or not isinstance(data.get("kpis"), dict)
        ):
            return cls(path, manifest_sha256)
        return cls(path, manifest_sha256, dict(data["kpis"]))

    def rows(self, name: str, fingerprint: str) -> list[tuple[str, float]] | None:
        """The cached rows of a KPI, or None when missing or computed by other code."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint:
            return None
        try:
            return [(str(d), float("nan") if v is None else float(v)) for d, v in entry["rows"]]
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, name: str, fingerprint: str, rows: list[tuple[str, float]]) -> None:
        self.entries[name] = {
            "fingerprint": fingerprint,
            "rows": [[d, None if math.isnan(v) else v] for d, v in rows],
        }

    def write(self) -> None:
        """Rewrite the file atomically; a folder that cannot be written only costs the cache (a warning)."""
        data = {"format": FORMAT, "manifestSha256": self.manifest_sha256, "kpis": self.entries}
        try:
            self.path.parent.mkdir(exist_ok=True)
            with atomic_file(self.path) as work:
                work.write_text(json.dumps(data, indent=1, sort_keys=True, allow_nan=False), encoding="utf-8")
        except (OSError, OutputError) as exc:
            log.warning(
                "%s: cannot write the KPI cache (%s); values are computed again next time", self.path, exc
            )

"""A folder of dated snapshots and the KPIs over them: :class:`History` (docs/metrics.md §3).

```
history/
  2026-10-01/              a snapshot; the folder name is its date
  .kpis/2026-10-01.json    cached values (kit.metrics.cache)
```
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kit.metrics.cache import CACHE_FOLDER, CachedValues
from kit.metrics.catalogue import Catalogue, default_catalogue
from kit.metrics.defaults import add_months
from kit.metrics.evaluate import kpi_rows, values_frame
from kit.metrics.inventory import Inventory
from kit.metrics.kpi import Kpi, KpiError
from kit.metrics.table import KpiHistory
from kit.snapshot import load_snapshot
from kit.snapshot.manifest import MANIFEST

__all__ = ["History", "KpiHistory", "build_demo_history", "demo_dates"]

log = logging.getLogger("kit.metrics")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise KpiError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from None


class History:
    """Dated snapshots in one folder (``<folder>/<YYYY-MM-DD>/``) and their KPI values, cached per date."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"History({str(self.folder)!r})"

    def _snapshots(self) -> dict[dt.date, Path]:
        """Date -> snapshot folder. Other entries are skipped with a logged warning (hidden ones silently)."""
        if not self.folder.is_dir():
            return {}
        found: dict[dt.date, Path] = {}
        for entry in sorted(self.folder.iterdir()):
            if entry.name.startswith("."):
                continue
            day = None
            if _DATE.fullmatch(entry.name):
                try:
                    day = dt.date.fromisoformat(entry.name)
                except ValueError:
                    day = None
            if day is None or not entry.is_dir():
                log.warning("%s: not a dated snapshot folder (YYYY-MM-DD); skipped", entry)
            elif not (entry / MANIFEST).is_file():
                log.warning("%s: a dated folder without %s, not a snapshot; skipped", entry, MANIFEST)
            else:
                found[day] = entry
        return found

    @property
    def dates(self) -> list[dt.date]:
        """The dates of the snapshots in the folder, oldest first."""
        return sorted(self._snapshots())

    def path(self, day: dt.date | str) -> Path:
        """The folder of ``day``'s snapshot (whether or not it exists)."""
        return self.folder / _date(day).isoformat()

    def take(self, ws: Any, date: dt.date | str | None = None, overwrite: bool = False) -> Path:
        """Write ``ws``'s snapshot as the one of ``date`` (default: today, UTC) and return its folder."""
        day = _date(date) if date is not None else dt.datetime.now(dt.UTC).date()
        self.folder.mkdir(parents=True, exist_ok=True)
        path: Path = ws.snapshot(self.path(day), overwrite=overwrite)
        return path

    def evaluate(self, catalogue: Catalogue | Iterable[Kpi] | None = None) -> KpiHistory:
        """The catalogue's KPIs on every date (default: :func:`default_catalogue`). Cached values are reused
        while the snapshot's manifest and the KPI's fingerprint are unchanged; only snapshots with missing
        or stale values are read."""
        if catalogue is None:
            catalogue = default_catalogue()
        elif not isinstance(catalogue, Catalogue):
            catalogue = Catalogue(catalogue)
        snapshots = self._snapshots()
        if not snapshots:
            raise KpiError(
                f"{self.folder}: holds no dated snapshots (YYYY-MM-DD folders); take one with "
                "History(folder).take(ws), or build a demo with metrics.build_demo_history(folder, dates)."
            )
        prints = {kpi.name: kpi.fingerprint() for kpi in catalogue}
        rows: list[tuple[dt.date, Kpi, str, float]] = []
        workspace = None
        for day, path in sorted(snapshots.items()):
            manifest = (path / MANIFEST).read_bytes()
            workspace = _workspace_name(manifest) or workspace
            cache = CachedValues.read(self.folder, day, hashlib.sha256(manifest).hexdigest())
            inventory: Inventory | None = None
            for kpi in catalogue:
                found = cache.rows(kpi.name, prints[kpi.name])
                if found is None:
                    if inventory is None:
                        inventory = Inventory(load_snapshot(path), today=day)
                    found = kpi_rows(kpi, inventory)
                    cache.put(kpi.name, prints[kpi.name], found)
                rows += [(day, kpi, dims, value) for dims, value in found]
            if inventory is not None:
                cache.write()
        return KpiHistory(values_frame(rows), catalogue, workspace)

    def prune(self, keep_daily: int = 31, keep_monthly: int = 24) -> list[dt.date]:
        """Remove older snapshots and return their dates. Kept: the newest; every snapshot of the
        ``keep_daily`` days up to the newest (newest - keep_daily < date); the earliest snapshot of each of
        the ``keep_monthly`` calendar months up to the newest's. Only dated snapshot folders are removed."""
        for name, value in (("keep_daily", keep_daily), ("keep_monthly", keep_monthly)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise KpiError(f"prune({name}={value!r}): give a whole number of 0 or more.")
        snapshots = self._snapshots()
        if not snapshots:
            return []
        dates = sorted(snapshots)
        newest = dates[-1]
        keep = {newest} | {d for d in dates if (newest - d).days < keep_daily}
        months = {
            (m.year, m.month) for m in (add_months(newest.replace(day=1), -i) for i in range(keep_monthly))
        }
        for month in months:
            first = next((d for d in dates if (d.year, d.month) == month), None)
            if first is not None:
                keep.add(first)
        removed = []
        for day in dates:
            path = snapshots[day]
            if day in keep or path.is_symlink() or not (path / MANIFEST).is_file():
                continue
            shutil.rmtree(path)
            (self.folder / CACHE_FOLDER / f"{day.isoformat()}.json").unlink(missing_ok=True)
            removed.append(day)
        if removed:
            log.info(
                "%s: pruned %d snapshot(s), %s .. %s", self.folder, len(removed), removed[0], removed[-1]
            )
        return removed


def _workspace_name(manifest: bytes) -> str | None:
    try:
        name = json.loads(manifest.decode("utf-8")).get("workspaceName")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def demo_dates(end: dt.date | str, months: int = 12) -> list[dt.date]:
    """The same day of each of the ``months`` months before ``end`` (clamped to the month's end), and
    ``end``: oldest first."""
    last = _date(end)
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise KpiError(f"demo_dates(months={months!r}): give a whole number of 0 or more.")
    return [add_months(last, -i) for i in range(months, 0, -1)] + [last]


def build_demo_history(
    folder: str | os.PathLike[str], dates: Iterable[dt.date | str], size: int = 2000, seed: int = 7
) -> list[Path]:
    """Write, for each date not yet in ``folder``, a snapshot of the sandbox's demo workspace as it was on
    that day (``SandboxOptions(as_of=date)``); returns the folders written."""
    from kit.client import LeanIXClient
    from kit.config import Secret
    from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
    from kit.workspace import Workspace

    history = History(folder)
    present = set(history.dates)
    written = []
    for day in sorted({_date(d) for d in dates}):
        if day in present:
            continue
        options = SandboxOptions(size=size, seed=seed, as_of=day)
        with Sandbox(options) as sandbox, LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN)) as client:
            written.append(history.take(Workspace(client, progress=False), day))
        log.info("%s: demo snapshot as of %s written", folder, day)
    return written

"""KPIs over time (docs/metrics.md): declare them once, evaluate them over a snapshot or a workspace, and
follow them over a folder of dated snapshots.

>>> from kit import metrics
>>> catalogue = metrics.default_catalogue()
>>> values = metrics.evaluate(catalogue, ws)                     # doctest: +SKIP
>>> kpis = metrics.History("history").evaluate(catalogue)       # doctest: +SKIP
>>> kpis.table(); metrics.write_kpi_files(kpis)                 # doctest: +SKIP

Holds ``kpi`` (Kpi, Threshold, KpiError), ``catalogue``, ``inventory`` (what compute reads), ``defaults``
(the default KPIs), ``evaluate`` (the long frame), ``cache``, ``table`` (KpiHistory), ``history`` and
``files`` (kpis.json, kpis.csv), ``publish`` (KPIs back to LeanIX: :func:`publish`, :class:`Publication`)
and ``metrics_api`` (the Metrics API v2 calls it makes).
"""

from __future__ import annotations

from kit.metrics.catalogue import Catalogue, default_catalogue
from kit.metrics.evaluate import evaluate
from kit.metrics.files import write_kpi_files
from kit.metrics.history import History, KpiHistory, build_demo_history, demo_dates
from kit.metrics.inventory import Inventory
from kit.metrics.kpi import Kpi, KpiError, Threshold
from kit.metrics.publish import Publication, PublishError, publish
from kit.metrics.report import headline, open_history

__all__ = [
    "Catalogue",
    "History",
    "Inventory",
    "Kpi",
    "KpiError",
    "KpiHistory",
    "Publication",
    "PublishError",
    "Threshold",
    "build_demo_history",
    "default_catalogue",
    "demo_dates",
    "evaluate",
    "headline",
    "open_history",
    "publish",
    "write_kpi_files",
]

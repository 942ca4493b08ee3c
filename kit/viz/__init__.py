"""Views: plotly figures and ipywidgets built from the kit's DataFrames (no data fetching here).

Reports render plain ``go.Figure`` objects: with ``PLOTLY_RENDERER=notebook`` (set by ``kit.reports``) they
embed plotly.js once and show in offline HTML. Widgets are for interactive JupyterLab sessions only.

KPI tables and trends (``kpi_charts``) take the frames of ``kit.metrics`` as arguments.

May import: ``kit.inventory``, ``kit.health`` and the base modules; pandas, plotly, ipywidgets. Never the
client, sources or anything that fetches.
"""

from __future__ import annotations

from kit.viz.charts import completion_by_type, fill_rates_chart, type_counts, value_counts
from kit.viz.kpi_breaches import breaches_view
from kit.viz.kpi_charts import kpi_table, movers_chart, trend_chart, trend_grid
from kit.viz.run_charts import durations_by_connector, status_per_day
from kit.viz.widgets import explorer

__all__ = [
    "breaches_view",
    "completion_by_type",
    "durations_by_connector",
    "explorer",
    "fill_rates_chart",
    "kpi_table",
    "movers_chart",
    "status_per_day",
    "trend_chart",
    "trend_grid",
    "type_counts",
    "value_counts",
]

"""Views: plotly figures and ipywidgets built from the kit's DataFrames (no data fetching here).

Reports render plain ``go.Figure`` objects, kept as figure JSON (``PLOTLY_RENDERER=plotly_mimetype``, set by
``kit.reports``) and drawn in offline HTML with plotly.js once. Widgets are for interactive JupyterLab only.

One look for all (``theme``: the ``lxkit`` template, lifecycle and status colours). Portfolio figures
(``portfolio``: TIME view, lifecycle per type, end of life ahead), data quality (``quality``) and run health
(``run_charts``) state their finding in the title.

KPI tables and trends (``kpi_charts``) take the frames of ``kit.metrics`` as arguments.

May import: ``kit.inventory``, ``kit.health`` and the base modules; pandas, plotly, ipywidgets. Never the
client, sources or anything that fetches.
"""

from __future__ import annotations

from kit.tables import Links, Note, table
from kit.viz.charts import completion_by_type, fill_rates_chart, type_counts, value_counts
from kit.viz.kpi_breaches import breaches_view
from kit.viz.kpi_charts import kpi_matrix, kpi_table, movers_chart, trend_chart, trend_grid
from kit.viz.portfolio import end_of_life_timeline, lifecycle_stacked, time_view
from kit.viz.quality import data_quality_heatmap, ownership_coverage, relation_gaps
from kit.viz.run_charts import durations_by_connector, status_per_day, top_warnings
from kit.viz.widgets import explorer

__all__ = [
    "Links",
    "Note",
    "breaches_view",
    "completion_by_type",
    "data_quality_heatmap",
    "durations_by_connector",
    "end_of_life_timeline",
    "explorer",
    "fill_rates_chart",
    "kpi_matrix",
    "kpi_table",
    "lifecycle_stacked",
    "movers_chart",
    "ownership_coverage",
    "relation_gaps",
    "status_per_day",
    "table",
    "time_view",
    "top_warnings",
    "trend_chart",
    "trend_grid",
    "type_counts",
    "value_counts",
]

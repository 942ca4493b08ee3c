"""One look for every figure of the kit: a registered plotly template, the colours that carry meaning.

Colours mean the same thing in every report: LeanIX's lifecycle phases in their order, the four run
statuses, and grey for a value that is not set. ``apply`` gives a figure the template, its title and its
axis titles; builders call it last.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from kit import formatting
from kit.inventory import NOT_SET

__all__ = [
    "BAR_COLOUR",
    "NOT_SET",
    "NOT_SET_COLOUR",
    "PALETTE",
    "PHASES",
    "PHASE_COLOURS",
    "PHASE_LABELS",
    "STATUS_COLOURS",
    "TEMPLATE",
    "apply",
    "duration",
    "label",
    "share",
    "type_label",
]

TEMPLATE = "lxkit"

# A categorical palette readable on white and by most colour-blind readers (Okabe-Ito order, blue first).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
BAR_COLOUR = PALETTE[0]
NOT_SET_COLOUR = "#b0b0b0"

# LeanIX's lifecycle phases in their order (the meta model's lifecycle field), then "(not set)".
PHASES = ("plan", "phaseIn", "active", "phaseOut", "endOfLife", NOT_SET)
PHASE_LABELS = {
    "plan": "Plan",
    "phaseIn": "Phase in",
    "active": "Active",
    "phaseOut": "Phase out",
    "endOfLife": "End of life",
    NOT_SET: NOT_SET,
}
# From planned (light blue) over live (greens) to retiring (orange, red); not set is always grey.
PHASE_COLOURS = {
    "plan": "#9ecae1",
    "phaseIn": "#74c476",
    "active": "#238b45",
    "phaseOut": "#fd8d3c",
    "endOfLife": "#d62728",
    NOT_SET: NOT_SET_COLOUR,
}

# Fixed per run status, so a colour means the same thing in every report.
STATUS_COLOURS = {"OK": "#2ca02c", "INFO": "#1f77b4", "WARNING": "#ff7f0e", "ERROR": "#d62728"}


def _register() -> None:
    """Register the ``lxkit`` template: plotly_white with the palette, a readable font and hover labels."""
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.colorway = list(PALETTE)
    template.layout.font = {"family": "Segoe UI, Helvetica, Arial, sans-serif", "size": 13, "color": "#222"}
    template.layout.title = {"x": 0, "xanchor": "left", "font": {"size": 17}}
    template.layout.hoverlabel = {"bgcolor": "white", "font": {"size": 13}}
    template.layout.margin = {"t": 70, "l": 10, "r": 10, "b": 40}
    template.layout.legend = {"bgcolor": "rgba(255,255,255,0.6)"}
    pio.templates[TEMPLATE] = template


_register()


def apply(figure: go.Figure, title: str, x: str = "", y: str = "") -> go.Figure:
    """Give ``figure`` the kit's template, a title (which should state the finding) and axis titles, which
    start with a capital like every other heading (``fact sheets`` → ``Fact sheets``)."""
    figure.update_layout(
        template=TEMPLATE, title={"text": title}, xaxis_title=_capital(x), yaxis_title=_capital(y)
    )
    return figure


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# Values in hover texts and titles read as in tables and messages: one formatter for all (kit.formatting)
share = formatting.share
duration = formatting.duration
label = formatting.value_label
type_label = formatting.type_label

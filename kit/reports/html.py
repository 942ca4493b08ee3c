"""Offline HTML from an executed notebook: no code cells, nothing loaded from a CDN, plotly.js once.

nbconvert's ``lab`` template links require.js, MathJax and mermaid from cdnjs; a report opened without
internet (or archived for years) must not depend on them. The runner's kernel renders figures as
``application/vnd.plotly.v1+json`` only (``PLOTLY_RENDERER=plotly_mimetype``), so the executed notebook holds
each figure's JSON and no plotly.js; JupyterLab draws that itself, nbconvert cannot. The export therefore
turns each such output into a plotly ``<div>`` and its ``Plotly.newPlot`` call (on a copy of the notebook)
and puts plotly.js from the installed plotly package into the page's head, once, and only when the page
has a figure. Any remote ``<script src=…>`` left in an output (the MathJax link of a figure rendered as
HTML in the kernel, say) is removed.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import nbformat

__all__ = ["export_html"]

_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE)
_FIGURE = "application/vnd.plotly.v1+json"
_HTML = "text/html"
#: what plotly's own notebook renderer uses for a figure without a size of its own
_DEFAULT_WIDTH, _DEFAULT_HEIGHT = "100%", 525


def _figure_html(figure: dict[str, Any], number: int) -> str:
    """One figure's ``<div>`` and script (plotly.js not included), keeping the figure's own config."""
    import plotly.io

    return plotly.io.to_html(
        figure,
        config=figure.get("config"),
        auto_play=False,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        default_width=_DEFAULT_WIDTH,
        default_height=_DEFAULT_HEIGHT,
        validate=False,
        div_id=f"lxkit-figure-{number}",  # the same page for the same notebook
    )


def _figures_as_html(book: nbformat.NotebookNode) -> int:
    """Give every figure output of ``book`` that has no HTML of its own one; the number of figures given."""
    count = 0
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if _FIGURE in data and _HTML not in data:
                count += 1
                data[_HTML] = _figure_html(data[_FIGURE], count)
    return count


def _plotlyjs() -> str:
    """plotly.js as shipped in the installed plotly package (about 4.8 MB), never a CDN's copy."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def export_html(
    notebook: nbformat.NotebookNode | str | os.PathLike[str], path: str | os.PathLike[str] | None = None
) -> str:
    """The report page for ``notebook`` (a node, left unchanged, or an ``.ipynb`` path); also written to
    ``path`` if given."""
    from nbconvert import HTMLExporter

    if isinstance(notebook, nbformat.NotebookNode):
        node = copy.deepcopy(notebook)
    else:
        node = nbformat.read(notebook, as_version=4)
    figures = _figures_as_html(node)
    exporter = HTMLExporter(
        template_name="lxkit_offline",
        extra_template_basedirs=[str(_TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {"lxkit_plotlyjs": _plotlyjs() if figures else ""}  # the template's head script
    body, _resources = exporter.from_notebook_node(node, resources=resources)
    body = _REMOTE_SCRIPT.sub("", body)
    if path is not None:
        Path(path).write_text(body, encoding="utf-8")
    return body

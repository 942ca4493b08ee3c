"""Offline HTML from an executed notebook: no code cells, nothing loaded from a CDN.

nbconvert's ``lab`` template links require.js, MathJax and mermaid from cdnjs; a report opened without
internet (or archived for years) must not depend on them. Plotly figures carry plotly.js inline when the
kernel ran with ``PLOTLY_RENDERER=notebook`` (the runner sets it), so the page is complete on its own; the
MathJax ``<script src=cdn…>`` plotly adds to every figure (for LaTeX labels, which reports do not use) is
removed like any other remote script.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat

__all__ = ["export_html"]

_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE)


def export_html(
    notebook: nbformat.NotebookNode | str | os.PathLike[str], path: str | os.PathLike[str] | None = None
) -> str:
    """The report page for ``notebook`` (a node or an ``.ipynb`` path); also written to ``path`` if given."""
    from nbconvert import HTMLExporter

    node = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    exporter = HTMLExporter(
        template_name="lxkit_offline",
        extra_template_basedirs=[str(_TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _resources = exporter.from_notebook_node(node)
    body = _REMOTE_SCRIPT.sub("", body)
    if path is not None:
        Path(path).write_text(body, encoding="utf-8")
    return body

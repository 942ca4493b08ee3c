"""An interactive explorer for JupyterLab (ipywidgets). Reports use the static figures in ``kit.viz.charts``."""

from __future__ import annotations

import os
from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, display

from kit.viz.charts import value_counts

__all__ = ["Explorer", "explorer"]

_SKIP = {"id", "name", "displayName", "fullName", "description", "type", "rev", "createdAt", "updatedAt"}


class Explorer(widgets.VBox):
    """Pick a fact sheet type and a field; see how its values are distributed, and the rows behind them."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        if not frames:
            raise ValueError(
                "explorer needs at least one frame, e.g. {'Application': ws.factsheets('Application')}"
            )
        self.frames = dict(frames)
        self.type_picker = widgets.Dropdown(options=list(self.frames), description="Type")
        self.field_picker = widgets.Dropdown(description="Field")
        self.output = widgets.Output()
        self.figure = None
        self.type_picker.observe(self._type_changed, names="value")
        self.field_picker.observe(self._field_changed, names="value")
        super().__init__([widgets.HBox([self.type_picker, self.field_picker]), self.output])
        self._type_changed()

    def fields(self, type_name: str) -> list[str]:
        """Columns worth a distribution: not identifiers, free text, timestamps or lists (multi-select)."""
        frame = self.frames[type_name]
        return [c for c in frame.columns if c not in _SKIP and not any(type(v) is list for v in frame[c])]

    def _type_changed(self, _change: object = None) -> None:
        options = self.fields(self.type_picker.value)
        self.field_picker.options = options
        self.field_picker.value = options[0] if options else None
        self._field_changed()

    def _field_changed(self, _change: object = None) -> None:
        self.output.clear_output(wait=True)
        if self.field_picker.value is None:
            self.figure = None
            return
        self.figure = value_counts(self.frames[self.type_picker.value], self.field_picker.value)
        with self.output:
            display(self.figure)


def explorer(frames: Mapping[str, pd.DataFrame]) -> Explorer | HTML:
    """``Explorer(frames)``: dropdowns for type and field, a bar chart of the field's values.

    In a headless report run (``LXKIT_HEADLESS=1``) a note instead: a widget in offline HTML is a blank box.
    """
    if os.environ.get("LXKIT_HEADLESS") == "1":
        return HTML(
            "<p><em>The interactive explorer shows when this notebook is opened in JupyterLab.</em></p>"
        )
    return Explorer(frames)

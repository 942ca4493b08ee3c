"""Finding the kit's notebooks and reading their declared parameters (papermill's inspection)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kit.reports.errors import NotebookNotFound

__all__ = ["NOTEBOOK_DIR", "find_notebook", "list_notebooks", "notebook_parameters"]

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def list_notebooks(directory: str | os.PathLike[str] = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks shipped with the kit (``notebooks/*.ipynb``), by name."""
    return sorted(Path(directory).glob("*.ipynb"))


def find_notebook(name: str | os.PathLike[str]) -> Path:
    """A path to an ``.ipynb``, or the name of one of the kit's notebooks (``explore``, ``run_health``…)."""
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    shipped = NOTEBOOK_DIR / f"{path.stem if path.suffix == '.ipynb' else name}.ipynb"
    if shipped.is_file():
        return shipped
    known = ", ".join(p.stem for p in list_notebooks()) or "none found"
    raise NotebookNotFound(
        f"no notebook {str(name)!r}: give a path to an .ipynb file or one of the kit's notebooks ({known})"
    )


def notebook_parameters(notebook: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The parameters cell's names with type, default (as source text) and help (the trailing comment)."""
    import papermill

    return {
        name: {"type": info["inferred_type_name"], "default": info["default"], "help": info["help"]}
        for name, info in papermill.inspect_notebook(str(find_notebook(notebook))).items()
    }

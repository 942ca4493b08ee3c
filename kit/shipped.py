"""The notebooks and sample data that come with lxkit, wherever it is installed.

A wheel carries them inside the package (``kit/_shipped/notebooks``, ``kit/_shipped/data``; pyproject.toml
maps the checkout's top-level ``notebooks/`` and ``data/`` there); in a checkout (an editable install) they
are those top-level folders. :func:`locate` resolves a relative path such as a notebook parameter's default
(``data/processors/starter.json``) against the current folder first, then against them, so the defaults
work from any folder: JupyterLab opened on ``notebooks/``, cron's ``/``, an empty folder.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA", "NOTEBOOKS", "ROOT", "locate"]


def _root() -> Path:
    package = Path(__file__).resolve().parent
    inside = package / "_shipped"
    return inside if (inside / "notebooks").is_dir() else package.parent


#: the folder holding ``notebooks/`` and ``data/``
ROOT = _root()
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"


def locate(path: str | os.PathLike[str]) -> Path:
    """``path`` as given when it is absolute or exists from the current folder; else the same relative path
    under :data:`ROOT` (``data/ldif/starter.json`` is the sample LDIF shipped with lxkit).

    An absolute path is returned as it is, existing or not: whatever reads it says that it is missing.
    Raises :class:`FileNotFoundError` naming both places looked at.
    """
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return given
    shipped = ROOT / given
    if shipped.exists():
        return shipped
    raise FileNotFoundError(
        f"{os.fspath(path)!r} does not exist: looked in the current folder ({Path.cwd() / given}) and among the "
        f"files shipped with lxkit ({shipped}); give an absolute path or one relative to the current folder"
    )

"""Whether a person is watching this run: the one answer for widgets and progress bars.

Widgets (the explorer, ``tqdm.auto`` bars in a kernel) are for someone looking at a live notebook. Sent to a
run nobody watches they are useless at best (a blank box in offline HTML) and at worst leave nbclient
waiting forever for an idle kernel's reply (nbclient issue #312). So they are shown only when
:func:`attended` says so, and everything else gets a static view.
"""

from __future__ import annotations

import os
import sys

__all__ = ["attended"]


def attended() -> bool:
    """A person is watching: False under ``LXKIT_HEADLESS=1`` (the report runner sets it); in an IPython
    kernel, whether the cell being run was sent by a front end that accepts input; elsewhere, whether
    stderr is a terminal.

    JupyterLab, Notebook and VS Code send every execute request with ``allow_stdin=true``; nbclient (and so
    papermill and nbconvert) send ``allow_stdin=false``. ipykernel keeps the flag of the request it is
    running as ``kernel._allow_stdin``: a private attribute, read with a default of False, so that if a
    later ipykernel renames it, a run falls back to the static view (always correct) instead of widgets
    that could hang a scheduled run.
    """
    if os.environ.get("LXKIT_HEADLESS") == "1":
        return False
    kernel = _kernel()
    if kernel is not None:
        return bool(getattr(kernel, "_allow_stdin", False))
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _kernel() -> object | None:
    """The running IPython kernel, or None outside one (plain Python, a terminal IPython shell).

    IPython is looked up, not imported: a process that never loaded it is not in a kernel.
    """
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    shell = get_ipython() if get_ipython is not None else None
    return getattr(shell, "kernel", None)

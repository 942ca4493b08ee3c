"""Run a notebook headless (papermill), export offline HTML, keep a run record.

Design:
- Parameters are checked before a kernel starts: unknown names (papermill itself only logs them), names that
  look like credentials, and any value equal to the configured API token are refused. The token reaches
  the kernel only through the environment, as in an interactive session.
- The kernel runs with ``PLOTLY_RENDERER=notebook`` (figures carry plotly.js and render offline in the
  HTML) and ``LXKIT_HEADLESS=1`` (no progress bars in the output).
- Everything is written into a hidden ``.partial`` folder first and renamed when complete, so a report
  folder is never half-written; a failed run keeps its executed notebook (with papermill's error markers),
  its HTML and its record, and the call raises :class:`ReportFailed` afterwards.
- papermill's save-after-every-cell is off: it rewrites the whole notebook twice per cell (quadratic).
- The kernel is always this interpreter's ipykernel (see :class:`_KernelManager`).
- On POSIX the kernel talks over Unix sockets (ZeroMQ ``ipc``) beside its connection file rather than
  loopback TCP ports: no ports to take, and ipykernel's "running over TCP without encryption" warning goes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
from ipykernel.kernelspec import get_kernel_dict
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from kit._version import __version__
from kit.config import load_settings
from kit.errors import LxkitError
from kit.reports.html import export_html
from kit.reports.notebooks import find_notebook, notebook_parameters

__all__ = ["ReportError", "ReportFailed", "RunRecord", "run_report"]

log = logging.getLogger(__name__)

_SECRET_NAME = re.compile(r"token|secret|passw|api_?key|credential", re.IGNORECASE)
_KERNEL_ENV = {"PLOTLY_RENDERER": "notebook", "LXKIT_HEADLESS": "1"}
_ENV_LOCK = threading.Lock()
REDACTED = "[redacted by lxkit]"


class _KernelManager(AsyncKernelManager):
    """The kernel manager papermill (nbclient) starts kernels with.

    A notebook asking for ``python3`` gets a kernel of the interpreter running the report (the one ``kit``
    is installed in), not whatever a user-level ``python3`` kernelspec points to; other kernel names are
    looked up as usual. ``ipc`` transport where there is one.
    """

    def __init__(self, **kwargs: Any) -> None:
        if os.name == "posix":
            kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)

    @property
    def kernel_spec(self) -> KernelSpec | None:
        if self._kernel_spec is None and self.kernel_name in ("python3", "python"):
            native = get_kernel_dict()
            self._kernel_spec = KernelSpec(
                resource_dir="",
                **{
                    key: native[key]
                    for key in ("argv", "display_name", "language", "metadata")
                    if key in native
                },
            )
        return super().kernel_spec


class ReportError(LxkitError):
    """The report cannot start: a parameter is unknown, secret-looking, or the notebook is missing."""


class ReportFailed(LxkitError):
    """The notebook raised; ``record`` says where, and its files are kept for inspection."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        error = record.error or {}
        super().__init__(
            f"report {record.notebook!r} failed at In [{error.get('execution_count')}]: {error.get('ename')}: "
            f"{error.get('evalue')}. The executed notebook is {record.notebook_path}; the run record is "
            f"{record.directory / 'run.json'}."
        )


@dataclass
class RunRecord:
    """What a report run did: written as ``run.json`` beside its outputs and as a line of ``runs.jsonl``."""

    notebook: str
    parameters: dict[str, Any]
    status: str  # "succeeded" or "failed"
    started_at: str
    finished_at: str
    duration_seconds: float
    directory: Path
    notebook_path: Path
    html_path: Path | None
    workspace: str
    error: dict[str, Any] | None = None
    redactions: int = 0
    kit_version: str = __version__
    python: str = field(default_factory=platform.python_version)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("directory", "notebook_path", "html_path"):
            data[name] = str(data[name]) if data[name] is not None else None
        return data


def check_parameters(notebook: Path, parameters: Mapping[str, Any], token: str | None) -> dict[str, Any]:
    """The parameters as they will be injected; raises :class:`ReportError` naming what is wrong."""
    declared = notebook_parameters(notebook)
    for name in parameters:
        if _SECRET_NAME.search(name):
            raise ReportError(
                f"parameter {name!r} looks like a credential: papermill writes parameters into the executed "
                "notebook. Put LEANIX_API_TOKEN in the environment or a .env file; the notebook reads it there."
            )
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ReportError(f"{notebook.name} has no parameter {name!r}; its parameters are: {known}")
    if token and token in json.dumps(dict(parameters), default=str):
        raise ReportError(
            "a parameter value equals the configured API token; the token must never be a parameter "
            "(it would be written into the executed notebook)"
        )
    return dict(parameters)


@contextlib.contextmanager
def _kernel_environment(extra: Mapping[str, str]) -> Iterator[None]:
    """The kernel inherits this process's environment at start; set ours around the start, then restore."""
    with _ENV_LOCK:
        saved = {name: os.environ.get(name) for name in extra}
        os.environ.update(extra)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _redact(path: Path, token: str | None) -> int:
    """Replace the token wherever the notebook's code printed it; the count goes into the record."""
    if not token or not path.is_file():
        return 0
    text = path.read_text(encoding="utf-8")
    count = text.count(token)
    if count:
        path.write_text(text.replace(token, REDACTED), encoding="utf-8")
        log.warning("the API token appeared %d time(s) in the output of %s; redacted", count, path.name)
    return count


def _error_of(exc: BaseException) -> dict[str, Any]:
    return {
        "cell_index": getattr(exc, "cell_index", None),  # position in the executed notebook, from 0
        "execution_count": getattr(exc, "exec_count", None),  # the In [N] papermill's error banner names
        "ename": getattr(exc, "ename", None) or type(exc).__name__,
        "evalue": getattr(exc, "evalue", None) or str(exc),
    }


def run_report(
    notebook: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    out: str | os.PathLike[str] = "reports",
    *,
    html: bool = True,
    cell_timeout: int = 1800,
    cwd: str | os.PathLike[str] | None = None,
) -> RunRecord:
    """Execute ``notebook`` with ``parameters``; write notebook, HTML and record under ``out/<name>/<time>/``.

    ``notebook`` is a path or the name of one of the kit's notebooks. ``cwd`` (default: the current folder)
    is where relative paths in parameters resolve. Returns the :class:`RunRecord`; raises
    :class:`ReportFailed` (after writing everything) when a cell raised, :class:`ReportError` before
    starting when a parameter is refused.
    """
    import papermill

    source = find_notebook(notebook)
    settings = load_settings()
    token = settings.token.reveal() if settings.token else None
    params = check_parameters(source, parameters or {}, token)

    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    base = Path(out) / source.stem
    partial = base / f".{stamp}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    executed = partial / source.name
    clock = time.perf_counter()
    error = None
    try:
        with _kernel_environment(_KERNEL_ENV):
            papermill.execute_notebook(
                str(source),
                str(executed),
                parameters=params,
                cwd=str(cwd or Path.cwd()),
                progress_bar=False,
                request_save_on_cell_execute=False,
                execution_timeout=cell_timeout,
                kernel_manager_class=_KernelManager,
            )
    except Exception as exc:  # a failing cell, a dead kernel or a timeout: all are recorded, then raised
        error = _error_of(exc)
    duration = time.perf_counter() - clock
    redactions = _redact(executed, token)
    html_path = None
    if html and executed.is_file():
        html_path = partial / f"{source.stem}.html"
        export_html(nbformat.read(executed, as_version=4), html_path)
        redactions += _redact(html_path, token)

    final = base / stamp
    record = RunRecord(
        notebook=source.stem,
        parameters=params,
        status="failed" if error else "succeeded",
        started_at=started.isoformat(timespec="seconds"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_seconds=round(duration, 2),
        directory=final,
        notebook_path=final / executed.name,
        html_path=final / html_path.name if html_path else None,
        workspace=settings.host or "embedded sandbox",
        error=error,
        redactions=redactions,
    )
    line = json.dumps(record.to_dict(), default=str)
    (partial / "run.json").write_text(json.dumps(record.to_dict(), indent=2, default=str) + "\n")
    partial.rename(final)
    with (Path(out) / "runs.jsonl").open("a", encoding="utf-8") as runs:
        runs.write(line + "\n")
    if error:
        raise ReportFailed(record)
    return record

"""``alerts.json``: how a notebook tells the run record (and a scheduler) that something needs attention.

A notebook run headless by :func:`kit.reports.run_report` gets its run folder in ``LXKIT_OUTPUT_DIR``;
:func:`write_alerts` puts ``alerts.json`` there (docs/schedules.md §4)::

    {"format": 1, "alerts": [{"kind": "connector", "name": "servicenow-cmdb",
                              "message": "servicenow-cmdb failed 9 of 29 runs (31%, above 20%)", ...}]}

The runner merges it into ``run.json``'s ``alerts``, and the exit code of ``lxkit report --fail-on-alert``
and of a schedule becomes 2. Interactively (no ``LXKIT_OUTPUT_DIR`` and no ``folder``) nothing is written,
so the same notebook cell works in JupyterLab and headless.

Every alert is an object with ``kind`` and ``message`` (non-empty strings) and, optionally, ``name`` (a
string: what the alert is about). Any other key is kept as long as its value is JSON. :func:`write_alerts`
makes the values JSON on the way (NaN and infinities become null, numpy numbers plain numbers, dates and
times ISO strings, tuples lists) and refuses anything else naming the JSON path; :func:`read_alerts` checks
a file written by anyone against the same rules. Stdlib only: the runner reads these files without pandas.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kit.errors import LxkitError
from kit.outputs import atomic_file, check_output_file

__all__ = ["ALERTS_FILE", "FORMAT", "AlertFileError", "read_alerts", "write_alerts"]

ALERTS_FILE = "alerts.json"
FORMAT = 1
_REQUIRED = ("kind", "message")
_HINT = "write it with kit.alerts.write_alerts (docs/schedules.md §4)"


class AlertFileError(LxkitError):
    """Alerts not in the shape of docs/schedules.md §4; the message names the file and the JSON path."""


class _Shape(Exception):
    """One problem at a JSON path; turned into :class:`AlertFileError` with the file it concerns."""


def _describe(value: object) -> str:
    """A short form of a value for a message: JSON where possible, else the type's name."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(value: object, where: str) -> Any:
    """``value`` as plain JSON data (see the module docstring); :class:`_Shape` when it has no JSON form."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, datetime | date | time):
        return None if value != value else value.isoformat()  # pandas' NaT is a datetime unequal to itself
    if isinstance(value, Mapping):
        plain = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Shape(f"{where} has the key {key!r}; JSON object keys must be strings")
            plain[key] = _plain(item, f"{where}.{key}")
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
        return _plain(value.item(), where)  # numpy.bool_ and other numpy scalars outside ``numbers``
    raise _Shape(
        f"{where} is of type {type(value).__name__}, which has no JSON form; give a string, number, "
        "true/false, null, list or object"
    )


def _check_alert(alert: object, where: str) -> None:
    """:class:`_Shape` unless ``alert`` is an object with the required keys and types."""
    if not isinstance(alert, dict):
        raise _Shape(f"{where} must be an object, not {_describe(alert)}")
    for key in _REQUIRED:
        if key not in alert:
            raise _Shape(f"{where} has no {key!r}; every alert needs 'kind' and 'message' strings")
        if not isinstance(alert[key], str) or not alert[key].strip():
            raise _Shape(f"{where}.{key} must be a non-empty string, not {_describe(alert[key])}")
    if "name" in alert and not isinstance(alert["name"], str):
        raise _Shape(f"{where}.name must be a string, not {_describe(alert['name'])}")


def _target(folder: str | os.PathLike[str] | None) -> Path | None:
    if folder is not None:
        return Path(folder) / ALERTS_FILE
    run_folder = os.environ.get("LXKIT_OUTPUT_DIR")
    return Path(run_folder) / ALERTS_FILE if run_folder else None


def write_alerts(
    alerts: Iterable[Mapping[str, Any]], folder: str | os.PathLike[str] | None = None
) -> Path | None:
    """Write ``alerts`` as ``alerts.json`` into ``folder`` (None: the run folder ``LXKIT_OUTPUT_DIR``).

    Returns the file written, or None when there is no folder (an interactive session): nothing is
    written then. An empty list is written too: the run then records that it checked and found nothing.
    The file is written whole or not at all. Raises :class:`AlertFileError` naming the JSON path of the
    first alert that is not in the documented shape (nothing is written), and
    :class:`kit.outputs.OutputError` when the folder cannot be written.
    """
    target = _target(folder)
    if isinstance(alerts, str | bytes | Mapping):
        raise AlertFileError(
            f"alerts must be a list of alert objects, not a {type(alerts).__name__}; "
            "wrap a single alert in a list"
        )
    try:
        plain = [_plain(alert, f"alerts[{index}]") for index, alert in enumerate(alerts)]
        for index, alert in enumerate(plain):
            _check_alert(alert, f"alerts[{index}]")
    except _Shape as exc:
        place = target if target is not None else ALERTS_FILE
        raise AlertFileError(f"cannot write {place}: {exc}") from None
    if target is None:
        return None
    check_output_file(target, suffixes=(".json",))
    text = json.dumps({"format": FORMAT, "alerts": plain}, indent=2, ensure_ascii=False, allow_nan=False)
    with atomic_file(target) as work:
        work.write_text(text + "\n", encoding="utf-8")
    return target


def _no_constant(name: str) -> None:
    raise _Shape(f"it holds {name}, which is not JSON (write null for a missing value)")


def _parse(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AlertFileError(f"{path} does not exist; {_HINT}") from None
    except IsADirectoryError:
        raise AlertFileError(f"{path} is a folder, not an alerts file") from None
    except OSError as exc:
        raise AlertFileError(f"{path} cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AlertFileError(
            f"{path}: byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8; {_HINT}"
        ) from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise AlertFileError(
            f"{path}, line {exc.lineno}, column {exc.colno}: not JSON ({exc.msg}); {_HINT}"
        ) from None
    except _Shape as exc:
        raise AlertFileError(f"{path}: {exc}; {_HINT}") from None


def read_alerts(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The alerts of an ``alerts.json`` file (or of the one in the folder ``path``), checked.

    Raises :class:`AlertFileError` naming the file and the JSON path of the first problem, e.g.
    ``reports/run_health/20261101T060000Z/alerts.json: alerts[2].message must be a non-empty string, not 3``.
    """
    file = Path(path)
    if file.is_dir():
        file = file / ALERTS_FILE
    data = _parse(file)
    try:
        if not isinstance(data, dict):
            raise _Shape(f"the file must hold a JSON object, not {_describe(data)}")
        if data.get("format") != FORMAT:
            raise _Shape(f"format must be {FORMAT}, not {_describe(data.get('format'))}")
        alerts = data.get("alerts")
        if not isinstance(alerts, list):
            raise _Shape(f"alerts must be a list, not {_describe(alerts)}")
        for index, alert in enumerate(alerts):
            _check_alert(alert, f"alerts[{index}]")
    except _Shape as exc:
        raise AlertFileError(f"{file}: {exc}; {_HINT}") from None
    return alerts

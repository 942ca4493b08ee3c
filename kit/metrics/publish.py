"""KPIs published back to LeanIX (docs/alerts.md §5): :func:`publish` and what it did, :class:`Publication`.

One point per KPI and dimension combination of one snapshot date: schema (Metrics API) or measurement
(Integration API ``inboundMetrics``) ``"<prefix> <kpi name>"``, the metric attribute ``value``, one
dimension attribute per declared dimension of the KPI, timestamp the date at 00:00 UTC. Rows that aggregate
over a dimension (the total, ``type=Application`` of a KPI by type and lifecycle) carry :data:`ALL` in the
dimensions they aggregate over, so every point of a schema has every attribute and the Metrics API's
overwrite rule (same timestamp, same dimension values) keeps one point per row when a date is published
again. Dry runs send nothing; they show the points (and for the Integration API the configuration, the LDIF
and a preview of the run).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.frame import as_frame
from kit.metrics.evaluate import parse_dimensions
from kit.metrics.metrics_api import (
    CONNECTOR,
    METRIC,
    PublishError,
    ensure_schema,
    inbound_metrics,
    write_points,
)

__all__ = ["ALL", "VIAS", "Publication", "PublishError", "attribute_name", "points", "publish"]

VIAS = ("metrics-api", "integration-api")
ALL = "(all)"
"""The value of a dimension attribute on a row that aggregates over that dimension (a total)."""
POINT_COLUMNS = ["kpi", "schema", "timestamp", "dimensions", "value", "attributes", "point"]
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RESERVED = {METRIC, "timestamp"}


@dataclass(frozen=True, eq=False)
class Publication:
    """What :func:`publish` wrote, or would write on a dry run.

    ``points``: one row per point (``kpi``, ``schema`` (the schema or measurement name), ``timestamp``,
    ``dimensions`` (as in the values frame), ``value``, ``attributes`` (dimension attribute -> value),
    ``point`` (the Metrics API body)). ``written``: points sent (0 on a dry run or a test run).
    ``schemas``: schema name -> uuid (metrics-api, not on a dry run). ``config``, ``ldif``, ``preview``,
    ``run``: the Integration API route's configuration, LDIF, :class:`kit.Preview` and
    :class:`kit.iapi_runs.RunResult` (``run`` None on a dry run). ``notes``: values skipped, attributes
    renamed, anything else worth knowing.
    """

    via: str
    as_of: dt.date
    dry_run: bool
    points: pd.DataFrame = field(repr=False)
    written: int = 0
    schemas: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] | None = field(default=None, repr=False)
    ldif: dict[str, Any] | None = field(default=None, repr=False)
    preview: Any = field(default=None, repr=False)
    run: Any = field(default=None, repr=False)
    notes: tuple[str, ...] = ()

    def headline(self) -> str:
        """One sentence: what was (or would be) written where, and how to write for real."""
        n, kpis = len(self.points), self.points["kpi"].nunique()
        what = f"{n} point(s) of {kpis} KPI(s) for {self.as_of.isoformat()}"
        route = "the Metrics API" if self.via == "metrics-api" else f"an Integration API run ({CONNECTOR})"
        if self.dry_run:
            return (
                f"Dry run: would write {what} through {route}; nothing was sent. To write them: "
                "publish(..., dry_run=False) (metrics_report: publish_dry_run=False)."
            )
        if self.via == "metrics-api":
            return f"Wrote {self.written} of {what} to the Metrics API ({len(self.schemas)} schema(s))."
        if self.run is None:
            return f"Nothing to write: {what}."
        kind = "Test run" if self.run.test else "Run"
        text = f"{kind} {self.run.run_id} {self.run.status}: {what}"
        if self.run.test:
            return text + " checked; a test run writes nothing. To write them: publish(..., test=False)."
        return text + (f", {self.written} written." if self.run.ok else "; see run.warnings.")

    def __str__(self) -> str:
        return "\n".join([self.headline(), *self.notes])

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        shown = self.points[["kpi", "schema", "timestamp", "dimensions", "value"]]
        return (
            f"<p><b>{html.escape(self.headline())}</b></p>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + shown.to_html(index=False, max_rows=200)
        )


def _values(kpis: Any) -> tuple[pd.DataFrame, Any]:
    """(values frame, catalogue or None) of a KpiHistory or of a values frame."""
    frame = kpis if isinstance(kpis, pd.DataFrame) else getattr(kpis, "values", kpis)
    if not isinstance(frame, pd.DataFrame):
        raise PublishError(
            f"publish(kpis=...) takes a KpiHistory (History(...).evaluate()) or its values frame, not "
            f"{type(kpis).__name__}."
        )
    missing = [c for c in ("date", "kpi", "dimensions", "value") if c not in frame.columns]
    if missing:
        raise PublishError(
            f"publish: the values frame lacks the column(s) {', '.join(missing)}; give the frame "
            "metrics.evaluate or KpiHistory.values returns."
        )
    return frame, getattr(kpis, "catalogue", None)


def _day(as_of: Any) -> dt.date:
    try:
        if isinstance(as_of, str):
            return dt.date.fromisoformat(as_of.strip()[:10])
        if isinstance(as_of, pd.Timestamp | dt.datetime):
            return as_of.date()
        if isinstance(as_of, dt.date):
            return as_of
    except ValueError:
        pass
    raise PublishError(f"publish(as_of={as_of!r}): give a date, a Timestamp or YYYY-MM-DD text.")


def attribute_name(dimension: str) -> str:
    """A Metrics API attribute name for a dimension: letters, digits and underscores, starting with a letter
    (INFERRED: LeanIX documents no rule; this is what every example uses), never ``value`` or ``timestamp``."""
    if _ATTRIBUTE.fullmatch(dimension) and dimension not in _RESERVED:
        return dimension
    name = re.sub(r"[^A-Za-z0-9_]+", "_", dimension).strip("_") or "dimension"
    if not name[0].isalpha():
        name = "d_" + name
    return name + "_dimension" if name in _RESERVED else name


def _dimensions(frame: pd.DataFrame, catalogue: Any) -> dict[str, tuple[str, ...]]:
    """KPI -> its dimension names: declared in the catalogue, else as they appear in the frame."""
    out: dict[str, tuple[str, ...]] = {}
    for kpi, texts in frame.groupby(frame["kpi"].astype(str), sort=False)["dimensions"]:
        if catalogue is not None and kpi in catalogue:
            out[str(kpi)] = tuple(catalogue[kpi].dimensions)
            continue
        names: dict[str, None] = {}
        for text in texts.dropna().astype(str):
            names.update(dict.fromkeys(parse_dimensions(text)))
        out[str(kpi)] = tuple(names)
    return out


def points(kpis: Any, as_of: Any, schema_prefix: str = "lxkit") -> tuple[pd.DataFrame, list[str]]:
    """(the points of ``as_of``, notes): see the module docstring for what a point holds."""
    frame, catalogue = _values(kpis)
    day = _day(as_of)
    dates = pd.to_datetime(frame["date"]).dt.date
    rows = frame[(dates == day).to_numpy(dtype=bool)]
    if rows.empty:
        known = ", ".join(sorted({d.isoformat() for d in dates.dropna()})) or "none"
        raise PublishError(
            f"publish(as_of={day.isoformat()}): the KPIs have no values of that date; dates: {known}."
        )
    declared = _dimensions(frame, catalogue)
    notes: list[str] = []
    renames: dict[tuple[str, str], str] = {}
    for kpi, names in declared.items():
        wanted = [attribute_name(n) for n in names]
        if len(set(wanted)) != len(wanted):
            raise PublishError(
                f"KPI {kpi!r}: its dimensions {list(names)} give the attribute names {wanted}, twice the "
                "same; rename a dimension so they differ in letters, digits or underscores."
            )
        for name, attr in zip(names, wanted, strict=True):
            renames[(kpi, name)] = attr
            if attr != name:
                notes.append(f"KPI {kpi!r}: dimension {name!r} is written as the attribute {attr!r}.")
    timestamp = f"{day.isoformat()}T00:00:00Z"
    records: list[dict[str, Any]] = []
    skipped: list[str] = []
    for row in rows[["kpi", "dimensions", "value"]].astype(object).to_dict("records"):
        kpi, text = str(row["kpi"]), "" if pd.isna(row["dimensions"]) else str(row["dimensions"])
        value = math.nan if pd.isna(row["value"]) else float(row["value"])
        if not math.isfinite(value):
            skipped.append(f"{kpi} ({text})" if text else kpi)
            continue
        given = parse_dimensions(text)
        unknown = [n for n in given if (kpi, n) not in renames]
        if unknown:
            raise PublishError(
                f"KPI {kpi!r} has a value for dimension(s) {unknown} it does not declare ({list(declared[kpi])})."
            )
        attributes = {renames[(kpi, n)]: given.get(n, ALL) for n in declared[kpi]}
        records.append(
            {
                "kpi": kpi,
                "schema": f"{schema_prefix} {kpi}" if schema_prefix else kpi,
                "timestamp": timestamp,
                "dimensions": text,
                "value": value,
                "attributes": attributes,
                "point": {"timestamp": timestamp, METRIC: value, **attributes},
            }
        )
    if skipped:
        notes.insert(
            0,
            f"{len(skipped)} value(s) skipped: not a number on {day.isoformat()} ({', '.join(skipped[:10])}"
            + (", ..." if len(skipped) > 10 else "")
            + ").",
        )
    return as_frame(pd.DataFrame(records, columns=POINT_COLUMNS)), notes


def publish(
    kpis: Any,
    as_of: Any,
    via: str = "metrics-api",
    *,
    workspace: Any = None,
    dry_run: bool = True,
    test: bool = True,
    schema_prefix: str = "lxkit",
) -> Publication:
    """Publish the KPI values of ``as_of`` to LeanIX (docs/alerts.md §5); a dry run unless ``dry_run=False``.

    ``kpis``: a KpiHistory (``History(...).evaluate()``) or its ``values`` frame. ``via``: ``"metrics-api"``
    (find or create schema ``"<schema_prefix> <kpi>"``, POST each point) or ``"integration-api"`` (an
    ``inboundMetrics`` run through ``workspace.run``: a test run, which writes nothing, unless
    ``test=False``; ``test`` does not apply to the Metrics API). ``workspace``: a :class:`kit.Workspace`;
    None connects (:func:`kit.connect`) only when something is sent. A dry run of the Integration API route
    previews the run against ``workspace`` when one is given, else offline.
    """
    if via not in VIAS:
        raise PublishError(f"publish(via={via!r}): choose {' or '.join(map(repr, VIAS))}.")
    if not isinstance(schema_prefix, str):
        raise PublishError(f"publish(schema_prefix={schema_prefix!r}): give text, e.g. 'lxkit'.")
    day = _day(as_of)
    frame, notes = points(kpis, day, schema_prefix.strip())
    if via == "integration-api":
        return _through_integration_api(frame, day, notes, workspace, dry_run, test)
    if dry_run or frame.empty:
        return Publication(via, day, dry_run, frame, notes=tuple(notes))
    ws = workspace if workspace is not None else _connect()
    titles = _titles(kpis)
    schemas: dict[str, str] = {}
    created = []
    groups = list(frame.groupby(["kpi", "schema"], sort=False))
    for (kpi, schema), rows in groups:  # every schema checked before any point is written
        uuid, new = ensure_schema(
            ws.client,
            str(schema),
            list(rows["attributes"].iloc[0]),
            f"{titles.get(str(kpi), kpi)}: lxkit KPI {kpi!r}, one point per snapshot date",
        )
        schemas[str(schema)] = uuid
        if new:
            created.append(str(schema))
    written = sum(write_points(ws.client, schemas[str(s)], rows["point"]) for (_k, s), rows in groups)
    if created:
        notes.append(f"Created {len(created)} schema(s): {', '.join(created)}.")
    return Publication(via, day, False, frame, written, schemas, notes=tuple(notes))


def _through_integration_api(
    frame: pd.DataFrame, day: dt.date, notes: list[str], workspace: Any, dry_run: bool, test: bool
) -> Publication:
    from kit.integration.inputs import load_config, load_ldif
    from kit.previews.preview import preview

    config, ldif = inbound_metrics(frame, day)
    config, ldif = load_config(config).data, load_ldif(ldif).data  # what LeanIX would refuse fails here
    if dry_run or frame.empty:
        shown = preview(config, ldif, workspace)
        return Publication(
            "integration-api",
            day,
            dry_run,
            frame,
            config=config,
            ldif=ldif,
            preview=shown,
            notes=tuple(notes),
        )
    ws = workspace if workspace is not None else _connect()
    run = ws.run(config, ldif, test=test)
    written = len(frame) if run.ok and not test else 0
    return Publication(
        "integration-api",
        day,
        False,
        frame,
        written,
        config=config,
        ldif=ldif,
        preview=run.preview,
        run=run,
        notes=tuple(notes),
    )


def _titles(kpis: Any) -> dict[str, str]:
    frame, _catalogue = _values(kpis)
    if "title" not in frame.columns:
        return {}
    return {str(k): str(t) for k, t in zip(frame["kpi"], frame["title"], strict=True) if not pd.isna(t)}


def _connect() -> Any:
    from kit.connection import connect

    return connect(progress=False)

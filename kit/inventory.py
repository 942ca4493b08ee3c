"""Inventory KPIs from fact sheet frames: counts, completeness, lifecycle health (pure pandas, no I/O).

Each function takes the frames ``ws.factsheets(type)`` (or a loaded snapshot) returns and works on a real
workspace's frames as on the sandbox's: columns a workspace lacks are reported as missing, never assumed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kit.frame import as_frame

__all__ = [
    "NOT_SET",
    "QUADRANTS",
    "end_of_life_ahead",
    "fill_rates",
    "overdue",
    "overview",
    "past_end_of_life",
    "time_quadrants",
    "value_counts",
]

NOT_SET = "(not set)"
_META = ("id", "type", "rev", "createdAt", "updatedAt", "level", "displayName", "fullName")


def _missing(column: pd.Series) -> pd.Series:
    """True where a value is null, an empty string or an empty list."""
    missing = column.isna()
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        texts = column.astype("string").str.strip()
        missing = missing | (texts == "").fillna(False) | column.map(lambda v: isinstance(v, list) and not v)
    return missing.astype(bool)


def fill_rates(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Per column: filled, missing and the fill rate (0..1), least filled first.

    ``columns`` defaults to every column but identifiers and timestamps.
    """
    names = columns if columns is not None else [c for c in frame.columns if c not in _META]
    unknown = [c for c in names if c not in frame.columns]
    if unknown:
        raise KeyError(f"no such column(s): {', '.join(unknown)}; the frame has {', '.join(frame.columns)}")
    rows = []
    for name in names:
        missing = int(_missing(frame[name]).sum())
        rows.append((name, len(frame) - missing, missing))
    out = pd.DataFrame(rows, columns=["column", "filled", "missing"])
    out["fill_rate"] = (out["filled"] / len(frame)).astype("Float64") if len(frame) else pd.NA
    return as_frame(out.sort_values(["fill_rate", "column"], kind="stable").reset_index(drop=True))


def value_counts(frame: pd.DataFrame, column: str) -> pd.Series:
    """Counts of each value of ``column``, categories in their declared order, then ``(not set)``."""
    if column not in frame.columns:
        raise KeyError(f"no column {column!r}; the frame has {', '.join(frame.columns)}")
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        counts = values.value_counts(sort=False).reindex(values.cat.categories, fill_value=0)
        counts = counts[counts > 0]
    else:
        counts = values[~_missing(values)].astype(str).value_counts()
    counts.index = counts.index.astype(str)
    unset = int(_missing(values).sum())
    if unset:
        counts = pd.concat([counts, pd.Series({NOT_SET: unset})])
    return counts.astype("int64").rename(column)


OVERVIEW_SHARES = ("no_description", "mean_completion", "approved", "no_lifecycle", "end_of_life", "stale")


def overview(frames: Mapping[str, pd.DataFrame], now: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per fact sheet type: how many, how complete, how current.

    Columns: fact_sheets, archived, no_description, mean_completion, approved (quality seal share),
    no_lifecycle, end_of_life (current phase ``endOfLife``), stale (not updated for a year).
    Ratios are 0..1; a column a type lacks is ``<NA>``.
    """
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    rows = []
    for type_name, frame in frames.items():
        n = len(frame)

        def share(mask: pd.Series | None, n: int = n) -> object:
            return float(mask.sum()) / n if mask is not None and n else pd.NA

        def col(name: str, frame: pd.DataFrame = frame) -> pd.Series | None:
            return frame[name] if name in frame.columns else None

        status, seal, life, updated = col("status"), col("qualitySeal"), col("lifecycle"), col("updatedAt")
        description = col("description")
        rows.append(
            {
                "type": type_name,
                "fact_sheets": n,
                "archived": int((status == "ARCHIVED").sum()) if status is not None else pd.NA,
                "no_description": share(_missing(description) if description is not None else None),
                "mean_completion": float(frame["completion"].mean())
                if "completion" in frame.columns and n
                else pd.NA,
                "approved": share(seal == "APPROVED" if seal is not None else None),
                "no_lifecycle": share(_missing(life) if life is not None else None),
                "end_of_life": share(life == "endOfLife" if life is not None else None),
                "stale": share(updated < now - pd.Timedelta(days=365) if updated is not None else None),
            }
        )
    out = pd.DataFrame(rows).set_index("type")
    for name in OVERVIEW_SHARES:
        out[name] = out[name].astype("Float64")
    out["archived"] = out["archived"].astype("Int64")
    out = as_frame(out.sort_values("fact_sheets", ascending=False, kind="stable"))
    out.attrs["shares"] = list(OVERVIEW_SHARES)  # kit.tables shows them in %
    return out


def past_end_of_life(
    frame: pd.DataFrame, lifecycles: pd.DataFrame | None = None, now: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Fact sheets whose current lifecycle phase is ``endOfLife``, still in the inventory (not archived).

    With the long ``ws.lifecycles(type)`` frame, adds ``end_of_life_since`` (the phase's start date) and
    ``days_past`` (days since), most overdue first.
    """
    if "lifecycle" not in frame.columns:
        raise KeyError("the frame has no 'lifecycle' column: fetch it with fields=[..., 'lifecycle']")
    mask = frame["lifecycle"] == "endOfLife"
    if "status" in frame.columns:
        mask &= frame["status"] != "ARCHIVED"
    columns = [c for c in ("id", "name", "lifecycle", "businessCriticality") if c in frame.columns]
    out = frame.loc[mask.fillna(False).astype(bool), columns].reset_index(drop=True)
    if lifecycles is None or out.empty:
        return as_frame(out)
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    eol = lifecycles[lifecycles["phase"] == "endOfLife"][["id", "startDate"]]
    out = out.merge(eol.rename(columns={"startDate": "end_of_life_since"}), on="id", how="left")
    since = pd.to_datetime(out["end_of_life_since"], utc=True)
    out["days_past"] = (now - since).dt.days.astype("Int64")
    return as_frame(out.sort_values("days_past", ascending=False, kind="stable").reset_index(drop=True))


def overdue(
    frames: Mapping[str, pd.DataFrame],
    lifecycles: Mapping[str, pd.DataFrame],
    now: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """:func:`past_end_of_life` of every type that has a lifecycle frame in ``lifecycles``, as one frame
    with a ``type`` column, most overdue first (ties by type, in the order of ``frames``)."""
    parts = [
        past_end_of_life(frames[t], lifecycles[t], now).assign(type=t)
        for t in frames
        if t in lifecycles and "lifecycle" in frames[t].columns
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return as_frame(
            pd.DataFrame(columns=["id", "name", "type", "lifecycle", "end_of_life_since", "days_past"])
        )
    out = pd.concat(parts, ignore_index=True)
    first = ["id", "name", "type"]
    out = out[first + [c for c in out.columns if c not in first]]
    return as_frame(out.sort_values("days_past", ascending=False, kind="stable").reset_index(drop=True))


QUADRANTS = ("Tolerate", "Invest", "Migrate", "Eliminate")
"""Gartner's TIME classes, by functional and technical fit."""
FUNCTIONAL_FIT = ("unreasonable", "insufficient", "appropriate", "perfect")
TECHNICAL_FIT = ("inappropriate", "unreasonable", "adequate", "fullyAppropriate")


def _fit_levels(frame: pd.DataFrame, column: str, default: tuple[str, ...]) -> list[str]:
    """The ordered values of a fit field: the column's categories when it is categorical, else LeanIX's."""
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories]
    return list(default)


def time_quadrants(applications: pd.DataFrame) -> pd.DataFrame:
    """Each application's TIME class from functional and technical fit (Gartner's TIME model).

    A fit is high when it is in the upper half of the field's ordered values (``appropriate``/``perfect``,
    ``adequate``/``fullyAppropriate``). High technical and low functional fit: Tolerate; both high:
    Invest; low technical and high functional: Migrate; both low: Eliminate. Columns: id, name,
    functionalSuitability, technicalSuitability, businessCriticality (when present), functional_level and
    technical_level (0-based position in the ordered values, ``<NA>`` when not set) and quadrant (``<NA>``
    when either fit is not set).
    """
    needed = [c for c in ("functionalSuitability", "technicalSuitability") if c not in applications.columns]
    if needed:
        raise KeyError(
            f"the applications frame has no {' or '.join(needed)} column: fetch it with "
            "ws.factsheets('Application', fields=[..., 'functionalSuitability', 'technicalSuitability'])"
        )
    columns = [
        c
        for c in ("id", "name", "functionalSuitability", "technicalSuitability", "businessCriticality")
        if c in applications.columns
    ]
    out = applications[columns].reset_index(drop=True).copy()
    high: dict[str, list[bool | None]] = {}
    for column, default, key in (
        ("functionalSuitability", FUNCTIONAL_FIT, "functional_level"),
        ("technicalSuitability", TECHNICAL_FIT, "technical_level"),
    ):
        order = _fit_levels(out, column, default)
        position = {value: i for i, value in enumerate(order)}
        places = [position.get(v) for v in out[column].astype(object)]
        out[key] = pd.array(places, dtype="Int64")
        high[key] = [None if p is None else p >= len(order) / 2 for p in places]
    names: list[str | None] = []
    for f, t in zip(high["functional_level"], high["technical_level"], strict=True):
        if f is None or t is None:
            names.append(None)
        else:
            names.append(("Invest" if f else "Tolerate") if t else ("Migrate" if f else "Eliminate"))
    out["quadrant"] = pd.Categorical(names, categories=list(QUADRANTS))
    return as_frame(out)


def end_of_life_ahead(
    frame: pd.DataFrame, lifecycles: pd.DataFrame, months: int = 12, now: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Fact sheets of ``frame`` whose ``endOfLife`` phase starts from ``now`` to ``months`` months later.

    ``lifecycles`` is the long ``ws.lifecycles(type)`` frame (id, phase, startDate). Archived fact sheets
    are left out; fact sheets not in ``frame`` too (so a filtered frame sets the scope). Columns: id, name,
    type (when ``frame`` has it), end_of_life (the phase's start date, UTC) and days_left; soonest first.
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    until = now + pd.DateOffset(months=months)
    eol = lifecycles[(lifecycles["phase"] == "endOfLife").to_numpy(dtype=bool)][["id", "startDate"]]
    eol = eol.assign(end_of_life=pd.to_datetime(eol["startDate"], utc=True)).drop(columns="startDate")
    eol = eol[((eol["end_of_life"] >= now) & (eol["end_of_life"] < until)).to_numpy(dtype=bool)]
    keep = frame
    if "status" in frame.columns:
        keep = frame[(frame["status"] != "ARCHIVED").fillna(True).to_numpy(dtype=bool)]
    columns = [c for c in ("id", "name", "type") if c in keep.columns]
    base = keep[columns].assign(id=keep["id"].astype(object))
    out = base.merge(eol.assign(id=eol["id"].astype(object)), on="id", how="inner")
    out["days_left"] = (out["end_of_life"] - now).dt.days.astype("Int64")
    return as_frame(out.sort_values(["end_of_life", "id"], kind="stable").reset_index(drop=True))

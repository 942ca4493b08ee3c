"""Data quality of the inventory: field completeness per type, ownership, relation gaps (pure pandas, no I/O).

Each function takes the frames ``ws.factsheets``, ``ws.subscriptions`` and ``ws.relations`` return (or a
loaded snapshot's); a field or relation a workspace lacks is reported as not measured, never assumed empty.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kit.frame import as_frame
from kit.inventory import _missing

__all__ = [
    "DEFAULT_FIELDS",
    "FULLY_DOCUMENTED",
    "GAP_RELATIONS",
    "completeness",
    "ownership",
    "relation_gaps",
]

DEFAULT_FIELDS = (
    "description",
    "lifecycle",
    "businessCriticality",
    "functionalSuitability",
    "technicalSuitability",
    "alias",
)
"""Fields an architect expects on a documented fact sheet; each type is measured on those it has."""
FULLY_DOCUMENTED = "fully documented"
GAP_RELATIONS = {
    "relApplicationToBusinessCapability": "without a business capability",
    "relApplicationToITComponent": "without an IT component",
}
"""The relations every application should have, and how a gap reads."""


def completeness(frames: Mapping[str, pd.DataFrame], fields: list[str] | None = None) -> pd.DataFrame:
    """Share (0..1) of each type's fact sheets with each field filled, plus ``fully documented``.

    One row per type (index ``type``, in the order of ``frames``), one column per field (``fields``,
    default :data:`DEFAULT_FIELDS` that any frame has), then ``fully documented``: the share with every
    field the type has filled. A field a type lacks is ``<NA>``; so is every share of a type without rows.
    Blank texts and empty lists count as missing.
    """
    names = list(fields) if fields is not None else list(DEFAULT_FIELDS)
    if fields is None:
        names = [f for f in names if any(f in frame.columns for frame in frames.values())]
    rows = {}
    for type_name, frame in frames.items():
        n = len(frame)
        row: dict[str, object] = {}
        documented = pd.Series(True, index=frame.index)
        for name in names:
            if name not in frame.columns:
                row[name] = pd.NA
                continue
            filled = ~_missing(frame[name])
            documented &= filled
            row[name] = float(filled.sum()) / n if n else pd.NA
        measured = any(name in frame.columns for name in names)
        row[FULLY_DOCUMENTED] = float(documented.sum()) / n if n and measured else pd.NA
        rows[type_name] = row
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[*names, FULLY_DOCUMENTED]).astype("Float64")
    out.index.name = "type"
    return as_frame(out)


def ownership(
    frames: Mapping[str, pd.DataFrame], subscriptions: Mapping[str, pd.DataFrame], role: str = "RESPONSIBLE"
) -> pd.DataFrame:
    """Per type: fact sheets, how many have a subscriber of type ``role`` (RESPONSIBLE: the owner), share.

    ``subscriptions`` maps a type to its ``ws.subscriptions(type)`` frame (id, subscriptionType); only fact
    sheets of ``frames`` count. A type without a subscriptions frame has ``<NA>`` owned and share.
    Columns: fact_sheets, owned, share (0..1); index ``type`` in the order of ``frames``.
    """
    rows: list[tuple[str, int, object, object]] = []
    for type_name, frame in frames.items():
        n = len(frame)
        subs = subscriptions.get(type_name)
        if subs is None:
            rows.append((type_name, n, pd.NA, pd.NA))
            continue
        kinds = subs["subscriptionType"].astype(object)
        owners = set(subs.loc[(kinds == role).to_numpy(dtype=bool), "id"].astype(str))
        owned = int(frame["id"].astype(str).isin(owners).sum()) if n else 0
        rows.append((type_name, n, owned, owned / n if n else pd.NA))
    out = pd.DataFrame(rows, columns=["type", "fact_sheets", "owned", "share"]).set_index("type")
    return as_frame(out.astype({"fact_sheets": "int64", "owned": "Int64", "share": "Float64"}))


def relation_gaps(
    applications: pd.DataFrame,
    relations: Mapping[str, pd.DataFrame] | pd.DataFrame,
    checks: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Applications without a relation of each kind in ``checks`` (default :data:`GAP_RELATIONS`).

    ``relations`` maps a relation name to its ``ws.relations("Application", name)`` frame (fromId), or is
    one frame of several relations with a ``relation`` column. A relation missing from the mapping is not
    measured (left out). One row per checked relation: relation, gap (how it reads), applications (count
    without it), share (0..1 of the applications), names (their names, sorted).
    """
    checks = dict(checks if checks is not None else GAP_RELATIONS)
    if isinstance(relations, pd.DataFrame):
        kinds = relations["relation"].astype(object) if len(relations) else pd.Series([], dtype=object)
        relations = {name: relations[(kinds == name).to_numpy(dtype=bool)] for name in checks}
    n = len(applications)
    ids = applications["id"].astype(str)
    names = applications["name"].astype(object) if "name" in applications.columns else ids
    rows = []
    for relation, gap in checks.items():
        frame = relations.get(relation)
        if frame is None:
            continue
        linked = set(frame["fromId"].astype(str)) if len(frame) else set()
        lacking = (~ids.isin(linked)).to_numpy(dtype=bool)
        rows.append(
            {
                "relation": relation,
                "gap": gap,
                "applications": int(lacking.sum()),
                "share": float(lacking.sum()) / n if n else pd.NA,
                "names": sorted(str(v) for v in names[lacking]),
            }
        )
    out = pd.DataFrame(rows, columns=["relation", "gap", "applications", "share", "names"])
    return as_frame(out.astype({"applications": "int64", "share": "Float64"}))

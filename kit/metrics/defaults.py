"""The default KPIs: what an EA team looks at in its monthly review. Each description is the definition.

``today`` below is ``inv.today``, the date the values describe. "Active" means not archived; relations count
only when both ends are active. Per-type KPIs also give the total over all types (dimension ``""``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

import pandas as pd

from kit.frame import as_frame
from kit.metrics.ids import isin
from kit.metrics.inventory import Inventory
from kit.metrics.kpi import Kpi, KpiError, Threshold

__all__ = ["add_months", "default_kpis"]

APP, ITC, CAPABILITY = "Application", "ITComponent", "BusinessCapability"
APP_TO_ITC, APP_TO_CAPABILITY = "relApplicationToITComponent", "relApplicationToBusinessCapability"
NONE = "none"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _day(values: pd.Series) -> pd.Series:
    """UTC timestamps as naive midnight Timestamps (their UTC date)."""
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_localize(None).dt.normalize()


def _share(mask: pd.Series) -> float:
    return float(mask.astype(bool).sum()) / len(mask) if len(mask) else float("nan")


def _present(inv: Inventory) -> list[str]:
    """The types with at least one active fact sheet, in the source's order."""
    return [t for t in inv.types if not inv.factsheets(t).empty]


def _has_lifecycle(inv: Inventory, type_name: str) -> bool:
    model = inv.model
    if model is not None and type_name in model.type_names:
        return model.type(type_name).field("lifecycle") is not None
    return "lifecycle" in inv.factsheets(type_name).columns


def _shares_by_type(
    inv: Inventory, mask_of: Callable[[Inventory, str], pd.Series], types: list[str] | None = None
) -> pd.Series:
    """Share of True in ``mask_of(inv, type)`` per type, with the total over all of them under ``""``."""
    masks = {t: mask_of(inv, t) for t in (_present(inv) if types is None else types)}
    every = pd.concat(list(masks.values())) if masks else pd.Series([], dtype=bool)
    values = {"": _share(every)} | {t: _share(m) for t, m in masks.items()}
    return pd.Series(values, dtype=float).rename_axis("type")


def _flagged(
    inv: Inventory, mask_of: Callable[[Inventory, str], pd.Series], types: list[str]
) -> pd.DataFrame:
    """The active fact sheets (id, name, type) of ``types`` where ``mask_of`` is True."""
    frames = []
    for t in types:
        frame = inv.factsheets(t)
        frames.append(frame.loc[mask_of(inv, t).to_numpy(dtype=bool), ["id", "name"]].assign(type=t))
    return _concat_rows(frames, ["id", "name", "type"])


def _concat_rows(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return as_frame(pd.DataFrame({c: pd.Series(dtype=object) for c in columns}))
    return as_frame(pd.concat(frames, ignore_index=True))


# -- lifecycle ---------------------------------------------------------------------------------------------
def _end_of_life(inv: Inventory, type_name: str) -> pd.Series:
    """Per active fact sheet (aligned with ``inv.factsheets``): its lifecycle's endOfLife date, or NaT."""
    frame = inv.factsheets(type_name)
    phases = inv.lifecycles(type_name)
    eol = phases[phases["phase"] == "endOfLife"]
    dates = _day(eol["startDate"]).groupby(eol["id"].to_numpy()).min() if not eol.empty else pd.Series()
    return pd.Series(frame["id"].map(dates).to_numpy(dtype="datetime64[ns]"), index=frame.index)


def _used_components(inv: Inventory) -> pd.DataFrame:
    """Active IT components that at least one active application uses."""
    used = inv.relations(APP, APP_TO_ITC)["toId"]
    frame = inv.factsheets(ITC)
    return frame[isin(frame["id"], used)].reset_index(drop=True)


def _eol_window(inv: Inventory, type_name: str, months: int | None) -> tuple[pd.DataFrame, pd.Series]:
    """The fact sheets of the KPI's population and whether each one's endOfLife is in the window: on or
    before today (``months`` None), else in (today, today + months]."""
    frame = inv.factsheets(APP) if type_name == APP else _used_components(inv)
    eol = _end_of_life_of(inv, type_name, frame)
    today = pd.Timestamp(inv.today)
    if months is None:
        return frame, (eol <= today).fillna(False)
    until = pd.Timestamp(add_months(inv.today, months))
    return frame, ((eol > today) & (eol <= until)).fillna(False)


def _end_of_life_of(inv: Inventory, type_name: str, frame: pd.DataFrame) -> pd.Series:
    every = inv.factsheets(type_name)
    by_id = pd.Series(_end_of_life(inv, type_name).to_numpy(), index=every["id"].to_numpy())
    return pd.Series(frame["id"].map(by_id).to_numpy(dtype="datetime64[ns]"), index=frame.index)


def _eol_kpi(type_name: str, months: int | None) -> Callable[[Inventory], float]:
    def compute(inv: Inventory) -> float:
        _, mask = _eol_window(inv, type_name, months)
        return _share(mask)

    return compute


def _eol_behind(type_name: str, months: int | None) -> Callable[[Inventory], pd.DataFrame]:
    def behind(inv: Inventory) -> pd.DataFrame:
        frame, mask = _eol_window(inv, type_name, months)
        eol = _end_of_life_of(inv, type_name, frame)
        columns = [c for c in ("id", "name", "type", "lifecycle") if c in frame.columns]
        out = frame.loc[mask.to_numpy(dtype=bool), columns].copy()
        out["type"] = type_name
        out["endOfLife"] = eol[mask.to_numpy(dtype=bool)]
        days = (out["endOfLife"] - pd.Timestamp(inv.today)).dt.days
        out["days_left" if months is not None else "days_past"] = days if months is not None else -days
        return out.sort_values("endOfLife", kind="stable").reset_index(drop=True)

    return behind


# -- fact sheets ------------------------------------------------------------------------------------------
def _factsheets(inv: Inventory) -> pd.Series:
    counts: dict[tuple[str, str], float] = {}
    total = 0
    for t in _present(inv):
        frame = inv.factsheets(t)
        total += len(frame)
        counts[(t, "")] = float(len(frame))
        phases = frame["lifecycle"].astype("string") if "lifecycle" in frame.columns else None
        if phases is None:
            counts[(t, NONE)] = float(len(frame))
            continue
        phases = phases.fillna(NONE).replace("", NONE)
        for phase, n in phases.value_counts(sort=False).items():
            counts[(t, str(phase))] = float(n)
    index = pd.MultiIndex.from_tuples([("", ""), *counts], names=["type", "lifecycle"])
    return pd.Series([float(total), *counts.values()], index=index)


def _factsheets_behind(inv: Inventory) -> pd.DataFrame:
    frames = []
    for t in _present(inv):
        frame = inv.factsheets(t)
        out = frame[["id", "name"]].assign(type=t)
        out["lifecycle"] = frame["lifecycle"].astype("string") if "lifecycle" in frame.columns else pd.NA
        frames.append(out)
    return _concat_rows(frames, ["id", "name", "type", "lifecycle"])


def _no_lifecycle(inv: Inventory, type_name: str) -> pd.Series:
    frame = inv.factsheets(type_name)
    return ~isin(frame["id"], inv.lifecycles(type_name)["id"])


def _lifecycle_types(inv: Inventory) -> list[str]:
    return [t for t in _present(inv) if _has_lifecycle(inv, t)]


def _without_lifecycle(inv: Inventory) -> pd.Series:
    return _shares_by_type(inv, _no_lifecycle, _lifecycle_types(inv))


def _no_description(inv: Inventory, type_name: str) -> pd.Series:
    frame = inv.factsheets(type_name)
    if "description" not in frame.columns:
        return pd.Series(True, index=frame.index)
    text = frame["description"].astype("string").str.strip()
    return (text.isna() | (text == "")).fillna(True).astype(bool)


def _without_description(inv: Inventory) -> pd.Series:
    return _shares_by_type(inv, _no_description)


def _no_responsible(inv: Inventory, type_name: str) -> pd.Series:
    subs = inv.subscriptions(type_name)
    responsible = subs.loc[subs["subscriptionType"].astype("string") == "RESPONSIBLE", "id"]
    return ~isin(inv.factsheets(type_name)["id"], responsible)


def _without_responsible(inv: Inventory) -> pd.Series:
    return _shares_by_type(inv, _no_responsible)


def _no_capability(inv: Inventory, type_name: str = APP) -> pd.Series:
    related = inv.relations(APP, APP_TO_CAPABILITY)
    related = related[related["toType"].astype("string") == CAPABILITY]
    return ~isin(inv.factsheets(APP)["id"], related["fromId"])


def _applications_without_capability(inv: Inventory) -> float:
    return _share(_no_capability(inv))


def _broken_seal(inv: Inventory, type_name: str) -> pd.Series:
    frame = inv.factsheets(type_name)
    if "qualitySeal" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return (frame["qualitySeal"].astype("string") == "BROKEN").fillna(False).astype(bool)


def _broken_quality_seals(inv: Inventory) -> pd.Series:
    return _shares_by_type(inv, _broken_seal)


def _mean_completion(inv: Inventory) -> pd.Series:
    values: dict[str, pd.Series] = {
        t: pd.to_numeric(inv.factsheets(t)["completion"], errors="coerce").astype(float)
        for t in _present(inv)
        if "completion" in inv.factsheets(t).columns
    }
    every: pd.Series = pd.concat(list(values.values())) if values else pd.Series([], dtype=float)
    means = {"": float(every.mean())} | {t: float(v.mean()) for t, v in values.items()}
    return pd.Series(means, dtype=float).rename_axis("type")


def _least_complete(inv: Inventory) -> pd.DataFrame:
    frames = [
        inv.factsheets(t)[["id", "name", "completion"]].assign(type=t)
        for t in _present(inv)
        if "completion" in inv.factsheets(t).columns
    ]
    out = _concat_rows(frames, ["id", "name", "completion", "type"])
    return (
        out[["id", "name", "type", "completion"]]
        .sort_values("completion", kind="stable")
        .reset_index(drop=True)
    )


def _it_components_per_application(inv: Inventory) -> float:
    apps = inv.factsheets(APP)
    if apps.empty:
        return float("nan")
    related = inv.relations(APP, APP_TO_ITC)
    return len(related[related["toType"].astype("string") == ITC]) / len(apps)


def _stale_mask(inv: Inventory, type_name: str) -> pd.Series:
    frame = inv.factsheets(type_name)
    if "updatedAt" not in frame.columns:
        return pd.Series(True, index=frame.index)
    cutoff = pd.Timestamp(inv.today) - pd.Timedelta(days=365)
    return (~(_day(frame["updatedAt"]) >= cutoff)).astype(bool)


def _stale(inv: Inventory) -> pd.Series:
    return _shares_by_type(inv, _stale_mask)


def _stale_behind(inv: Inventory) -> pd.DataFrame:
    frames = []
    for t in _present(inv):
        frame = inv.factsheets(t)
        mask = _stale_mask(inv, t).to_numpy(dtype=bool)
        out = frame.loc[mask, ["id", "name", "updatedAt"]].assign(type=t)
        out["days_since_update"] = (pd.Timestamp(inv.today) - _day(out["updatedAt"])).dt.days
        frames.append(out)
    out = _concat_rows(frames, ["id", "name", "updatedAt", "type", "days_since_update"])
    return out[["id", "name", "type", "updatedAt", "days_since_update"]]


def _documentation(inv: Inventory) -> pd.DataFrame:
    """Per active application: which of the five parts of its documentation it has."""
    apps = inv.factsheets(APP)
    subs = inv.subscriptions(APP)
    related = inv.relations(APP, APP_TO_ITC)
    related = related[related["toType"].astype("string") == ITC]
    out = apps[["id", "name"]].assign(type=APP)
    out["lifecycle"] = ~_no_lifecycle(inv, APP).to_numpy(dtype=bool)
    out["description"] = ~_no_description(inv, APP).to_numpy(dtype=bool)
    owners = subs.loc[subs["subscriptionType"].astype("string") == "RESPONSIBLE", "id"]
    out["responsible"] = isin(apps["id"], owners).to_numpy(dtype=bool)
    out["capability"] = ~_no_capability(inv).to_numpy(dtype=bool)
    out["it_component"] = isin(apps["id"], related["fromId"]).to_numpy(dtype=bool)
    return out


_PARTS = ("lifecycle", "description", "responsible", "capability", "it_component")


def _fully_documented(inv: Inventory) -> float:
    parts = _documentation(inv)
    return _share(parts[list(_PARTS)].all(axis=1))


def _not_fully_documented(inv: Inventory) -> pd.DataFrame:
    parts = _documentation(inv)
    lacking = parts[~parts[list(_PARTS)].all(axis=1)].copy()
    lacking["missing"] = [", ".join(p for p in _PARTS if not row[p]) for _, row in lacking.iterrows()]
    return lacking.reset_index(drop=True)


# -- tags -------------------------------------------------------------------------------------------------
def _tag_coverage(
    groups: tuple[str, ...] | None,
) -> tuple[Callable[[Inventory], pd.Series], Callable[..., pd.DataFrame]]:
    def chosen(inv: Inventory) -> list[str]:
        if groups is None:
            used = inv.tags(APP)["tagGroup"].dropna().astype(str)
            return sorted(set(used))
        known = inv.tag_groups()
        unknown = [g for g in groups if g not in known]
        if unknown:
            raise KpiError(
                f"tag group(s) {', '.join(repr(g) for g in unknown)} not in the workspace; it has: "
                f"{', '.join(known) or 'none'}. Fix default_catalogue(tag_groups=[...])."
            )
        return list(groups)

    def compute(inv: Inventory) -> pd.Series:
        apps, tags = inv.factsheets(APP), inv.tags(APP)
        shares = {
            g: _share(isin(apps["id"], tags.loc[tags["tagGroup"].astype("string") == g, "id"]))
            for g in chosen(inv)
        }
        return pd.Series(shares, dtype=float).rename_axis("tag_group")

    def behind(inv: Inventory) -> pd.DataFrame:
        apps, tags = inv.factsheets(APP), inv.tags(APP)
        out = apps[["id", "name"]].assign(type=APP)
        groups = chosen(inv)
        tagged = set(zip(tags["id"].astype(str), tags["tagGroup"].astype(str), strict=True))
        missing = [[g for g in groups if (str(i), g) not in tagged] for i in apps["id"]]
        out["missing_tag_groups"] = [", ".join(m) for m in missing]
        return out[[bool(m) for m in missing]].reset_index(drop=True)

    return compute, behind


def default_kpis(tag_groups: tuple[str, ...] | None = None) -> list[Kpi]:
    """The default KPIs, in the order the review reads them."""
    share, lower, higher = "share", False, True
    coverage, coverage_behind = _tag_coverage(tag_groups)
    kpis = [
        Kpi(
            "factsheets",
            _factsheets,
            title="Fact sheets",
            description="Active fact sheets per type and current lifecycle phase (the `lifecycle` column; "
            "'none' when it is empty or the type has no lifecycle). Totals per type and overall.",
            unit="count",
            dimensions=("type", "lifecycle"),
            behind=_factsheets_behind,
        ),
    ]
    for type_name, noun, population in (
        (APP, "applications", "active applications"),
        (
            ITC,
            "it_components",
            "active IT components that at least one active application uses (relApplicationToITComponent)",
        ),
    ):
        title = "Applications" if type_name == APP else "IT components"
        kpis.append(
            Kpi(
                f"{noun}_past_end_of_life",
                _eol_kpi(type_name, None),
                title=f"{title} past end of life",
                description=f"Share of {population} whose lifecycle has an endOfLife phase starting on or "
                "before today.",
                unit=share,
                higher_is_better=lower,
                threshold=Threshold(max=0.05) if type_name == APP else None,
                behind=_eol_behind(type_name, None),
            )
        )
        for months in (6, 12):
            kpis.append(
                Kpi(
                    f"{noun}_ending_{months}_months",
                    _eol_kpi(type_name, months),
                    title=f"{title} reaching end of life in {months} months",
                    description=f"Share of {population} whose lifecycle's endOfLife phase starts after today "
                    f"and on or before today + {months} calendar months.",
                    unit=share,
                    higher_is_better=lower,
                    behind=_eol_behind(type_name, months),
                )
            )
    kpis += [
        Kpi(
            "without_lifecycle",
            _without_lifecycle,
            title="Fact sheets without lifecycle",
            description="Share of active fact sheets with no lifecycle phase at all (an empty lifecycle), "
            "per type, over the types that have a lifecycle field; the total is over all those fact sheets.",
            unit=share,
            higher_is_better=lower,
            dimensions=("type",),
            behind=lambda inv: _flagged(inv, _no_lifecycle, _lifecycle_types(inv)),
        ),
        Kpi(
            "without_description",
            _without_description,
            title="Fact sheets without description",
            description="Share of active fact sheets whose description is missing, empty or only white space, "
            "per type and overall.",
            unit=share,
            higher_is_better=lower,
            dimensions=("type",),
            behind=lambda inv: _flagged(inv, _no_description, _present(inv)),
        ),
        Kpi(
            "without_responsible",
            _without_responsible,
            title="Fact sheets without a responsible owner",
            description="Share of active fact sheets with no subscription of type RESPONSIBLE, per type and "
            "overall.",
            unit=share,
            higher_is_better=lower,
            dimensions=("type",),
            behind=lambda inv: _flagged(inv, _no_responsible, _present(inv)),
        ),
        Kpi(
            "applications_without_capability",
            _applications_without_capability,
            title="Applications without a business capability",
            description="Share of active applications with no relApplicationToBusinessCapability relation to "
            "an active business capability.",
            unit=share,
            higher_is_better=lower,
            behind=lambda inv: _flagged(inv, _no_capability, [APP] if not inv.factsheets(APP).empty else []),
        ),
        Kpi(
            "broken_quality_seals",
            _broken_quality_seals,
            title="Broken quality seals",
            description="Share of active fact sheets whose qualitySeal is BROKEN, per type and overall.",
            unit=share,
            higher_is_better=lower,
            dimensions=("type",),
            behind=lambda inv: _flagged(inv, _broken_seal, _present(inv)),
        ),
        Kpi(
            "mean_completion",
            _mean_completion,
            title="Mean completion",
            description="Mean of the fact sheets' completion (0..1) over active fact sheets, per type and "
            "overall (fact sheets without a completion are left out).",
            unit="score",
            higher_is_better=higher,
            dimensions=("type",),
            behind=_least_complete,
        ),
        Kpi(
            "it_components_per_application",
            _it_components_per_application,
            title="IT components per application",
            description="relApplicationToITComponent relations from active applications to active IT "
            "components, divided by the number of active applications.",
            unit="ratio",
        ),
        Kpi(
            "tag_coverage",
            coverage,
            title="Tag coverage",
            description="Share of active applications with at least one tag of the tag group, per tag group "
            "(the groups given to default_catalogue(tag_groups=...); by default every tag group that appears "
            "on active applications).",
            unit=share,
            higher_is_better=higher,
            dimensions=("tag_group",),
            behind=coverage_behind,
        ),
        Kpi(
            "stale",
            _stale,
            title="Stale fact sheets",
            description="Share of active fact sheets not updated in the 365 days before today: updatedAt's "
            "UTC date is before today - 365 days (or there is no updatedAt), per type and overall.",
            unit=share,
            higher_is_better=lower,
            dimensions=("type",),
            behind=_stale_behind,
        ),
        Kpi(
            "fully_documented_applications",
            _fully_documented,
            title="Fully documented applications",
            description="Share of active applications that have all of: a lifecycle phase, a description "
            "(not blank), a RESPONSIBLE subscription, a relation to an active business capability, and a "
            "relation to at least one active IT component. Behind it: the applications lacking something, "
            "with what they lack.",
            unit=share,
            higher_is_better=higher,
            threshold=Threshold(min=0.5),
            behind=_not_fully_documented,
        ),
    ]
    return kpis

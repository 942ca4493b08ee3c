"""Expected KPI values computed by hand: raw GraphQL answers of the sandbox, read in plain Python.

Nothing here uses kit's frames or kit.metrics: the definitions are the ones written in the KPIs'
descriptions (kit/metrics/defaults.py), applied to the JSON the API returns.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from kit.client import LeanIXClient

APP, ITC, BC = "Application", "ITComponent", "BusinessCapability"

_QUERY = """
query page($after: String) {
  allFactSheets(first: 250, after: $after, factSheetType: %(type)s) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name status description qualitySeal updatedAt
      completion { completion }
      subscriptions { edges { node { type } } }
      tags { name tagGroup { name } }
      ... on %(type)s { %(own)s }
    } }
  }
}
"""


def type_names(client: LeanIXClient) -> list[str]:
    answer = client.graphql('{ __type(name: "FactSheetType") { enumValues { name } } }')
    return [v["name"] for v in answer["__type"]["enumValues"]]


def _fields(client: LeanIXClient, type_name: str) -> set[str]:
    answer = client.graphql("query t($n: String!) { __type(name: $n) { fields { name } } }", {"n": type_name})
    return {f["name"] for f in answer["__type"]["fields"]}


def raw_factsheets(client: LeanIXClient) -> dict[str, list[dict[str, Any]]]:
    """Every fact sheet of every type as the API returns it (all pages), with what the KPIs need."""
    out = {}
    for type_name in type_names(client):
        fields = _fields(client, type_name)
        own = []
        if "lifecycle" in fields:
            own.append("lifecycle { asString phases { phase startDate } }")
        for rel in ("relApplicationToITComponent", "relApplicationToBusinessCapability"):
            if rel in fields:
                own.append(f"{rel} {{ edges {{ node {{ factSheet {{ id type status }} }} }} }}")
        query = _QUERY % {"type": type_name, "own": " ".join(own) or "id"}
        nodes, after = [], None
        while True:
            page = client.graphql(query, {"after": after})["allFactSheets"]
            nodes += [e["node"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        out[type_name] = nodes
    return out


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def _phases(node: dict[str, Any]) -> list[dict[str, Any]]:
    return (node.get("lifecycle") or {}).get("phases") or []


def _eol(node: dict[str, Any]) -> dt.date | None:
    days = [dt.date.fromisoformat(p["startDate"][:10]) for p in _phases(node) if p["phase"] == "endOfLife"]
    return min(days) if days else None


def _targets(node: dict[str, Any], rel: str, active: dict[str, set[str]], type_name: str) -> list[str]:
    edges = (node.get(rel) or {}).get("edges") or []
    return [e["node"]["factSheet"]["id"] for e in edges if e["node"]["factSheet"]["id"] in active[type_name]]


def expected(raw: dict[str, list[dict[str, Any]]], today: dt.date) -> dict[tuple[str, str], float]:
    """(kpi name, dimensions text) -> value, for every default KPI, by the descriptions' definitions."""
    act = {t: [n for n in nodes if n["status"] == "ACTIVE"] for t, nodes in raw.items()}
    act = {t: nodes for t, nodes in act.items() if nodes}
    active_ids = {t: {n["id"] for n in raw.get(t, []) if n["status"] == "ACTIVE"} for t in (APP, ITC, BC)}
    out: dict[tuple[str, str], float] = {}
    apps = act.get(APP, [])

    # factsheets: counts per type and current phase
    out[("factsheets", "")] = sum(len(n) for n in act.values())
    for t, nodes in act.items():
        out[("factsheets", f"type={t}")] = len(nodes)
        for node in nodes:
            phase = (node.get("lifecycle") or {}).get("asString") or "none"
            key = ("factsheets", f"type={t}; lifecycle={phase}")
            out[key] = out.get(key, 0) + 1

    # end of life
    used = {i for a in apps for i in _targets(a, "relApplicationToITComponent", active_ids, ITC)}
    components = [n for n in act.get(ITC, []) if n["id"] in used]
    for noun, population in (("applications", apps), ("it_components", components)):
        eols = [_eol(n) for n in population]
        out[(f"{noun}_past_end_of_life", "")] = _share([e is not None and e <= today for e in eols])
        for months in (6, 12):
            until = _add_months(today, months)
            out[(f"{noun}_ending_{months}_months", "")] = _share(
                [e is not None and today < e <= until for e in eols]
            )

    # per type shares
    def by_type(name: str, flag: Any, types: list[str]) -> None:
        every = [flag(n) for t in types for n in act[t]]
        out[(name, "")] = _share(every)
        for t in types:
            out[(name, f"type={t}")] = _share([flag(n) for n in act[t]])

    with_lifecycle = [t for t, nodes in act.items() if "lifecycle" in nodes[0]]
    by_type("without_lifecycle", lambda n: not _phases(n), with_lifecycle)
    by_type("without_description", lambda n: not (n["description"] or "").strip(), list(act))

    def responsible(n: dict[str, Any]) -> bool:
        return any(e["node"]["type"] == "RESPONSIBLE" for e in n["subscriptions"]["edges"])

    by_type("without_responsible", lambda n: not responsible(n), list(act))
    by_type("broken_quality_seals", lambda n: n["qualitySeal"] == "BROKEN", list(act))
    cutoff = today - dt.timedelta(days=365)

    def updated(n: dict[str, Any]) -> dt.date:
        return dt.datetime.fromisoformat(n["updatedAt"].replace("Z", "+00:00")).astimezone(dt.UTC).date()

    by_type("stale", lambda n: updated(n) < cutoff, list(act))

    completions = {t: [n["completion"]["completion"] for n in nodes] for t, nodes in act.items()}
    every = [c for cs in completions.values() for c in cs]
    out[("mean_completion", "")] = sum(every) / len(every)
    for t, cs in completions.items():
        out[("mean_completion", f"type={t}")] = sum(cs) / len(cs)

    def capability(a: dict[str, Any]) -> bool:
        return bool(_targets(a, "relApplicationToBusinessCapability", active_ids, BC))

    out[("applications_without_capability", "")] = _share([not capability(a) for a in apps])
    links = sum(len(_targets(a, "relApplicationToITComponent", active_ids, ITC)) for a in apps)
    out[("it_components_per_application", "")] = links / len(apps)

    def group_of(tag: dict[str, Any]) -> str | None:
        return (tag.get("tagGroup") or {}).get("name")  # a tag may belong to no group

    groups = sorted({group_of(tag) for a in apps for tag in a["tags"]} - {None})
    for group in groups:
        out[("tag_coverage", f"tag_group={group}")] = _share(
            [any(group_of(tag) == group for tag in a["tags"]) for a in apps]
        )
    out[("fully_documented_applications", "")] = _share(
        [
            bool(_phases(a))
            and bool((a["description"] or "").strip())
            and responsible(a)
            and capability(a)
            and bool(_targets(a, "relApplicationToITComponent", active_ids, ITC))
            for a in apps
        ]
    )
    return out

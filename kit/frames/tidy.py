"""The tidy (long) frames of a type's pages: the rows each frame takes from a node, and sinks that build
several frames from the same pages at once (one paging pass for a fact sheet frame and all its long ones)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.frames.columns import FrameBuilder
from kit.frames.queries import FrameQuery
from kit.leanix import record

__all__ = [
    "FanOut",
    "RowSink",
    "Rows",
    "TypeFrames",
    "lifecycle_rows",
    "relation_rows",
    "subscription_rows",
    "tag_rows",
]

Rows = Callable[[Sequence[Mapping[str, Any]]], list[dict[str, Any]]]
"""The long rows of a page's fact sheet nodes (each a dict the frame's columns read from)."""


def tag_rows(nodes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per tag assignment."""
    return [
        {"id": node["id"], "name": node["name"], "tag": tag} for node in nodes for tag in record.tags(node)
    ]


def lifecycle_rows(nodes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per lifecycle phase, marking the current one."""
    rows = []
    for node in nodes:
        phases = record.lifecycle_phases(node)
        if phases:
            now = record.current_phase(node)
            rows += [
                {"id": node["id"], "name": node["name"], "phase": phase, "current": phase.get("phase") == now}
                for phase in phases
            ]
    return rows


def subscription_rows(nodes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per subscription, its roles' names comma separated."""
    return [
        {
            "id": node["id"],
            "name": node["name"],
            "sub": sub,
            "roles": ", ".join(r["name"] for r in sub.get("roles") or []) or None,
        }
        for node in nodes
        for sub in record.subscriptions(node)
    ]


def relation_rows(relation: str) -> Rows:
    """The rows of one relation connection: one per relation node."""

    def rows(nodes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"id": node["id"], "name": node["name"], "relation": relation, "rel": edge["node"]}
            for node in nodes
            for edge in record.edges(node, relation)
        ]

    return rows


class RowSink:
    """A frame builder fed with the long rows (tags, relations …) of each page's nodes."""

    def __init__(self, query: FrameQuery, rows: Rows) -> None:
        self.builder = FrameBuilder(query.columns)
        self.rows = rows

    def add(self, nodes: Sequence[Mapping[str, Any]]) -> None:
        self.builder.add(self.rows(nodes))

    def frame(self) -> pd.DataFrame:
        return self.builder.frame()


class FanOut:
    """A page sink that hands each page to several sinks (the fact sheet frame and every long frame)."""

    def __init__(self, sinks: Mapping[str, Any]) -> None:
        self.sinks = dict(sinks)

    def add(self, nodes: list[dict[str, Any]]) -> None:
        for sink in self.sinks.values():
            sink.add(nodes)


@dataclass(frozen=True)
class TypeFrames:
    """Every frame of one fact sheet type, read in one paging pass (see ``WorkspaceReader.read_type``):
    the same frames ``factsheets``, ``tags``, ``lifecycles``, ``subscriptions`` and ``relations`` return."""

    type: str
    factsheets: pd.DataFrame
    tags: pd.DataFrame
    lifecycles: pd.DataFrame
    subscriptions: pd.DataFrame
    relations: dict[str, pd.DataFrame] = field(default_factory=dict)

"""Reading every page of an ``allFactSheets`` query, and noticing when the workspace moved underneath.

LeanIX's GraphQL pages are not snapshots: fact sheets archived, created or deleted while a type is paged
through shift the pages still to come, and rows go missing without a sign. A read here watches its pages for
the traces such a change leaves (``totalCount`` moving between pages, an ``endCursor`` given twice or missing
while ``hasNextPage`` is true, a fact sheet served twice, a final count that disagrees with ``totalCount``),
then reads the type again from the start, a bounded number of times, and raises :class:`InconsistentRead`
if it never holds still. Only one attempt's pages are alive at a time: a failed attempt's sink is dropped
before the next one starts.

Blind spot: a change that leaves every trace intact (one fact sheet archived and another created between the
same two pages) cannot be told from a quiet workspace by paging alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from kit.client import LeanIXClient
from kit.client._errors import InconsistentRead
from kit.config import ConfigError

__all__ = [
    "READ_ATTEMPTS",
    "REREAD_PAUSE",
    "InconsistentRead",
    "PageSink",
    "Pass",
    "archive_passes",
    "read_pages",
]

log = logging.getLogger("kit.frames.paging")

READ_ATTEMPTS = 3
"""How many times a type is read from the start before :class:`InconsistentRead` is raised."""
REREAD_PAUSE = 2.0
"""Seconds between two attempts (a running integration often finishes its batch meanwhile)."""


class PageSink(Protocol):
    """Takes each page's nodes once they passed the checks (a frame builder, a record list …)."""

    def add(self, nodes: list[dict[str, Any]]) -> None: ...


S = TypeVar("S", bound=PageSink)


@dataclass(frozen=True)
class Pass:
    """One paged query of a read: its ``FilterInput`` and how messages name it ("" or e.g. "archived")."""

    filter: Mapping[str, Any] | None
    label: str = ""


def archive_passes(filter: Mapping[str, Any] | None, include_archived: bool) -> list[Pass]:  # noqa: A002
    """The paged queries of a read: ``filter`` as given and, with ``include_archived``, the same filter on
    the archived fact sheets (its own TrashBin facet replaced), unless ``filter`` asks for archived ones
    itself (then the first pass has them already)."""
    passes = [Pass(dict(filter or {}) or None)]
    facets = [f for f in (filter or {}).get("facetFilters") or [] if f.get("facetKey") != "TrashBin"]
    asks_archived = any(
        f.get("facetKey") == "TrashBin" and "archived" in (f.get("keys") or []) and f.get("operator") != "NOR"
        for f in (filter or {}).get("facetFilters") or []
    )
    if include_archived and not asks_archived:
        archived = {
            **dict(filter or {}),
            "facetFilters": [*facets, {"facetKey": "TrashBin", "operator": "OR", "keys": ["archived"]}],
        }
        passes.append(Pass(archived, "archived"))
    return passes


class _Moved(Exception):
    """Internal: the pages of this attempt show the data changed; the message says how."""


def read_pages(
    client: LeanIXClient,
    query: str,
    new_sink: Callable[[], S],
    *,
    type: str | None,  # noqa: A002 - allFactSheets' factSheetType
    kind: str,
    passes: Sequence[Pass] = (Pass(None),),
    page_size: int = 1000,
    attempts: int = READ_ATTEMPTS,
    pause: float = REREAD_PAUSE,
    what: str | None = None,
    progress: Callable[[int | None], Any] | None = None,
) -> S:
    """Every page of ``query`` for each of ``passes``, fed to a fresh ``new_sink()`` per attempt; returns the
    sink of the first attempt whose pages were consistent.

    ``query`` declares ``$first: Int, $after: String, $type: FactSheetType, $filter: FilterInput`` and asks
    ``allFactSheets`` for ``totalCount``, ``pageInfo { hasNextPage endCursor }`` and ``edges { node { id … } }``.
    ``kind`` names the read in messages (fact sheets, relations, tags, lifecycles, subscriptions), ``what``
    overrides the whole subject (e.g. "the Application relations relToParent"). ``progress(totalCount)``
    may return a bar (``update(n)``, ``close()``) per pass.
    """
    if attempts < 1:
        raise ConfigError(
            f"read_attempts must be 1 or more, got {attempts}: pass Workspace(read_attempts=3)."
        )
    subject = what or (f"the {type} {kind}" if type else f"the {kind}")
    problems: list[str] = []
    for attempt in range(1, attempts + 1):
        sink = new_sink()
        try:
            _attempt(client, query, sink, type, passes, page_size, progress)
        except _Moved as moved:
            problems.append(str(moved))
        else:
            return sink
        del sink  # the failed attempt's pages go before the next attempt reads any
        if attempt < attempts:
            log.warning(
                "%s changed while being read (%s); reading them again from the start in %g s "
                "(attempt %d of %d).",
                _capital(subject),
                problems[-1],
                pause,
                attempt + 1,
                attempts,
            )
            time.sleep(pause)
    seen = "; ".join(f"attempt {n}: {p}" for n, p in enumerate(problems, 1))
    raise InconsistentRead(
        f"Could not read {subject} consistently: fact sheets were archived, created or deleted while they "
        f"were read page by page, on each of {attempts} attempt(s) ({seen}). Read again when no "
        "integration or bulk edit is running, or take the snapshot when the workspace is quiet.",
        type=type,
        kind=kind,
        problems=problems,
    )


def _attempt(
    client: LeanIXClient,
    query: str,
    sink: PageSink,
    type_name: str | None,
    passes: Sequence[Pass],
    page_size: int,
    progress: Callable[[int | None], Any] | None,
) -> None:
    seen_ids: set[str] = set()  # across passes: a fact sheet archived mid-read shows up in both
    for current in passes:
        where = f" of the {current.label} ones" if current.label else ""
        variables = {"type": type_name, "filter": dict(current.filter) if current.filter else None}
        cursors: dict[str, int] = {}
        after: str | None = None
        first_total: int | None = None
        received = 0
        number = 0
        bar = None
        try:
            while True:
                number += 1
                data = client.graphql(query, {**variables, "first": page_size, "after": after})
                page = data.get("allFactSheets") or {}
                total = page.get("totalCount")
                if number == 1:
                    first_total = total
                    bar = progress(total) if progress is not None else None
                elif total != first_total:
                    raise _Moved(
                        f"totalCount moved from {first_total} to {total} after page {number - 1}{where}"
                    )
                nodes = [edge["node"] for edge in page.get("edges") or ()]
                repeated = []
                for node in nodes:
                    fs_id = node.get("id")
                    if fs_id in seen_ids:
                        repeated.append(fs_id)
                    elif fs_id is not None:
                        seen_ids.add(fs_id)
                if repeated:
                    raise _Moved(
                        f"page {number}{where} served {len(repeated)} fact sheet(s) already read "
                        f"(e.g. {repeated[0]})"
                    )
                received += len(nodes)
                if total is not None and received > total:
                    raise _Moved(
                        f"{received} fact sheets read by page {number}{where}, totalCount says {total}"
                    )
                info = page.get("pageInfo") or {}
                after = info.get("endCursor")
                more = bool(info.get("hasNextPage"))
                if more:
                    if not after:
                        raise _Moved(f"page {number}{where} says hasNextPage but gives no endCursor")
                    if after in cursors:
                        raise _Moved(f"page {number}{where} repeated the endCursor of page {cursors[after]}")
                    if not nodes:
                        raise _Moved(f"page {number}{where} was empty but says hasNextPage")
                    cursors[after] = number
                sink.add(nodes)
                if bar is not None:
                    bar.update(len(nodes))
                del nodes, page, data  # the sink holds what it needs; the JSON goes now
                if not more:
                    break
            if first_total is not None and received != first_total:
                raise _Moved(f"{received} fact sheets read{where}, totalCount says {first_total}")
        finally:
            if bar is not None:
                bar.close()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]

"""Robustness: every paged read while Project fact sheets are archived, created or deleted between pages.

One small sandbox for the module (this corpus changes its store; each case rebuilds the 41 Projects
``P000``..``P040`` first, read 10 per page: pages of 10, 10, 10, 10 and 1). Per read kind and kind of change:

* the change once, after page 1 or 4 of the active fact sheets: a **documented acceptance**, the
  read notices, reads the type again and returns exactly the fact sheets the store holds afterwards, each
  once (``kit.frames.paging``: "read again from the start, a bounded number of times");
* the change after every page: :class:`InconsistentRead` naming the type, the kind of read and the counts
  seen on the first attempt.

Reads with an archived pass also get a fact sheet archived after the last active page: it would be served a
second time among the archived ones, the read notices the repeated id and heals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kit.client import LeanIXClient
from kit.client._errors import InconsistentRead
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sandbox.store import Store
from kit.sources import LiveView
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY
from tests.robustness.outcomes import Case, check, params
from tests.test_partial_reads import Churn, archive, create, delete, populate

PROJECTS = 41
PAGE = 10
CHANGED = 3  # fact sheets archived, created or deleted by a one-off change

_STATE: dict[str, Any] = {}
_CHURN = Churn()


@pytest.fixture(scope="module", autouse=True)
def _world() -> Iterator[None]:
    with Sandbox(SandboxOptions(size=0, seed=5, rate_limit=None, between_pages=_CHURN)) as server:
        with LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            _STATE["store"] = server.store
            _STATE["ws"] = Workspace(client, page_size=PAGE, progress=False, read_attempts=3, reread_pause=0)
            yield
    _STATE.clear()


# read name -> (read, kind named in the error, rows per Project, id column, reads archived ones too)
READS: dict[str, tuple[Callable[[Workspace], Any], str, int, str, bool]] = {
    "factsheets": (lambda ws: ws.factsheets("Project"), "fact sheets", 1, "id", False),
    "factsheets-archived": (
        lambda ws: ws.factsheets("Project", include_archived=True),
        "fact sheets",
        1,
        "id",
        True,
    ),
    "relations": (
        lambda ws: ws.relations("Project", "relProjectToApplication"),
        "relations relProjectToApplication",
        1,
        "fromId",
        False,
    ),
    "tags": (lambda ws: ws.tags("Project"), "tags", 1, "id", False),
    "lifecycles": (lambda ws: ws.lifecycles("Project"), "lifecycles", 2, "id", False),
    "subscriptions": (lambda ws: ws.subscriptions("Project"), "subscriptions", 1, "id", False),
    "liveview": (
        lambda ws: LiveView(ws, types=["Project"], page_size=PAGE).records("Project"),
        "fact sheets",
        1,
        "id",
        True,
    ),
}
CHANGES: dict[str, Callable[[int], Callable[[Store], None]]] = {
    "archive": archive,
    "create": create,
    "delete": delete,
}
AFTER_PAGES = (1, 4)  # the first page, and the last one that promises more (pages 2 and 3 behave alike)
# Projects a read returns after a one-off change of CHANGED fact sheets (written out by hand): active only,
# or active and archived
EXPECTED = {
    ("archive", False): PROJECTS - CHANGED,  # 38
    ("archive", True): PROJECTS,  # 38 active + 3 archived
    ("create", False): PROJECTS + CHANGED,  # 44
    ("create", True): PROJECTS + CHANGED,
    ("delete", False): PROJECTS - CHANGED,  # 38
    ("delete", True): PROJECTS - CHANGED,
}
# totalCount on page 2 of the first attempt when one fact sheet changes after every page
MOVED_TO = {"archive": PROJECTS - 1, "create": PROJECTS + 1, "delete": PROJECTS - 1}


def _ids(result: Any, column: str) -> list[str]:
    if isinstance(result, list):  # LiveView records
        return [r["id"] for r in result]
    return result[column].tolist()


def _truth(store: Store, with_archived: bool) -> set[str]:
    """The Projects the store holds now (the fixture's own bookkeeping, not the code under test)."""
    return {r["id"] for r in store.factsheets("Project") if with_archived or r["status"] == "ACTIVE"}


def _healed(read_name: str, change: str, after: int) -> Callable[[], None]:
    read, _kind, per_project, column, with_archived = READS[read_name]

    def run() -> None:
        store, ws = _STATE["store"], _STATE["ws"]
        populate(store, PROJECTS)
        _CHURN.set(CHANGES[change](CHANGED), {after})
        ids = _ids(read(ws), column)
        projects = EXPECTED[(change, with_archived)]
        assert len(ids) == projects * per_project
        assert len(set(ids)) == projects
        assert set(ids) == _truth(store, with_archived)
        assert _CHURN.runs == 1
        assert _CHURN.attempts == 2  # noticed on the first attempt, right on the second

    return run


def _never_still(read_name: str, change: str) -> Callable[[], None]:
    read, *_ = READS[read_name]

    def run() -> None:
        store, ws = _STATE["store"], _STATE["ws"]
        populate(store, PROJECTS)
        _CHURN.set(CHANGES[change](1), None, times=None)
        try:
            read(ws)
        finally:
            assert _CHURN.attempts == 3

    return run


def _cases() -> list[Case]:
    cases = []
    for read_name, (_read, kind, _per, _column, with_archived) in READS.items():
        for change in CHANGES:
            for after in AFTER_PAGES:
                cases.append(
                    Case(
                        f"{read_name}-{change}-after-page-{after}",
                        _healed(read_name, change, after),
                        None,
                        why="kit.frames.paging: a read that sees the type change reads it again from the start",
                    )
                )
            cases.append(
                Case(
                    f"{read_name}-{change}-every-page",
                    _never_still(read_name, change),
                    InconsistentRead,
                    places=(
                        f"the Project {kind} consistently",
                        "on each of 3 attempt(s)",
                        f"attempt 1: totalCount moved from {PROJECTS} to {MOVED_TO[change]} after page 1",
                        "take the snapshot when the workspace is quiet",
                    ),
                )
            )
        if with_archived:  # archived after the last active page: served again among the archived ones
            cases.append(
                Case(
                    f"{read_name}-archive-after-last-active-page",
                    _healed(read_name, "archive", 5),
                    None,
                    why="kit.frames.paging: a fact sheet served twice (active, then archived) makes the read start over",
                )
            )
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", params(CASES))
def test_changes_between_pages(case: Case) -> None:
    check(case)

"""No silent partial reads: a type whose fact sheets change while it is paged through is read again, and
an :class:`InconsistentRead` is raised if it never holds still.

Each test starts its own small sandbox (never the shared session one: these tests change its store) whose
``between_pages`` hook archives, creates or deletes Project fact sheets after chosen pages, the way an
integration running alongside a read would. The workspace holds 401 Projects ``P000``..``P400`` (each with
one tag, one subscription, two lifecycle phases and one relation to the Application ``App``), read 100 per
page: pages of 100, 100, 100, 100 and 1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kit.client import LeanIXClient, LeanIXError
from kit.client._errors import InconsistentRead
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sandbox.graphql_api import PageServed
from kit.sandbox.store import Store
from kit.sources import LiveView
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY

PROJECTS = 401
PAGE_SIZE = 100
ATTEMPTS = 3
NAMES = [f"P{i:03d}" for i in range(PROJECTS)]


# -- the world: a store with known Projects, and a hook that changes it between pages ------------------------


def populate(store: Store, count: int = PROJECTS) -> None:
    """(Re)create ``count`` Projects P000, P001 … and their Application; earlier Projects and Applications go."""
    for type_name in ("Project", "Application"):
        for rec in list(store.factsheets(type_name)):
            store.delete_factsheet(rec["id"])
    group = next((g for g in store.tag_groups.values() if g["name"] == "Churn"), None)
    if group is None:
        group = store.add_tag_group("Churn", mode="MULTIPLE")
        store.add_tag("moving", group_id=group["id"])
    store.add_factsheet("Application", "App")
    for i in range(count):
        add_project(store, f"P{i:03d}")


def add_project(store: Store, name: str) -> dict[str, Any]:
    """One Project with a tag, a subscription, two lifecycle phases and a relation to ``App``."""
    tag = next(t for t in store.tags.values() if t["name"] == "moving")
    user = next(iter(store.users.values()))
    app = next(iter(store.factsheets("Application")))
    rec = store.add_factsheet(
        "Project",
        name,
        tags=[tag["id"]],
        fields={"lifecycle": {"plan": "2026-01-01", "active": "2026-06-01"}},
    )
    store.subscribe(rec["id"], user["id"], "OBSERVER")
    store.add_relation("relProjectToApplication", rec["id"], app["id"])
    return rec


def _active_projects(store: Store) -> list[dict[str, Any]]:
    return [r for r in store.factsheets("Project") if r["status"] == "ACTIVE"]


def archive(count: int) -> Callable[[Store], None]:
    """Archive the first ``count`` active Projects (ones a read has already passed)."""

    def run(store: Store) -> None:
        for rec in _active_projects(store)[:count]:
            store.update_factsheet(rec["id"], status="ARCHIVED")

    return run


def delete(count: int) -> Callable[[Store], None]:
    """Delete the first ``count`` active Projects for good."""

    def run(store: Store) -> None:
        for rec in _active_projects(store)[:count]:
            store.delete_factsheet(rec["id"])

    return run


def create(count: int) -> Callable[[Store], None]:
    """Create ``count`` Projects ``N000``, ``N001`` … (they come last in the result)."""

    def run(store: Store) -> None:
        made = sum(1 for r in store.factsheets("Project") if r["name"].startswith("N"))
        for i in range(made, made + count):
            add_project(store, f"N{i:03d}")

    return run


def _archived_pass(page: PageServed) -> bool:
    facets = (page.filter or {}).get("facetFilters") or []
    return any(f.get("facetKey") == "TrashBin" and "archived" in (f.get("keys") or []) for f in facets)


class Churn:
    """The sandbox's ``between_pages`` hook: records the Project pages served and runs ``change`` after
    the chosen pages of the active fact sheets (``after`` = page numbers, or None for every page)."""

    def __init__(self) -> None:
        self.pages: list[tuple[int, bool]] = []  # (page number, archived pass?)
        self.change: Callable[[Store], None] | None = None
        self.after: set[int] | None = set()
        self.times = 0  # how often ``change`` may still run (None: no limit)
        self.runs = 0

    def set(self, change: Callable[[Store], None], after: set[int] | None, times: int | None = 1) -> None:
        self.change, self.after, self.times, self.runs = change, after, times, 0
        self.pages.clear()

    def __call__(self, page: PageServed) -> None:
        if page.type != "Project":
            return
        archived = _archived_pass(page)
        self.pages.append((page.number, archived))
        due = self.change is not None and not archived and (self.after is None or page.number in self.after)
        if due and (self.times is None or self.runs < self.times):
            self.runs += 1
            self.change(page.store)

    @property
    def attempts(self) -> int:
        """Reads of the active Projects started: first pages served without the archived filter."""
        return self.pages.count((1, False))


@pytest.fixture
def world() -> Iterator[tuple[Sandbox, Churn, Workspace]]:
    churn = Churn()
    with Sandbox(SandboxOptions(size=0, seed=3, rate_limit=None, between_pages=churn)) as server:
        populate(server.store)
        with LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            ws = Workspace(
                client, page_size=PAGE_SIZE, progress=False, read_attempts=ATTEMPTS, reread_pause=0
            )
            yield server, churn, ws


def _names_of(ids, store: Store) -> set[str]:
    return {store.factsheet(i)["name"] for i in ids}


# -- (a) a change once: the read heals itself -------------------------------------------------------------


def test_archived_after_page_2_is_read_again_and_complete(world, caplog) -> None:
    server, churn, ws = world
    churn.set(lambda store: [store.update_factsheet(r["id"], status="ARCHIVED") for r in _p1xx(store)], {2})
    with caplog.at_level(logging.WARNING, logger="kit.frames.paging"):
        frame = ws.factsheets("Project")
    # 401 Projects, P100..P129 archived after page 2: 371 remain, each once
    assert len(frame) == 371
    assert frame["id"].is_unique
    expected = {f"P{i:03d}" for i in range(401)} - {f"P{i:03d}" for i in range(100, 130)}
    assert set(frame["name"]) == expected
    assert churn.attempts == 2
    assert churn.runs == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "totalCount moved from 401 to 371 after page 2" in warnings[0].getMessage()
    assert "attempt 2 of 3" in warnings[0].getMessage()


def _p1xx(store: Store) -> list[dict[str, Any]]:
    return [r for r in store.factsheets("Project") if "P100" <= r["name"] <= "P129"]


def test_archived_between_the_active_and_the_archived_pass_is_not_served_twice(world, caplog) -> None:
    """P000 archived after the last active page shows up again among the archived ones: a repeated id."""
    server, churn, ws = world
    churn.set(lambda store: store.update_factsheet(_first(store, "P000"), status="ARCHIVED"), {5})
    with caplog.at_level(logging.WARNING, logger="kit.frames.paging"):
        frame = ws.factsheets("Project", include_archived=True)
    assert len(frame) == 401
    assert frame["id"].is_unique
    assert frame.loc[frame["name"] == "P000", "status"].tolist() == ["ARCHIVED"]
    assert churn.attempts == 2
    message = caplog.records[0].getMessage()
    assert "page 1 of the archived ones served 1 fact sheet(s) already read" in message
    assert _first(server.store, "P000") in message


def _first(store: Store, name: str) -> str:
    return next(r["id"] for r in store.factsheets("Project") if r["name"] == name)


@pytest.mark.parametrize(
    ("change", "rows"),
    [(archive(30), 371), (delete(30), 371), (create(5), 406)],
    ids=["archive", "delete", "create"],
)
def test_a_change_after_page_3_heals(world, change, rows: int) -> None:
    server, churn, ws = world
    churn.set(change, {3})
    frame = ws.factsheets("Project")
    assert len(frame) == rows
    assert frame["id"].is_unique
    assert set(frame["id"]) == {r["id"] for r in _active_projects(server.store)}
    assert churn.attempts == 2


# -- (b) a change on every page: InconsistentRead after the bounded attempts -------------------------------


def test_a_change_on_every_page_raises_after_three_attempts(world, caplog) -> None:
    server, churn, ws = world
    churn.set(archive(1), None, times=None)
    with (
        caplog.at_level(logging.WARNING, logger="kit.frames.paging"),
        pytest.raises(InconsistentRead) as caught,
    ):
        ws.factsheets("Project")
    error = caught.value
    message = str(error)
    assert "Could not read the Project fact sheets consistently" in message
    assert "on each of 3 attempt(s)" in message
    # each attempt: page 1 served, one Project archived, page 2 reports the new totalCount (and one more
    # Project is archived after it): 401 -> 400, 399 -> 398, 397 -> 396
    assert "attempt 1: totalCount moved from 401 to 400 after page 1" in message
    assert "attempt 2: totalCount moved from 399 to 398 after page 1" in message
    assert "attempt 3: totalCount moved from 397 to 396 after page 1" in message
    assert "Read again when no integration" in message
    assert "take the snapshot when the workspace is quiet" in message
    assert (error.type, error.kind, len(error.problems)) == ("Project", "fact sheets", 3)
    assert churn.attempts == 3
    assert churn.pages == [(1, False), (2, False)] * 3
    assert [r.levelno for r in caplog.records] == [logging.WARNING, logging.WARNING]
    assert isinstance(error, LeanIXError)


def test_one_attempt_only_raises_at_once(world) -> None:
    server, churn, ws = world
    ws.read_attempts = 1
    churn.set(create(1), {1})
    with pytest.raises(InconsistentRead, match="attempt 1: totalCount moved from 401 to 402 after page 1"):
        ws.factsheets("Project")
    assert churn.attempts == 1


# -- (c) relations, tags, lifecycles, subscriptions and the snapshot ----------------------------------------

LONG_READS = {
    "relations": (lambda ws: ws.relations("Project", "relProjectToApplication"), 1),
    "tags": (lambda ws: ws.tags("Project"), 1),
    "lifecycles": (lambda ws: ws.lifecycles("Project"), 2),
    "subscriptions": (lambda ws: ws.subscriptions("Project"), 1),
}


@pytest.mark.parametrize("kind", list(LONG_READS))
def test_long_reads_heal_a_change_once(world, kind: str) -> None:
    server, churn, ws = world
    read, per_project = LONG_READS[kind]
    churn.set(archive(30), {2})
    frame = read(ws)
    ids = frame["fromId" if kind == "relations" else "id"]
    # 371 active Projects remain, each with one tag, subscription and relation and two lifecycle phases
    assert len(frame) == 371 * per_project
    assert ids.nunique() == 371
    assert _names_of(ids.unique(), server.store) == {f"P{i:03d}" for i in range(30, 401)}
    assert churn.attempts == 2


@pytest.mark.parametrize("kind", list(LONG_READS))
def test_long_reads_raise_when_the_type_never_holds_still(world, kind: str) -> None:
    server, churn, ws = world
    read, _ = LONG_READS[kind]
    churn.set(delete(1), None, times=None)
    with pytest.raises(InconsistentRead) as caught:
        read(ws)
    message = str(caught.value)
    subject = (
        "the Project relations relProjectToApplication" if kind == "relations" else f"the Project {kind}"
    )
    assert f"Could not read {subject} consistently" in message
    assert "attempt 1: totalCount moved from 401 to 400 after page 1" in message
    assert (caught.value.type, caught.value.kind) == ("Project", kind)
    assert churn.attempts == 3


def test_snapshot_is_not_written_when_a_read_is_inconsistent(world, tmp_path) -> None:
    server, churn, ws = world
    churn.set(archive(1), None, times=None)
    target = tmp_path / "snapshots" / "2026-11-29"
    with pytest.raises(InconsistentRead, match="Project fact sheets"):
        ws.snapshot(target, types=["Project"])
    assert not target.exists()
    assert list((tmp_path / "snapshots").iterdir()) == []  # no half-written temporary folder either
    assert churn.attempts == 3


def test_snapshot_heals_a_change_once(world, tmp_path) -> None:
    import json

    server, churn, ws = world
    churn.set(archive(30), {2})
    target = ws.snapshot(tmp_path / "snap", types=["Project"])
    manifest = json.loads((target / "manifest.json").read_text())
    # 371 active and 30 archived Projects; one tag, subscription, relation and two phases each
    assert manifest["factSheets"] == {"Project": 401}
    assert manifest["rows"]["tags"] == 401
    assert manifest["rows"]["subscriptions"] == 401
    assert manifest["rows"]["lifecycles"] == 802
    assert manifest["rows"]["relations"] == 401
    # the fact sheets: pages 1-3 (401 reported, then 371), read again: 4 active pages, 1 archived one
    assert churn.pages[:8] == [(1, False), (2, False), (3, False), (1, False), (2, False), (3, False)] + [
        (4, False),
        (1, True),
    ]
    assert churn.runs == 1


# -- (d) the integration engine's live view ---------------------------------------------------------------


def test_live_view_heals_a_change_once(world) -> None:
    server, churn, ws = world
    churn.set(archive(30), {2})
    records = LiveView(ws, types=["Project"], page_size=PAGE_SIZE).records("Project")
    # active and archived: 371 + 30
    assert len(records) == 401
    assert len({r["id"] for r in records}) == 401
    assert sum(r["status"] == "ARCHIVED" for r in records) == 30
    assert churn.attempts == 2


def test_live_view_raises_when_the_type_never_holds_still(world) -> None:
    server, churn, ws = world
    churn.set(create(1), None, times=None)
    with pytest.raises(InconsistentRead) as caught:
        LiveView(ws, types=["Project"], page_size=PAGE_SIZE).records("Project")
    message = str(caught.value)
    assert "Could not read the Project fact sheets consistently" in message
    assert "attempt 1: totalCount moved from 401 to 402 after page 1" in message
    assert churn.attempts == 3


def test_live_view_select_raises_when_the_scope_never_holds_still(world) -> None:
    server, churn, ws = world
    create(800)(server.store)  # the scope query asks 1,000 per page: 1,201 Projects make two pages
    view = LiveView(ws, types=["Project", "Application"], page_size=PAGE_SIZE)
    churn.set(archive(1), {1}, times=None)
    scope = {"facetFilters": [{"facetKey": "lxState", "operator": "OR", "keys": ["DRAFT"]}]}
    with pytest.raises(InconsistentRead) as caught:
        view.select(scope, "Project")
    message = str(caught.value)
    assert "Could not read the Project fact sheets in scope consistently" in message
    assert "attempt 1: totalCount moved from 1201 to 1200 after page 1" in message
    assert "attempt 2: totalCount moved from 1200 to 1199 after page 1" in message
    assert "attempt 3: totalCount moved from 1199 to 1198 after page 1" in message
    assert churn.pages == [(1, False), (2, False)] * 3


def test_quiet_workspace_reads_in_one_attempt(world, caplog) -> None:
    server, churn, ws = world
    with caplog.at_level(logging.WARNING, logger="kit.frames.paging"):
        frame = ws.factsheets("Project")
    assert len(frame) == 401
    assert sorted(frame["name"]) == NAMES
    assert churn.pages == [(1, False), (2, False), (3, False), (4, False), (5, False)]
    assert caplog.records == []


def test_a_failed_attempt_is_dropped_before_the_next_one_reads(world) -> None:
    """Memory stays at one attempt: when attempt n+1 starts, nothing holds attempt n's pages any more."""
    import weakref

    from kit.frames.paging import read_pages
    from kit.frames.reader import _PAGE_QUERY

    server, churn, ws = world
    churn.set(archive(1), None, times=None)
    alive_at_start: list[int] = []
    earlier: list[weakref.ref] = []

    class Sink(list):
        def add(self, nodes) -> None:
            self.extend(nodes)

    def new_sink() -> Sink:
        alive_at_start.append(sum(ref() is not None for ref in earlier))
        sink = Sink()
        earlier.append(weakref.ref(sink))
        return sink

    with pytest.raises(InconsistentRead):
        read_pages(
            ws.client,
            _PAGE_QUERY % "id",
            new_sink,
            type="Project",
            kind="fact sheets",
            page_size=100,
            pause=0,
        )
    assert alive_at_start == [0, 0, 0]


def test_read_attempts_below_one_is_refused(world) -> None:
    from kit.config import ConfigError

    server, churn, ws = world
    ws.read_attempts = 0
    with pytest.raises(ConfigError, match="read_attempts must be 1 or more, got 0"):
        ws.factsheets("Project")

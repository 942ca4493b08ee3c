"""The sections of a preview page: human headings over tables made by :func:`kit.tables.table`.

Each section picks the columns a reader needs from one of the preview's frames (:mod:`.frames`), names them so
the table's headers read as labels (``before`` → *Before*, ``contentId`` → *Content ID*) and so fact sheet
names link to the workspace with their ids kept hidden (``name``/``id``/``type``, ``fromName``/``fromId`` ...).
The sections every inbound reader looks for (*What would be created*, *Fields that would change*, *What would be
archived or deleted*, *Warnings*, *Not evaluated*) are always there, with a sentence instead of an empty
table; the others only when they have rows. The frames themselves are untouched: ``to_excel`` and code read
them as they are.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit import formatting as fmt
from kit.tables import Note, table

if TYPE_CHECKING:
    from kit.previews.preview import Preview

__all__ = ["Section", "sections"]

# the fact sheet a row is about, as the table links it (name, hidden id, type)
_TARGET = {"target_name": "name", "target_type": "type", "target_id": "id"}
_ORIGIN = {"processor": "processor", "content_id": "contentId"}
# what an archived or deleted item is, as the tables name it
_KIND = {
    "factSheets": "Fact sheet",
    "relations": "Relation",
    "tags": "Tag assignment",
    "subscriptions": "Subscription",
    "documents": "Document",
    "impacts": "Impact",
    "todos": "To-do",
}
_CREATED = ["type", "name", "externalId", "values", "processor", "contentId"]


@dataclass(frozen=True)
class Section:
    """One part of the page: an anchor ``id``, a ``heading``, the row count (None: not a table) and the
    body as HTML (a table, a sentence, or a list)."""

    id: str
    heading: str
    rows: int | None
    body: str
    collapsed: bool = False

    def to_html(self, level: int = 2) -> str:
        head = f"<h{level}>{html.escape(self.heading)}</h{level}>"
        if self.collapsed:
            return (
                f"<section id='{self.id}'><details><summary>{head}</summary>{self.body}</details></section>"
            )
        return f"<section id='{self.id}'>{head}{self.body}</section>"


def _pick(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """``frame``'s columns named in ``columns`` (in that order), renamed; missing ones are left out."""
    present = {old: new for old, new in columns.items() if old in frame.columns}
    return frame[list(present)].rename(columns=present)


def _named(frame: pd.DataFrame, prefix: str = "target") -> pd.DataFrame:
    """A copy whose ``{prefix}_name`` falls back to the readable reference (``new Project externalId=P-9``)
    where the fact sheet has no name yet."""
    out = frame.copy()
    name, ref = f"{prefix}_name", f"{prefix}_ref"
    if name in out.columns and ref in out.columns:
        out[name] = [n if not fmt.is_missing(n) else r for n, r in zip(out[name], out[ref], strict=True)]
    return out


def _table_html(
    frame: pd.DataFrame,
    *,
    empty: str,
    links: Any,
    rows: int,
    key: str,
    formats: Mapping[str, Callable[[Any], str]] | None = None,
) -> tuple[str, int]:
    """The table (or the sentence for no rows) of at most ``rows`` rows, with a line when rows are left out."""
    total = len(frame)
    shown = table(frame.head(rows), links=links, empty=empty, formats=formats)
    if isinstance(shown, Note):
        return shown.to_html(), 0
    more = f"<p class='lx-more'>The first {rows:,} of {total:,} rows.</p>" if total > rows else ""
    return shown.set_uuid(f"lx-{key}").to_html() + more, total


class _Builder:
    """Collects the sections of one preview in page order."""

    def __init__(self, shown: Preview, links: Any, rows: int) -> None:
        self.shown, self.links, self.rows = shown, links, rows
        self.out: list[Section] = []

    def add(
        self,
        key: str,
        heading: str,
        frame: pd.DataFrame,
        *,
        empty: str | None = None,
        intro: str = "",
        after: str = "",
        collapsed: bool = False,
        formats: Mapping[str, Callable[[Any], str]] | None = None,
    ) -> None:
        """A table section; left out when ``frame`` is empty and there is no ``empty`` sentence. ``intro``:
        a sentence above a table with rows; ``after``: HTML below it."""
        if frame.empty and empty is None:
            return
        body, count = _table_html(
            frame, empty=empty or "", links=self.links, rows=self.rows, key=key, formats=formats
        )
        lead = f"<p class='lx-intro'>{html.escape(intro)}</p>" if intro and not frame.empty else ""
        self.out.append(Section(key, heading, count, lead + body + after, collapsed))

    def text(self, key: str, heading: str, body: str) -> None:
        self.out.append(Section(key, heading, None, body))


def _created(shown: Preview) -> pd.DataFrame:
    """One row per fact sheet the run creates: type, name, external id, the other values it sets."""
    writes = shown.writes
    if writes.empty:
        return pd.DataFrame(columns=_CREATED)
    new = _named(writes[writes["action"] == "create"])
    rows: dict[str, dict[str, Any]] = {}
    for row in new.itertuples(index=False):
        entry = rows.setdefault(
            str(row.target_ref),
            {
                "type": row.target_type,
                "name": row.target_name,
                "externalId": row.target_external_id,
                "values": {},
                "processor": row.processor,
                "contentId": row.content_id,
            },
        )
        if row.key != "name" and row.changed:
            entry["values"][row.key] = row.after
    return pd.DataFrame(list(rows.values()), columns=_CREATED, dtype=object)


def _changed(shown: Preview) -> pd.DataFrame:
    """The updates of existing fact sheets that change a value: which fact sheet, field, before, after."""
    changes = shown.changes
    if changes.empty:
        return changes
    updates = _named(changes[changes["action"] == "update"])
    return _pick(updates, {**_TARGET, "key": "field", "before": "before", "after": "after", **_ORIGIN})


def _removed(shown: Preview) -> pd.DataFrame:
    """What the run would archive or delete (processors, and deletion scopes that are not cancelled)."""
    items = shown.removals_frame
    if items.empty:
        return items
    out = items.copy()
    out["what"] = [_KIND.get(k, k) for k in out["kind"]]
    out["action"] = [{"archive": "archived"}.get(a, f"{a}d") for a in out["action"]]
    # a fact sheet's type reads as LeanIX labels it; a relation type, tag group or document type as written
    out["type"] = [
        fmt.type_label(t) if k == "factSheets" else t for k, t in zip(out["kind"], out["type"], strict=True)
    ]
    out["source"] = [
        "deletion scope" if by == "deletion scope" else f"processor {p}" if not fmt.is_missing(p) else by
        for by, p in zip(out["by"], out["processor"], strict=True)
    ]
    columns = {"what": "what", "action": "how", "name": "name", "type": "type", "id": "id"}
    return _pick(out, {**columns, "detail": "detail", "source": "by"})


def _stopped(shown: Preview) -> pd.DataFrame:
    """What the deletion scopes would delete were the deletion guard not to stop them."""
    deletions = shown.deletions
    if deletions is None or not deletions.cancelled:
        return pd.DataFrame()
    out = shown.deletions_frame.copy()
    out["what"] = [_KIND.get(k, k) for k in out["kind"]]
    return _pick(out, {"what": "what", "name": "name", "type": "type", "id": "id", "detail": "scope"})


def _pair(prefix: str, to: str) -> dict[str, str]:
    return {f"{prefix}_name": f"{to}Name", f"{prefix}_id": f"{to}Id", f"{prefix}_type": f"{to}Type"}


def _with_names(frame: pd.DataFrame, *prefixes: str) -> pd.DataFrame:
    out = frame
    for prefix in prefixes:
        out = _named(out, prefix)
    return out


_PLAN_TABLES: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.DataFrame]], ...] = (
    (
        "relations",
        "Relations",
        lambda f: _pick(
            _with_names(f, "source", "target"),
            {
                "action": "action",
                "type": "relation",
                **_pair("source", "from"),
                **_pair("target", "to"),
                "fields": "fields",
                "exists": "alreadyThere",
                **_ORIGIN,
            },
        ),
    ),
    (
        "tags",
        "Tags",
        lambda f: _pick(
            _named(f),
            {
                "action": "action",
                **_TARGET,
                "group": "tagGroup",
                "tag": "tag",
                "create_tag": "newTag",
                "create_group": "newGroup",
                **_ORIGIN,
            },
        ),
    ),
    (
        "subscriptions",
        "Subscriptions",
        lambda f: _pick(
            _named(f),
            {
                "action": "action",
                **_TARGET,
                "user": "user",
                "type": "subscriptionType",
                "roles": "roles",
                "comment": "comment",
                "new_user": "newUser",
                **_ORIGIN,
            },
        ),
    ),
    (
        "documents",
        "Documents",
        lambda f: _pick(
            _named(f),
            {
                "action": "action",
                **_pair("target", "factSheet"),
                "name": "document",
                "url": "url",
                "description": "description",
                "documentType": "documentType",
                **_ORIGIN,
            },
        ),
    ),
    (
        "metrics",
        "Metrics points",
        lambda f: _pick(
            f, {"measurement": "measurement", "time": "time", "fields": "fields", "tags": "tags"}
        ),
    ),
    (
        "impacts",
        "Impacts",
        lambda f: _pick(
            _named(f),
            {**_TARGET, "groupName": "group", "description": "description", "impacts": "impacts", **_ORIGIN},
        ),
    ),
    (
        "todos",
        "To-dos",
        lambda f: _pick(
            f,
            {
                "title": "title",
                "description": "description",
                "category": "category",
                "status": "status",
                "dueDate": "dueDate",
                "factSheetId": "factSheetId",
                "externalId": "externalId",
                **_ORIGIN,
            },
        ),
    ),
)

_LOG = {
    "processor": "processor",
    "content": "contentId",
    "key": "field",
    "message": "message",
    "detail": "detail",
    "category": "category",
    "status": "status",
}


def _ldif_json(ldif: Mapping[str, Any]) -> str:
    text = json.dumps(ldif, indent=2, ensure_ascii=False, default=str)
    return f"<details class='lx-json'><summary>The LDIF as JSON</summary><pre>{html.escape(text)}</pre></details>"


def sections(shown: Preview, *, links: Any = None, rows: int = 5000, full: bool = True) -> list[Section]:
    """The page's sections in reading order; ``rows``: the most rows a table shows; ``full``: also the
    collapsed table of every field write and the exported LDIF as JSON (the page has them, the notebook view
    not)."""
    build = _Builder(shown, links, rows)
    outbound = str(shown.configuration.get("processingDirection") or "").lower() == "outbound"
    if outbound or not shown.output.empty:
        build.add(
            "output",
            "Exported LDIF",
            _pick(shown.output, {c: c for c in shown.output.columns}),
            empty="The run would export no content.",
            intro="One row per content item of the LDIF the run would write.",
            after=_ldif_json(shown.output_ldif) if full and shown.output_ldif is not None else "",
        )
    if not outbound:
        build.add(
            "created", "What would be created", _created(shown), empty="No fact sheet would be created."
        )
        build.add(
            "changes",
            "Fields that would change",
            _changed(shown),
            empty="No field of an existing fact sheet would change.",
            intro="Existing fact sheets, one row per field whose value changes.",
        )
        build.add(
            "removed",
            "What would be archived or deleted",
            _removed(shown),
            empty="Nothing would be archived or deleted.",
            formats={"type": fmt.text},
        )
        restored = (
            shown.writes[shown.writes["action"] == "restore"] if not shown.writes.empty else shown.writes
        )
        build.add("restored", "What would be restored", _pick(_named(restored), {**_TARGET, **_ORIGIN}))
    build.add(
        "stopped",
        "What the deletion guard stops",
        _stopped(shown),
        intro="The deletion scopes would delete these, but the run's deletion is cancelled (see above).",
    )
    for key, heading, pick in _PLAN_TABLES:
        build.add(key, heading, pick(getattr(shown, key)))
    build.add(
        "variables",
        "Variables",
        _pick(
            shown.variables, {"key": "variable", "level": "runLevel", "count": "count", "values": "values"}
        ),
    )
    build.add("warnings", "Warnings", _pick(shown.warnings, _LOG), empty="No warnings.")
    build.add(
        "infos",
        "Infos",
        _pick(shown.infos, _LOG),
        intro="What optional updates expected to miss; LeanIX logs these as INFO, not as warnings.",
    )
    build.add(
        "not_evaluated",
        "Not evaluated",
        _pick(shown.not_evaluated, {"processor": "processor", "what": "what", "path": "path", "why": "why"}),
        empty="Every part of every processor was evaluated.",
    )
    build.add(
        "processors",
        "Processors",
        _pick(
            shown.stats_processors,
            {
                "processorName": "processor",
                "processedContentCount": "processedItems",
                "processingTotalDuration": "duration",
                "graphQLRequestCount": "requests",
                "errorCount": "errors",
                "warningCount": "warnings",
                "infoCount": "infos",
            },
        ),
        intro="As iAPI's /stats would report them; durations are the preview's own, not LeanIX's.",
    )
    build.add(
        "levels",
        "Run levels",
        _pick(
            shown.stats_levels,
            {
                "singleRunIndex": "runLevel",
                "processedContentCount": "processedItems",
                "errorCount": "errors",
                "totalTime": "duration",
            },
        ),
    )
    notes = [*shown.notes, *(shown.deletions.warnings if shown.deletions is not None else ())]
    if notes:
        items = "".join(f"<li>{html.escape(str(note))}</li>" for note in notes)
        build.text("notes", "Notes", f"<ul class='lx-notes'>{items}</ul>")
    if full and not outbound and len(shown.writes) > len(shown.changes):
        build.add(
            "writes",
            "Every field write, also those that change nothing",
            _pick(
                _named(shown.writes),
                {
                    **_TARGET,
                    "action": "action",
                    "key": "field",
                    "before": "before",
                    "after": "after",
                    "changed": "changes",
                    **_ORIGIN,
                },
            ),
            collapsed=True,
        )
    return build.out

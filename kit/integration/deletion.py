"""What a FULL-mode run's ``deletionScope`` would delete: predicted offline from a workspace view.

After the last run level iAPI deletes everything inside a deletion scope that the run did not touch:
fact sheets are archived, relations, tag assignments (never the tag), subscriptions and documents deleted.
:func:`predict_deletions` applies the configuration's scopes to a :class:`~kit.integration.view.WorkspaceView`
and the run's :class:`~kit.integration.view.Touched` set.

Rules this module follows (reference §6.7 and the vendor pages it cites):

* Only ``processingMode`` full reads ``deletionScope``; in PARTIAL mode nothing is deleted.
* A scope's ``facetFilters``/``ids``/``externalIds`` may hold JUEL (``${integration.tags.getTagId(...)}``,
  ``${header.customFields.x}``), evaluated once with the view's tag resolver. A facet key that evaluates to
  null is dropped with a warning; a facet left without keys no longer restricts the scope, so the prediction
  shows the widest deletion the configuration allows.
* ``advanced`` (any kind) keeps an item in scope only when it evaluates to true; it reads ``lx.factsheet``
  (for relations the source), ``lx.relation``, ``lx.tag``, ``lx.subscription``, ``lx.document``, ``header``
  and ``integration``. An item whose expression fails stays out of scope, with a warning.
* Overlapping scopes of one kind handle each item once: the first scope that takes it decides.
* ``owner {fieldName, ownerId}``: an untouched fact sheet loses ``ownerId`` from the JSON list in that
  STRING field and is archived only when no owner remains (an empty field counts as no owner; text that
  is not a JSON list counts as someone else's marker and keeps the fact sheet).
* ``maximumDeletionRatio`` per kind, in percent (default 50): the ratio is items to delete ÷ items in
  scope. When any kind's ratio reaches its limit (≥), **all** deletion of the run is cancelled, every kind:
  the vendor text says iAPI does "not delete any configured item if the ratio of to be deleted items in any
  deletion scope exceeds a defined ratio" and "all deletion will be stopped if 30% or more items would be
  deleted". A limit above 100 is never reached.
* Relation, tag, subscription and document deletions run first, fact sheet archiving last (so ``lx.factsheet``
  still reads fact sheets that are about to be archived).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from kit.errors import LxkitError
from kit.integration.facets import FacetError
from kit.integration.juel import (
    Integration,
    JuelError,
    coerce_to_boolean,
    coerce_to_string,
    compile_java_regex,
    compile_template,
)
from kit.integration.plan import (
    DocumentWrite,
    FactSheetRef,
    FieldWrite,
    RelationWrite,
    StatusWrite,
    SubscriptionWrite,
    TagWrite,
)
from kit.integration.view import Touched, WorkspaceView

__all__ = [
    "DEFAULT_LIMIT",
    "KINDS",
    "DeletionItem",
    "DeletionPrediction",
    "DeletionScopeError",
    "KindPrediction",
    "predict_deletions",
    "whole_percent",
]

KINDS = ("factSheets", "relations", "tags", "subscriptions", "documents")
"""Deletion scope kinds in the order the configuration lists them (and summaries show them)."""
EXECUTION_ORDER = ("relations", "tags", "subscriptions", "documents", "factSheets")
DEFAULT_LIMIT = 50.0
_NOT_PREDICTED = ("impacts", "todos")
_LABEL = {
    "factSheets": "fact sheet",
    "relations": "relation",
    "tags": "tag",
    "subscriptions": "subscription",
    "documents": "document",
}
_VERB = {"factSheets": "archived", "tags": "removed"}
_MAX_WARNED_ITEMS = 3

Record = Mapping[str, Any]


class DeletionScopeError(LxkitError):
    """The configuration's deletion scope cannot be read at all (not a JSON object where one is needed)."""


@dataclass(frozen=True)
class DeletionItem:
    """One item a deletion scope would delete (or, for owner lists, change): what, where, and the write."""

    kind: str
    id: str
    type: str | None
    name: str | None
    detail: str
    factsheet_id: str
    write: Any


@dataclass
class KindPrediction:
    """One kind's outcome: items in scope, those to delete, the ratio (0..1) and the limit (percent)."""

    kind: str
    in_scope: int
    to_delete: list[DeletionItem]
    ratio: float
    limit: float
    cancelled: bool = False
    message: str = ""
    updates: list[DeletionItem] = field(default_factory=list)  # owner removed, fact sheet kept

    @property
    def reached_limit(self) -> bool:
        """Whether this kind's own ratio reaches its limit (which cancels all deletion)."""
        return _reaches(len(self.to_delete), self.in_scope, self.limit)


@dataclass
class DeletionPrediction:
    """What the run's deletion scopes would do; ``kinds`` holds only the kinds the configuration scopes."""

    mode: str
    kinds: dict[str, KindPrediction] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        """True when the ratio limit stops the run's deletion (then every kind is cancelled)."""
        return any(k.cancelled for k in self.kinds.values())

    def summary(self) -> list[str]:
        """One line per scoped kind (plus owner changes and warnings), in configuration order."""
        if self.mode != "full":
            return ["Deletion scopes are ignored in PARTIAL mode: nothing would be deleted"]
        if not self.kinds:
            lines = ["No deletion scope: nothing would be deleted"]
        else:
            lines = []
            for kind in KINDS:
                pred = self.kinds.get(kind)
                if pred is not None:
                    lines.append(pred.message)
                    if pred.updates:
                        lines.append(_owner_line(pred))
        return lines + [f"Warning: {w}" for w in self.warnings]

    def writes(self) -> list[Any]:
        """Plan records in execution order (fact sheets last) for the kinds that are not cancelled."""
        out: list[Any] = []
        for kind in EXECUTION_ORDER:
            pred = self.kinds.get(kind)
            if pred is not None and not pred.cancelled:
                out.extend(item.write for item in pred.updates)
                out.extend(item.write for item in pred.to_delete)
        return out

    def __repr__(self) -> str:
        return "DeletionPrediction(\n  " + "\n  ".join(self.summary()) + "\n)"


def predict_deletions(
    config: Mapping[str, Any],
    view: WorkspaceView,
    touched: Touched,
    *,
    header: Mapping[str, Any],
    now: datetime,
) -> DeletionPrediction:
    """What ``config``'s ``deletionScope`` would delete after a run that touched ``touched``."""
    if not isinstance(config, Mapping):
        raise DeletionScopeError(f"A processor configuration is a JSON object, not {type(config).__name__}")
    mode = str(config.get("processingMode") or header.get("processingMode") or "partial").lower()
    if mode != "full":
        return DeletionPrediction("partial")
    scopes = config.get("deletionScope") or {}
    if not isinstance(scopes, Mapping):
        raise DeletionScopeError("deletionScope must be a JSON object with factSheets, relations, tags …")
    resolver = view.tag_resolver() if hasattr(view, "tag_resolver") else None
    run = _Run(view, touched, {"header": header, "integration": Integration(now=now, tags=resolver)})
    for name in _NOT_PREDICTED:
        if scopes.get(name):
            run.warnings.append(f"deletionScope.{name} is not predicted (the workspace view has no {name})")
    limits = _limits(scopes.get("maximumDeletionRatio"))
    collected: dict[str, tuple[int, list[DeletionItem], list[DeletionItem]]] = {}
    for kind in KINDS:
        entries = scopes.get(kind)
        if not entries:
            continue
        if not isinstance(entries, list):
            raise DeletionScopeError(f"deletionScope.{kind} must be a list of scopes")
        collected[kind] = _COLLECTORS[kind](run, entries)
    prediction = DeletionPrediction("full", warnings=run.warnings)
    for kind, (in_scope, to_delete, updates) in collected.items():
        ratio = len(to_delete) / in_scope if in_scope else 0.0
        prediction.kinds[kind] = KindPrediction(
            kind, in_scope, to_delete, ratio, limits[kind], updates=updates
        )
    _decide(prediction)
    return prediction


# ---------------------------------------------------------------------------------------------------------
# Ratio limits


def _limits(raw: Any) -> dict[str, float]:
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise DeletionScopeError("deletionScope.maximumDeletionRatio must map kinds to percentages")
    out = {}
    for kind in KINDS:
        value = raw.get(kind)
        try:
            out[kind] = DEFAULT_LIMIT if value is None else float(value)
        except (TypeError, ValueError):
            raise DeletionScopeError(
                f"deletionScope.maximumDeletionRatio.{kind} must be a number (percent), not {value!r}"
            ) from None
    return out


def _reaches(count: int, in_scope: int, limit: float) -> bool:
    """``count / in_scope`` ≥ ``limit`` percent, in exact arithmetic (30 of 100 reaches 30)."""
    return count > 0 and Fraction(count * 100, in_scope) >= Fraction(str(limit))


def _decide(prediction: DeletionPrediction) -> None:
    reached = [k for k in KINDS if k in prediction.kinds and prediction.kinds[k].reached_limit]
    for kind, pred in prediction.kinds.items():
        pred.cancelled = bool(reached)
        pct = whole_percent(len(pred.to_delete), pred.in_scope)
        head = f"{_count_phrase(kind, pred.to_delete)} would be {_VERB.get(kind, 'deleted')}"
        if kind in reached:
            pred.message = f"{head} ({pct}): deletion would be cancelled at the {_number(pred.limit)}% limit"
        elif reached:
            cause = _LABEL[reached[0]]
            pred.message = (
                f"{head} ({pct}, limit {_number(pred.limit)}%): cancelled with all deletion, "
                f"as {cause} deletion reached its limit"
            )
        else:
            pred.message = f"{head} ({pct}, limit {_number(pred.limit)}%)"


def whole_percent(count: int, in_scope: int) -> str:
    """Whole percent, rounded down so a shown value never reaches a limit the ratio does not."""
    if not in_scope:
        return "0%"
    if 0 < count * 100 < in_scope:
        return "<1%"
    return f"{count * 100 // in_scope}%"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _count_phrase(kind: str, items: list[DeletionItem]) -> str:
    n = len(items)
    if kind in ("factSheets", "relations"):
        noun = "fact sheet" if kind == "factSheets" else "relation"
        plural = noun + ("" if n == 1 else "s")
        types = Counter(i.type for i in items)
        if len(types) == 1:
            (only,) = types
            return f"{n} {only} {plural}" if kind == "factSheets" else f"{n} {plural} {only}"
        if not types:
            return f"0 {noun}s"
        parts = ", ".join(f"{c} {t}" for t, c in sorted(types.items(), key=lambda tc: (-tc[1], str(tc[0]))))
        return f"{n} {plural} ({parts})"
    noun = {"tags": "tag assignment", "subscriptions": "subscription", "documents": "document"}[kind]
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _owner_line(pred: KindPrediction) -> str:
    n = len(pred.updates)
    noun = "fact sheet" if n == 1 else "fact sheets"
    line = f"{n} {noun} would only lose this run's owner and stay (other owners remain)"
    return line + (": cancelled with all deletion" if pred.cancelled else "")


# ---------------------------------------------------------------------------------------------------------
# Evaluation context


class _Run:
    """Per-prediction state: the view, what was touched, the JUEL context, warnings, converted records."""

    def __init__(self, view: WorkspaceView, touched: Touched, context: dict[str, Any]) -> None:
        self.view = view
        self.touched = touched
        self.context = context
        self.warnings: list[str] = []
        self._plain: dict[str, dict[str, Any]] = {}
        self.touched_subscribers = {(fs, user) for fs, user, _type in touched.subscriptions}
        self.owner_warned: set[str] = set()

    def juel(self, value: Any) -> Any:
        """A string's JUEL value (plain text stays as it is)."""
        if not isinstance(value, str) or "${" not in value:
            return value
        return compile_template(value).evaluate(self.context)

    def resolve(self, value: Any, path: str) -> Any:
        """Every string in a scope evaluated; list results are flattened, null list items dropped."""
        if isinstance(value, Mapping):
            return {key: self.resolve(item, f"{path}.{key}") for key, item in value.items()}
        if isinstance(value, list):
            items: list[Any] = []
            for i, item in enumerate(value):
                resolved = self.resolve(item, f"{path}[{i}]")
                if isinstance(resolved, list) and isinstance(item, str):
                    items.extend(resolved)
                elif resolved is None and isinstance(item, str) and "${" in item:
                    self.warnings.append(f"{path}[{i}] evaluated to null ({item}); the value is dropped")
                else:
                    items.append(resolved)
            return items
        resolved = self.juel(value)
        return resolved if resolved is None or not isinstance(value, str) else _text(resolved)

    def scope(self, entry: Mapping[str, Any], path: str) -> list[Record] | None:
        """The fact sheets an entry's ``scope`` selects (None after a warning when it cannot be read)."""
        raw = entry.get("scope") or {}
        if not isinstance(raw, Mapping):
            self.warnings.append(f"{path}.scope is not a JSON object; this scope is skipped")
            return None
        try:
            scope = {k: self.resolve(v, f"{path}.scope.{k}") for k, v in raw.items() if k != "facetFilters"}
            for name in ("ids", "externalIds"):
                if raw.get(name) and not scope.get(name):
                    self.warnings.append(f"{path}.scope.{name} has no values left, so it no longer restricts")
            scope["facetFilters"] = [
                facet
                for i, raw_facet in enumerate(raw.get("facetFilters") or ())
                if raw_facet and (facet := self.facet(raw_facet, f"{path}.scope.facetFilters[{i}]"))
            ]
            return list(self.view.select(scope))
        except (JuelError, FacetError) as error:
            self.warnings.append(f"{path}.scope: {str(error).rstrip('.')}; this scope is skipped")
            return None

    def facet(self, raw: Mapping[str, Any], path: str) -> dict[str, Any] | None:
        """One facet filter with its JUEL evaluated; None (with a warning) when its key is null."""
        key = self.resolve(raw.get("facetKey"), f"{path}.facetKey")
        if not key:
            self.warnings.append(f"{path}.facetKey is empty or evaluated to null; the facet is dropped")
            return None
        facet = {k: self.resolve(v, f"{path}.{k}") for k, v in raw.items() if k != "facetKey"}
        facet["facetKey"] = key
        if raw.get("keys") and not facet.get("keys"):
            self.warnings.append(f"{path} has no keys left, so it no longer restricts the scope")
        return facet

    def condition(self, entry: Mapping[str, Any], path: str) -> Callable[[dict[str, Any]], bool] | None:
        """The entry's ``advanced`` filter as a predicate over ``lx`` (None: no filter)."""
        text = entry.get("advanced")
        if text is None or text == "":
            return None
        try:
            template = compile_template(str(text))
        except JuelError as error:
            self.warnings.append(
                f"{path}.advanced: {str(error).rstrip('.')}; nothing of this scope is deleted"
            )
            return lambda lx: False
        failures = [0]

        def check(lx: dict[str, Any]) -> bool:
            try:
                return coerce_to_boolean(template.evaluate({**self.context, "lx": lx}))
            except JuelError as error:
                failures[0] += 1
                if failures[0] <= _MAX_WARNED_ITEMS:
                    self.warnings.append(f"{path}.advanced failed, the item stays: {error}")
                elif failures[0] == _MAX_WARNED_ITEMS + 1:
                    self.warnings.append(f"{path}.advanced failed for more items; they stay too")
                return False

        return check

    def plain(self, record: Record) -> dict[str, Any]:
        """``lx.factsheet``: the record as plain JSON-like values (nested fact sheets as id/type/name)."""
        fs_id = record["id"]
        if fs_id not in self._plain:
            self._plain[fs_id] = _plain(record, 0)
        return self._plain[fs_id]


def _text(value: Any) -> Any:
    return value if isinstance(value, str | list) else coerce_to_string(value)


def _summary(record: Any) -> dict[str, Any] | None:
    if record is None:
        return None
    return {k: record.get(k) for k in ("id", "type", "name", "displayName") if k in record}


def _plain(value: Any, depth: int) -> Any:
    if depth > 8:
        return None
    if isinstance(value, Mapping) or (hasattr(value, "keys") and hasattr(value, "__getitem__")):
        return {
            k: _summary(value[k]) if k == "factSheet" else _plain(value[k], depth + 1)
            for k in value.keys()  # noqa: SIM118 - store edges have keys() but are no Mapping
            if k != "__typename"
        }
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    return value


def _edges(connection: Any) -> Iterator[Mapping[str, Any]]:
    for edge in (connection or {}).get("edges") or ():
        yield edge["node"]


def _in_scope(
    run: _Run, entries: list[Any], kind: str
) -> Iterator[tuple[str, Mapping, Record, Callable | None]]:
    """(path, entry, fact sheet, advanced predicate) for every fact sheet of every readable entry."""
    for i, entry in enumerate(entries):
        path = f"deletionScope.{kind}[{i}]"
        if not isinstance(entry, Mapping):
            run.warnings.append(f"{path} is not a JSON object; it is skipped")
            continue
        records = run.scope(entry, path)
        if records is None:
            continue
        advanced = run.condition(entry, path)
        for record in records:
            yield path, entry, record, advanced


class _BudgetedName:
    """A tag or document name pattern whose overrun of the regex time budget is one run warning; a name it
    could not decide on counts as not matching, so nothing is deleted because of it."""

    __slots__ = ("compiled", "path", "run", "warned")

    def __init__(self, run: _Run, compiled: Any, path: str) -> None:
        self.run, self.compiled, self.path, self.warned = run, compiled, path, False

    def fullmatch(self, text: str) -> Any:
        try:
            return self.compiled.fullmatch(text)
        except JuelError as error:
            if not self.warned:
                self.warned = True
                self.run.warnings.append(f"{self.path}: {error}; names it cannot decide on are not deleted")
            return None


def _regex(run: _Run, pattern: Any, path: str) -> Any:
    try:
        return _BudgetedName(run, compile_java_regex(str(pattern)), path)
    except JuelError as error:
        run.warnings.append(f"{path}: {error}; it matches nothing")
        return None


def _name(record: Record) -> str:
    return str(record.get("displayName") or record.get("name") or record.get("id"))


# ---------------------------------------------------------------------------------------------------------
# The kinds

Collected = tuple[int, list[DeletionItem], list[DeletionItem]]


def _fact_sheets(run: _Run, entries: list[Any]) -> Collected:
    seen: set[str] = set()
    to_delete: list[DeletionItem] = []
    updates: list[DeletionItem] = []
    for path, entry, record, advanced in _in_scope(run, entries, "factSheets"):
        fs_id = record["id"]
        if fs_id in seen or (advanced and not advanced({"factsheet": run.plain(record)})):
            continue
        seen.add(fs_id)
        if fs_id in run.touched.factsheets:
            continue
        ref = FactSheetRef(id=fs_id)
        owner = entry.get("owner")
        if not owner:
            to_delete.append(_fs_item(record, path, StatusWrite(origin=None, target=ref, action="archive")))
            continue
        field_name = run.resolve(owner.get("fieldName"), f"{path}.owner.fieldName")
        owner_id = run.resolve(owner.get("ownerId"), f"{path}.owner.ownerId")
        if not field_name or not owner_id:
            if path not in run.owner_warned:
                run.owner_warned.add(path)
                run.warnings.append(f"{path}.owner needs fieldName and ownerId; archived without owner check")
            to_delete.append(_fs_item(record, path, StatusWrite(origin=None, target=ref, action="archive")))
            continue
        raw = record.get(field_name)
        owners = _owner_list(raw)
        if owners is None:
            continue  # foreign content in the field: someone else's marker
        remaining = [o for o in owners if o != owner_id]
        if not remaining:
            detail = f"{path}; no owner left in {field_name} (was {raw if raw else 'empty'})"
            to_delete.append(
                _fs_item(record, None, StatusWrite(origin=None, target=ref, action="archive"), detail)
            )
        elif len(remaining) < len(owners):
            value = json.dumps(remaining, separators=(",", ":"), ensure_ascii=False)
            write = FieldWrite(
                origin=None,  # a deletion scope has no processor origin
                target=ref,
                action="update",
                key=field_name,
                value=value,
                before=raw,
            )
            detail = f"{path}; owner {owner_id!r} removed from {field_name}, {value} remain"
            updates.append(_fs_item(record, None, write, detail))
    return len(seen), to_delete, updates


def _fs_item(record: Record, path: str | None, write: Any, detail: str | None = None) -> DeletionItem:
    return DeletionItem(
        "factSheets",
        record["id"],
        record.get("type"),
        record.get("name"),
        detail or str(path),
        record["id"],
        write,
    )


def _owner_list(raw: Any) -> list[Any] | None:
    """The owners in an owner field: [] when empty, None when the text is not a JSON list."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return []
    if isinstance(raw, list):
        return list(raw)
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, list) else None


def _relations(run: _Run, entries: list[Any]) -> Collected:
    seen: set[str] = set()
    to_delete: list[DeletionItem] = []
    for path, entry, record, advanced in _in_scope(run, entries, "relations"):
        for name in _relation_names(record, entry.get("relationTypes")):
            for node in _edges(record.get(name)):
                target = node.get("factSheet") or {}
                key = node.get("id") or f"{record['id']}:{name}:{target.get('id')}"
                if key in seen:
                    continue
                if advanced and not advanced({"factsheet": run.plain(record), "relation": _plain(node, 0)}):
                    continue
                seen.add(key)
                if (name, record["id"], target.get("id")) in run.touched.relations:
                    continue
                write = RelationWrite(
                    origin=None,
                    action="delete",
                    type=name,
                    source=FactSheetRef(id=record["id"]),
                    target=FactSheetRef(id=target.get("id")),
                )
                label = f"{_name(record)} → {target.get('displayName') or target.get('name')}"
                detail = (
                    f"{record.get('type')} {record['id']} → {target.get('type')} {target.get('id')}; {path}"
                )
                to_delete.append(DeletionItem("relations", key, name, label, detail, record["id"], write))
    return len(seen), to_delete, []


def _relation_names(record: Record, wanted: Any) -> list[str]:
    """The connections a relation scope reads: ``relationTypes``, or else the record's own ones."""
    if wanted:
        return [str(w) for w in wanted]
    own = f"rel{record.get('type')}To"
    return [
        k
        for k, v in record.items()
        if (k.startswith(own) or k == "relToParent") and isinstance(v, Mapping | None)
    ]


def _tags(run: _Run, entries: list[Any]) -> Collected:
    seen: set[tuple[str, str]] = set()
    to_delete: list[DeletionItem] = []
    matchers: dict[str, list[tuple[Any, Any]] | None] = {}
    for path, entry, record, advanced in _in_scope(run, entries, "tags"):
        if path not in matchers:
            matchers[path] = _tag_matchers(run, entry.get("tagScopes"), path)
        for tag in record.get("tags") or ():
            key = (record["id"], tag["id"])
            group = tag.get("tagGroup")
            if key in seen or not _tag_matches(matchers[path], tag):
                continue
            lx_tag = {
                "id": tag["id"],
                "name": tag.get("name"),
                "description": tag.get("description"),
                "color": tag.get("color"),
                "tagGroup": _plain(group, 0) if group else None,
            }
            if advanced and not advanced({"factsheet": run.plain(record), "tag": lx_tag}):
                continue
            seen.add(key)
            if key in run.touched.tags:
                continue
            group_name = group.get("name") if group else None
            write = TagWrite(
                origin=None,
                action="remove",
                target=FactSheetRef(id=record["id"]),
                group=group_name,
                tag=tag["name"],
            )
            detail = f"on {record.get('type')} {_name(record)!r} ({record['id']}); {path}"
            to_delete.append(
                DeletionItem(
                    "tags",
                    tag["id"],
                    group_name or "Other tags",
                    tag.get("name"),
                    detail,
                    record["id"],
                    write,
                )
            )
    return len(seen), to_delete, []


def _tag_matchers(run: _Run, scopes: Any, path: str) -> list[tuple[Any, Any]] | None:
    """(group name or None for any, compiled tag regex) per ``tagScopes`` entry; None: every tag."""
    if not scopes:
        return None
    out = []
    for i, item in enumerate(scopes):
        group = run.resolve(item.get("group"), f"{path}.tagScopes[{i}].group")
        pattern = run.resolve(item.get("tag") or ".*", f"{path}.tagScopes[{i}].tag")
        out.append((group or None, _regex(run, pattern, f"{path}.tagScopes[{i}].tag")))
    return out


def _tag_matches(matchers: list[tuple[Any, Any]] | None, tag: Mapping[str, Any]) -> bool:
    if matchers is None:
        return True
    group = tag.get("tagGroup")
    group_name = group.get("name") if group else None
    for wanted_group, regex in matchers:
        if regex is None or not regex.fullmatch(tag.get("name") or ""):
            continue
        if wanted_group is None or wanted_group == group_name:
            return True
        if group_name is None and wanted_group == "Other tags":
            return True
    return False


def _subscriptions(run: _Run, entries: list[Any]) -> Collected:
    seen: set[str] = set()
    to_delete: list[DeletionItem] = []
    for path, entry, record, advanced in _in_scope(run, entries, "subscriptions"):
        scopes = entry.get("subscriptionScopes")
        for node in _edges(record.get("subscriptions")):
            user = node.get("user") or {}
            key = node.get("id") or f"{record['id']}:{user.get('id')}"
            if key in seen or not _subscription_matches(scopes, node):
                continue
            if advanced and not advanced({"factsheet": run.plain(record), "subscription": _plain(node, 0)}):
                continue
            seen.add(key)
            if (record["id"], user.get("id")) in run.touched_subscribers:
                continue
            roles = tuple(r.get("name") for r in node.get("roles") or ())
            email = user.get("email") or user.get("userName") or str(user.get("id"))
            write = SubscriptionWrite(
                origin=None,
                action="delete",
                target=FactSheetRef(id=record["id"]),
                user=email,
                type=node.get("type") or "",
                roles=roles,
            )
            role_text = f"; roles: {', '.join(map(str, roles))}" if roles else ""
            detail = f"on {record.get('type')} {_name(record)!r} ({record['id']}){role_text}; {path}"
            to_delete.append(
                DeletionItem("subscriptions", key, node.get("type"), email, detail, record["id"], write)
            )
    return len(seen), to_delete, []


def _subscription_matches(scopes: Any, node: Mapping[str, Any]) -> bool:
    """Any ``subscriptionScopes`` entry whose type (if given) and one of whose roles (if any) fit."""
    if not scopes:
        return True
    role_names = {r.get("name") for r in node.get("roles") or ()}
    for item in scopes:
        wanted_type = item.get("type")
        roles = item.get("roles") or ()
        if wanted_type and str(wanted_type).upper() != node.get("type"):
            continue
        if roles and role_names.isdisjoint(roles):
            continue
        return True
    return False


def _documents(run: _Run, entries: list[Any]) -> Collected:
    seen: set[tuple[str, str]] = set()
    to_delete: list[DeletionItem] = []
    patterns: dict[str, list[Any] | None] = {}
    for path, entry, record, advanced in _in_scope(run, entries, "documents"):
        if path not in patterns:
            matches = entry.get("documentMatches")
            patterns[path] = (
                [_regex(run, p, f"{path}.documentMatches[{i}]") for i, p in enumerate(matches)]
                if matches
                else None
            )
        for node in _edges(record.get("documents")):
            name = node.get("name") or ""
            key = (record["id"], name)
            wanted = patterns[path]
            if key in seen or (wanted is not None and not any(r and r.fullmatch(name) for r in wanted)):
                continue
            if advanced and not advanced({"factsheet": run.plain(record), "document": _plain(node, 0)}):
                continue
            seen.add(key)
            if key in run.touched.documents:
                continue
            write = DocumentWrite(
                origin=None, action="delete", target=FactSheetRef(id=record["id"]), name=name
            )
            detail = f"on {record.get('type')} {_name(record)!r} ({record['id']}); {path}"
            to_delete.append(
                DeletionItem(
                    "documents",
                    str(node.get("id") or name),
                    node.get("documentType"),
                    name,
                    detail,
                    record["id"],
                    write,
                )
            )
    return len(seen), to_delete, []


_COLLECTORS: dict[str, Callable[[_Run, list[Any]], Collected]] = {
    "factSheets": _fact_sheets,
    "relations": _relations,
    "tags": _tags,
    "subscriptions": _subscriptions,
    "documents": _documents,
}

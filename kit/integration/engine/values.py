"""``updates`` / ``output`` entries: keys, values, regexes, forEach scopes, and the choice of what is written.

Rules (reference §6.4, with the details the reference leaves open decided here):

1. Each value's JUEL is evaluated (``expr``; ``object`` keeps its result whole; ``map`` builds one object
   from ``[{key, value}]``); a list result is taken element by element.
2. ``regexMatch`` is a Java regex that must match the **whole** element (``String.matches``); without one
   every element matches. Elements are tested as text (null reads as ``""``, so a catch-all ``.*`` also
   catches missing data); ``regexReplace`` (``match`` default ``^(.*)$``, ``replace`` default ``$1``, Java
   ``$1`` syntax) is applied with ``replaceAll``. Values with neither keep their type (numbers stay numbers).
3. A single-value key (any field but MULTIPLE_SELECT/PROJECT/MILESTONE; ``mode: selectFirst`` in
   writeToLdif) takes the first candidate that is neither null nor ``""`` — later values are not evaluated,
   exactly like a first-match value mapping. If only ``""`` candidates remain the field is cleared (``""``),
   if only nulls remain it is cleared too (None) with a NO_VALUE_FOUND warning unless ``optional``.
   Multi-value keys (``mode: list``) take every non-empty candidate.
4. No candidate at all: "No value could be found for key '<key>'" (NO_VALUE_FOUND) unless ``optional`` —
   and not when a JUEL error in a value of that key was already reported (one problem, one warning).
5. A JUEL error in a key or value is a JUEL_EVALUATION warning on that key; the run goes on. So is a
   ``regexMatch``/``regexReplace`` pattern that overruns its time budget (the warning names the pattern and
   its JSON path); that element is skipped.
6. ``op``: ``replace`` (default); ``remove`` clears the key without evaluating values; ``add`` on a
   multi-value key adds the candidates to the current values.
7. Values are then coerced to the field's kind (numbers, dates, select values, lists); a value the field
   cannot take is an INVALID_VALUE warning and nothing is written for that key.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from kit.integration.juel import (
    JuelEvaluationError,
    coerce_to_boolean,
    coerce_to_string,
    compile_java_regex,
    java_replace_all,
)
from kit.integration.juel.budget import RegexTimeout
from kit.integration.juel.compiler import path_of

from .configuration import Compiler
from .context import iterate
from .metamodel import FieldInfo
from .warnings import Category

__all__ = [
    "elements_of",
    "failed",
    "holds",
    "NO_WRITE",
    "UpdateTemplate",
    "coerce_value",
    "evaluate_updates",
    "evaluate_values",
    "raw_evaluator",
    "truthy",
]

NO_WRITE = object()
_EXPR, _MAP, _OBJECT = 0, 1, 2
_KIND_KEYS = {_EXPR: ".expr", _MAP: ".map", _OBJECT: ".object"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_YMD = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def truthy(value: Any) -> bool:
    """EL coercion to boolean (``"true"`` is true, null is false)."""
    if value is True or value is False:
        return value
    return coerce_to_boolean(value)


def failed(what: str) -> Callable[[JuelEvaluationError], str]:
    """The warning message of a failed filter: ``{what} failed: {reason}``."""
    return lambda exc: f"{what} failed: {exc.reason}"


def elements_of(
    each: Any,
    ctx: dict[str, Any],
    run: Any,
    processor: Any,
    content_id: Any,
    message: Callable[[JuelEvaluationError], str],
    key: str | None = None,
) -> list[tuple[Any, int, Any]] | None:
    """``(key, index, element)`` of the ``forEach`` expression ``each`` in ``ctx``; None when it failed, after
    a JUEL_EVALUATION warning saying ``message(error)``."""
    try:
        return iterate(each.evaluate(ctx))
    except JuelEvaluationError as exc:
        run.warn(processor, content_id, Category.JUEL_EVALUATION, message(exc), str(exc), key=key)
        return None


def holds(
    condition: Any,
    ctx: dict[str, Any],
    run: Any,
    processor: Any,
    content_id: Any,
    message: Callable[[JuelEvaluationError], str],
    key: str | None = None,
) -> bool | None:
    """Whether the filter expression ``condition`` is true in ``ctx``; None when it failed, after a
    JUEL_EVALUATION warning saying ``message(error)`` (the caller then skips what it filters)."""
    try:
        return truthy(condition.evaluate(ctx))
    except JuelEvaluationError as exc:
        run.warn(processor, content_id, Category.JUEL_EVALUATION, message(exc), str(exc), key=key)
        return None


class ValueTemplate:
    """One entry of ``values``: what to evaluate and how to test and rewrite its result."""

    __slots__ = (
        "for_each",
        "for_each_filter",
        "kind",
        "map_items",
        "match",
        "path",
        "replace",
        "slot",
        "template",
    )

    def __init__(self, raw: Any, compiler: Compiler, path: str, slots: dict[str, int]) -> None:
        self.path = path
        if not isinstance(raw, Mapping):
            raw = {"expr": raw}
        self.map_items: list[tuple[Any, Any]] = []
        if "map" in raw:
            self.kind = _MAP
            self.template = None
            for i, entry in enumerate(raw.get("map") or ()):
                entry = entry if isinstance(entry, Mapping) else {}
                self.map_items.append(
                    (
                        compiler.template(entry.get("key"), f"{path}.map[{i}].key"),
                        compiler.template(entry.get("value"), f"{path}.map[{i}].value"),
                    )
                )
        elif "object" in raw:
            self.kind = _OBJECT
            self.template = compiler.template(raw["object"], path + ".object")
        else:
            self.kind = _EXPR
            self.template = compiler.template(raw.get("expr"), path + ".expr")
        text = getattr(self.template, "text", None)
        self.slot = (
            slots.setdefault(text, len(slots)) if isinstance(text, str) and "forEach" not in raw else -1
        )
        self.match = compiler.regex(raw.get("regexMatch"), path + ".regexMatch")
        self.replace = compiler.replacement(raw.get("regexReplace"), path + ".regexReplace")
        self.for_each, self.for_each_filter = compiler.for_each(raw.get("forEach"), path + ".forEach")


class UpdateTemplate:
    """One ``updates`` entry (PatchTemplate / OutboundFieldTemplate), compiled."""

    __slots__ = (
        "fast",
        "for_each",
        "for_each_filter",
        "key",
        "key_replace",
        "mode",
        "op",
        "optional",
        "path",
        "shared",
        "static_info",
        "static_key",
        "values",
    )

    def __init__(self, raw: Any, compiler: Compiler, path: str) -> None:
        raw = raw if isinstance(raw, Mapping) else {}
        self.path = path
        key = raw.get("key")
        key_spec = key if isinstance(key, Mapping) else {"expr": key}
        self.key = compiler.template(key_spec.get("expr"), path + ".key.expr")
        self.key_replace = compiler.replacement(key_spec.get("regexReplace"), path + ".key.regexReplace")
        if self.key is None:
            compiler.problem(path + ".key", "an update needs a key")
        literal = getattr(self.key, "is_literal", False) and isinstance(getattr(self.key, "text", None), str)
        self.static_key: str | None = None
        if literal and self.key is not None:
            text = self.key.evaluate(None)
            try:
                self.static_key = java_replace_all(text, *self.key_replace) if self.key_replace else text
            except JuelEvaluationError as exc:  # over the regex time budget
                compiler.problem(path + ".key.regexReplace.match", exc.reason)
        slots: dict[str, int] = {}
        self.values = [
            ValueTemplate(v, compiler, f"{path}.values[{i}]", slots)
            for i, v in enumerate(raw.get("values") or ())
        ]
        self.shared = len(slots) < sum(1 for v in self.values if v.slot >= 0)
        self.optional = raw.get("optional") is True or str(raw.get("optional")).lower() == "true"
        self.op = str(raw.get("op") or "replace")
        mode = raw.get("mode")
        self.mode = str(mode) if mode is not None else None
        self.for_each, self.for_each_filter = compiler.for_each(raw.get("forEach"), path + ".forEach")
        self.static_info: FieldInfo | str | None = None
        self.fast: Callable[[dict[str, Any]], Any] | None = None

    def bind(self, resolve: Resolver) -> None:
        """Resolves a static key once and prepares the fast path (see :func:`_fast_evaluator`)."""
        if self.static_key is None:
            return
        self.static_info = resolve(self.static_key)
        if type(self.static_info) is FieldInfo:
            self.fast = _fast_evaluator(self, self.static_info)


Resolver = Callable[[str], "FieldInfo | str"]


def evaluate_updates(
    updates: Sequence[UpdateTemplate],
    run: Any,
    processor: Any,
    ctx: dict[str, Any],
    content_id: str | None,
    resolve: Resolver,
) -> list[tuple[str, FieldInfo, Any, str]]:
    """``(key, field info, value, op)`` for every key that gets written, warnings reported on the way."""
    out: list[tuple[str, FieldInfo, Any, str]] = []
    for update in updates:
        fast = update.fast
        if fast is not None:
            try:
                out.append((update.static_key, update.static_info, fast(ctx), "replace"))  # type: ignore[arg-type]  # fast is set only with a static key and FieldInfo
                continue
            except Exception:  # anything unusual: the general path re-evaluates and reports it
                pass
        if update.for_each is None:
            _evaluate_one(update, run, processor, ctx, content_id, resolve, out)
            continue
        elements = elements_of(
            update.for_each,
            ctx,
            run,
            processor,
            content_id,
            partial(_juel_message, update),
            update.static_key,
        )
        if elements is None:
            continue
        integration = run.integration
        saved = integration.values
        try:
            for key, index, element in elements:
                values = dict(saved)
                values["updates"] = {"valueOfForEach": element, "keyOfForEach": key, "indexOfForEach": index}
                integration.values = values
                if update.for_each_filter is not None and not holds(
                    update.for_each_filter,
                    ctx,
                    run,
                    processor,
                    content_id,
                    partial(_juel_message, update),
                    update.static_key,
                ):
                    continue
                _evaluate_one(update, run, processor, ctx, content_id, resolve, out)
        finally:
            integration.values = saved
    return out


def evaluate_values(
    updates: Sequence[UpdateTemplate],
    run: Any,
    processor: Any,
    ctx: dict[str, Any],
    content_id: str | None,
    resolve: Resolver,
) -> dict[str, Any]:
    """``{key: value}`` of the keys that get written (later keys of the same name win)."""
    values: dict[str, Any] = {}
    for update in updates:
        fast = update.fast
        if fast is not None:
            try:
                values[update.static_key] = fast(ctx)  # type: ignore[index]  # fast is set only with a static key and FieldInfo
                continue
            except Exception:
                pass
        for key, _, value, _ in evaluate_updates((update,), run, processor, ctx, content_id, resolve):
            values[key] = value
    return values


def _no_value(run: Any, processor: Any, content_id: Any, update: Any, key: str, cleared: bool) -> None:
    """The NO_VALUE_FOUND warning; ``cleared``: a null was found, so the field would be cleared."""
    suffix = "; the value is null, so the field would be cleared" if cleared else ""
    run.warn(
        processor,
        content_id,
        Category.NO_VALUE_FOUND,
        f"No value could be found for key '{key}'{suffix}",
        update.path,
        key=key,
    )


def _warn_regex(
    run: Any, processor: Any, content_id: Any, exc: JuelEvaluationError, path: str, key: str | None = None
) -> None:
    """One JUEL_EVALUATION warning for a pattern at ``path`` that failed (over its time budget)."""
    located = exc.at(path)
    where = f" for key '{key}'" if key is not None else ""
    run.warn(
        processor,
        content_id,
        Category.JUEL_EVALUATION,
        f"Regular expression failed{where}: {located.reason}",
        str(located),
        key=key,
    )


def _juel_message(update: UpdateTemplate, exc: JuelEvaluationError, key: str | None = None) -> str:
    where = f"key '{key}'" if key is not None else f"update {update.path}"
    return f"Expression failed for {where}: {exc.reason}"


def _warn_juel(
    run: Any, processor: Any, content_id: Any, update: UpdateTemplate, exc: JuelEvaluationError, key: str
) -> None:
    """One JUEL_EVALUATION warning for a value of ``key`` that failed (processing goes on)."""
    run.warn(
        processor, content_id, Category.JUEL_EVALUATION, _juel_message(update, exc, key), str(exc), key=key
    )


def _evaluate_one(
    update: UpdateTemplate,
    run: Any,
    processor: Any,
    ctx: dict[str, Any],
    content_id: str | None,
    resolve: Resolver,
    out: list[tuple[str, FieldInfo, Any, str]],
) -> None:
    key = update.static_key
    if key is None:
        try:
            key = coerce_to_string(update.key.evaluate(ctx))  # type: ignore[union-attr]  # a keyless update fails compiling
        except JuelEvaluationError as exc:
            run.warn(processor, content_id, Category.JUEL_EVALUATION, _juel_message(update, exc), str(exc))
            return
        if update.key_replace is not None:
            try:
                key = java_replace_all(key, *update.key_replace)
            except JuelEvaluationError as exc:
                _warn_regex(run, processor, content_id, exc, update.path + ".key.regexReplace.match")
                return
    info = update.static_info if update.static_info is not None else resolve(key)
    if isinstance(info, str):
        run.warn(processor, content_id, Category.UNKNOWN_FIELD, info, update.path, key=key)
        return
    op = update.op
    if op == "remove":
        out.append((key, info, [] if info.multi else None, op))
        return
    multi = info.multi if update.mode is None else update.mode == "list"
    candidates, failed = _candidates(update, run, processor, ctx, content_id, key, not multi)
    optional = update.optional
    if not multi:
        value: Any = NO_WRITE
        for candidate in candidates:
            if candidate is not None and candidate != "":
                value = candidate
                break
        else:
            if "" in candidates:
                value = ""
            elif candidates:
                value = None
                if not optional:
                    _no_value(run, processor, content_id, update, key, cleared=True)
            else:
                if not optional and not failed:
                    _no_value(run, processor, content_id, update, key, cleared=False)
                return
    else:
        value = [c for c in candidates if c is not None and c != ""]
        if not value:
            if not candidates:
                if not optional and not failed:
                    _no_value(run, processor, content_id, update, key, cleared=False)
                return
            if None in candidates and not optional:
                _no_value(run, processor, content_id, update, key, cleared=True)
    if info.kind is not None:
        try:
            value = coerce_value(info, value)
        except ValueError as exc:
            run.warn(processor, content_id, Category.INVALID_VALUE, str(exc), update.path, key=key)
            return
    out.append((key, info, value, op))


def _candidates(
    update: UpdateTemplate,
    run: Any,
    processor: Any,
    ctx: dict[str, Any],
    content_id: str | None,
    key: str,
    single: bool,
) -> tuple[list[Any], bool]:
    candidates: list[Any] = []
    results: Any
    failed = False
    cache: dict[int, Any] | None = {} if update.shared else None
    for value in update.values:
        try:
            if value.for_each is not None:
                results = _value_for_each(value, run, ctx)
            elif value.kind == _MAP:
                candidates.append(
                    {
                        coerce_to_string(k.evaluate(ctx)): v.evaluate(ctx) if v is not None else None
                        for k, v in value.map_items
                    }
                )
                continue
            elif cache is not None and value.slot in cache:
                results = cache[value.slot]
            else:
                results = value.template.evaluate(ctx) if value.template is not None else None
                if cache is not None:
                    cache[value.slot] = results
        except JuelEvaluationError as exc:
            failed = True
            if isinstance(exc, RegexTimeout):  # name the JSON path of the expression holding the pattern
                exc = exc.at(value.path + _KIND_KEYS[value.kind])
            _warn_juel(run, processor, content_id, update, exc, key)
            continue
        if value.kind == _OBJECT:
            candidates.append(results)
            if single and results is not None and results != "":
                break
            continue
        items = results if type(results) is list or type(results) is tuple else (results,)
        match, replace = value.match, value.replace
        found = False
        for element in items:
            if match is not None or replace is not None:
                text = element if type(element) is str else coerce_to_string(element)
                try:
                    if match is not None and match.fullmatch(text) is None:
                        continue
                except JuelEvaluationError as exc:  # over the regex time budget
                    failed = True
                    _warn_regex(run, processor, content_id, exc, value.path + ".regexMatch", key)
                    continue
                if replace is not None:
                    try:
                        text = java_replace_all(text, *replace)
                    except JuelEvaluationError as exc:
                        failed = True
                        _warn_regex(run, processor, content_id, exc, value.path + ".regexReplace.match", key)
                        continue
                element = text
            candidates.append(element)
            if single and element is not None and element != "":
                found = True
                break
        if found:
            break
    return candidates, failed


def _value_for_each(value: ValueTemplate, run: Any, ctx: dict[str, Any]) -> list[Any]:
    integration = run.integration
    saved = integration.values
    results: list[Any] = []
    try:
        for key, index, element in iterate(value.for_each.evaluate(ctx)):  # type: ignore[union-attr]  # called only with a forEach
            values = dict(saved)
            values["output"] = {"valueOfForEach": element, "keyOfForEach": key, "indexOfForEach": index}
            integration.values = values
            if value.for_each_filter is not None and not truthy(value.for_each_filter.evaluate(ctx)):
                continue
            if value.kind == _MAP:
                results.append(
                    {
                        coerce_to_string(k.evaluate(ctx)): v.evaluate(ctx) if v is not None else None
                        for k, v in value.map_items
                    }
                )
                continue
            result = value.template.evaluate(ctx) if value.template is not None else None
            if type(result) is list and value.kind == _EXPR:
                results.extend(result)
            else:
                results.append(result)
    finally:
        integration.values = saved
    return results


# -- the fast path ---------------------------------------------------------------------------------------


class _Unusual(Exception):
    """The fast path met a case it leaves to the general path (null, "", a list, no match, an error)."""


_UNUSUAL = _Unusual()
_UNUSUAL_MARK = object()


def raw_evaluator(template: Any) -> Callable[[Any], Any]:
    """The template's compiled closure (``Template.raw``: no error decoration; callers re-run failures through
    ``Template.evaluate`` to report them); stand-ins without one (constants) give ``evaluate``."""
    return getattr(template, "raw", None) or template.evaluate


def _replacer(spec: tuple[str, str]) -> Callable[[str], str]:
    match, replace = spec
    if "$" in replace or "\\" in replace:
        return lambda text: java_replace_all(text, match, replace)
    substitute = compile_java_regex(match).sub
    return lambda text: substitute(replace, text)


_MEMO_LIMIT = 4096


def _fast_evaluator(update: UpdateTemplate, info: FieldInfo) -> Callable[[dict[str, Any]], Any] | None:
    """A specialised evaluator for the common shape — static key, single-value field, plain ``expr`` values
    (with ``regexMatch``/``regexReplace``), no forEach — that returns the first usable candidate, coerced.
    Whatever else it meets (null, "", lists, no match, errors) raises, and :func:`evaluate_updates` takes the
    general path, which evaluates again (expressions have no side effects) and reports warnings.

    A value mapping (every value reads the same expression) is a pure function of that expression's text:
    its outcome is memoised per text (bounded), so a mapping costs one expression and one dict lookup."""
    if (
        info.multi
        or update.for_each is not None
        or update.op != "replace"
        or update.mode not in (None, "selectFirst")
        or not update.values
        or any(v.kind != _EXPR or v.for_each is not None or v.template is None for v in update.values)
    ):
        return None
    kind = info.kind
    plain_text = kind is None or kind == "STRING"
    coerce = None if plain_text else partial(coerce_value, info)
    if len(update.values) == 1 and update.values[0].match is None and update.values[0].replace is None:
        run = raw_evaluator(update.values[0].template)
        path = path_of(run)
        if path is not None and plain_text:  # ``${data.x}`` into a text field: read the dict here
            root, name = path

            def single_path(ctx: dict[str, Any]) -> Any:
                found = ctx[root]
                result = found.get(name) if type(found) is dict else run(ctx)
                if type(result) is str and result:
                    return result
                if result is None or type(result) in (str, list, tuple):
                    raise _UNUSUAL
                return result if kind is None else coerce_value(info, result)

            return single_path

        def single(ctx: dict[str, Any]) -> Any:
            result = run(ctx)
            kind_of = type(result)
            if kind_of is str:
                if not result:
                    raise _UNUSUAL
                return result if coerce is None else coerce(result)
            if result is None or kind_of is list or kind_of is tuple:
                raise _UNUSUAL
            return result if kind is None else coerce_value(info, result)

        return single
    steps = tuple((v.match, _replacer(v.replace) if v.replace is not None else None) for v in update.values)
    if len({v.slot for v in update.values}) == 1 and all(m is not None or r is not None for m, r in steps):
        run = raw_evaluator(update.values[0].template)
        path = path_of(run)
        root, name = path if path is not None else ("", "")
        memo: dict[str, Any] = {}

        def mapped(text: str) -> Any:
            for match, replace in steps:
                if match is not None and match.fullmatch(text) is None:
                    continue
                value = text if replace is None else replace(text)
                if not value:
                    raise _UNUSUAL
                return value if coerce is None else coerce(value)
            raise _UNUSUAL

        def mapping(ctx: dict[str, Any]) -> Any:
            holder = ctx[root] if path is not None else None
            text = holder.get(name) if type(holder) is dict else run(ctx)
            if type(text) is not str:
                raise _UNUSUAL
            found = memo.get(text, _UNUSUAL)
            if found is _UNUSUAL:
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                try:
                    found = mapped(text)
                except _Unusual:
                    memo[text] = _UNUSUAL_MARK
                    raise
                memo[text] = found
            elif found is _UNUSUAL_MARK:
                raise _UNUSUAL
            return found

        return mapping
    runs = tuple(
        (v.slot, raw_evaluator(v.template), v.match, r)
        for v, (_, r) in zip(update.values, steps, strict=True)
    )
    shared = update.shared

    def fast(ctx: dict[str, Any]) -> Any:
        cache: dict[int, Any] | None = {} if shared else None
        for slot, run, match, replace in runs:
            if cache is None:
                result = run(ctx)
            elif slot in cache:
                result = cache[slot]
            else:
                result = cache[slot] = run(ctx)
            kind_of = type(result)
            if match is None and replace is None:
                if kind_of is str:
                    if not result:
                        raise _UNUSUAL
                elif result is None or kind_of is list or kind_of is tuple:
                    raise _UNUSUAL
                value = result
                break
            if kind_of is not str:
                raise _UNUSUAL
            if match is not None and match.fullmatch(result) is None:
                continue
            value = result if replace is None else replace(result)
            if not value:
                raise _UNUSUAL
            break
        else:
            raise _UNUSUAL
        if plain_text and (type(value) is str or kind is None):
            return value
        return coerce_value(info, value)

    return fast


# -- coercion to field kinds ------------------------------------------------------------------------------


def _number_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else coerce_to_string(value)


def _to_double(info: FieldInfo, value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"Value '{value}' of key '{info.key}' is not a number")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(_number_text(value))
    except ValueError:
        raise ValueError(f"Value '{value}' of key '{info.key}' is not a number") from None


def _to_integer(info: FieldInfo, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"Value '{value}' of key '{info.key}' is not an integer")
    if isinstance(value, int):
        return value
    try:
        number = float(value) if isinstance(value, float) else float(_number_text(value))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not number.is_integer():
        raise ValueError(f"Value '{value}' of key '{info.key}' is not an integer")
    return int(number)


def _to_date(info: FieldInfo, value: Any) -> str | None:
    if type(value) is str and len(value) == 10 and _YMD.match(value):
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = coerce_to_string(value).strip()
    if _DATE.match(text) and _DATE_TIME.match(text):
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    raise ValueError(f"Value '{value}' of key '{info.key}' is not a date (yyyy-mm-dd)")


def _check_choice(info: FieldInfo, text: str) -> str:
    if info.allowed and text not in info.allowed:
        raise ValueError(
            f"Value '{text}' is not allowed for key '{info.key}' (allowed: {', '.join(info.allowed)})"
        )
    return text


def json_list(text: str) -> list[Any] | None:
    """``text`` parsed as a JSON list (iAPI accepts lists written as JSON strings), or None."""
    text = text.strip()
    if not text.startswith("["):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


def _to_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parsed = json_list(value)
        return parsed if parsed is not None else [value]
    if isinstance(value, list | tuple):
        out: list[Any] = []
        for item in value:
            out.extend(_to_list(item) if isinstance(item, list | tuple) else [item])
        return out
    return [value]


def _to_text(info: FieldInfo, value: Any) -> Any:
    if isinstance(value, list) and not info.multi:
        value = value[0] if value else None
    return value if value is None or type(value) is str else coerce_to_string(value)


def _to_single_select(info: FieldInfo, value: Any) -> Any:
    if value is None or value == "":
        return None
    return _check_choice(info, value if type(value) is str else coerce_to_string(value))


def _to_multiple_select(info: FieldInfo, value: Any) -> list[str]:
    return [_check_choice(info, v if type(v) is str else coerce_to_string(v)) for v in _to_list(value)]


def _to_date_time(info: FieldInfo, value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, datetime | date) else coerce_to_string(value).strip()
    if not _DATE_TIME.match(text):
        raise ValueError(f"Value '{value}' of key '{info.key}' is not an ISO-8601 date or date-time")
    return text


def _to_objects(info: FieldInfo, value: Any) -> list[Any]:
    return [v for v in _to_list(value) if v is not None]


_COERCIONS: dict[str | None, Callable[[FieldInfo, Any], Any]] = {
    "STRING": _to_text,
    "EXTERNALID": _to_text,
    "LOCATION": _to_text,
    "FACTSHEETSTATE": _to_text,
    "SINGLE_SELECT": _to_single_select,
    "MULTIPLE_SELECT": _to_multiple_select,
    "DOUBLE": _to_double,
    "INTEGER": _to_integer,
    "LIFECYCLE": _to_date,
    "DATE": _to_date,
    "DATETIME": _to_date_time,
    "PROJECT": _to_objects,
    "MILESTONE": _to_objects,
}


def coerce_value(info: FieldInfo, value: Any) -> Any:
    """``value`` as the field's kind stores it; ValueError (with a message for people) when it cannot be."""
    coerce = _COERCIONS.get(info.kind)
    if coerce is not None:
        return coerce(info, value)
    if isinstance(value, tuple):
        return list(value)
    return value

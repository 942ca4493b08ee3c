"""Report parameters from the command line and from YAML files, typed the way the notebook will see them.

papermill writes parameters into the executed notebook as Python source, so a parameter must be something
that source can hold and a notebook can use. Refused, with the parameter (and file, line, column) named:

* names that are not Python identifiers (or are keywords);
* integers beyond 64 bits (pandas and numpy cannot hold them; Python itself refuses to parse more than
  4,300 digits), NaN and infinities, and values that are not JSON-like (sets, bytes, other objects);
* values nested deeper than :data:`MAX_DEPTH` or with more than :data:`MAX_ITEMS` items in all;
* in files: more than :data:`MAX_FILE_BYTES`, text that is not UTF-8, invalid YAML, a top level that is
  not a mapping, duplicate keys, and YAML aliases (``*name``: one anchor referenced repeatedly is how a
  "billion laughs" file expands to gigabytes once written out, and parameters files do not need them).

An empty file (or one holding only comments) means no parameters.
"""

from __future__ import annotations

import json
import keyword
import math
import os
import re
from collections.abc import Hashable, Mapping
from typing import Any

import yaml

from kit.reports.errors import ParameterError

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_ITEMS",
    "check_name",
    "check_value",
    "parse_value",
    "read_parameters_file",
]

MAX_DEPTH = 32
MAX_ITEMS = 100_000
MAX_FILE_BYTES = 1 << 20
_INT_LIMIT = 1 << 63
_INT_DIGITS = 19  # |n| < 2**63 has at most 19 digits; longer literals are refused before conversion
_INTEGER_TEXT = re.compile(r"[+-]?\d+")


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: as typed, or quoted with escapes when it holds control characters."""
    text = os.fspath(path)
    text = text if isinstance(text, str) else os.fsdecode(text)
    return text if text.isprintable() else repr(text)


def check_name(name: object, where: str = "") -> str:
    """``name`` if it can be a notebook variable; raises :class:`ParameterError` otherwise."""
    if not isinstance(name, str):
        raise ParameterError(
            f"{where}parameter name {name!r} is a {type(name).__name__}; parameter names are text "
            "(Python identifiers such as days or max_failure_rate)"
        )
    if not name.isidentifier() or keyword.iskeyword(name):
        shown = name if len(name) <= 60 else name[:60] + "…"
        raise ParameterError(
            f"{where}parameter name {shown!r} is not a Python identifier (letters, digits and _, not starting "
            "with a digit, not a keyword); the notebook's parameters cell declares the names it takes"
        )
    return name


def check_value(name: str, value: Any, where: str = "") -> Any:
    """``value`` if papermill can write it into the notebook; raises :class:`ParameterError` naming the spot."""
    budget = [MAX_ITEMS]
    _check(value, f"{where}parameter {name!r}", 0, budget)
    return value


def _check(value: Any, path: str, depth: int, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise ParameterError(f"{path}: more than {MAX_ITEMS:,} values in all; pass large data as a file path")
    if depth >= MAX_DEPTH:
        raise ParameterError(f"{path}: nested more than {MAX_DEPTH} levels deep; flatten the value")
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if not -_INT_LIMIT <= value < _INT_LIMIT:
            raise ParameterError(
                f"{path}: an integer of {value.bit_length()} bits is out of range; integers are limited to "
                "64 bits (-2**63 … 2**63-1). Pass a long number as text"
            )
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(f"{path}: {value!r} is not a finite number; give a finite number")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]", depth + 1, budget)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ParameterError(
                    f"{path}: key {key!r} is a {type(key).__name__}; mapping keys must be text"
                )
            _check(item, f"{path}[{key!r}]", depth + 1, budget)
        return
    raise ParameterError(
        f"{path}: a {type(value).__name__} cannot be a parameter; use text, numbers, true/false, null, "
        "lists and mappings"
    )


def _json_int(text: str) -> int:
    if len(text.lstrip("+-")) > _INT_DIGITS:
        raise _TooLong(len(text.lstrip("+-")))
    return int(text)


class _TooLong(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _too_long(where: str, digits: int) -> ParameterError:
    return ParameterError(
        f"{where}: an integer of {digits:,} digits is out of range; integers are limited to 64 bits "
        "(at most 19 digits). Pass a long number as text (quoted)"
    )


def parse_value(text: str, name: str = "value") -> Any:
    """``-p NAME VALUE``: VALUE as JSON when it parses (``14``, ``true``, ``["Application"]``), else text.

    The value is checked with :func:`check_value`; an integer literal too long for 64 bits is refused rather
    than passed on as text.
    """
    check_name(name)
    where = f"-p {name}"
    try:
        value = json.loads(text, parse_int=_json_int)
    except _TooLong as exc:
        raise _too_long(f"parameter {name!r} ({where})", exc.digits) from None
    except RecursionError:
        raise ParameterError(
            f"parameter {name!r} ({where}): nested more than {MAX_DEPTH} levels deep; flatten the value"
        ) from None
    except ValueError:
        if _INTEGER_TEXT.fullmatch(text.strip()):
            raise _too_long(f"parameter {name!r} ({where})", len(text.strip().lstrip("+-"))) from None
        value = text
    return check_value(name, value, where=f"{where}: ")


class _ParametersLoader(yaml.SafeLoader):
    """Safe YAML without implicit dates (``2026-11-01`` stays the text a parameter declares), aliases,
    duplicate keys or integers beyond 64 bits."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"alias *{event.anchor} is not allowed in a parameters file (write the value out; aliases are "
                "how 'billion laughs' files blow up)",
                event.start_mark,
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep; flatten the value",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be text, not a list or mapping", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key].line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > _INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"an integer of {digits:,} digits is out of range; integers are limited to 64 bits "
                "(at most 19 digits). Quote a long number to pass it as text",
                node.start_mark,
            )
        return super().construct_yaml_int(node)


_ParametersLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ParametersLoader.add_constructor("tag:yaml.org,2002:int", _ParametersLoader.construct_yaml_int)


def read_parameters_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A YAML mapping of parameter names to values; the error names the file, the place and the problem."""
    shown = shown_path(path)
    try:
        with open(path, "rb") as file:  # noqa: PTH123 - also FIFOs (-f <(…)): read at most the limit
            raw = file.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ParameterError(
            f"cannot read parameters file {shown}: {reason}. Give -f a readable YAML file"
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ParameterError(
            f"parameters file {shown} is larger than {MAX_FILE_BYTES:,} bytes; pass large data as a file path "
            "parameter instead"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParameterError(
            f"parameters file {shown}, line {line}: byte 0x{raw[exc.start]:02x} at offset {exc.start} is not "
            "UTF-8; save the file as UTF-8"
        ) from None
    try:
        data = yaml.load(text, Loader=_ParametersLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ParameterError(f"parameters file {shown}{place}: {problem}; fix the YAML") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ParameterError(
            f"parameters file {shown}, line {line}, column {column}: character U+{exc.character:04X} is not "
            "allowed in YAML; remove it"
        ) from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"parameters file {shown}: invalid YAML ({exc}); fix the YAML") from None
    except RecursionError:
        raise ParameterError(
            f"parameters file {shown}: nested too deeply (at most {MAX_DEPTH} levels); flatten the values"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            f"parameters file {shown} must hold a mapping of parameter names to values, not "
            f"{type(data).__name__}; write one 'name: value' per line"
        )
    where = f"parameters file {shown}: "
    for name, value in data.items():
        check_value(check_name(name, where), value, where)
    return data

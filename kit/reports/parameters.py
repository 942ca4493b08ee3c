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

:func:`check_parameters` then holds the parameters against the notebook's parameters cell (read without a
kernel, :func:`kit.reports.notebooks.notebook_parameters`): undeclared names, names that look like
credentials, values holding a token, and values not of the declared type (``days: int`` given ``"fourteen"``
or ``14.0``) are refused before a kernel starts, each message saying what the notebook expects and where the
value came from (``-p days``, ``parameters file params.yaml``).
"""

from __future__ import annotations

import ast
import json
import keyword
import math
import os
import re
import shlex
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kit.redaction import ACCESS_TOKEN, API_TOKEN, Redactor
from kit.reports.errors import ParameterError
from kit.reports.notebooks import find_notebook, notebook_parameters

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_ITEMS",
    "check_name",
    "check_parameters",
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


def parse_value(text: str, name: str = "value", declared: str | None = None) -> Any:
    """``-p NAME VALUE``: VALUE as JSON when it parses (``14``, ``true``, ``["Application"]``), else text.

    A parameter ``declared`` as ``str`` (or ``str | None``) keeps VALUE as typed: ``-p until 2026-11-01`` and
    ``-p snapshot 2026`` are text. The value is checked with :func:`check_value`; an integer literal too long
    for 64 bits is refused rather than passed on as text.
    """
    check_name(name)
    where = f"-p {name}"
    if declared is not None and _expected(declared) in (_STR, _Union((_STR,), True)):
        return check_value(name, text, where=f"{where}: ")
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


# -- against the notebook's parameters cell ---------------------------------------------------------------

_SECRET_NAME = re.compile(r"token|secret|passw|api_?key|credential", re.IGNORECASE)


def check_parameters(
    notebook: str | os.PathLike[str],
    parameters: Mapping[str, Any],
    token: str | None,
    origins: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The parameters as they will be injected; raises :class:`ParameterError` naming what is wrong.

    Refused: names that are not identifiers, look like credentials or are not declared in the notebook's
    parameters cell; values :func:`check_value` refuses, that hold the API ``token`` or an access token (a
    JWT), or that are not of the declared type (:func:`type_problem`). ``origins`` says where each value came
    from for the messages (``{"days": "-p days"}``, ``{"days": "parameters file params.yaml"}``); a value
    without one is "the value given". A notebook without a parameters cell is accepted with no parameters.
    """
    if not isinstance(parameters, Mapping):
        raise ParameterError(
            f"parameters must be a mapping of names to values, not {type(parameters).__name__}"
        )
    path = find_notebook(notebook)
    declared = notebook_parameters(path, missing_ok=not parameters)
    origins = origins or {}
    for name in parameters:
        check_name(name)
        if _SECRET_NAME.search(name):
            raise ParameterError(
                f"parameter {name!r} looks like a credential: papermill writes parameters into the executed "
                "notebook. Put LEANIX_API_TOKEN in the environment or a .env file; the notebook reads it there."
            )
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ParameterError(f"{path.name} has no parameter {name!r}; its parameters are: {known}")
    redactor = Redactor(token)
    for name, value in parameters.items():
        check_value(name, value, where=f"{origins[name]}: " if name in origins else "")
        kind = redactor.kind_in(json.dumps(value))
        if kind == API_TOKEN:
            raise ParameterError(
                f"the value of parameter {name!r} holds the configured API token; the token must never be a "
                "parameter (it would be written into the executed notebook)"
            )
        if kind == ACCESS_TOKEN:
            raise ParameterError(
                f"the value of parameter {name!r} holds an access token (a JWT); credentials must never be "
                "parameters (they would be written into the executed notebook)"
            )
    for name, value in parameters.items():
        problem = type_problem(path, name, declared[name]["type"], value, origins.get(name))
        if problem:
            raise ParameterError(problem)
    return dict(parameters)


def type_problem(
    notebook: Path, name: str, declared: str, value: Any, origin: str | None = None
) -> str | None:
    """Why ``value`` does not fit the parameter's ``declared`` type, as a message; None when it fits.

    Checked: ``int`` (not a bool, not a float even without fraction such as YAML's ``14.0``), ``float`` (an
    int too), ``bool``, ``str``, ``list``/``list[X]``, ``dict``/``dict[str, X]``, unions ``X | Y`` and
    ``Optional[X]``/``X | None`` (None accepted). Other annotations (``Path``, ``tuple[int, int]``, papermill's
    ``None`` for "unknown") are not checked.
    """
    expected = _expected(declared)
    if expected is None:
        return None
    problem = _mismatch(value, expected)
    if problem is None:
        return None
    got = f"{origin} got {problem}" if origin else f"the value given is {problem}"
    example = _rendered(name, _suggested(value, expected), origin or "")
    return (
        f"{notebook.stem} has parameter {name}: {declared}; {got}. Give {_phrase(expected)}, e.g. {example}"
    )


@dataclass(frozen=True)
class _Scalar:
    """``int``, ``float``, ``bool`` or ``str``."""

    name: str


@dataclass(frozen=True)
class _List:
    """``list`` (``item`` None: items unchecked) or ``list[item]``."""

    item: _Type | None


@dataclass(frozen=True)
class _Dict:
    """``dict`` (``value`` None: values unchecked) or ``dict[str, value]``."""

    value: _Type | None


@dataclass(frozen=True)
class _Union:
    """``A | B``, with None accepted when ``nullable`` (``A | None``, ``Optional[A]``)."""

    members: tuple[_Type, ...]
    nullable: bool


_Type = _Scalar | _List | _Dict | _Union
_STR = _Scalar("str")
_SCALARS = {"int", "float", "bool", "str"}
_LISTS = {"list", "List"}
_DICTS = {"dict", "Dict"}
_PHRASES = {
    "int": ("a whole number", "whole numbers"),
    "float": ("a number", "numbers"),
    "bool": ("true or false", "true/false values"),
    "str": ("text", "texts"),
}
_EXAMPLES: dict[str, Any] = {"int": 14, "float": 0.5, "bool": True, "str": "text"}
_SHOWN = 60


def _expected(declared: str) -> _Type | None:
    """The checkable type an annotation names; None when it is not one this module checks."""
    try:
        node = ast.parse(declared.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return _from_node(node)


def _type_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.List, typing.Optional
        return node.attr
    return None


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or _type_name(node) == "NoneType"


def _alternatives(node: ast.expr) -> list[ast.expr]:
    """``A | B | None``, ``Optional[A]`` and ``Union[A, B]`` as their members."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _alternatives(node.left) + _alternatives(node.right)
    if isinstance(node, ast.Subscript):
        base = _type_name(node.value)
        if base == "Optional":
            return [*_alternatives(node.slice), ast.Constant(None)]
        if base == "Union":
            members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return [part for member in members for part in _alternatives(member)]
    return [node]


def _from_node(node: ast.expr) -> _Type | None:
    alternatives = _alternatives(node)
    if len(alternatives) == 1:
        return _single(alternatives[0])
    members = [_single(part) for part in alternatives if not _is_none(part)]
    if not members or any(member is None for member in members):
        return None  # an unknown member: anything might fit
    return _Union(tuple(m for m in members if m is not None), len(members) < len(alternatives))


def _single(node: ast.expr) -> _Type | None:
    name = _type_name(node)
    if name in _SCALARS:
        return _Scalar(name)
    if name in _LISTS:
        return _List(None)
    if name in _DICTS:
        return _Dict(None)
    if isinstance(node, ast.Subscript):
        base = _type_name(node.value)
        if base in _LISTS:
            return _List(_from_node(node.slice))
        if base in _DICTS:
            pair = node.slice.elts if isinstance(node.slice, ast.Tuple) else []
            return _Dict(_from_node(pair[1]) if len(pair) == 2 else None)
    return None


def _fits(value: Any, name: str) -> bool:
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "bool":
        return isinstance(value, bool)
    return isinstance(value, str)


def _mismatch(value: Any, expected: _Type) -> str | None:
    """What part of ``value`` does not fit ``expected`` (``the text 'x'``, ``a list whose item [2] is …``)."""
    if isinstance(expected, _Union):
        if (value is None and expected.nullable) or any(
            _mismatch(value, m) is None for m in expected.members
        ):
            return None
        return _mismatch(value, expected.members[0]) if len(expected.members) == 1 else _described(value)
    if isinstance(expected, _Scalar):
        return None if _fits(value, expected.name) else _described(value)
    if isinstance(expected, _List):
        if not isinstance(value, (list, tuple)):
            return _described(value)
        for index, item in enumerate(value if expected.item is not None else ()):
            problem = _mismatch(item, expected.item) if expected.item is not None else None
            if problem:
                return f"a list whose item [{index}] is {problem}"
        return None
    if not isinstance(value, Mapping):
        return _described(value)
    for key, item in value.items() if expected.value is not None else ():
        problem = _mismatch(item, expected.value) if expected.value is not None else None
        if problem:
            return f"a mapping whose {key!r} is {problem}"
    return None


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _described(value: Any) -> str:
    if value is None:
        return "null (no value)"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, int):
        return f"the whole number {value}"
    if isinstance(value, float):
        return f"the {'decimal ' if value.is_integer() else ''}number {value!r}"
    if isinstance(value, str):
        return f"the text {_short(repr(value))}"
    if isinstance(value, (list, tuple)):
        return f"the list {_short(json.dumps(value, default=repr, ensure_ascii=False))}"
    if isinstance(value, Mapping):
        return f"the mapping {_short(json.dumps(value, default=repr, ensure_ascii=False))}"
    return f"a {type(value).__name__}"


def _phrase(expected: _Type, plural: bool = False) -> str:
    if isinstance(expected, _Scalar):
        return _PHRASES[expected.name][plural]
    if isinstance(expected, _List):
        kind = "lists" if plural else "a list"
        return kind if expected.item is None else f"{kind} of {_phrase(expected.item, plural=True)}"
    if isinstance(expected, _Dict):
        kind = "mappings" if plural else "a mapping"
        return (
            kind if expected.value is None else f"{kind} of names to {_phrase(expected.value, plural=True)}"
        )
    either = [_phrase(member, plural) for member in expected.members] + (
        ["null"] if expected.nullable else []
    )
    return " or ".join(either)


def _example(expected: _Type) -> Any:
    if isinstance(expected, _Scalar):
        return _EXAMPLES[expected.name]
    if isinstance(expected, _List):
        if expected.item is None or expected.item == _STR:
            return ["a", "b"]
        return [_example(expected.item), _example(expected.item)]
    if isinstance(expected, _Dict):
        return {"name": "value" if expected.value is None else _example(expected.value)}
    return _example(expected.members[0])


def _suggested(value: Any, expected: _Type) -> Any:
    """The example a message gives: ``value`` converted when that is plain (``14.0`` -> ``14``, the number
    ``2026`` -> the text ``"2026"``, the text ``"true"`` -> true), else a made-up value of the expected type."""
    target = expected.members[0] if isinstance(expected, _Union) else expected
    if not isinstance(target, _Scalar):
        return _example(target)
    if target.name == "str" and isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if target.name == "bool" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if target.name in ("int", "float") and isinstance(value, (str, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if target.name == "float" and math.isfinite(number):
            return number
        if (
            target.name == "int"
            and math.isfinite(number)
            and number.is_integer()
            and abs(number) < _INT_LIMIT
        ):
            return int(number)
    return _example(target)


def _rendered(name: str, example: Any, origin: str) -> str:
    """The example as the value's origin takes it: ``-p days 14``, ``days: 14`` in a file, ``days=14``."""
    if origin.startswith("-p "):
        text = example if isinstance(example, str) else json.dumps(example)
        return f"-p {name} {shlex.quote(text)}"
    if "file" in origin:
        return f"{name}: {json.dumps(example, ensure_ascii=False)}"
    return f"{name}={example!r}"

"""The SAP Signavio integration's ``inboundMappings`` format: load it, and resolve what it writes.

This is the format the vendor's best-practice page uses for its catch-all advice (reference §15)::

    {"inboundMappings": [{"leanixType": "tag", "fields": [
        {"leanixFieldName": "name", "inboundPropertyPath": "${model.status.publish}",
         "valueMappings": [{"outputExpression": "published", "regexMatch": "true"},
                           {"outputExpression": "non-published", "regexMatch": "false"}],
         "defaultValue": "", "ignoreUnknownProperty": true}]}]}

How a field is resolved for one source record (what :func:`resolve_mappings` does, and
:func:`kit.previews.mappings.preview_mappings` shows; the vendor pages state
the first two rules, the rest is **inferred** from their examples):

1. ``inboundPropertyPath`` is evaluated as an EL template with the record bound to its symbol (``model``,
   ``editordata``, ``glossaryItem`` for processes; ``glossary`` for glossary items). Static text stays text.
2. ``valueMappings`` are tried in order; the first whose ``regexMatch`` matches wins and its
   ``outputExpression`` gives the value, with ``${input}`` bound to the resolved value as a string. An empty
   or absent list writes the resolved value as is.
3. ``regexMatch`` must match the **whole** value (Java ``String.matches``): the vendor writes ``^[0-9].*``
   for "starts with a digit" and ``.*`` as the catch-all, which only makes sense for a full match.
4. When no mapping matches, ``defaultValue`` (if the key is present, even ``""``) is written and nothing is
   logged — Case 3 presents it as the alternative to a catch-all ("all other languages or empty input will
   result in Other"). Without a default, the integration logs a "no matching value" warning, the warning
   the catch-all ``{"outputExpression": "Other value", "regexMatch": ".*"}`` removes.
5. A property that does not exist (the path resolves to null) uses ``defaultValue`` when present; otherwise
   it is a warning unless ``ignoreUnknownProperty`` is true (Case 5: the flag keeps such warnings out of
   the log). ``ignoreUnknownProperty`` does not silence values that exist but match no mapping.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kit.integration.inputs.document import Document, read_document
from kit.integration.inputs.issues import InputError, Problem
from kit.integration.inputs.schema import SHAPES
from kit.integration.inputs.validate import Validator, check_juel, suggest
from kit.integration.juel import JuelError, Template, coerce_to_string, compile_java_regex

__all__ = [
    "VALUE_COLUMNS",
    "WARNING_COLUMNS",
    "InboundMappings",
    "check_mappings",
    "load_mappings",
    "resolve_mappings",
]

#: leanixFieldName values each leanixType knows, and the ones it needs.
FIELD_NAMES = {
    "tag": ({"name", "group"}, {"name"}),
    "subscription": ({"email", "type", "role", "comment"}, {"email", "type", "role"}),
}

VALUE_COLUMNS = ["record", "leanixType", "field", "resolved", "output", "mapping", "via"]
WARNING_COLUMNS = ["record", "leanixType", "field", "resolved", "message", "path"]


@dataclass(frozen=True, repr=False)
class InboundMappings:
    """Validated inbound mappings: ``data`` (plain dict), ``document`` (positions), ``name``."""

    data: dict[str, Any]
    document: Document
    name: str

    @property
    def mappings(self) -> list[dict[str, Any]]:
        return self.data["inboundMappings"]

    def __repr__(self) -> str:
        fields = sum(len(m.get("fields") or []) for m in self.mappings)
        return f"InboundMappings({self.name!r}, {len(self.mappings)} mappings, {fields} fields)"


def check_mappings(data: Any) -> list[Problem]:
    """Every problem of an ``inboundMappings`` document (never raises)."""
    validator = Validator()
    if not isinstance(data, dict):
        return [
            Problem(
                "schema", (), "inbound mappings must be a JSON object", 'write {"inboundMappings": [...]}'
            )
        ]
    validator.shape(data, SHAPES["InboundMappings"], ())
    mappings = data.get("inboundMappings")
    for index, mapping in enumerate(mappings if isinstance(mappings, list) else []):
        if isinstance(mapping, dict):
            validator.problems.extend(_field_names(mapping, ("inboundMappings", index)))
    return validator.problems


def _field_names(mapping: dict[str, Any], segments: tuple[str | int, ...]) -> list[Problem]:
    kind, fields = mapping.get("leanixType"), mapping.get("fields")
    if kind not in FIELD_NAMES or not isinstance(fields, list):
        return []
    allowed, needed = FIELD_NAMES[kind]
    problems = []
    names = set()
    for position, item in enumerate(fields):
        name = item.get("leanixFieldName") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        names.add(name)
        if name not in allowed:
            choices = ", ".join(f"'{n}'" for n in sorted(allowed))
            guess = suggest(name, sorted(allowed))
            message = f"'{name}' is not a field of a '{kind}' mapping; expected one of {choices}"
            problems.append(
                Problem(
                    "mapping",
                    (*segments, "fields", position, "leanixFieldName"),
                    message + (f"; did you mean '{guess}'?" if guess else ""),
                    f"use '{guess}'" if guess else f"use one of {choices}",
                )
            )
    for name in sorted(needed - names):
        problems.append(
            Problem(
                "mapping",
                (*segments, "fields"),
                f"a '{kind}' mapping needs a field with leanixFieldName '{name}'",
                f'add {{"leanixFieldName": "{name}", "inboundPropertyPath": "..."}}',
            )
        )
    return problems


def load_mappings(source: Mapping[str, Any] | str | os.PathLike[str]) -> InboundMappings:
    """Reads and validates inbound mappings (dict, JSON text or file); InputError lists every problem."""
    document = read_document(source, "inbound mappings")
    problems = document.duplicates + check_mappings(document.data)
    if problems:
        raise InputError(document.name, document.issues(problems), "inbound mappings")
    return InboundMappings(document.data, document, document.name)


def resolve_mappings(
    mappings: InboundMappings | Mapping[str, Any] | str | os.PathLike[str],
    records: Sequence[Mapping[str, Any]],
    symbols: str | Sequence[str] = "model",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Resolves every field for every record (rules in the module docstring): (value rows, warning rows),
    each row a dict of :data:`VALUE_COLUMNS` / :data:`WARNING_COLUMNS`.

    ``symbols`` names the EL symbol each record is bound to (``model``, ``editordata``, ``glossary`` ...);
    a sequence of names instead means each record is a mapping holding those symbols (``{"model": ...,
    "editordata": ...}``).
    """
    if not isinstance(mappings, InboundMappings):
        mappings = load_mappings(mappings)
    fields = list(_compiled_fields(mappings))
    values: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for number, record in enumerate(records):
        context = _context(record, symbols)
        for field in fields:
            row, warning = field.resolve(number, context)
            values.append(row)
            if warning is not None:
                warnings.append(warning)
    return values, warnings


def _context(record: Mapping[str, Any], symbols: str | Sequence[str]) -> dict[str, Any]:
    if isinstance(symbols, str):
        return {symbols: record}
    return {name: record.get(name) for name in symbols}


@dataclass(frozen=True)
class _Field:
    kind: str
    name: str
    path: str
    source: Template
    mappings: tuple[tuple[Any, Template], ...]
    has_default: bool
    default: Any
    ignore_unknown: bool

    def resolve(self, number: int, context: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        row = {
            "record": number,
            "leanixType": self.kind,
            "field": self.name,
            "resolved": None,
            "output": None,
            "mapping": None,
            "via": None,
        }
        try:
            resolved = self.source.evaluate(context)
        except JuelError as exc:
            row["via"] = "error"
            return row, self._warning(row, f"inboundPropertyPath could not be resolved: {exc}")
        row["resolved"] = resolved
        if resolved is None:
            if self.has_default:
                return {**row, "output": self.default, "via": "default"}, None
            if self.ignore_unknown:
                return {**row, "via": "ignored"}, None
            message = f"inboundPropertyPath {self.source.text!r} resolved to nothing (unknown property)"
            return {**row, "via": "missing"}, self._warning(row, message)
        if not self.mappings:
            return {**row, "output": resolved, "via": "as is"}, None
        text = coerce_to_string(resolved)
        for index, (pattern, output) in enumerate(self.mappings):
            try:
                if pattern.fullmatch(text) is None:
                    continue
            except JuelError as exc:  # the pattern ran past the regex time budget
                return {**row, "mapping": index, "via": "error"}, self._warning(
                    row, f"valueMappings[{index}].regexMatch: {exc}"
                )
            try:
                value = output.evaluate({**context, "input": text})
            except JuelError as exc:
                return {**row, "mapping": index, "via": "error"}, self._warning(
                    row, f"outputExpression of valueMappings[{index}] failed: {exc}"
                )
            return {**row, "output": value, "mapping": index, "via": "mapping"}, None
        if self.has_default:
            return {**row, "output": self.default, "via": "default"}, None
        message = f"no value mapping matches {text!r}; nothing is written (add a catch-all regexMatch '.*')"
        return {**row, "via": "unmatched"}, self._warning(row, message)

    def _warning(self, row: dict[str, Any], message: str) -> dict[str, Any]:
        return {
            "record": row["record"],
            "leanixType": self.kind,
            "field": self.name,
            "resolved": row["resolved"],
            "message": message,
            "path": self.path,
        }


def _compiled_fields(mappings: InboundMappings) -> list[_Field]:
    fields = []
    for index, mapping in enumerate(mappings.mappings):
        for position, item in enumerate(mapping["fields"]):
            segments = ("inboundMappings", index, "fields", position)
            source, _ = check_juel(item["inboundPropertyPath"], segments)
            compiled = []
            for number, value_mapping in enumerate(item.get("valueMappings") or []):
                output, _ = check_juel(
                    value_mapping["outputExpression"], (*segments, "valueMappings", number)
                )
                compiled.append((compile_java_regex(value_mapping["regexMatch"]), output))
            fields.append(
                _Field(
                    kind=mapping["leanixType"],
                    name=item["leanixFieldName"],
                    path=f"inboundMappings[{index}].fields[{position}]",
                    source=source,  # type: ignore[arg-type]  # validated by load_mappings
                    mappings=tuple(compiled),  # type: ignore[arg-type]  # validated by load_mappings
                    has_default=item.get("defaultValue") is not None,
                    default=item.get("defaultValue"),
                    ignore_unknown=item.get("ignoreUnknownProperty") is True,
                )
            )
    return fields

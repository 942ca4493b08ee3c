"""Binding an LDIF to a processor configuration, as iAPI does before a run.

The 5-tuple decides: ``connectorType`` and ``connectorId`` (exact), ``processingDirection`` and
``processingMode`` (case-insensitive; a missing mode is ``partial``) and ``connectorVersion``: exact string
match when the LDIF gives one; when the LDIF omits it, the highest ``number.number.number`` version among
the configurations that match on the other keys (configurations with other version strings are not eligible
then, as in iAPI). When nothing matches, the error names the differing key(s) of the closest configuration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import BindingError

__all__ = ["bind", "binding_key", "semantic_version"]

_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_EXACT = ("connectorType", "connectorId")
_FOLDED = ("processingDirection", "processingMode")


def semantic_version(text: Any) -> tuple[int, int, int] | None:
    """``(1, 10, 0)`` for ``"1.10.0"``; None for anything that is not ``number.number.number``."""
    match = _SEMVER.match(str(text)) if text is not None else None
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


_DEFAULTS = {"processingMode": "partial", "processingDirection": "inbound"}  # the API's defaults


def _folded(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    if value is None:
        value = _DEFAULTS.get(key)
    return str(value).lower() if value is not None else ""


def binding_key(mapping: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    """The 5-tuple as compared (direction and mode lower-cased)."""
    return (
        str(mapping.get("connectorType")),
        str(mapping.get("connectorId")),
        str(mapping.get("connectorVersion")),
        _folded(mapping, "processingDirection"),
        _folded(mapping, "processingMode"),
    )


def _differences(config: Mapping[str, Any], ldif: Mapping[str, Any], check_version: bool) -> list[str]:
    found = []
    for key in _EXACT:
        if config.get(key) != ldif.get(key):
            found.append(f"{key} differs (LDIF {ldif.get(key)!r}, configuration {config.get(key)!r})")
    for key in _FOLDED:
        if _folded(config, key) != _folded(ldif, key):
            found.append(f"{key} differs (LDIF {ldif.get(key)!r}, configuration {config.get(key)!r})")
    if check_version and str(config.get("connectorVersion")) != str(ldif.get("connectorVersion")):
        found.append(
            f"connectorVersion differs (LDIF {ldif.get('connectorVersion')!r}, "
            f"configuration {config.get('connectorVersion')!r})"
        )
    return found


def bind(
    configs: Mapping[str, Any] | Sequence[Mapping[str, Any]], ldif: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The configuration that processes ``ldif``; raises :class:`BindingError` saying what differs."""
    candidates = [configs] if isinstance(configs, Mapping) else list(configs)
    if not candidates:
        raise BindingError("No processor configuration was given to bind the LDIF to.")
    version_given = ldif.get("connectorVersion") not in (None, "")
    scored = [(_differences(c, ldif, version_given), c) for c in candidates]
    matching = [c for diffs, c in scored if not diffs]
    if matching and version_given:
        return matching[0]
    if matching:
        versioned = [(semantic_version(c.get("connectorVersion")), c) for c in matching]
        eligible = [(v, c) for v, c in versioned if v is not None]
        if eligible:
            return max(eligible, key=lambda pair: pair[0])[1]
        raise BindingError(
            "The LDIF has no connectorVersion and none of the matching configurations uses a "
            "number.number.number version, so none can be chosen: versions "
            + ", ".join(repr(c.get("connectorVersion")) for c in matching)
        )
    closest, best = min(scored, key=lambda pair: len(pair[0]))
    what = "the configuration" if len(candidates) == 1 else f"any of the {len(candidates)} configurations"
    raise BindingError(
        f"The LDIF does not match {what}; closest ({best.get('connectorId')!r} "
        f"{best.get('connectorVersion')!r}): " + "; ".join(closest)
    )

"""The registry of every lint rule, in id order."""

from __future__ import annotations

from . import (
    backtracking,
    deletion,
    filters,
    naming,
    run_levels,
    secrets,
    structure,
    value_mappings,
    variables,
    versioning,
)
from .rule import Rule

__all__ = ["RULES"]

_FAMILIES = (
    structure,
    backtracking,
    versioning,
    value_mappings,
    filters,
    naming,
    deletion,
    variables,
    run_levels,
    secrets,
)

#: rule id -> rule
RULES: dict[str, Rule] = {
    r.id: r for r in sorted((r for f in _FAMILIES for r in f.RULES), key=lambda r: r.id)
}

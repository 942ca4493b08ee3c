"""Lint processor configurations, SAP Signavio inbound mappings and LDIFs against documented pitfalls.

    >>> from kit.integration.lint import lint
    >>> findings = lint("config.json")                 # doctest: +SKIP
    >>> print(findings)                                 # doctest: +SKIP
    config.json:3:5 error LX010 processors[0].updates[1].values[0].regexMatch: invalid regular expression ...

Every rule is declared once (:data:`RULES`: id, name, severity, reason with its vendor source, fix);
``RULES.md`` in this package is generated from it by :func:`rules_table`.
"""

from __future__ import annotations

from .command import lint_command
from .findings import Finding, Findings
from .rule import Rule
from .rules import RULES
from .runner import lint, lint_ldif
from .table import rules_table, write_rules_md

__all__ = [
    "RULES",
    "Finding",
    "Findings",
    "Rule",
    "lint",
    "lint_command",
    "lint_ldif",
    "rules_table",
    "write_rules_md",
]

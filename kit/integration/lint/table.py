"""The rule table as markdown (``RULES.md`` next to this module is generated from it)."""

from __future__ import annotations

from pathlib import Path

from .rules import RULES

__all__ = ["RULES_MD", "rules_table", "write_rules_md"]

RULES_MD = Path(__file__).with_name("RULES.md")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_table() -> str:
    """Every rule as a markdown table: id, name, severity, applies to, why (with source), fix."""
    lines = [
        "# lxkit lint rules",
        "",
        "Generated from `kit.integration.lint.RULES` by `rules_table()`; do not edit by hand "
        "(`tests/integration/test_lint_rules_doc.py` regenerates it and fails when it was stale).",
        "",
        "| Rule | Name | Severity | Applies to | Why | Fix |",
        "|---|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        cells = [rule.id, f"`{rule.name}`", rule.severity, ", ".join(rule.target), rule.reason, rule.fix]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write_rules_md(path: Path = RULES_MD) -> bool:
    """Writes the table to ``RULES.md``; True when the file changed."""
    text = rules_table()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True

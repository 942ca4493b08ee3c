"""The rule registry and its generated documentation (RULES.md never drifts from the code)."""

from __future__ import annotations

import re

from kit.integration.lint import RULES, rules_table, write_rules_md
from kit.integration.lint.table import RULES_MD


def test_rules_md_is_current() -> None:
    """Regenerates RULES.md; fails when it was stale so the change gets reviewed and committed."""
    changed = write_rules_md()
    assert not changed, f"{RULES_MD} was stale and has been regenerated; review and commit it"
    assert RULES_MD.read_text(encoding="utf-8") == rules_table()


def test_every_rule_is_fully_declared() -> None:
    assert list(RULES) == sorted(RULES)
    names = [rule.name for rule in RULES.values()]
    assert len(set(names)) == len(names)
    for rule_id, rule in RULES.items():
        assert re.fullmatch(r"LX\d{3}", rule_id)
        assert rule.id == rule_id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.severity in ("error", "warning", "info")
        assert "source:" in rule.reason or "lint_command" in rule.reason, rule_id
        assert rule.fix.endswith("."), rule_id
        assert set(rule.target) <= {"config", "mappings", "ldif"}


def test_rules_table_has_one_row_per_rule() -> None:
    rows = [line for line in rules_table().splitlines() if line.startswith("| LX")]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == list(RULES)
    assert rows[list(RULES).index("LX080")].startswith("| LX080 | `inline-api-token` | error | config | ")

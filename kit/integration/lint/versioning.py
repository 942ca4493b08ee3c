"""Rule on how configurations are versioned."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, rule

_SEMVER = re.compile(r"\d+\.\d+\.\d+")


@rule(
    "LX020",
    "connector-version-format",
    "warning",
    "Versions in number.number.number form keep the version history in the UI, and an LDIF without "
    "connectorVersion is bound to the highest such version; source: SAP LeanIX 'Best Practices for the "
    "Integration API' (Adhere to Proper Processor Versioning Convention), LDIF 'Mandatory Attributes'.",
    "Use a version like 1.0.0.",
)
def connector_version_format(ctx: LintContext) -> Iterator[Hit]:
    version = ctx.root.get("connectorVersion")
    if not isinstance(version, str) or _SEMVER.fullmatch(version):
        return
    numbers = re.findall(r"\d+", version)
    hint = None
    if 1 <= len(numbers) <= 3:
        hint = f"use '{'.'.join([*numbers, '0', '0'][:3])}'"
    yield Hit(("connectorVersion",), f"connectorVersion '{version}' is not number.number.number", hint)


RULES = (connector_version_format,)

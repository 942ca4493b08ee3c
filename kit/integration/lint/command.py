"""``lxkit lint``: lint files given on the command line, print findings, exit 1 on errors."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from kit.integration.inputs.document import read_document
from kit.integration.inputs.issues import InputError

from .findings import Finding, Findings
from .runner import lint_document

__all__ = ["detect_kind", "lint_command"]


def detect_kind(data: Any) -> str:
    """``mappings`` (has inboundMappings), ``ldif`` (has content or lxVersion) or ``config``."""
    if isinstance(data, dict):
        if "inboundMappings" in data:
            return "mappings"
        if "processors" not in data and ("content" in data or "lxVersion" in data):
            return "ldif"
    return "config"


def lint_command(paths: list[str], fmt: str = "text", out: TextIO | None = None) -> int:
    """Lints each file (configuration, inbound mappings or LDIF, detected from its keys) and prints the findings.

    ``fmt`` is ``text`` (one line per finding and a summary) or ``json`` (a list of findings with ``file``).
    Returns 1 when any error was found (a file that cannot be read or parsed counts as one), else 0.
    """
    if fmt not in ("text", "json"):
        raise ValueError(f"unknown format {fmt!r}; use 'text' or 'json'")
    out = out or sys.stdout
    everything = Findings()
    for path in paths:
        try:
            document = read_document(path, "input")
        except InputError as exc:
            for issue in exc.issues:
                everything.append(
                    Finding(
                        "LX000",
                        "error",
                        issue.path,
                        issue.line,
                        issue.column,
                        issue.message,
                        issue.hint,
                        exc.name,
                    )
                )
            continue
        everything.extend(lint_document(document, detect_kind(document.data)))
    if fmt == "json":
        json.dump([f.as_dict() for f in everything], out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        if everything:
            out.write(str(everything) + "\n")
        files = f"{len(paths)} file{'s' if len(paths) != 1 else ''}"
        out.write(f"{everything.summary()} in {files}\n")
    return 1 if everything.errors else 0

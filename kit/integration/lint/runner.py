"""Runs the rules over a configuration, inbound mappings or an LDIF and turns hits into findings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from kit.integration.inputs.config import ProcessorConfig, check_config
from kit.integration.inputs.document import Document, read_document
from kit.integration.inputs.issues import Problem
from kit.integration.inputs.ldif import Ldif, check_ldif
from kit.integration.mappings import InboundMappings, check_mappings

from .context import LintContext
from .findings import Finding, Findings
from .rules import RULES

__all__ = ["lint", "lint_document"]

Source = Mapping[str, Any] | str | os.PathLike[str]


def lint(
    config: ProcessorConfig | Source | None = None,
    mappings: InboundMappings | Source | None = None,
) -> Findings:
    """Lints a processor configuration and/or SAP Signavio inbound mappings.

    Never raises for a bad configuration (every problem becomes a finding); only text that is not JSON at
    all (or a missing file) raises :class:`~kit.integration.inputs.InputError`.
    """
    findings = Findings()
    if config is not None:
        document = (
            config.document
            if isinstance(config, ProcessorConfig)
            else read_document(config, "processor configuration")
        )
        findings.extend(lint_document(document, "config"))
    if mappings is not None:
        document = (
            mappings.document
            if isinstance(mappings, InboundMappings)
            else read_document(mappings, "inbound mappings")
        )
        findings.extend(lint_document(document, "mappings"))
    return findings


def lint_ldif(ldif: Ldif | Source) -> Findings:
    """Lints an LDIF: structure problems (errors) and unknown keys LeanIX would ignore (warnings)."""
    document = ldif.document if isinstance(ldif, Ldif) else read_document(ldif, "LDIF")
    return lint_document(document, "ldif")


def _hint(fix: str) -> str:
    """A rule's fix sentence as a finding hint: ``Use ... .`` -> ``use ...``."""
    return (fix[:1].lower() + fix[1:]).removesuffix(".")


def lint_document(document: Document, kind: str) -> Findings:
    """Runs every rule for ``kind`` (``config``, ``mappings`` or ``ldif``) over a parsed document."""
    ctx = LintContext(kind, document)
    if kind == "config":
        checked = check_config(document.data)
        ctx.problems, ctx.templates = checked.problems, checked.templates
    elif kind == "mappings":
        ctx.problems = check_mappings(document.data)
    else:
        errors, warnings = check_ldif(document.data)
        ctx.problems = errors + warnings
    findings = Findings()
    for rule in RULES.values():
        if kind not in rule.target:
            continue
        try:
            hits = list(rule.check(ctx))
        except Exception as exc:  # a rule must never break linting; report it instead
            findings.append(
                Finding(
                    rule.id,
                    "info",
                    "",
                    None,
                    None,
                    f"rule {rule.name} failed: {exc!r} (an lxkit bug)",
                    None,
                    document.name,
                )
            )
            continue
        for hit in hits:
            issue = document.issue(
                Problem(rule.id, hit.segments, hit.message, hit.hint, hit.at_key, hit.offset)
            )
            findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    issue.path,
                    issue.line,
                    issue.column,
                    hit.message,
                    hit.hint or _hint(rule.fix),
                    document.name,
                )
            )
    findings.sort(key=lambda f: (f.line is None, f.line or 0, f.column or 0))
    return findings

"""What a lint rule is: declared once with its id, name, severity, reason, fix and check function."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kit.integration.inputs.paths import Segments

if TYPE_CHECKING:
    from .context import LintContext

__all__ = ["Hit", "Rule", "rule"]


@dataclass(frozen=True)
class Hit:
    """What a check reports: where (path segments), what, and optionally a hint more specific than the rule's."""

    segments: Segments
    message: str
    hint: str | None = None
    at_key: bool = False
    offset: int | None = None


@dataclass(frozen=True)
class Rule:
    """A lint rule. ``reason`` says why it exists (with the vendor doc it comes from); ``fix`` what to do.

    ``target`` is what the rule reads: ``config``, ``mappings`` or ``ldif`` (a tuple for several).
    """

    id: str
    name: str
    severity: str
    reason: str
    fix: str
    target: tuple[str, ...]
    check: Callable[[LintContext], Iterable[Hit]]


def rule(
    id: str,  # noqa: A002
    name: str,
    severity: str,
    reason: str,
    fix: str,
    target: tuple[str, ...] = ("config",),
) -> Callable[[Callable[[LintContext], Iterable[Hit]]], Rule]:
    """Declares the decorated check function as a :class:`Rule`."""

    def declare(check: Callable[[LintContext], Iterable[Hit]]) -> Rule:
        return Rule(id, name, severity, reason, fix, target, check)

    return declare

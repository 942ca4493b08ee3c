"""A time budget for every user-supplied regular expression.

A pattern such as ``(a|aa)+$`` backtracks exponentially on a text it almost matches; CPython's ``re`` cannot be
interrupted (not by a timer thread either), so one bad pattern froze a preview, a notebook kernel or a
sandbox run holding its store lock. Patterns are therefore compiled with the ``regex`` package, whose
matching functions take a native ``timeout=``, and wrapped in :class:`JavaPattern`, which passes the budget
on every call and turns an overrun into a :class:`RegexTimeout` naming the pattern.

The budget (seconds per match, search, substitution or split step) is ``LXKIT_REGEX_TIMEOUT`` when set,
otherwise :data:`DEFAULT_BUDGET_S`; :func:`set_regex_budget` changes it for the process. An overrun is
remembered for that text, and a pattern that overran :data:`STRIKES` times is not run again under the same
budget (it fails at once), so a run over many items costs at most a few budgets, not one per item.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import regex as _regex

from .errors import JuelEvaluationError

__all__ = [
    "BUDGET_VAR",
    "DEFAULT_BUDGET_S",
    "STRIKES",
    "JavaPattern",
    "RegexTimeout",
    "regex_budget",
    "set_regex_budget",
]

#: environment variable holding the budget in seconds (a positive number such as ``0.5``)
BUDGET_VAR = "LXKIT_REGEX_TIMEOUT"
DEFAULT_BUDGET_S = 1.0
#: overruns after which a pattern is no longer run (under the same budget)
STRIKES = 3
_END = sys.maxsize


class _Budget:
    """The process-wide budget; None until first read (then from the environment or the default)."""

    seconds: float | None = None


def _parse(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        from kit.config import ConfigError  # local: kit.config is not needed otherwise

        raise ConfigError(
            f"{BUDGET_VAR}={text!r} is not a positive number of seconds; set it to e.g. 1 or 0.5, or unset it "
            f"for the default of {DEFAULT_BUDGET_S:g} s"
        )
    return seconds


def regex_budget() -> float:
    """Seconds one regular-expression operation may take (``LXKIT_REGEX_TIMEOUT``, default 1 s)."""
    seconds = _Budget.seconds
    if seconds is None:
        text = os.environ.get(BUDGET_VAR, "").strip()
        seconds = _Budget.seconds = _parse(text) if text else DEFAULT_BUDGET_S
    return seconds


def set_regex_budget(seconds: float | None) -> None:
    """Sets the budget for this process; None goes back to ``LXKIT_REGEX_TIMEOUT`` or the default."""
    if seconds is not None:
        seconds = _parse(str(seconds))
    _Budget.seconds = seconds


class RegexTimeout(JuelEvaluationError):
    """A regular expression ran past its time budget (catastrophic backtracking, almost always).

    ``pattern`` is the Java pattern as written, ``budget`` the budget in seconds, ``length`` the length of the
    text it was applied to.
    """

    def __init__(self, pattern: str, budget: float, length: int, *, struck: bool) -> None:
        self.pattern = pattern
        self.budget = budget
        self.length = length
        self.struck = struck
        again = (
            f"; it overran {STRIKES} times, so it is no longer run until it is fixed or the budget changes"
            if struck
            else ""
        )
        super().__init__(
            f"regular expression {pattern!r} ran past its time budget of {budget:g} s on a text of "
            f"{length:,} characters{again} (catastrophic backtracking: nested quantifiers such as (a+)+ or "
            f"(a|aa)+ retry exponentially many ways); rewrite it without nested or overlapping repetition "
            f"(e.g. a possessive a++ or an atomic group (?>...)), or raise {BUDGET_VAR}"
        )


class JavaPattern:
    """A compiled Java regular expression: ``re.Pattern``'s interface, every call within the budget."""

    __slots__ = ("_compiled", "_overruns", "_overruns_budget", "groupindex", "groups", "pattern")

    def __init__(self, pattern: str, compiled: Any) -> None:
        #: the Java pattern as written (the translated one is ``_compiled.pattern``)
        self.pattern = pattern
        self._compiled = compiled
        self.groups: int = compiled.groups
        self.groupindex: dict[str, int] = dict(compiled.groupindex)
        #: (operation, text) that overran, under budget ``_overruns_budget``
        self._overruns: dict[tuple[str, str], None] = {}
        self._overruns_budget = 0.0

    def fullmatch(self, text: str) -> Any:
        """The match of the whole ``text`` (``String.matches``), or None."""
        if self._overruns:
            self._refuse("fullmatch", text)
        try:
            return self._compiled.fullmatch(text, 0, _END, None, False, _Budget.seconds or regex_budget())
        except TimeoutError:
            raise self._overrun("fullmatch", text) from None

    def match(self, text: str) -> Any:
        """The match at the start of ``text`` (``Matcher.lookingAt``), or None."""
        if self._overruns:
            self._refuse("match", text)
        try:
            return self._compiled.match(text, 0, _END, None, False, _Budget.seconds or regex_budget())
        except TimeoutError:
            raise self._overrun("match", text) from None

    def search(self, text: str) -> Any:
        """The first match anywhere in ``text`` (``Matcher.find``), or None."""
        if self._overruns:
            self._refuse("search", text)
        try:
            return self._compiled.search(text, 0, _END, None, False, _Budget.seconds or regex_budget())
        except TimeoutError:
            raise self._overrun("search", text) from None

    def sub(self, replacement: str | Callable[[Any], str], text: str, count: int = 0) -> str:
        """``text`` with matches replaced (``re.sub`` semantics for ``replacement``)."""
        if self._overruns:
            self._refuse("sub", text)
        try:
            return self._compiled.sub(replacement, text, count, timeout=_Budget.seconds or regex_budget())
        except TimeoutError:
            raise self._overrun("sub", text) from None

    def finditer(self, text: str) -> Iterator[Any]:
        """Every non-overlapping match in ``text``; the budget applies to each step."""
        if self._overruns:
            self._refuse("finditer", text)
        matches = self._compiled.finditer(text, timeout=_Budget.seconds or regex_budget())
        while True:
            try:
                found = next(matches)
            except StopIteration:
                return
            except TimeoutError:
                raise self._overrun("finditer", text) from None
            yield found

    def _refuse(self, operation: str, text: str) -> None:
        """Fails at once for a text that overran before, or for a pattern that overran :data:`STRIKES` times."""
        budget = regex_budget()
        if self._overruns_budget != budget:
            self._overruns.clear()
            return
        struck = len(self._overruns) >= STRIKES
        if struck or (operation, text) in self._overruns:
            raise RegexTimeout(self.pattern, budget, len(text), struck=struck)

    def _overrun(self, operation: str, text: str) -> RegexTimeout:
        budget = regex_budget()
        if self._overruns_budget != budget:
            self._overruns.clear()
            self._overruns_budget = budget
        self._overruns[(operation, text)] = None  # at most STRIKES entries: a struck pattern is not run
        return RegexTimeout(self.pattern, budget, len(text), struck=False)

    def __repr__(self) -> str:
        return f"JavaPattern({self.pattern!r})"


def compile_budgeted(pattern: str, translated: str, flags: int) -> JavaPattern:
    """``translated`` compiled with ``regex`` (V0, ``re``-compatible) and wrapped; errors propagate."""
    return JavaPattern(pattern, _regex.compile(translated, flags))


#: flags of the ``regex`` package the translator uses
ASCII = _regex.ASCII
error = _regex.error

"""Errors raised while compiling or evaluating JUEL templates.

Both kinds say what went wrong, where (line and column in the template) and show the template, so a
message in a preview table or a notebook cell is enough to fix the expression.
"""

from __future__ import annotations

from kit.errors import LxkitError

__all__ = ["JuelError", "JuelEvaluationError", "JuelSyntaxError", "line_and_column"]

_SNIPPET_LIMIT = 160


def line_and_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a 0-based offset into ``text``."""
    position = max(0, min(position, len(text)))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column


def _snippet(text: str, position: int | None) -> str:
    """The template, or the part of it around ``position`` when it is long."""
    if len(text) <= _SNIPPET_LIMIT:
        return text
    centre = 0 if position is None else position
    start = max(0, centre - _SNIPPET_LIMIT // 2)
    end = min(len(text), start + _SNIPPET_LIMIT)
    return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")


class JuelError(LxkitError):
    """Base class of every error the JUEL engine raises."""


class JuelSyntaxError(JuelError):
    """A template that cannot be compiled: bad syntax, an unknown function, nesting that is too deep.

    ``expression`` is the whole template, ``position`` the 0-based offset of the problem in it,
    ``line`` and ``column`` the same place 1-based.
    """

    def __init__(self, reason: str, expression: str, position: int) -> None:
        self.reason = reason
        self.expression = expression
        self.position = position
        self.line, self.column = line_and_column(expression, position)
        super().__init__(reason, expression, position)

    def __str__(self) -> str:
        return (
            f"JUEL syntax error at line {self.line}, column {self.column}: {self.reason} "
            f"in {_snippet(self.expression, self.position)}"
        )


class JuelEvaluationError(JuelError):
    """A compiled template that failed while it was evaluated (a missing method, a failed coercion, ...).

    ``reason`` says what failed; ``expression`` (the template) and ``position`` (0-based offset of the
    failing sub-expression, when known) are filled in on the way out of :meth:`Template.evaluate`.
    ``internal`` marks a Python error the engine did not anticipate (a bug worth reporting).
    """

    def __init__(
        self,
        reason: str,
        expression: str | None = None,
        position: int | None = None,
        *,
        internal: bool = False,
    ) -> None:
        self.reason = reason
        self.expression = expression
        self.position = position
        self.internal = internal
        super().__init__(reason)

    def at(self, path: str) -> JuelEvaluationError:
        """A copy (same class) whose reason starts with ``path``, the JSON path of what failed in a
        configuration (``processors[0].updates[1].values[0].regexMatch``)."""
        reason = f"{path}: {self.reason}"
        located = type(self).__new__(type(self), reason)
        located.__dict__.update(self.__dict__)
        located.reason = reason
        located.args = (reason,)
        return located

    @property
    def line(self) -> int | None:
        """1-based line of the failing sub-expression, when known."""
        if self.expression is None or self.position is None:
            return None
        return line_and_column(self.expression, self.position)[0]

    @property
    def column(self) -> int | None:
        """1-based column of the failing sub-expression, when known."""
        if self.expression is None or self.position is None:
            return None
        return line_and_column(self.expression, self.position)[1]

    def __str__(self) -> str:
        where = ""
        if self.expression is not None and self.position is not None:
            where = f" at line {self.line}, column {self.column}"
        text = f"JUEL evaluation error{where}: {self.reason}"
        if self.expression is not None:
            text += f" in {_snippet(self.expression, self.position)}"
        return text

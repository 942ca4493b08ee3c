"""The syntax tree of one JUEL expression.

Every node knows ``pos`` (0-based offset in the template of the place errors point at: the name of a
property or method, the operator, the ``[``, or the first character of other nodes) and ``depth`` (height of its subtree, checked by the parser so that compiling and evaluating never
recurse too deeply).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "Binary",
    "Conditional",
    "FunctionCall",
    "Identifier",
    "Index",
    "Literal",
    "MethodCall",
    "Node",
    "Property",
    "Unary",
]


@dataclass(frozen=True, slots=True)
class Node:
    """Base of all expression nodes."""

    pos: int
    depth: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """``1``, ``2.5``, ``'text'``, ``true``, ``null``."""

    value: object


@dataclass(frozen=True, slots=True)
class Identifier(Node):
    """A top-level name looked up in the context: ``data``, ``variables``, ``integration``."""

    name: str


@dataclass(frozen=True, slots=True)
class Property(Node):
    """``base.name``."""

    base: Node
    name: str


@dataclass(frozen=True, slots=True)
class Index(Node):
    """``base[key]``."""

    base: Node
    key: Node


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    """``base.name(args)``, or ``base[nameExpression](args)`` when ``name`` is a node."""

    base: Node
    name: str | Node
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class FunctionCall(Node):
    """``prefix:name(args)``; ``prefix`` is empty for a function without namespace."""

    prefix: str
    name: str
    args: tuple[Node, ...]

    @property
    def qualified_name(self) -> str:
        """``prefix:name`` (or just ``name``)."""
        return f"{self.prefix}:{self.name}" if self.prefix else self.name


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """``-x``, ``!x`` / ``not x``, ``empty x`` (``op`` is ``-``, ``not`` or ``empty``)."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """``left op right``; ``op`` is the canonical symbol (``+ - * / % == != < > <= >= and or``)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    """``condition ? then : otherwise``."""

    condition: Node
    then: Node
    otherwise: Node


def walk(root: Node) -> Iterator[Node]:
    """Every node of the tree under ``root``, ``root`` first (depth first, last child first)."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        for slot in getattr(type(node), "__slots__", ()):
            child = getattr(node, slot)
            if isinstance(child, Node):
                stack.append(child)
            elif isinstance(child, tuple):
                stack.extend(c for c in child if isinstance(c, Node))

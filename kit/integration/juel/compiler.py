"""Turns an expression tree into nested Python closures, so evaluating does no parsing and no dispatch
on node types: each closure takes the context mapping and returns the node's value.

Common shapes get fast paths, chosen when compiling: ``data.name`` (a name and a property) is one closure
reading straight from the dict, ``integration.valueOfForEach`` reads the forEach values directly,
``x.toUpperCase()`` on a str calls ``str.upper``, and ``split`` by a literal separator (no regex
metacharacter) is ``str.split`` with Java's rules. Everything else goes through :mod:`.methods` and
:mod:`.operators`. Errors raised below a node get that node's position.
Functions are resolved here, so an unknown function is reported when the template is compiled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .coercion import coerce_to_boolean, coerce_to_string
from .errors import JuelEvaluationError, JuelSyntaxError
from .functions import FUNCTIONS
from .integration import Integration
from .methods import call_method, fast_methods, get_property
from .nodes import (
    Binary,
    Conditional,
    FunctionCall,
    Identifier,
    Index,
    Literal,
    MethodCall,
    Node,
    Property,
    Unary,
)
from .operators import (
    add,
    divide,
    equal,
    greater,
    greater_equal,
    is_empty,
    less,
    less_equal,
    multiply,
    negate,
    not_equal,
    remainder,
    subtract,
)
from .variables import Variables

__all__ = ["Evaluator", "compile_expression", "path_of"]

Evaluator = Callable[[Mapping[str, Any]], Any]

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "%": remainder,
    "==": equal,
    "!=": not_equal,
    "<": less,
    ">": greater,
    "<=": less_equal,
    ">=": greater_equal,
}


def compile_expression(node: Node, text: str) -> Evaluator:
    """The evaluator of one expression tree; ``text`` is the template (for compile-time errors)."""
    return _Compiler(text).compile(node)


#: characters with a meaning in a Java regex; a ``split`` separator without any of them is literal text
_REGEX_META = frozenset("\\^$.|?*+()[]{}")


def _literal_splitter(separator: str) -> Callable[[str, Any], list[str]]:
    """Java's ``String.split`` by a literal (non-empty, metacharacter-free) separator: no match gives the
    text itself, and trailing empty strings are dropped (a literal never matches zero-width, so no
    leading-empty rule applies)."""

    def split(text: str, _regex: Any) -> list[str]:
        if separator not in text:
            return [text]
        pieces = text.split(separator)
        while pieces and pieces[-1] == "":
            pieces.pop()
        return pieces

    return split


def path_of(evaluator: Any) -> tuple[str, str] | None:
    """``(root, name)`` when ``evaluator`` is exactly ``root.name`` (``data.app``): callers in hot loops may
    then read ``context[root].get(name)`` themselves when ``context[root]`` is a dict, and call the
    evaluator otherwise (same value)."""
    found = getattr(evaluator, "juel_path", None)
    return found if isinstance(found, tuple) else None


def _unknown_identifier(name: str, context: Mapping[str, Any], position: int) -> JuelEvaluationError:
    known = ", ".join(sorted(str(k) for k in context)) or "nothing"
    return JuelEvaluationError(
        f"unknown identifier '{name}' (the context has: {known})",
        position=position,
    )


def _locate(exc: JuelEvaluationError, position: int) -> None:
    if exc.position is None:
        exc.position = position


def _to_boolean(value: Any) -> bool:
    if value is True or value is False:
        return value
    return coerce_to_boolean(value)


class _Compiler:
    def __init__(self, text: str) -> None:
        self.text = text

    def compile(self, node: Node) -> Evaluator:
        method = getattr(self, "compile_" + type(node).__name__.lower())
        return method(node)

    # -- values ----------------------------------------------------------------------------------------

    def compile_literal(self, node: Literal) -> Evaluator:
        value = node.value
        return lambda context: value

    def compile_identifier(self, node: Identifier) -> Evaluator:
        name, position = node.name, node.pos
        if name == "variables":
            return _variables_root
        if name == "integration":
            return _integration_root

        def identifier(context: Mapping[str, Any]) -> Any:
            try:
                return context[name]
            except KeyError:
                raise _unknown_identifier(name, context, position) from None

        return identifier

    def compile_property(self, node: Property) -> Evaluator:
        root = node.base
        if isinstance(root, Identifier) and root.name == "integration":
            return self._integration_property(node.name, node.pos)
        if isinstance(root, Identifier) and root.name != "variables":
            return self._path(root.name, root.pos, node.name, node.pos)
        base, name, position = self.compile(node.base), node.name, node.pos

        def read(context: Mapping[str, Any]) -> Any:
            value = base(context)
            if type(value) is dict:
                return value.get(name)
            try:
                return get_property(value, name)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return read

    @staticmethod
    def _path(root: str, root_position: int, name: str, position: int) -> Evaluator:
        """``root.name`` (``data.app``, ``content.id``) as one closure: the identifier and the property
        read of :meth:`compile_identifier` and :meth:`compile_property`, without the call between them."""

        def path(context: Mapping[str, Any]) -> Any:
            try:
                value = context[root]
            except KeyError:
                raise _unknown_identifier(root, context, root_position) from None
            if type(value) is dict:
                return value.get(name)
            try:
                return get_property(value, name)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        path.juel_path = (root, name)  # type: ignore[attr-defined]  # read by hot loops: see path_of
        return path

    @staticmethod
    def _integration_property(name: str, position: int) -> Evaluator:
        """``integration.name``: read from the :class:`Integration`'s ``values`` (the forEach values) when it
        holds ``name``, else as :meth:`Integration.juel_get` does (same values, same errors)."""

        def integration_property(context: Mapping[str, Any]) -> Any:
            value = context.get("integration")
            if isinstance(value, Integration):
                values = value.values
                if name in values and type(value).juel_get is _INTEGRATION_GET:
                    return values[name]
            else:
                value = _integration_root(context)
            try:
                return get_property(value, name)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return integration_property

    def compile_index(self, node: Index) -> Evaluator:
        base, key, position = self.compile(node.base), self.compile(node.key), node.pos

        def index(context: Mapping[str, Any]) -> Any:
            value = base(context)
            if value is None:
                return None
            found = key(context)
            try:
                return get_property(value, found)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return index

    # -- calls -----------------------------------------------------------------------------------------

    def compile_methodcall(self, node: MethodCall) -> Evaluator:
        base = self.compile(node.base)
        args = tuple(self.compile(a) for a in node.args)
        position = node.pos
        if not isinstance(node.name, str):
            return self._dynamic_method(base, self.compile(node.name), args, position)
        name = node.name
        fast = fast_methods(name, len(args))
        literal = node.args[0] if len(node.args) == 1 else None
        if (
            name == "split"
            and isinstance(literal, Literal)
            and type(literal.value) is str
            and literal.value
            and not _REGEX_META.intersection(literal.value)
        ):
            fast = {**fast, str: _literal_splitter(literal.value)}
        if not args:

            def call0(context: Mapping[str, Any]) -> Any:
                value = base(context)
                try:
                    function = fast.get(type(value))
                    if function is not None:
                        return function(value)
                    return call_method(value, name, ())
                except JuelEvaluationError as exc:
                    _locate(exc, position)
                    raise

            return call0
        if len(args) == 1:
            (first,) = args

            def call1(context: Mapping[str, Any]) -> Any:
                value = base(context)
                argument = first(context)
                try:
                    function = fast.get(type(value))
                    if function is not None:
                        return function(value, argument)
                    return call_method(value, name, (argument,))
                except JuelEvaluationError as exc:
                    _locate(exc, position)
                    raise

            return call1
        if len(args) == 2:
            first, second = args

            def call2(context: Mapping[str, Any]) -> Any:
                value = base(context)
                one = first(context)
                two = second(context)
                try:
                    function = fast.get(type(value))
                    if function is not None:
                        return function(value, one, two)
                    return call_method(value, name, (one, two))
                except JuelEvaluationError as exc:
                    _locate(exc, position)
                    raise

            return call2

        def call(context: Mapping[str, Any]) -> Any:
            value = base(context)
            arguments = [a(context) for a in args]
            try:
                function = fast.get(type(value))
                if function is not None:
                    return function(value, *arguments)
                return call_method(value, name, arguments)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return call

    @staticmethod
    def _dynamic_method(
        base: Evaluator,
        name: Evaluator,
        args: tuple[Evaluator, ...],
        position: int,
    ) -> Evaluator:
        def call(context: Mapping[str, Any]) -> Any:
            value = base(context)
            method = coerce_to_string(name(context))
            arguments = [a(context) for a in args]
            try:
                return call_method(value, method, arguments)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return call

    def compile_functioncall(self, node: FunctionCall) -> Evaluator:
        qualified = node.qualified_name
        function = FUNCTIONS.get(qualified)
        if function is None:
            family = [name for name in sorted(FUNCTIONS) if name.startswith(f"{node.prefix}:")] or sorted(
                FUNCTIONS
            )
            known = ", ".join(family)
            raise JuelSyntaxError(f"unknown function '{qualified}' (known: {known})", self.text, node.pos)
        count = len(node.args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            if function.max_args is None:
                wanted = f"at least {function.min_args}"
            elif function.min_args == function.max_args:
                wanted = str(function.min_args)
            else:
                wanted = f"{function.min_args} to {function.max_args}"
            raise JuelSyntaxError(
                f"function '{qualified}' takes {wanted} argument(s), got {count}",
                self.text,
                node.pos,
            )
        implementation = function.implementation
        args = tuple(self.compile(a) for a in node.args)
        position = node.pos
        if len(args) == 1:
            (only,) = args

            def call1(context: Mapping[str, Any]) -> Any:
                argument = only(context)
                try:
                    return implementation(argument)
                except JuelEvaluationError as exc:
                    _locate(exc, position)
                    raise

            return call1

        def call(context: Mapping[str, Any]) -> Any:
            arguments = [a(context) for a in args]
            try:
                return implementation(*arguments)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return call

    # -- operators -------------------------------------------------------------------------------------

    def compile_unary(self, node: Unary) -> Evaluator:
        operand, position = self.compile(node.operand), node.pos
        if node.op == "empty":
            return lambda context: is_empty(operand(context))
        operation: Callable[[Any], Any] = negate if node.op == "-" else (lambda v: not _to_boolean(v))

        def unary(context: Mapping[str, Any]) -> Any:
            value = operand(context)
            try:
                return operation(value)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return unary

    def compile_binary(self, node: Binary) -> Evaluator:
        left, right, position = self.compile(node.left), self.compile(node.right), node.pos
        if node.op in ("and", "or"):
            return self._logical(node.op, left, right, position)
        operation = _OPERATORS[node.op]

        def binary(context: Mapping[str, Any]) -> Any:
            a = left(context)
            b = right(context)
            try:
                return operation(a, b)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        return binary

    @staticmethod
    def _logical(op: str, left: Evaluator, right: Evaluator, position: int) -> Evaluator:
        def truth(value: Any) -> bool:
            try:
                return _to_boolean(value)
            except JuelEvaluationError as exc:
                _locate(exc, position)
                raise

        if op == "and":

            def conjunction(context: Mapping[str, Any]) -> bool:
                return truth(left(context)) and truth(right(context))

            return conjunction

        def disjunction(context: Mapping[str, Any]) -> bool:
            return truth(left(context)) or truth(right(context))

        return disjunction

    def compile_conditional(self, node: Conditional) -> Evaluator:
        condition, then, otherwise = (
            self.compile(node.condition),
            self.compile(node.then),
            self.compile(node.otherwise),
        )
        position = node.pos

        def choose(context: Mapping[str, Any]) -> Any:
            test = condition(context)
            if test is not True and test is not False:
                try:
                    test = coerce_to_boolean(test)
                except JuelEvaluationError as exc:
                    _locate(exc, position)
                    raise
            return then(context) if test else otherwise(context)

        return choose


def _variables_root(context: Mapping[str, Any]) -> Any:
    """``variables``: a plain mapping of lists is wrapped so that ``variables.x.sum()`` works."""
    value = context.get("variables")
    if type(value) is dict:
        return Variables.view(value)
    if value is None:
        return Variables()
    if isinstance(value, Mapping) and not isinstance(value, Variables):
        return Variables.view(value)
    return value


def _integration_root(context: Mapping[str, Any]) -> Any:
    """``integration``: a plain mapping becomes the values of an :class:`Integration`."""
    value = context.get("integration")
    if isinstance(value, Integration):  # the common case, before the slower Mapping (ABC) check
        return value
    if value is None:
        return Integration()
    if isinstance(value, Mapping):
        return Integration(values=value)
    return value


_INTEGRATION_GET = Integration.juel_get

"""Parses the tokens of one ``${...}`` expression into a syntax tree (JSR-245 grammar and precedence).

Precedence, lowest first: ``?:``; ``|| or``; ``&& and``; ``== != eq ne``; ``< > <= >= lt gt le ge``;
``+ -``; ``* / div % mod``; unary ``- ! not empty``; ``. []``. Like JUEL, ``a:b(`` is always read as a
namespaced function call. Nesting is bounded so that no input can exhaust Python's stack.
"""

from __future__ import annotations

from .errors import JuelSyntaxError
from .lexer import Token
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

__all__ = ["MAX_DEPTH", "MAX_NESTING", "parse_expression"]

#: Height limit of an expression tree (operands, property chains, arguments all count).
MAX_DEPTH = 120
#: Limit of nested parentheses, brackets, argument lists and conditionals.
MAX_NESTING = 60

_BINARY: dict[str, tuple[str, int]] = {
    "||": ("or", 1),
    "or": ("or", 1),
    "&&": ("and", 2),
    "and": ("and", 2),
    "==": ("==", 3),
    "eq": ("==", 3),
    "!=": ("!=", 3),
    "ne": ("!=", 3),
    "<": ("<", 4),
    "lt": ("<", 4),
    ">": (">", 4),
    "gt": (">", 4),
    "<=": ("<=", 4),
    "le": ("<=", 4),
    ">=": (">=", 4),
    "ge": (">=", 4),
    "+": ("+", 5),
    "-": ("-", 5),
    "*": ("*", 6),
    "/": ("/", 6),
    "div": ("/", 6),
    "%": ("%", 6),
    "mod": ("%", 6),
}
_PREFIX = {"-": "-", "!": "not", "not": "not", "empty": "empty"}
_LITERAL_KEYWORDS = {"true": True, "false": False, "null": None}


def parse_expression(tokens: list[Token], text: str) -> Node:
    """The tree of one expression; ``tokens`` ends with the closing ``}`` token."""
    parser = _Parser(tokens, text)
    node = parser.expression()
    token = parser.peek()
    if token.kind != "end":
        raise parser.error(f"expected an operator or '}}' but found {_describe(token)}", token)
    return node


def _describe(token: Token) -> str:
    if token.kind == "string":
        shown = token.text if len(token.text) <= 30 else token.text[:27] + "..."
        return f"string {shown}"
    if token.kind == "end":
        return "'}' (end of expression)"
    return repr(token.text)


class _Parser:
    __slots__ = ("index", "nesting", "text", "tokens")

    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.index = 0
        self.nesting = 0

    # -- token helpers ---------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        index = min(self.index + ahead, len(self.tokens) - 1)
        return self.tokens[index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def at(self, text: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == text

    def expect(self, text: str, what: str | None = None) -> Token:
        token = self.peek()
        if token.kind == "op" and token.text == text:
            return self.advance()
        raise self.error(f"expected {what or repr(text)} but found {_describe(token)}", token)

    def error(self, reason: str, token: Token | None = None, pos: int | None = None) -> JuelSyntaxError:
        if pos is None:
            pos = (token or self.peek()).pos
        return JuelSyntaxError(reason, self.text, pos)

    def checked(self, node: Node) -> Node:
        if node.depth > MAX_DEPTH:
            raise self.error(f"expression is nested too deeply (more than {MAX_DEPTH} levels)", pos=node.pos)
        return node

    # -- grammar ---------------------------------------------------------------------------------------

    def expression(self) -> Node:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error(f"expression is nested too deeply (more than {MAX_NESTING} levels)")
        node = self.binary(1)
        if self.at("?"):
            self.advance()
            then = self.expression()
            self.expect(":", "':' of the conditional operator")
            otherwise = self.expression()
            depth = 1 + max(node.depth, then.depth, otherwise.depth)
            node = self.checked(Conditional(node.pos, depth, node, then, otherwise))
        self.nesting -= 1
        return node

    def binary(self, min_precedence: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            info = _BINARY.get(token.text) if token.kind in ("op", "keyword") else None
            if info is None or info[1] < min_precedence:
                return left
            operator = self.advance()
            right = self.binary(info[1] + 1)
            depth = 1 + max(left.depth, right.depth)
            left = self.checked(Binary(operator.pos, depth, info[0], left, right))

    def unary(self) -> Node:
        prefixes: list[Token] = []
        while True:
            token = self.peek()
            if token.kind in ("op", "keyword") and token.text in _PREFIX:
                prefixes.append(self.advance())
            else:
                break
        node = self.postfix()
        for token in reversed(prefixes):
            op = _PREFIX[token.text]
            if op == "-" and isinstance(node, Literal) and type(node.value) in (int, float):
                node = Literal(token.pos, node.depth, -node.value)  # type: ignore[operator]
            else:
                node = self.checked(Unary(token.pos, node.depth + 1, op, node))
        return node

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            if self.at("."):
                self.advance()
                token = self.peek()
                if token.kind != "ident":
                    hint = f" (use ['{token.text}'] for a reserved word)" if token.kind == "keyword" else ""
                    raise self.error(f"expected a property name after '.' but found {_describe(token)}{hint}")
                self.advance()
                if self.at("("):
                    args = self.arguments()
                    depth = 1 + max([node.depth, *(a.depth for a in args)])
                    node = MethodCall(token.pos, depth, node, token.text, args)
                else:
                    node = Property(token.pos, node.depth + 1, node, token.text)
            elif self.at("["):
                bracket = self.advance()
                key = self.expression()
                self.expect("]", "']'")
                if self.at("("):
                    args = self.arguments()
                    depth = 1 + max([node.depth, key.depth, *(a.depth for a in args)])
                    node = MethodCall(bracket.pos, depth, node, key, args)
                else:
                    node = Index(bracket.pos, 1 + max(node.depth, key.depth), node, key)
            else:
                return node
            node = self.checked(node)

    def primary(self) -> Node:
        token = self.peek()
        kind = token.kind
        if kind in ("int", "float", "string"):
            self.advance()
            return Literal(token.pos, 1, token.value)
        if kind == "keyword" and token.text in _LITERAL_KEYWORDS:
            self.advance()
            return Literal(token.pos, 1, _LITERAL_KEYWORDS[token.text])
        if kind == "op" and token.text == "(":
            self.advance()
            node = self.expression()
            self.expect(")", "')'")
            return node
        if kind == "ident":
            return self.identifier_or_function()
        if kind == "end":
            raise self.error("expected an expression but found '}' (end of expression)", token)
        raise self.error(f"expected an expression but found {_describe(token)}", token)

    def identifier_or_function(self) -> Node:
        token = self.advance()
        following = self.peek()
        if (
            following.kind == "op"
            and following.text == ":"
            and self.peek(1).kind == "ident"
            and self.peek(2).kind == "op"
            and self.peek(2).text == "("
        ):
            self.advance()
            name = self.advance()
            args = self.arguments()
            depth = 1 + max([0, *(a.depth for a in args)])
            return self.checked(FunctionCall(token.pos, depth, token.text, name.text, args))
        if following.kind == "op" and following.text == "(":
            args = self.arguments()
            depth = 1 + max([0, *(a.depth for a in args)])
            return self.checked(FunctionCall(token.pos, depth, "", token.text, args))
        return Identifier(token.pos, 1, token.text)

    def arguments(self) -> tuple[Node, ...]:
        self.expect("(")
        args: list[Node] = []
        if self.at(")"):
            self.advance()
            return ()
        while True:
            args.append(self.expression())
            token = self.peek()
            if token.kind == "op" and token.text == ",":
                self.advance()
                continue
            if token.kind == "op" and token.text == ")":
                self.advance()
                return tuple(args)
            raise self.error(f"expected ',' or ')' but found {_describe(token)}", token)

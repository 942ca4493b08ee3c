"""The protocol through which Python objects are exposed to expressions, deliberately and by name.

Expressions never reach arbitrary Python attributes. A class that wants to be usable from JUEL subclasses
:class:`JuelObject` and lists what JUEL may touch::

    class Lx(JuelObject):
        juel_type_name = "lx"
        juel_properties = {"factsheet": "factsheet"}        # JUEL name -> Python attribute
        juel_methods = {"toOrdinal": "to_ordinal"}           # JUEL name -> Python method

Anything not listed is "not found", exactly like a missing Java bean property or method.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar

from .errors import JuelEvaluationError

__all__ = ["JuelObject"]


class JuelObject:
    """Base class of Python objects that expressions may read properties of and call methods on."""

    #: Name used in messages ("method 'x' not found on <name>").
    juel_type_name: ClassVar[str] = "Object"
    #: JUEL property name -> Python attribute name.
    juel_properties: ClassVar[Mapping[str, str]] = {}
    #: JUEL method name -> Python method name.
    juel_methods: ClassVar[Mapping[str, str]] = {}

    def juel_get(self, name: str) -> Any:
        """The value of property ``name``; unknown names raise :class:`JuelEvaluationError`."""
        attribute = self.juel_properties.get(name)
        if attribute is None:
            raise JuelEvaluationError(f"property '{name}' not found on {self.juel_type_name}")
        return getattr(self, attribute)

    def juel_call(self, name: str, args: tuple[Any, ...]) -> Any:
        """Calls method ``name``; unknown names raise :class:`JuelEvaluationError`."""
        attribute = self.juel_methods.get(name)
        if attribute is None:
            raise JuelEvaluationError(f"method '{name}' not found on {self.juel_type_name}")
        kind: type = type(self)  # as plain ``type``: mypy reads a class's own __hash__ as unbound
        accepted = _argument_counts(kind, attribute)
        if accepted is not None and not accepted[0] <= len(args) <= accepted[1]:
            low, high = accepted
            if low == high:
                wanted = str(low)
            elif high == float("inf"):
                wanted = f"at least {low}"
            else:
                wanted = f"{low} to {int(high)}"
            raise JuelEvaluationError(
                f"method '{name}' on {self.juel_type_name} takes {wanted} argument(s), got {len(args)}",
            )
        return getattr(self, attribute)(*args)

    def juel_str(self) -> str:
        """The text of this object where a string is needed (Java's ``toString()``)."""
        return self.juel_type_name


@lru_cache(maxsize=512)
def _argument_counts(kind: type, attribute: str) -> tuple[int, float] | None:
    """How many positional arguments a method accepts (None when its signature cannot be read)."""
    try:
        signature = inspect.signature(inspect.getattr_static(kind, attribute).__get__(None, kind))
    except (TypeError, ValueError, AttributeError):
        return None
    low, high = 0, 0.0
    parameters = list(signature.parameters.values())
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    for parameter in parameters:
        if parameter.kind is parameter.VAR_POSITIONAL:
            high = float("inf")
        elif parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            high += 1
            if parameter.default is parameter.empty:
                low += 1
    return low, high

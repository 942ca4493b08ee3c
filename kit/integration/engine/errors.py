"""Errors the engine raises instead of predicting: an LDIF no configuration accepts, a configuration that
cannot be compiled. Everything that goes wrong *during* a run is a Warning record, never an exception."""

from __future__ import annotations

from kit.errors import LxkitError

__all__ = ["BindingError", "ConfigurationError", "EngineError"]


class EngineError(LxkitError):
    """Base class of the offline evaluator's errors."""


class BindingError(EngineError):
    """The LDIF cannot be bound to any of the given processor configurations (says which key differs)."""


class ConfigurationError(EngineError):
    """A processor configuration the engine cannot compile; ``problems`` lists ``(json path, message)``."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = [f"{path}: {message}" for path, message in problems]
        head = "The processor configuration cannot be evaluated"
        super().__init__(head + (":\n  " + "\n  ".join(lines) if lines else "."))

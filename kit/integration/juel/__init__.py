"""JUEL (JSR-245 Unified EL) as SAP LeanIX's Integration API evaluates it: compile once, evaluate many times.

    >>> from kit.integration.juel import compile_template, evaluate
    >>> evaluate("${data.app} - ${data.version}", {"data": {"app": "CRM", "version": 2.0}})
    'CRM - 2.0'
    >>> template = compile_template("${data.name.toUpperCase()}")
    >>> template.evaluate({"data": {"name": "crm"}})
    'CRM'

The context maps top-level names (``data``, ``content``, ``header``, ``lx``, ``variables``,
``integration``, ...) to JSON-like values. ``variables`` may be a :class:`Variables` or a plain dict of
lists; ``integration`` an :class:`Integration` or a plain dict (both are wrapped automatically).
Expressions only reach Java-like methods on plain values and what a :class:`JuelObject` declares.
"""

from __future__ import annotations

from .budget import RegexTimeout, regex_budget, set_regex_budget
from .coercion import coerce_to_boolean, coerce_to_string
from .errors import JuelError, JuelEvaluationError, JuelSyntaxError
from .functions import FUNCTIONS
from .integration import BookmarkResolver, Integration, TagResolver
from .objects import JuelObject
from .regex import compile_java_regex, java_matches, java_replace_all, java_replace_first, java_split
from .template import Template, compile_template, evaluate
from .variables import VariableList, Variables

__all__ = [
    "FUNCTIONS",
    "BookmarkResolver",
    "Integration",
    "JuelError",
    "JuelEvaluationError",
    "JuelObject",
    "JuelSyntaxError",
    "RegexTimeout",
    "TagResolver",
    "Template",
    "VariableList",
    "Variables",
    "coerce_to_boolean",
    "coerce_to_string",
    "compile_java_regex",
    "compile_template",
    "evaluate",
    "java_matches",
    "java_replace_all",
    "java_replace_first",
    "java_split",
    "regex_budget",
    "set_regex_budget",
]

"""Inputs with clear errors: LDIFs, processor configurations and the JSON positions of their values.

    >>> from kit.integration.inputs import load_config
    >>> config = load_config("config.json")          # doctest: +SKIP
    InputError: config.json: 1 problem in this processor configuration
      config.json:29:7 processors[0].filters: unknown key 'filters' in processors[0]; did you mean 'filter'?; fix: rename 'filters' to 'filter'
    >>> config.document.where("processors[0].updates[0]")   # doctest: +SKIP
    'config.json:31:9 (processors[0].updates[0])'

Loaders collect every problem before raising one :class:`InputError`; :func:`check_config` and
:func:`check_ldif` return the same problems without raising (the linter uses them).
"""

from __future__ import annotations

from .config import ProcessorConfig, check_config, load_config
from .document import Document, read_document
from .issues import InputError, Issue, Problem
from .ldif import Ldif, check_ldif, load_ldif
from .paths import format_path, parse_path
from .schema import COMMENT_KEYS, PROCESSOR_TYPES, SHAPES

__all__ = [
    "COMMENT_KEYS",
    "PROCESSOR_TYPES",
    "SHAPES",
    "Document",
    "InputError",
    "Issue",
    "Ldif",
    "Problem",
    "ProcessorConfig",
    "check_config",
    "check_ldif",
    "format_path",
    "load_config",
    "load_ldif",
    "parse_path",
    "read_document",
]

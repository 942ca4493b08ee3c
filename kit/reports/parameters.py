"""Report parameters from the command line and from YAML files, typed the way the notebook will see them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from kit.errors import LxkitError

__all__ = ["parse_value", "read_parameters_file"]


class _NoDates(yaml.SafeLoader):
    """YAML without implicit dates: ``2026-11-01`` stays the string the notebook's parameter declares."""


_NoDates.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_value(text: str) -> Any:
    """``-p NAME VALUE``: VALUE as JSON when it parses (``14``, ``true``, ``["Application"]``), else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_parameters_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A YAML mapping of parameter names to values; the error names the file and the problem."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_NoDates)  # noqa: S506 - a SafeLoader
    except (OSError, yaml.YAMLError) as exc:
        raise LxkitError(f"cannot read parameters from {path}: {exc}") from None
    if not isinstance(data, dict):
        raise LxkitError(
            f"{path} must hold a mapping of parameter names to values, not {type(data).__name__}"
        )
    return data

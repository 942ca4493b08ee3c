"""Errors in one map: every error class of the kit is exported from ``kit``, drawn in the tree in
``kit/errors.py`` under its real parent, and listed in the README's "Errors" section."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import kit
import kit.errors

README = Path(__file__).resolve().parents[1] / "README.md"

# Written by hand from the tree in kit/errors.py: the parent of each error class.
PARENTS = {
    "ConfigError": "LxkitError",
    "LeanIXError": "LxkitError",
    "AuthenticationError": "LeanIXError",
    "PermissionDenied": "LeanIXError",
    "NotFound": "LeanIXError",
    "BadRequest": "LeanIXError",
    "RateLimited": "LeanIXError",
    "ServerError": "LeanIXError",
    "ConnectionFailed": "LeanIXError",
    "TLSError": "ConnectionFailed",
    "GraphQLError": "LeanIXError",
    "FieldPermissionError": "GraphQLError",
    "InconsistentRead": "LeanIXError",
    "RunTimeout": "LeanIXError",
    "MetaModelError": "LxkitError",
    "UnknownFactSheetType": "MetaModelError",
    "UnknownField": "MetaModelError",
    "RecordShapeError": "LxkitError",
    "SnapshotError": "LxkitError",
    "OutputError": "LxkitError",
    "InputError": "LxkitError",
    "JuelError": "LxkitError",
    "JuelSyntaxError": "JuelError",
    "JuelEvaluationError": "JuelError",
    "RegexTimeout": "JuelEvaluationError",
    "EngineError": "LxkitError",
    "BindingError": "EngineError",
    "ConfigurationError": "EngineError",
    "FacetError": "LxkitError",
    "DeletionScopeError": "LxkitError",
    "DeletionsNotConfirmed": "LxkitError",
    "ReportError": "LxkitError",
    "ParameterError": "ReportError",
    "ReportFailed": "LxkitError",
    "ReportAlerted": "LxkitError",
    "AlertFileError": "LxkitError",
    "ScheduleError": "LxkitError",
    "NotifyError": "LxkitError",
    "CallbackError": "LxkitError",
    "NotebookNotFound": "LxkitError",
    "SandboxError": "LxkitError",
    "StoreError": "LxkitError",
    "KpiError": "LxkitError",
    "PublishError": "KpiError",
}


def _all_subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _defined_errors() -> set[type]:
    """Every public LxkitError subclass defined anywhere in ``kit/`` (all modules imported first)."""
    for module in pkgutil.walk_packages(kit.__path__, "kit."):
        if module.name != "kit.__main__":
            importlib.import_module(module.name)
    return {
        c
        for c in _all_subclasses(kit.LxkitError)
        if c.__module__.startswith("kit.") and not c.__name__.startswith("_")
    }


def _exported_errors() -> dict[str, type]:
    return {
        name: value
        for name in kit.__all__
        if isinstance(value := getattr(kit, name), type) and issubclass(value, kit.LxkitError)
    }


def _tree() -> dict[str, str | None]:
    """The tree in the docstring of kit/errors.py as {class name: parent name} (the root's parent None)."""
    parents: dict[str, str | None] = {}
    path: list[str] = []
    for line in kit.errors.__doc__.splitlines():
        if line.strip() == "LxkitError":
            parents["LxkitError"], path = None, ["LxkitError"]
            continue
        found = re.match(r"^ {4}((?:│ {3}| {4})*)[├└]── (\w+)", line)
        if found is None or not path:
            continue
        depth = len(found.group(1)) // 4 + 1
        del path[depth:]
        parents[found.group(2)] = path[-1]
        path.append(found.group(2))
    return parents


def _readme_errors() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n### Errors\n", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"`([A-Z]\w*)`", section))


def test_the_parents_written_here_are_the_classes_parents():
    exported = _exported_errors()
    assert set(exported) == {"LxkitError", *PARENTS}
    for name, parent in PARENTS.items():
        assert exported[name].__bases__[0].__name__ == parent, name


def test_every_error_class_of_the_kit_is_exported_from_kit():
    defined = _defined_errors()
    exported = _exported_errors()
    not_exported = sorted(
        f"{c.__module__}.{c.__name__}" for c in defined if exported.get(c.__name__) is not c
    )
    assert not_exported == [], f"export these from kit (kit/__init__.py, __all__): {not_exported}"
    assert {c.__name__ for c in defined} | {"LxkitError"} == set(exported)


def test_the_tree_in_kit_errors_draws_every_class_under_its_parent():
    assert _tree() == {"LxkitError": None, **PARENTS}


def test_the_readme_lists_exactly_the_exported_errors():
    assert _readme_errors() == set(_exported_errors())
    assert {"NotFound", "PermissionDenied", "UnknownFactSheetType", "StoreError"} <= _readme_errors()


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("NotFound", "kit.client"),
        ("UnknownFactSheetType", "kit.leanix"),
        ("JuelSyntaxError", "kit.integration.juel"),
        ("ReportFailed", "kit.reports"),
        ("NotebookNotFound", "kit.reports"),
    ],
)
def test_the_exported_class_is_the_one_its_package_raises(name, module):
    assert getattr(importlib.import_module(module), name) is getattr(kit, name)


def test_one_except_catches_a_404():
    with pytest.raises(kit.LeanIXError) as caught:
        raise kit.NotFound("GET /x: 404", status=404, url="http://127.0.0.1/x")
    assert isinstance(caught.value, kit.LxkitError) and caught.value.status == 404

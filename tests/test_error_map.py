"""The error map in ``kit/errors.py`` names every error class the kit defines (one place to see them all)."""

import importlib
import pkgutil

import kit
import kit.errors


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_error_class_is_on_the_map():
    for module in pkgutil.walk_packages(kit.__path__, "kit."):
        if module.name != "kit.__main__":
            importlib.import_module(module.name)
    errors = {c.__name__ for c in _all_subclasses(kit.LxkitError) if c.__module__.startswith("kit.")}
    errors = {name for name in errors if not name.startswith("_")}
    assert {"InconsistentRead", "TLSError", "SnapshotError", "DeletionsNotConfirmed"} <= errors
    missing = sorted(name for name in errors if name not in kit.errors.__doc__)
    assert missing == [], f"add these to the error map in kit/errors.py: {missing}"

"""An ordered set of KPIs with unique names: :class:`Catalogue` and :func:`default_catalogue`."""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kit.metrics.kpi import Kpi, KpiError, Threshold

if TYPE_CHECKING:
    import pandas as pd

    from kit.metrics.inventory import Inventory

__all__ = ["Catalogue", "default_catalogue"]


class Catalogue:
    """KPIs in the order they were added; a name may appear once (a second one raises, naming both)."""

    def __init__(self, kpis: Iterable[Kpi] = ()) -> None:
        self._kpis: dict[str, Kpi] = {}
        for kpi in kpis:
            self.add(kpi)

    def __repr__(self) -> str:
        return f"Catalogue({len(self)} KPIs: {', '.join(self.names)})"

    def __iter__(self) -> Iterator[Kpi]:
        return iter(list(self._kpis.values()))

    def __len__(self) -> int:
        return len(self._kpis)

    def __contains__(self, name: object) -> bool:
        return name in self._kpis

    def __getitem__(self, name: str) -> Kpi:
        found = self._kpis.get(name)
        if found is None:
            raise KpiError(f"There is no KPI {name!r} in the catalogue.{_hint(name, self.names)}")
        return found

    @property
    def names(self) -> list[str]:
        return list(self._kpis)

    def add(self, kpi: Kpi) -> Kpi:
        """Add ``kpi``; a KPI of the same name already here raises :class:`KpiError` naming both."""
        if not isinstance(kpi, Kpi):
            raise KpiError(f"A catalogue holds Kpi objects, not {kpi!r}; declare it with Kpi(name=..., ...).")
        old = self._kpis.get(kpi.name)
        if old is not None:
            raise KpiError(
                f"KPI {kpi.name!r} is declared twice: {old.title!r} ({old.where}) and {kpi.title!r} "
                f"({kpi.where}); rename one of them, or select the other out first."
            )
        self._kpis[kpi.name] = kpi
        return kpi

    def kpi(
        self,
        name: str | None = None,
        *,
        title: str = "",
        description: str | None = None,
        unit: str = "count",
        higher_is_better: bool | None = None,
        dimensions: tuple[str, ...] = (),
        threshold: Threshold | None = None,
        behind: Callable[[Inventory], pd.DataFrame] | None = None,
        version: str = "1",
    ) -> Callable[[Callable[[Inventory], Any]], Kpi]:
        """Decorator: declare the function as a KPI (named after it; its docstring is the description) and
        add it. The decorated name becomes the :class:`Kpi`, which stays callable with an inventory."""

        def declare(compute: Callable[[Inventory], Any]) -> Kpi:
            doc = " ".join((compute.__doc__ or "").split())
            return self.add(
                Kpi(
                    name=name or str(getattr(compute, "__name__", "")),
                    compute=compute,
                    title=title,
                    description=doc if description is None else description,
                    unit=unit,
                    higher_is_better=higher_is_better,
                    dimensions=dimensions,
                    threshold=threshold,
                    behind=behind,
                    version=version,
                )
            )

        return declare

    def load(self, source: str | os.PathLike[str]) -> Catalogue:
        """Add every module-level :class:`Kpi` of a Python file (``"my_kpis.py"``) or an importable module
        (``"team.kpis"``), in the order the module defines them; returns the catalogue."""
        module = _import(source)
        found = [v for v in vars(module).values() if isinstance(v, Kpi)]
        if not found:
            raise KpiError(
                f"{source}: defines no Kpi at module level; declare them as `name = Kpi(...)` or with "
                "@catalogue.kpi(...)."
            )
        seen: set[int] = set()
        for kpi in found:
            if id(kpi) not in seen:
                seen.add(id(kpi))
                self.add(kpi)
        return self

    def select(self, names: Iterable[str]) -> Catalogue:
        """A new catalogue of the KPIs named, in the order given."""
        if isinstance(names, str):
            names = [names]
        return Catalogue(self[n] for n in names)


def _import(source: str | os.PathLike[str]) -> ModuleType:
    text = os.fspath(source)
    path = Path(text)
    if text.endswith(".py") or os.sep in text or path.exists():
        if not path.is_file():
            raise KpiError(f"{text}: there is no such Python file; give a .py file or a module name.")
        key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        name = f"_lxkit_kpis_{path.stem}_{key}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise KpiError(f"{text}: cannot be loaded as a Python module.")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pickling look modules up by name
        try:
            spec.loader.exec_module(module)
        except KpiError:
            raise
        except Exception as exc:
            sys.modules.pop(name, None)
            raise KpiError(f"{text}: loading it raised {type(exc).__name__}: {exc}") from exc
        return module
    try:
        return importlib.import_module(text)
    except KpiError:
        raise
    except ImportError as exc:
        raise KpiError(f"{text!r}: no such module or .py file ({exc}).") from exc
    except Exception as exc:
        raise KpiError(f"{text}: importing it raised {type(exc).__name__}: {exc}") from exc


def _hint(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3)
    if close:
        return f" Did you mean {', '.join(repr(c) for c in close)}?"
    return f" It has: {', '.join(names) or 'none'}."


def default_catalogue(tag_groups: Iterable[str] | None = None) -> Catalogue:
    """The default KPIs of an EA team's monthly review (:mod:`kit.metrics.defaults`); ``tag_groups``: the
    tag groups ``tag_coverage`` reports on (default: every group that appears on applications)."""
    from kit.metrics.defaults import default_kpis

    groups = None if tag_groups is None else tuple(tag_groups)
    if groups is not None and not all(isinstance(g, str) and g for g in groups):
        raise KpiError(f"default_catalogue(tag_groups={groups!r}): give tag group names as text.")
    return Catalogue(default_kpis(groups))

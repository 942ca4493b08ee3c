"""Base of the processors that write about fact sheets their identifier finds (documents, impacts,
subscriptions): identifier and updates are compiled once; each found fact sheet gets the updates evaluated
with ``lx.*`` read from it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .configuration import Compiler
from .identifiers import IdentifierTemplate
from .metamodel import FieldInfo, FieldModel
from .processor import Processor
from .values import evaluate_updates

__all__ = ["ScopedProcessor"]


class ScopedProcessor(Processor):
    def key_check(self, key: str) -> FieldInfo | str:
        """An update key's FieldInfo, or the text of the warning for a key the family does not know."""
        raise NotImplementedError

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        self.identifier = IdentifierTemplate(raw.get("identifier"), compiler, path + ".identifier")
        if self.identifier.is_empty:
            compiler.problem(path + ".identifier", f"{self.processor_type} needs an identifier")
        self.updates = self.compile_updates(raw, compiler, path, self.key_check)

    def found_values(
        self, run: Any, ctx: dict[str, Any], content_id: Any
    ) -> Iterator[tuple[Any, dict[str, Any]]]:
        """(fact sheet, evaluated update values) for each fact sheet the identifier finds."""
        found = self.identifier.resolve(
            run, self, ctx, content_id, None, may_create=False, optional=self.optional
        )
        if found is None:
            return
        for sheet in found.sheets:
            self.with_lx(run, ctx, sheet)
            try:
                values = {
                    k: v
                    for k, _, v, _ in evaluate_updates(
                        self.updates, run, self, ctx, content_id, self.key_check
                    )
                }
            finally:
                ctx["lx"] = None
            yield sheet, values

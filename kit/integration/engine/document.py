"""``inboundDocument``: create, update or delete documents (links) on fact sheets.

Keys: ``name`` (mandatory: a missing name is a MISSING_KEY error and nothing is written — iAPI fails the
item), ``description``, ``url``, ``origin`` (e.g. CUSTOM_LINK), ``documentType`` (website, jira …),
``metadata``. ``mode``: ``createOrUpdate`` (default; a document is identified by fact sheet + name) or
``delete``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.plan import DocumentWrite

from .configuration import Compiler
from .metamodel import FieldInfo, FieldModel
from .scoped import ScopedProcessor
from .warnings import Category

__all__ = ["DocumentProcessor"]

_KEYS = {
    key: FieldInfo(key, key, None, kind)
    for key, kind in (
        ("name", "STRING"),
        ("description", "STRING"),
        ("url", "STRING"),
        ("origin", "STRING"),
        ("documentType", "STRING"),
        ("metadata", None),
    )
}


def document_key(key: str) -> FieldInfo | str:
    return _KEYS.get(key) or f"Key '{key}' is not supported by inboundDocument (keys: {', '.join(_KEYS)})"


class DocumentProcessor(ScopedProcessor):
    processor_type = "inboundDocument"

    def key_check(self, key: str) -> FieldInfo | str:
        return document_key(key)

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        super().compile(raw, compiler, model, path)
        self.action = "delete" if str(raw.get("mode") or "").lower() == "delete" else "createOrUpdate"

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        for sheet, values in self.found_values(run, ctx, content_id):
            name = values.pop("name", None)
            if name in (None, ""):
                run.warn(
                    self,
                    content_id,
                    Category.MISSING_KEY,
                    "The document name is mandatory; nothing is written",
                    self.path,
                    key="name",
                )
                continue
            run.writes.append(
                DocumentWrite(self.origin(run, item), self.action, sheet.ref, str(name), values)
            )
            run.count_mutation(self)
            if sheet.id is not None:
                run.touched.documents.add((sheet.id, str(name)))
        self.collect_variables(run, ctx, item)

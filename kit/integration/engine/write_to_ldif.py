"""``writeToLdif``: inbound processors that emit an LDIF (iAPI's ``/results``) instead of writing.

Each execution evaluates ``updates`` (OutboundFieldTemplate: ``mode`` ``selectFirst`` (default) or ``list``)
into one content object: key ``content.id`` and ``content.type`` set its id and type (both required, else
MISSING_KEY and no object), every other key goes to ``data`` (a leading ``data.`` is dropped). The output
header copies the input LDIF's ``connectorType``, ``connectorId``, ``connectorVersion``, ``lxVersion``,
``processingDirection`` and ``processingMode``, then applies the root ``targetLdif.ldifKeys``
(``[{"key", "value"}]``, values may be JUEL over ``header``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.juel import JuelEvaluationError

from .configuration import Compiler
from .metamodel import FieldInfo, FieldModel
from .processor import Processor
from .values import evaluate_updates
from .warnings import Category

__all__ = ["LdifHeaderTemplate", "WriteToLdifProcessor"]

_HEADER_KEYS = (
    "connectorType",
    "connectorId",
    "connectorVersion",
    "lxVersion",
    "processingDirection",
    "processingMode",
)


def ldif_key(key: str) -> FieldInfo:
    return FieldInfo(key, key, None, None)


class WriteToLdifProcessor(Processor):
    processor_type = "writeToLdif"

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        self.updates = self.compile_updates(raw, compiler, path, ldif_key)

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        values = {k: v for k, _, v, _ in evaluate_updates(self.updates, run, self, ctx, content_id, ldif_key)}
        out_id = values.pop("content.id", None)
        out_type = values.pop("content.type", None)
        if out_id in (None, "") or out_type in (None, ""):
            missing = "content.id" if out_id in (None, "") else "content.type"
            run.warn(
                self,
                content_id,
                Category.MISSING_KEY,
                f"writeToLdif needs a value for '{missing}'",
                self.path,
                key=missing,
            )
            return
        data = {(key[5:] if key.startswith("data.") else key): value for key, value in values.items()}
        run.output_content.append({"type": str(out_type), "id": str(out_id), "data": data})
        self.collect_variables(run, ctx, item)


class LdifHeaderTemplate:
    """The root ``targetLdif``: header keys of the emitted LDIF."""

    def __init__(self, raw: Any, compiler: Compiler) -> None:
        raw = raw if isinstance(raw, Mapping) else {}
        self.keys = []
        for i, entry in enumerate(raw.get("ldifKeys") or ()):
            if isinstance(entry, Mapping) and entry.get("key"):
                self.keys.append(
                    (
                        str(entry["key"]),
                        compiler.template(entry.get("value"), f"targetLdif.ldifKeys[{i}].value"),
                    )
                )

    def header(self, ldif: Mapping[str, Any], ctx: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """(header, problems)."""
        header = {key: ldif[key] for key in _HEADER_KEYS if key in ldif}
        problems = []
        for key, template in self.keys:
            try:
                header[key] = template.evaluate(ctx) if template is not None else None
            except JuelEvaluationError as exc:
                problems.append(f"targetLdif key '{key}': {exc}")
        return header, problems

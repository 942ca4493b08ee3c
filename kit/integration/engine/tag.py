"""``inboundTag``: assign tags to fact sheets, creating missing tags and tag groups.

Targets come from ``identifier`` (one) or ``factSheets`` (a set: internal ids or external ids, one or a list);
without either the processor only creates tags. Keys: ``name`` (required), ``description``, ``color``,
``group.name`` (none ⇒ "Other tags", group None in the plan), ``group.shortName``, ``group.description``,
``group.mode`` (SINGLE/MULTIPLE), ``group.restrictToFactSheetTypes`` (one value per type), ``tagsReadOnly``.

Rules chosen: a missing tag (or group) is created unless ``tagsReadOnly`` is true (then TAG_NOT_FOUND);
``create_tag``/``create_group`` are set on the first TagWrite that needs them only; a TagWrite with action
``create`` and an empty ``FactSheetRef()`` target means "create, assign nothing". In a SINGLE-mode group
assigning a tag first removes the fact sheet's other tag of that group (a ``remove`` TagWrite). A group
restricted to other fact sheet types is not assigned (TAG_GROUP_RESTRICTED).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.plan import FactSheetRef

from .configuration import Compiler
from .identifiers import IdentifierSetTemplate, IdentifierTemplate
from .metamodel import FieldInfo, FieldModel
from .processor import Processor
from .records import tag_write
from .values import evaluate_values, truthy
from .warnings import Category

__all__ = ["TagProcessor"]

_KEYS = {
    "name": FieldInfo("name", "name", None, "STRING"),
    "description": FieldInfo("description", "description", None, "STRING"),
    "color": FieldInfo("color", "color", None, "STRING"),
    "group.name": FieldInfo("group.name", "group", "name", "STRING"),
    "group.shortName": FieldInfo("group.shortName", "group", "shortName", "STRING"),
    "group.description": FieldInfo("group.description", "group", "description", "STRING"),
    "group.mode": FieldInfo("group.mode", "group", "mode", "SINGLE_SELECT", allowed=("SINGLE", "MULTIPLE")),
    "group.restrictToFactSheetTypes": FieldInfo(
        "group.restrictToFactSheetTypes", "group", "restrictToFactSheetTypes", None, multi=True
    ),
    "tagsReadOnly": FieldInfo("tagsReadOnly", "tagsReadOnly", None, None),
}
#: shared by every TagWrite without details (plan records are read-only)
_NO_DETAILS: dict[str, Any] = {}
_DETAIL_KEYS = (
    "description",
    "color",
    "group.shortName",
    "group.description",
    "group.mode",
    "group.restrictToFactSheetTypes",
)


def _dynamic_names(template: Any) -> frozenset[str]:
    """Names other than data/content/header/variables that an identifier's templates read."""
    if template is None:
        return frozenset()
    names: set[str] = set()
    for slot in type(template).__slots__:
        value = getattr(template, slot, None)
        names |= getattr(value, "identifiers", frozenset())
        if hasattr(value, "dynamic"):  # a search scope
            return frozenset({"search"})
    return frozenset(names - {"data", "content", "header", "variables"})


def tag_key(key: str) -> FieldInfo | str:
    return _KEYS.get(key) or f"Key '{key}' is not supported by inboundTag (keys: {', '.join(_KEYS)})"


class TagProcessor(Processor):
    processor_type = "inboundTag"

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        self.identifier = (
            IdentifierTemplate(raw["identifier"], compiler, path + ".identifier")
            if raw.get("identifier")
            else None
        )
        self.fact_sheets = (
            IdentifierSetTemplate(raw["factSheets"], compiler, path + ".factSheets")
            if raw.get("factSheets")
            else None
        )
        self.updates = self.compile_updates(raw, compiler, path, tag_key)
        self.has_name = any(u.static_key == "name" or u.static_key is None for u in self.updates)
        #: targets depend only on the content item (not on forEach/lx): resolved once per item
        self.targets_per_item = (self.identifier or self.fact_sheets) is not None and not (
            _dynamic_names(self.identifier) | _dynamic_names(self.fact_sheets)
        )
        self._targets: tuple[Any, int, list[Any]] | None = None

    def targets(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> list[Any] | None:
        """The fact sheets to tag (None when they could not be resolved; a warning says why)."""
        cached = self._targets
        if cached is not None and cached[0] is item and cached[1] == run.level:
            return cached[2]
        content_id = item.get("id")
        if self.identifier is not None:
            found = self.identifier.resolve(
                run, self, ctx, content_id, None, may_create=False, optional=self.optional
            )
            targets = found.sheets if found is not None else None
        elif self.fact_sheets is not None:
            targets = self.fact_sheets.resolve(run, self, ctx, content_id, self.optional)
        else:
            targets = []
        if targets is not None and self.targets_per_item:
            self._targets = (item, run.level, targets)
        return targets

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        values: dict[str, Any] = {}
        for update in self.updates:  # evaluate_values, inlined: this runs once per tag of every item
            fast = update.fast
            if fast is not None:
                try:
                    values[update.static_key] = fast(ctx)  # type: ignore[index]  # fast is set only with a static key and FieldInfo
                    continue
                except Exception:
                    pass
            values.update(evaluate_values((update,), run, self, ctx, content_id, tag_key))
        name = values.get("name")
        if not name:
            if not self.has_name:
                run.warn(
                    self,
                    content_id,
                    Category.MISSING_KEY,
                    "inboundTag needs a 'name' key",
                    self.path,
                    key="name",
                )
            return
        group = values.get("group.name") or None
        targets = self.targets(run, ctx, item)
        if targets is None:
            return
        state = run.state
        tag, group_record, single, restricted, tag_id = state.tag_and_group(group, name)
        create_group = group is not None and group_record is None
        create_tag = tag is None
        requests = 0
        if create_tag or create_group:
            if truthy(values.get("tagsReadOnly")):
                run.warn(
                    self,
                    content_id,
                    Category.TAG_NOT_FOUND,
                    f"Tag '{name}' in group '{group or 'Other tags'}' does not exist and tagsReadOnly is set",
                    self.path,
                )
                return
            if create_group:
                group_record = state.create_group(
                    group,
                    values.get("group.mode") or "MULTIPLE",
                    values.get("group.restrictToFactSheetTypes") or [],
                )
                requests += 1
            if create_tag:
                tag = state.create_tag(group, name)
                requests += 1
            if group_record is not None:
                single = str(group_record.get("mode") or "").upper() == "SINGLE"
                restricted = group_record.get("restrictToFactSheetTypes") or ()
        details = (
            {key: values[key] for key in _DETAIL_KEYS if key in values} if len(values) > 2 else _NO_DETAILS
        )
        origin = self.origin(run, item)
        first = True
        writes = run.writes
        touched = run.touched.tags
        key = (group, name)
        for sheet in targets:
            if restricted and sheet.type and sheet.type not in restricted:
                run.warn(
                    self,
                    content_id,
                    Category.TAG_GROUP_RESTRICTED,
                    f"Tag group '{group}' is restricted to {', '.join(restricted)}; not assigned to a {sheet.type}",
                    self.path,
                )
                continue
            if not (single or run.tracks_reads):
                writes.append(
                    tag_write(
                        origin,
                        "add",
                        sheet.ref,
                        group,
                        name,
                        create_tag and first,
                        create_group and first,
                        details,
                    )
                )
                first = False
                requests += 1
                if tag_id is not None and sheet.ref.id is not None:
                    touched.add((sheet.ref.id, tag_id))
                continue
            current = sheet.tags if sheet.tags is not None else sheet.current_tags()
            if single:
                for (other_group, other_name), assigned in list(current.items()):
                    if assigned and other_group == group and other_name != name:
                        writes.append(tag_write(origin, "remove", sheet.ref, group, other_name))
                        current[(other_group, other_name)] = False
                        requests += 1
            if first:
                writes.append(
                    tag_write(origin, "add", sheet.ref, group, name, create_tag, create_group, details)
                )
                first = False
            else:
                writes.append(tag_write(origin, "add", sheet.ref, group, name, False, False, details))
            requests += 1
            current[key] = True
            if tag_id is not None and sheet.ref.id is not None:
                touched.add((sheet.ref.id, tag_id))
        if first and (create_tag or create_group):
            writes.append(
                tag_write(origin, "create", FactSheetRef(), group, name, create_tag, create_group, details)
            )
        self.stats.requests += requests
        if self.variables:
            self.collect_variables(run, ctx, item)

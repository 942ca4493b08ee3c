"""``inboundRelation``: upsert relations (``type`` = connection name as seen from ``from``) with their fields.

Both ends are resolved like identifiers (never created here); a missing end is a FACT_SHEET_NOT_FOUND warning,
or an INFO record when the processor is ``optional`` (nothing is written either way). Relation keys: ``description``, ``activeFrom``/``activeUntil`` (ISO-8601 date or
date-time) and any relation field (written as evaluated). ``constrainingRelations: true`` replaces: at the
end of the run level, the source's existing relations of that type to targets this processor did not write
are deleted (``addConstrainingRelations``, the default, only adds). Touched relations are recorded in both
orientations (``relAToB`` from A and ``relBToA`` from B) so deletion scopes naming either find them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .configuration import Compiler
from .identifiers import IdentifierTemplate
from .metamodel import FieldInfo, FieldModel
from .processor import Processor
from .records import relation_write, sheet_ref
from .values import evaluate_values

__all__ = ["RelationProcessor"]

_RELATION_KINDS = {"activeFrom": "DATETIME", "activeUntil": "DATETIME", "description": "STRING"}


def relation_key(key: str) -> FieldInfo:
    return FieldInfo(key, key, None, _RELATION_KINDS.get(key))


def sheet_key(sheet: Any) -> Any:
    """A hashable identity of a run sheet (id, or type + external id for new/assumed ones)."""
    return sheet.id if sheet.id is not None else (sheet.type, sheet.ref.external)


class RelationProcessor(Processor):
    processor_type = "inboundRelation"

    def compile(self, raw: Mapping[str, Any], compiler: Compiler, model: FieldModel, path: str) -> None:
        self.connection = str(raw.get("type") or "")
        if not self.connection:
            compiler.problem(
                path + ".type", "inboundRelation needs the relation type (e.g. relApplicationToITComponent)"
            )
        self.source = IdentifierTemplate(raw.get("from"), compiler, path + ".from")
        self.target = IdentifierTemplate(raw.get("to"), compiler, path + ".to")
        for end, template in (("from", self.source), ("to", self.target)):
            if template.is_empty:
                compiler.problem(f"{path}.{end}", f"inboundRelation needs '{end}' (internal or external id)")
        self.updates = self.compile_updates(raw, compiler, path, relation_key)
        self.constraining = raw.get("constrainingRelations") is True
        self.model = model
        self._ends: tuple[str | None, str | None, str | None] | None = None

    def ends(self) -> tuple[str | None, str | None, str | None]:
        ends = self._ends
        if ends is None:
            ends = self._ends = self.model.relation_ends(self.connection)
        return ends

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        source_type, target_type, reverse = self.ends()
        sources = self.source.resolve(
            run,
            self,
            ctx,
            content_id,
            source_type,
            may_create=False,
            optional=self.optional,
            role="'from' fact sheet",
        )
        if sources is None:
            return
        targets = self.target.resolve(
            run,
            self,
            ctx,
            content_id,
            target_type,
            may_create=False,
            optional=self.optional,
            role="'to' fact sheet",
        )
        if targets is None:
            return
        origin = self.origin(run, item)
        touched = run.touched.relations
        writes = run.writes
        connection = self.connection
        for source in sources.sheets:
            if self.uses_lx:
                self.with_lx(run, ctx, source)
                try:
                    values = evaluate_values(self.updates, run, self, ctx, content_id, relation_key)
                finally:
                    ctx["lx"] = None
            else:
                values = evaluate_values(self.updates, run, self, ctx, content_id, relation_key)
            added = source.relations_added.get(connection)
            if added is None:
                added = source.relations_added[connection] = {}
            for target in targets.sheets:
                writes.append(
                    relation_write(origin, "upsert", connection, source.ref, target.ref, dict(values))
                )
                self.stats.requests += 1
                added[sheet_key(target)] = target
                if source.id is not None and target.id is not None:
                    touched.add((self.connection, source.id, target.id))
                    if reverse:
                        touched.add((reverse, target.id, source.id))
                if self.constraining:
                    run.constrain(self, source, target)
        if self.variables:
            self.collect_variables(run, ctx, item)

    def finish_level(self, run: Any, kept: dict[Any, tuple[Any, set[Any]]]) -> None:
        """Deletes the relations of constrained sources that this processor did not write."""
        origin = self.origin(run, None)
        for source, targets in kept.values():
            for node in source.existing_relations(self.connection):
                target = node.get("factSheet") or {}
                if target.get("id") in targets:
                    continue
                ref = sheet_ref(target.get("id"), target.get("type"), None)
                run.writes.append(relation_write(origin, "delete", self.connection, source.ref, ref, {}))
                run.count_mutation(self)

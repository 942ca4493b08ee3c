"""What a run would do, as records an applier can replay in order (the sandbox applies them to its store).

The engine produces a :class:`RunPlan`; the preview shows it as DataFrames; a real run in the sandbox applies
it. Each record says which processor wrote it, from which content item, at which run level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kit.integration.view import Touched

__all__ = [
    "DocumentWrite",
    "FactSheetRef",
    "FieldWrite",
    "ImpactWrite",
    "MetricPoint",
    "Origin",
    "RelationWrite",
    "RunPlan",
    "StatusWrite",
    "SubscriptionWrite",
    "TagWrite",
    "ToDoWrite",
]


@dataclass(frozen=True, slots=True)
class Origin:
    level: int
    processor_name: str
    processor_index: int
    content_id: str | None
    content_type: str | None


@dataclass(frozen=True, slots=True)
class FactSheetRef:
    """An existing fact sheet (``id``), or one this run creates: ``type`` + ``external`` (field, value)."""

    id: str | None = None
    type: str | None = None
    external: tuple[str, str] | None = None

    @property
    def is_new(self) -> bool:
        return self.id is None


@dataclass(frozen=True, slots=True)
class FieldWrite:
    """Set one key of a fact sheet (``name``, ``businessCriticality``, ``lifecycle.active``, ``externalId.externalUrl``,
    ``location`` …). ``action`` is ``create`` for the writes that create the fact sheet, else ``update``;
    ``value`` None clears the field; ``before`` is the workspace's value (None when unknown or new)."""

    origin: Origin | None
    target: FactSheetRef
    action: str
    key: str
    value: Any
    before: Any = None


@dataclass(frozen=True, slots=True)
class StatusWrite:
    """``archive`` (mode delete, or a deletion scope) or ``restore`` (matched by internal id while archived)."""

    origin: Origin | None
    target: FactSheetRef
    action: str


@dataclass(frozen=True, slots=True)
class RelationWrite:
    """``upsert`` or ``delete`` a relation ``type`` (connection name as seen from ``source``)."""

    origin: Origin | None
    action: str
    type: str
    source: FactSheetRef
    target: FactSheetRef
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TagWrite:
    """``add`` or ``remove`` the assignment of tag ``tag`` (in ``group``, None = "Other tags");
    ``create_tag``/``create_group`` say the run creates them first (with ``details``: color, mode …)."""

    origin: Origin | None
    action: str
    target: FactSheetRef
    group: str | None
    tag: str
    create_tag: bool = False
    create_group: bool = False
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SubscriptionWrite:
    origin: Origin | None
    action: str  # upsert | delete
    target: FactSheetRef
    user: str  # email
    type: str  # RESPONSIBLE | ACCOUNTABLE | OBSERVER
    roles: tuple[str, ...] = ()
    comment: str | None = None
    new_user: bool = False
    #: role name -> the per-role ``comment`` of a ``subscriptionRoles`` entry (roles without one are absent)
    role_comments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocumentWrite:
    origin: Origin | None
    action: str  # createOrUpdate | delete
    target: FactSheetRef
    name: str
    values: dict[str, Any] = field(default_factory=dict)  # url, description, documentType, origin, metadata


@dataclass(frozen=True, slots=True)
class MetricPoint:
    origin: Origin
    measurement: str
    time: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImpactWrite:
    origin: Origin
    target: FactSheetRef
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ToDoWrite:
    origin: Origin
    target: FactSheetRef | None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunPlan:
    """Everything a run would write, in execution order, plus what it touched and the LDIF it would emit."""

    writes: list[Any] = field(default_factory=list)
    touched: Touched = field(default_factory=Touched)
    output_ldif: dict[str, Any] | None = None

"""Warnings in the Integration API's own ``Warning`` shape, with stable category names.

Every record is ``{"processor": {"name", "index"}, "content": <content id>, "message", "detail",
"category", "status": "WARNING"|"ERROR"|"INFO"}`` (plus ``"debugInfo"`` for processors with ``logLevel: debug``).
``detail`` holds the JSON path of the configuration entry (``processors[0].updates[2]``) or, for expression
errors, the full JUEL error with line and column. iAPI's own category strings are not published; these are
the kit's, kept stable so notebooks can filter:

==========================  =======  ==============================================================
category                    status   when
==========================  =======  ==============================================================
NO_VALUE_FOUND              WARNING  no value (or only null) remained for an update key
FACT_SHEET_NOT_FOUND        WARNING  an identifier matched nothing (and nothing may be created)
FACT_SHEET_TYPE_MISMATCH    WARNING  an internal id points at a fact sheet of another type
WORKSPACE_REQUIRED          WARNING  internal/search identifiers cannot be resolved without a workspace
UNKNOWN_FIELD               WARNING  the key is not a field of the fact sheet type
JUEL_EVALUATION             ERROR    an expression failed; that key/value/processor item is skipped
INVALID_VALUE               ERROR    a value the field cannot take (number, date, select value, enum)
MISSING_KEY                 ERROR    a mandatory key has no value (fact sheet ``name`` on create, document
                                     ``name``, ``subscriptionType``, metric ``measurement`` ...)
SEARCH_MULTIPLE_MATCHES     WARNING  a search identifier found several fact sheets but
                                     ``multipleMatchesAllowed`` is false (nothing is updated)
TAG_NOT_FOUND               WARNING  ``tagsReadOnly`` and the tag does not exist
TAG_GROUP_RESTRICTED        WARNING  the tag group is restricted to other fact sheet types
USER_NOT_FOUND              WARNING  a subscription names a user the workspace does not have
SUBSCRIPTION_CONFLICT       WARNING  an existing ACCOUNTABLE subscription is not replaced
MANY_ITERATIONS             WARNING  ``forEach`` without a filter and without ``allowManyIterations``
==========================  =======  ==============================================================

Levels: a record is an ERROR or a WARNING by its category, or an **INFO** when the processor said the
situation is expected: ``"optional": true`` on a processor turns "fact sheet missing" (FACT_SHEET_NOT_FOUND of
a relation end, tag or subscription target) into an informational message (reference §6.2: "``optional:
true`` turns 'fact sheet missing' warnings into info"; LeanIX's own sync logs carry ``logLevel`` OK, WARNING,
INFO or ERROR, reference §7). Infos are counted apart from warnings and errors (``infos``, the processor's
``stats.infos``) and never count as errors.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CATEGORIES", "INFO", "Category", "WarningLog"]

#: the status of an informational record (an expected situation the processor marked ``optional``)
INFO = "INFO"


class Category:
    NO_VALUE_FOUND = "NO_VALUE_FOUND"
    FACT_SHEET_NOT_FOUND = "FACT_SHEET_NOT_FOUND"
    FACT_SHEET_TYPE_MISMATCH = "FACT_SHEET_TYPE_MISMATCH"
    WORKSPACE_REQUIRED = "WORKSPACE_REQUIRED"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    JUEL_EVALUATION = "JUEL_EVALUATION"
    INVALID_VALUE = "INVALID_VALUE"
    MISSING_KEY = "MISSING_KEY"
    SEARCH_MULTIPLE_MATCHES = "SEARCH_MULTIPLE_MATCHES"
    TAG_NOT_FOUND = "TAG_NOT_FOUND"
    TAG_GROUP_RESTRICTED = "TAG_GROUP_RESTRICTED"
    USER_NOT_FOUND = "USER_NOT_FOUND"
    SUBSCRIPTION_CONFLICT = "SUBSCRIPTION_CONFLICT"
    MANY_ITERATIONS = "MANY_ITERATIONS"


#: category -> status ("WARNING" or "ERROR")
CATEGORIES: dict[str, str] = {
    Category.NO_VALUE_FOUND: "WARNING",
    Category.FACT_SHEET_NOT_FOUND: "WARNING",
    Category.FACT_SHEET_TYPE_MISMATCH: "WARNING",
    Category.WORKSPACE_REQUIRED: "WARNING",
    Category.UNKNOWN_FIELD: "WARNING",
    Category.JUEL_EVALUATION: "ERROR",
    Category.INVALID_VALUE: "ERROR",
    Category.MISSING_KEY: "ERROR",
    Category.SEARCH_MULTIPLE_MATCHES: "WARNING",
    Category.TAG_NOT_FOUND: "WARNING",
    Category.TAG_GROUP_RESTRICTED: "WARNING",
    Category.USER_NOT_FOUND: "WARNING",
    Category.SUBSCRIPTION_CONFLICT: "WARNING",
    Category.MANY_ITERATIONS: "WARNING",
}


class WarningLog:
    """Collects Warning records; honours ``logLevel`` (off: nothing, debug: adds ``debugInfo``)."""

    __slots__ = ("errors_by_processor", "infos", "items", "keys", "level_errors")

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        #: per record in ``items``: the update key or field it is about (None: about no field)
        self.keys: list[str | None] = []
        self.errors_by_processor: dict[int, int] = {}
        self.level_errors = 0
        #: number of INFO records (kept apart from warnings and errors)
        self.infos = 0

    def add(
        self,
        processor: Any,
        content_id: str | None,
        category: str,
        message: str,
        detail: str = "",
        *,
        key: str | None = None,
        info: bool = False,
    ) -> None:
        """Records one warning of ``processor`` (an object with ``name``, ``index``, ``log_off``, ``debug``);
        ``info``: the processor expects this (``optional``), so the record is an INFO, not a warning."""
        if processor.log_off:
            return
        status = INFO if info else CATEGORIES.get(category, "WARNING")
        record: dict[str, Any] = {
            "processor": {"name": processor.name, "index": processor.index},
            "content": content_id,
            "message": message,
            "detail": detail,
            "category": category,
            "status": status,
        }
        if processor.debug:
            record["debugInfo"] = {
                "processorName": processor.name,
                "processorIndex": processor.index,
                "processorType": processor.processor_type,
                "runLevel": processor.level,
                "key": key,
            }
        self.items.append(record)
        self.keys.append(key)
        counters = getattr(processor, "stats", None)
        if status == INFO:
            self.infos += 1
            if counters is not None:
                counters.infos += 1
        elif counters is not None:
            counters.warnings += 1
        if status == "ERROR":
            self.errors_by_processor[processor.index] = self.errors_by_processor.get(processor.index, 0) + 1
            self.level_errors += 1

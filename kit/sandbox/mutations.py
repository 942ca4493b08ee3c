"""Pathfinder mutations in the sandbox: resolvers, and all-or-nothing execution of a mutation request.

See ``docs/sandbox.md`` §2 for the contract. A request runs in one :meth:`Store.transaction`; each mutation
field in it runs in a savepoint of its own (so ``validateOnly: true`` undoes just that one). If any field
fails, the whole request is undone. With several mutation fields the answer is LeanIX's since July 2025
(https://help.sap.com/docs/leanix/ea/api-updates-graphql-error-handling): ``data`` null, the failing fields'
errors and ``Error in Request. Transaction is rolled back!``; with one, ``{"<field>": null}`` and its error,
as the relations page shows (https://help.sap.com/docs/leanix/ea/managing-relations-between-fact-sheets).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute_sync,
)

from kit.sandbox.documents import DOCUMENT_RESOLVERS
from kit.sandbox.patches import PatchError, apply_patches, find_user, role_ids
from kit.sandbox.store import EMPTY_CONNECTION, Store, StoreError

if TYPE_CHECKING:
    from kit.sandbox.graphql_api import PathfinderGraphQL

__all__ = ["ROLLED_BACK", "attach", "execute_mutation", "is_mutation"]

ROLLED_BACK = "Error in Request. Transaction is rolled back!"
_LOG_CURSOR = "lxkit-log:"


class _Context:
    """What mutation resolvers are given as ``info.context`` (``api`` like the query context)."""

    __slots__ = ("api",)

    def __init__(self, api: PathfinderGraphQL) -> None:
        self.api = api


def _error(
    error: PatchError | StoreError | str, error_type: str = "BUSINESS_LOGIC", **extra: Any
) -> GraphQLError:
    """A GraphQL error with LeanIX's ``extensions`` (``errorType``; ``objectId``/``objectPath`` when known)."""
    if isinstance(error, PatchError):
        message, error_type = error.message, error.error_type
        if error.path:
            extra["objectPath"] = error.path
    else:
        message = str(error)
        if isinstance(error, StoreError):
            error_type = "MODEL_COMPLIANT"
    return GraphQLError(message, extensions={"errorType": error_type, **extra})


def _snapshot(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a record that keeps its current values after the store undoes changes (``validateOnly``)."""
    out = dict(rec)
    for key, value in rec.items():
        if isinstance(value, dict) and "edges" in value and value is not EMPTY_CONNECTION:
            out[key] = {"totalCount": value["totalCount"], "edges": list(value["edges"])}
        elif isinstance(value, list):
            out[key] = list(value)
    return out


def _guarded(resolve: Callable[..., Any]) -> Callable[..., Any]:
    """Run a resolver in a savepoint; ``validateOnly: true`` undoes it after answering, errors become
    LeanIX-shaped GraphQL errors."""

    def run(root: Any, info: Any, **args: Any) -> Any:
        store: Store = info.context.api.store
        try:
            with store.transaction() as tx:
                result = resolve(store, **args)
                if args.get("validateOnly"):
                    result = _snapshot(result) if isinstance(result, Mapping) else result
                    if isinstance(result, Mapping) and isinstance(result.get("factSheet"), Mapping):
                        result = {**result, "factSheet": _snapshot(result["factSheet"])}
                    tx.rollback()
                return result
        except (PatchError, StoreError) as error:
            raise _error(error) from None

    return run


# -- resolvers -----------------------------------------------------------------------------------------------


def _create_factsheet(
    store: Store,
    input: Mapping[str, Any],  # noqa: A002 - LeanIX's argument name
    patches: Sequence[Mapping[str, Any]] | None = None,
    validateOnly: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    name = str(input.get("name") or "").strip()
    if not name:
        raise PatchError("A fact sheet needs a name: give input {name, type}.", "MODEL_COMPLIANT", "/name")
    rec = store.add_factsheet(str(input["type"]), name)
    apply_patches(store, rec["id"], patches)
    return {"factSheet": rec}


def _update_factsheet(
    store: Store,
    id: str,  # noqa: A002
    patches: Sequence[Mapping[str, Any]],
    rev: int | None = None,
    comment: str | None = None,
    validateOnly: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    rec = store.factsheet(id)
    if rec is None:
        raise PatchError(f"Fact sheet with id '{id}' does not exist.", "NOT_FOUND")
    if rev is not None and int(rev) != rec["rev"]:
        raise PatchError(
            f"Fact sheet '{id}' was changed in the meantime: the request gives rev {rev}, its current rev is "
            f"{rec['rev']}. Read it again and send its current rev.",
            "BUSINESS_LOGIC",
        )
    apply_patches(store, id, patches, comment=comment)
    return {"factSheet": rec}


def _upsert_tag_group(
    store: Store,
    name: str,
    shortName: str | None = None,  # noqa: N803
    description: str | None = None,
    mode: str | None = None,
    restrictToFactSheetTypes: Sequence[str] | None = None,  # noqa: N803
    mandatory: bool | None = None,
) -> dict[str, Any]:
    return store.upsert_tag_group(
        name,
        mode=mode,
        short_name=shortName,
        description=description,
        restrict_to=restrictToFactSheetTypes,
        mandatory=mandatory,
    )


def _upsert_tag(
    store: Store,
    name: str,
    tagGroupName: str | None = None,  # noqa: N803
    description: str | None = None,
    color: str | None = None,
) -> dict[str, Any]:
    if tagGroupName and not any(g["name"] == tagGroupName for g in store.tag_groups.values()):
        raise PatchError(
            f"Tag group '{tagGroupName}' does not exist; create it with upsertTagGroup.", "NOT_FOUND"
        )
    return store.upsert_tag(name, group_name=tagGroupName, description=description, color=color)


def _find_subscription(store: Store, sub_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for rec in store.factsheets():
        conn = rec["subscriptions"]
        if conn is not EMPTY_CONNECTION:
            for edge in conn["edges"]:
                if edge.node["id"] == sub_id:
                    return rec, edge.node
    raise PatchError(f"Subscription with id '{sub_id}' does not exist.", "NOT_FOUND")


def _create_subscription(
    store: Store,
    factSheetId: str,  # noqa: N803
    user: Mapping[str, Any],
    type: str,  # noqa: A002
    roleIds: Sequence[str] | None = None,  # noqa: N803
    validateOnly: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    if store.factsheet(factSheetId) is None:
        raise PatchError(f"Fact sheet with id '{factSheetId}' does not exist.", "NOT_FOUND")
    found = find_user(store, user)
    ids, _ = role_ids(store, [{"id": r} for r in roleIds or ()])
    return store.subscribe(factSheetId, found["id"], type, ids)


def _update_subscription(
    store: Store,
    id: str,  # noqa: A002
    user: Mapping[str, Any] | None = None,
    type: str | None = None,  # noqa: A002
    roles: Sequence[Mapping[str, Any]] | None = None,
    validateOnly: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    rec, sub = _find_subscription(store, id)
    if user is not None and find_user(store, user) is not sub["user"]:
        raise PatchError("A subscription's user cannot change; delete it and create one for the other user.")
    if roles is None:
        return store.update_subscription(rec["id"], id, type=type)
    ids, comments = role_ids(store, roles)
    return store.update_subscription(rec["id"], id, type=type, role_ids=ids, role_comments=comments)


def _delete_subscription(
    store: Store,
    id: str,  # noqa: A002
    validateOnly: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    rec, _ = _find_subscription(store, id)
    store.unsubscribe(rec["id"], id)
    return rec


def _all_log_events(
    _root: Any,
    info: Any,
    factSheetId: str | None = None,  # noqa: N803
    eventTypes: Sequence[str] | None = None,  # noqa: N803
    first: int | None = None,
    after: str | None = None,
) -> dict[str, Any]:
    events = info.context.api.store.events.query(factSheetId, eventTypes)
    start = _log_offset(after) + 1
    end = len(events) if first is None else min(len(events), start + max(first, 0))
    edges = [{"node": events[i], "cursor": _log_cursor(i)} for i in range(start, end)]
    return {
        "totalCount": len(events),
        "pageInfo": {"hasNextPage": end < len(events), "endCursor": edges[-1]["cursor"] if edges else None},
        "edges": edges,
    }


def _log_cursor(offset: int) -> str:
    return base64.b64encode(f"{_LOG_CURSOR}{offset}".encode()).decode()


def _log_offset(cursor: str | None) -> int:
    if not cursor:
        return -1
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith(_LOG_CURSOR):
            return int(text[len(_LOG_CURSOR) :])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise GraphQLError(
        f"Invalid cursor '{cursor}' for allLogEvents: pass the endCursor of the previous page."
    )


_RESOLVERS: dict[str, Callable[..., Any]] = {
    "createFactSheet": _create_factsheet,
    "updateFactSheet": _update_factsheet,
    "upsertTagGroup": _upsert_tag_group,
    "upsertTag": _upsert_tag,
    "createSubscription": _create_subscription,
    "updateSubscription": _update_subscription,
    "deleteSubscription": _delete_subscription,
    **DOCUMENT_RESOLVERS,
}


def attach(schema: GraphQLSchema) -> None:
    """Set the resolvers of the ``Mutation`` type's fields (and of the reads declared beside them)."""
    mutation = schema.mutation_type
    if mutation is not None:
        for name, resolve in _RESOLVERS.items():
            if name in mutation.fields:
                mutation.fields[name].resolve = _guarded(resolve)
    query = schema.query_type
    if query is not None and "allLogEvents" in query.fields:
        query.fields["allLogEvents"].resolve = _all_log_events


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            return definition
    return None


def is_mutation(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation the request selects is a mutation."""
    operation = _operation(document, operation_name)
    return operation is not None and operation.operation is OperationType.MUTATION


def _type_of(value: Any, _info: Any, _abstract: Any) -> str:
    return str(value["__typename"])


def execute_mutation(
    api: PathfinderGraphQL,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> dict[str, Any]:
    """Run a mutation request as one transaction; the answer is ``{"data": ..., "errors": [...]}``."""
    operation = _operation(document, operation_name)
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)] if operation else []
    store = api.store
    with store.transaction() as tx:
        result = execute_sync(
            api.schema,
            document,
            context_value=_Context(api),
            variable_values=variables,
            operation_name=operation_name,
            type_resolver=_type_of,
        )
        if result.errors:
            tx.rollback()
    out: dict[str, Any] = {"data": result.data}
    if result.errors:
        errors = [e.formatted for e in result.errors]
        if len(fields) > 1:
            out["data"] = None
            errors.append({"message": ROLLED_BACK, "path": [], "extensions": {"errorType": "BUSINESS_LOGIC"}})
        out["errors"] = errors
    return out

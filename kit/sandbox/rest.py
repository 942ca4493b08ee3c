"""Pathfinder REST and MTM user endpoints of the sandbox (the ones public clients call).

See ``docs/sandbox.md`` §4 for the contract. :data:`ROUTES` is added to the server's route table.

Shapes follow the models of LeanIX's Java SDK (``leanix/leanix-sdk-java``, generated from Pathfinder's
OpenAPI file): a fact sheet answer is a ``FactSheetResponse`` ``{status, type, data, errorMessage, errors}``,
a page of them a ``FactSheetListResponse`` ``{status, type, message, errors, total, data, cursor}``; in
``data`` the type's fields are a list of ``{name, data: {type: "StringValue" | "SingleSelect" | "Lifecycle" |
..., ...}}``, tags carry their colour as ``bgColor``, subscriptions name their user by ``userId`` and their
roles (with the per-subscription comment) as ``linkedRoles``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from email.message import Message
from typing import TYPE_CHECKING, Any

from kit.leanix.metamodel import FieldDef, FieldKind, MetaModel, RelationDef
from kit.sandbox.errors import ApiError
from kit.sandbox.request_parts import Query, int_param, param

if TYPE_CHECKING:
    from kit.sandbox.server import Sandbox
    from kit.sandbox.store import Store

__all__ = [
    "ROUTES",
    "data_model",
    "factsheet_data",
    "get_factsheet",
    "get_user",
    "list_factsheets",
]

PATHFINDER = "/services/pathfinder/v1"
MTM = "/services/mtm/v1"
DEFAULT_PAGE_SIZE = 40
MAX_PAGE_SIZE = 5000
Answer = tuple[int, Any]

# The ``data.type`` of a field value (Java SDK ``LxField`` subtypes) per field kind.
_VALUE_TYPE = {
    FieldKind.STRING: "StringValue",
    FieldKind.SINGLE_SELECT: "SingleSelect",
    FieldKind.MULTIPLE_SELECT: "MultipleSelect",
    FieldKind.DOUBLE: "DoubleValue",
    FieldKind.INTEGER: "IntegerValue",
    FieldKind.DATE: "DateValue",
    FieldKind.LIFECYCLE: "Lifecycle",
    FieldKind.EXTERNALID: "ExternalId",
}


# -- shapes --------------------------------------------------------------------------------------------------
def _field_value(fdef: FieldDef, value: Any) -> dict[str, Any]:
    """One ``FieldnameAndData`` entry: ``{name, data: {type, ...}}`` for a set value."""
    kind = fdef.kind
    data: dict[str, Any] = {"type": _VALUE_TYPE.get(kind, "StringValue")}
    if kind is FieldKind.SINGLE_SELECT:
        data["keyword"] = value
    elif kind is FieldKind.MULTIPLE_SELECT:
        data["values"] = list(value)
    elif kind is FieldKind.LIFECYCLE:
        data["phases"] = [{"phase": p["phase"], "startDate": p["startDate"]} for p in value["phases"]]
    elif kind is FieldKind.EXTERNALID:
        data.update({k: value.get(k) for k in ("externalId", "externalUrl", "comment", "status")})
    else:
        data["value"] = value
    return {"name": fdef.name, "data": data}


def _is_set(value: Any) -> bool:
    return value is not None and value != [] and value != ()


def _tag(tag: Mapping[str, Any]) -> dict[str, Any]:
    group = tag["tagGroup"]
    return {
        "id": tag["id"],
        "name": tag["name"],
        "description": tag["description"],
        "bgColor": tag["color"],
        "status": tag["status"],
        "tagGroup": None
        if group is None
        else {
            k: (list(group[k]) if k == "restrictToFactSheetTypes" else group[k])
            for k in (
                "id",
                "name",
                "shortName",
                "description",
                "mandatory",
                "mode",
                "restrictToFactSheetTypes",
            )
        },
    }


def _subscription(sub: Mapping[str, Any]) -> dict[str, Any]:
    roles = sub["roles"] or ()
    return {
        "id": sub["id"],
        "userId": sub["user"]["id"],
        "type": sub["type"],
        "linkedRoles": [
            {"roleId": r["id"], "name": r["name"], "description": r["description"], "comment": r["comment"]}
            for r in roles
        ],
        "roles": [
            {
                "id": r["id"],
                "name": r["name"],
                "subscriptionType": r["subscriptionType"],
                "restrictToFactSheetTypes": list(r["restrictToFactSheetTypes"]),
            }
            for r in roles
        ],
    }


def _document(doc_id: str, name: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("description", "url", "origin", "documentType", "metadata", "refId", "createdAt")
    return {"id": doc.get("id") or doc_id, "name": name, **{k: doc.get(k) for k in keys}}


def _reference(rec: Mapping[str, Any]) -> dict[str, Any]:
    """The other end of a relation: enough to name and link it (the full fact sheet would recurse)."""
    return {k: rec[k] for k in ("id", "name", "displayName", "fullName", "type", "status")}


def _relation(
    rec: Mapping[str, Any], conn: str, rdef: RelationDef, node: Mapping[str, Any]
) -> dict[str, Any]:
    target = node["factSheet"]
    extra = [
        _field_value(f, node[f.name])
        for f in rdef.fields
        if f.name not in ("activeFrom", "activeUntil") and _is_set(node.get(f.name))
    ]
    return {
        "id": node["id"],
        "type": conn,
        "fromId": rec["id"],
        "toId": target["id"],
        "typeFromFS": rec["type"],
        "typeToFS": target["type"],
        "displayNameToFS": target["displayName"],
        "activeFrom": node.get("activeFrom"),
        "activeUntil": node.get("activeUntil"),
        "activeFromPresent": node.get("activeFrom") is not None,
        "activeUntilPresent": node.get("activeUntil") is not None,
        "status": "ACTIVE",
        "fields": extra,
        "naFields": [],
        "constrainingRelations": [],
        "idsOfConstrainingRelations": [],
        "factSheet": _reference(target),
    }


def factsheet_data(
    store: Store,
    rec: Mapping[str, Any],
    *,
    relation_types: Iterable[str] | None = None,
    fields: Iterable[str] | None = None,
    documents: bool = True,
) -> dict[str, Any]:
    """A store record as the ``data`` of a ``FactSheetResponse``.

    ``relation_types`` (connection names of the record's type) limits the relations listed (None: all);
    ``fields`` limits the ``fields`` list to those names (None: every set field); unset fields are left out.
    """
    mm = store.metamodel
    type_name = rec["type"]
    wanted = None if fields is None else set(fields)
    values = []
    if rec["category"] is not None and (wanted is None or "category" in wanted):
        values.append(_field_value(FieldDef("category", FieldKind.SINGLE_SELECT), rec["category"]))
    for fdef in mm.type(type_name).fields:
        if (wanted is None or fdef.name in wanted) and _is_set(rec[fdef.name]):
            values.append(_field_value(fdef, rec[fdef.name]))
    conns = mm.relations_of(type_name)
    names = list(conns) if relation_types is None else [n for n in relation_types if n in conns]
    relations = [
        _relation(rec, name, conns[name], edge["node"]) for name in names for edge in rec[name]["edges"]
    ]
    docs = store.documents.get(rec["id"], {}) if documents else {}
    return {
        "id": rec["id"],
        "name": rec["name"],
        "displayName": rec["displayName"],
        "fullName": rec["fullName"],
        "description": rec["description"],
        "type": type_name,
        "status": rec["status"],
        "level": rec["level"],
        "rev": rec["rev"],
        "qualitySealStatus": rec["qualitySeal"],
        "lxState": rec["lxState"],
        "createdAt": rec["createdAt"],
        "updatedAt": rec["updatedAt"],
        "completion": {
            "completion": rec["completion"]["completion"],
            "percentage": rec["completion"]["percentage"],
        },
        "permissions": {"self": list(rec["permissions"]["self"])},
        "tags": [_tag(t) for t in rec["tags"]],
        "fields": values,
        "relations": relations,
        "documents": [_document(f"{rec['id']}/{n}", n, d) for n, d in docs.items()],
        "subscriptions": [_subscription(e["node"]) for e in rec["subscriptions"]["edges"]],
        "naFields": [],
    }


def _field_definition(fdef: FieldDef, phases: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": fdef.kind.value, "mandatory": fdef.name == "name"}
    if fdef.is_select:
        out["values"] = list(fdef.values)
    elif fdef.kind is FieldKind.LIFECYCLE:
        out["values"] = list(phases)
    return out


def _relation_key(rdef: RelationDef) -> str:
    """Key of a relation in the data model: its name, or ``rel<Type>ToParent`` for a type's hierarchy (the
    connection name ``relToParent`` is the same on every hierarchical type)."""
    return f"rel{rdef.source}ToParent" if rdef.name == "relToParent" else rdef.name


def data_model(mm: MetaModel) -> dict[str, Any]:
    """The meta model as the ``data`` of ``GET /models/dataModel``: ``factSheets`` (fields by name, relation
    connection names) and ``relations`` (from/to ends with their connection names, relation fields)."""
    phases = mm.lifecycle_phases
    fact_sheets: dict[str, Any] = {}
    relations: dict[str, Any] = {}
    for tdef in mm.types:
        own = [FieldDef("name", FieldKind.STRING), FieldDef("description", FieldKind.STRING)]
        if tdef.categories:
            own.append(FieldDef("category", FieldKind.SINGLE_SELECT, tuple(tdef.categories)))
        conns = mm.relations_of(tdef.name)
        fact_sheets[tdef.name] = {
            "fields": {f.name: _field_definition(f, phases) for f in (*own, *tdef.fields)},
            "relations": list(conns),
            "config": {"hierarchical": tdef.hierarchical},
        }
        for rdef in conns.values():
            if rdef.name == "relToChild":
                continue
            if rdef.source != tdef.name or (rdef.name != "relToParent" and rdef not in mm.relations):
                continue
            relations[_relation_key(rdef)] = {
                "from": {"factSheetType": rdef.source, "name": rdef.name, "multiplicity": "MULTIPLE"},
                "to": {
                    "factSheetType": rdef.target,
                    "name": rdef.reverse_name,
                    "multiplicity": "SINGLE" if rdef.name == "relToParent" else "MULTIPLE",
                },
                "fields": {f.name: _field_definition(f, phases) for f in rdef.fields},
                "constrainingRelations": [],
                "constraints": [],
            }
    external = {"externalId": {"readOnly": False, "quickSearch": True, "fullTextSearch": True}}
    return {
        "factSheets": fact_sheets,
        "relations": relations,
        "validators": {},
        "externalIdFields": external,
    }


# -- envelopes -------------------------------------------------------------------------------------------------
def _not_found(message: str) -> ApiError:
    """LeanIX's ``FactSheetResponse`` for an error: status ERROR, no data, the reason in ``errorMessage``."""
    return ApiError(
        404,
        {
            "status": "ERROR",
            "type": "FactSheet",
            "data": None,
            "errorMessage": message,
            "errors": [{"value": None, "messages": [message]}],
        },
    )


def _bad_list_request(message: str) -> ApiError:
    return ApiError(
        400,
        {
            "status": "ERROR",
            "type": "FactSheet",
            "message": message,
            "errors": [{"value": None, "messages": [message]}],
            "total": 0,
            "data": [],
            "cursor": None,
        },
    )


def _names(query: Query, key: str) -> list[str] | None:
    """A list parameter, repeated (``?k=a&k=b``) or comma separated (``?k=a,b``); None when absent."""
    values = query.get(key)
    if not values:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _flag(query: Query, key: str, default: bool) -> bool:
    value = param(query, key)
    return default if value is None else value.strip().lower() == "true"


# -- handlers --------------------------------------------------------------------------------------------------
def get_factsheet(sandbox: Sandbox, query: Query, body: bytes, headers: Message, fs_id: str) -> Answer:
    """``GET /services/pathfinder/v1/factSheets/{id}`` (archived ones too, as LeanIX's REST API)."""
    with sandbox.lock:
        rec = sandbox.store.factsheet(fs_id)
        if rec is None:
            raise _not_found(
                f"Fact sheet with id '{fs_id}' does not exist in workspace {sandbox.store.workspace_name!r}."
            )
        data = factsheet_data(
            sandbox.store,
            rec,
            relation_types=_names(query, "relationTypes"),
            fields=_names(query, "fields"),
            documents=_flag(query, "documents", True),
        )
    return 200, {"status": "OK", "type": "FactSheet", "data": data, "errorMessage": None, "errors": []}


def _cursor_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind != "offset" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_list_request(
            f"Query parameter 'cursor' is not a cursor this endpoint gave out ({cursor!r}); "
            "start without one and pass the 'cursor' of the previous page."
        ) from None


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def list_factsheets(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    """``GET /services/pathfinder/v1/factSheets?type=&pageSize=&cursor=&relationTypes=&fields=&archivedOnly=``.

    Fact sheets in creation order; ``cursor`` in the answer continues after this page (null on the last).
    Relations are listed only for the ``relationTypes`` asked for (a page of every relation would be huge).
    """
    store = sandbox.store
    types = _names(query, "type")
    unknown = [t for t in types or () if not store.metamodel.has_type(t)]
    if unknown:
        raise _bad_list_request(
            f"Unknown fact sheet type(s) in query parameter 'type': {', '.join(unknown)}; "
            f"known types: {', '.join(store.metamodel.type_names)}."
        )
    size = int_param(query, "pageSize", DEFAULT_PAGE_SIZE)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise _bad_list_request(
            f"Query parameter 'pageSize' must be between 1 and {MAX_PAGE_SIZE}, got {size}."
        )
    offset = _cursor_offset(param(query, "cursor"))
    status = "ARCHIVED" if _flag(query, "archivedOnly", False) else "ACTIVE"
    relation_types = _names(query, "relationTypes") or []
    fields = _names(query, "fields")
    documents = _flag(query, "documents", True)
    with sandbox.lock:
        pools: list[Iterable[dict[str, Any]]] = (
            [store.factsheets(t) for t in types] if types else [store.factsheets()]
        )
        matches = [r for pool in pools for r in pool if r["status"] == status]
        page = matches[offset : offset + size]
        data = [
            factsheet_data(store, r, relation_types=relation_types, fields=fields, documents=documents)
            for r in page
        ]
    more = offset + size < len(matches)
    return 200, {
        "status": "OK",
        "type": "FactSheet",
        "message": None,
        "errors": [],
        "total": len(matches),
        "data": data,
        "cursor": _cursor(offset + size) if more else None,
    }


def get_data_model(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    """``GET /services/pathfinder/v1/models/dataModel`` (LeanIX's ``DataModelDefinitionResponse``)."""
    return 200, {
        "status": "OK",
        "type": "DataModel",
        "message": None,
        "errors": [],
        "total": None,
        "data": data_model(sandbox.store.metamodel),
    }


def get_user(
    sandbox: Sandbox, query: Query, body: bytes, headers: Message, workspace_id: str, user_id: str
) -> Answer:
    """``GET /services/mtm/v1/workspaces/{workspaceId}/users/{userId}``: a user of the workspace (or the
    technical user the sandbox's tokens belong to); 404 for another workspace or an unknown user."""
    store = sandbox.store
    if workspace_id != store.workspace_id:
        raise _user_not_found(
            f"No workspace with id '{workspace_id}'; this sandbox serves '{store.workspace_id}'."
        )
    with sandbox.lock:
        user = store.users.get(user_id)
        if user is not None:
            data = {k: user[k] for k in ("id", "userName", "email", "firstName", "lastName", "displayName")}
            data.update(technicalUser=user["technicalUser"], status="ACTIVE", role="MEMBER")
        elif user_id == sandbox.issuer.user_id:
            name = "lxkit-sandbox-technical-user"
            data = {
                "id": user_id,
                "userName": name,
                "email": None,
                "firstName": None,
                "lastName": None,
                "displayName": name,
                "technicalUser": True,
                "status": "ACTIVE",
                "role": "ADMIN",
            }
        else:
            raise _user_not_found(f"No user with id '{user_id}' in workspace '{workspace_id}'.")
    return 200, {"status": "OK", "type": "User", "message": None, "errors": [], "data": data}


def _user_not_found(message: str) -> ApiError:
    return ApiError(404, {"status": "ERROR", "type": "User", "message": message, "errors": [], "data": None})


ROUTES: list[tuple[str, str, bool, Callable[..., Any]]] = [
    ("GET", f"{PATHFINDER}/factSheets", True, list_factsheets),
    ("GET", f"{PATHFINDER}/factSheets/(?P<fs_id>[^/]+)", True, get_factsheet),
    ("GET", f"{PATHFINDER}/models/dataModel", True, get_data_model),
    ("GET", f"{MTM}/workspaces/(?P<workspace_id>[^/]+)/users/(?P<user_id>[^/]+)", True, get_user),
]
"""(method, path pattern, needs auth, handler(sandbox, query, body, headers, **path_groups))."""

"""A small hand-written workspace and processor builders for the removal counts (tests and corpus).

Applications CRM (a-1), ERP (a-2), HR (a-3), Fax (a-4), ITComponents DB (i-1) and Web (i-2).

* CRM relates to DB (r-1) and Web (r-2), carries tag Dev of the single-select group Stage and tag Legacy
  (Other tags), a RESPONSIBLE subscription of ann@example.com (s-1) and the documents Runbook (d-1) and
  Wiki (d-2).
* ERP and HR carry tag PILOT of the multi-select group Pilot; ERP relates to Web (r-3) and has the document
  Spec (d-3); HR has an OBSERVER subscription of bob@example.com (s-2).
* Fax has nothing else.

The processor builders below act on CRM and Fax; :func:`tag_scope` selects ERP and HR: so their removals
add up without interacting.
"""

from __future__ import annotations

from typing import Any

from kit.sources import NodesView
from tests.builders import EXTERNAL, Inputs

INPUTS = Inputs("rmv", "rmv-1")
HEADER = INPUTS.header
config = INPUTS.config
ldif = INPUTS.ldif
GROUPS = {
    "Stage": {"id": "g-stage", "name": "Stage", "mode": "SINGLE", "restrictToFactSheetTypes": []},
    "Pilot": {"id": "g-pilot", "name": "Pilot", "mode": "MULTIPLE", "restrictToFactSheetTypes": []},
}
TAGS = {
    "Dev": {"id": "t-dev", "name": "Dev", "tagGroup": GROUPS["Stage"]},
    "Prod": {"id": "t-prod", "name": "Prod", "tagGroup": GROUPS["Stage"]},
    "PILOT": {"id": "t-pilot", "name": "PILOT", "tagGroup": GROUPS["Pilot"]},
    "Legacy": {"id": "t-legacy", "name": "Legacy", "tagGroup": None},
}
USERS = {
    "ann": {"id": "u-1", "email": "ann@example.com", "userName": "ann"},
    "bob": {"id": "u-2", "email": "bob@example.com", "userName": "bob"},
}


def _connection(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"totalCount": len(nodes), "edges": [{"node": n} for n in nodes]}


def records() -> list[dict[str, Any]]:
    def sheet(fs_id: str, fs_type: str, ext: str, name: str, tags: list[str] = (), **extra: Any):
        return {
            "id": fs_id,
            "type": fs_type,
            "name": name,
            "displayName": name,
            "status": "ACTIVE",
            "externalId": {"externalId": ext},
            "tags": [TAGS[t] for t in tags],
            "subscriptions": _connection([]),
            "documents": _connection([]),
            **extra,
        }

    def ref(fs_id: str, fs_type: str, name: str) -> dict[str, Any]:
        return {"id": fs_id, "type": fs_type, "name": name}

    crm, erp = ref("a-1", "Application", "CRM"), ref("a-2", "Application", "ERP")
    db, web = ref("i-1", "ITComponent", "DB"), ref("i-2", "ITComponent", "Web")
    to_it, to_app = "relApplicationToITComponent", "relITComponentToApplication"
    return [
        sheet(
            "a-1",
            "Application",
            "crm",
            "CRM",
            ["Dev", "Legacy"],
            **{to_it: _connection([{"id": "r-1", "factSheet": db}, {"id": "r-2", "factSheet": web}])},
            subscriptions=_connection(
                [{"id": "s-1", "type": "RESPONSIBLE", "user": USERS["ann"], "roles": []}]
            ),
            documents=_connection(
                [
                    {"id": "d-1", "name": "Runbook", "documentType": "documentation"},
                    {"id": "d-2", "name": "Wiki", "documentType": "website"},
                ]
            ),
        ),
        sheet(
            "a-2",
            "Application",
            "erp",
            "ERP",
            ["PILOT"],
            **{to_it: _connection([{"id": "r-3", "factSheet": web}])},
            documents=_connection([{"id": "d-3", "name": "Spec", "documentType": "documentation"}]),
        ),
        sheet(
            "a-3",
            "Application",
            "hr",
            "HR",
            ["PILOT"],
            **{to_it: _connection([])},
            subscriptions=_connection([{"id": "s-2", "type": "OBSERVER", "user": USERS["bob"], "roles": []}]),
        ),
        sheet("a-4", "Application", "fax", "Fax", **{to_it: _connection([])}),
        sheet("i-1", "ITComponent", "db", "DB", **{to_app: _connection([{"id": "r-1", "factSheet": crm}])}),
        sheet(
            "i-2",
            "ITComponent",
            "web",
            "Web",
            **{to_app: _connection([{"id": "r-2", "factSheet": crm}, {"id": "r-3", "factSheet": erp}])},
        ),
    ]


def view() -> NodesView:
    return NodesView(records(), tag_groups=GROUPS.values(), tags=TAGS.values(), users=USERS.values())


def update(key: str, *values: str) -> dict[str, Any]:
    return {"key": {"expr": key}, "values": [{"expr": v} for v in values]}


def item(content_id: str, content_type: str, **data: Any) -> dict[str, Any]:
    return {"id": content_id, "type": content_type, "data": data}


def archive_apps(name: str = "Drop apps", content_type: str = "Drop") -> dict[str, Any]:
    """inboundFactSheet in mode delete: archives the Application whose external id is the content id."""
    return {
        "processorType": "inboundFactSheet",
        "processorName": name,
        "type": "Application",
        "mode": "delete",
        "filter": {"exactType": content_type},
        "identifier": EXTERNAL,
    }


def delete_relations(name: str = "Drop relations", content_type: str = "Unlink") -> dict[str, Any]:
    """inboundRelation in mode delete: data.app (external id) → data.it (external id)."""
    return {
        "processorType": "inboundRelation",
        "processorName": name,
        "type": "relApplicationToITComponent",
        "mode": "delete",
        "run": 1,
        "filter": {"exactType": content_type},
        "from": {"external": {"id": {"expr": "${data.app}"}, "type": {"expr": "externalId"}}},
        "to": {"external": {"id": {"expr": "${data.it}"}, "type": {"expr": "externalId"}}},
    }


def _on_app(processor_type: str, name: str, content_type: str, *updates: dict[str, Any], **extra: Any):
    return {
        "processorType": processor_type,
        "processorName": name,
        "run": 1,
        "filter": {"exactType": content_type},
        "identifier": {"external": {"id": {"expr": "${data.app}"}, "type": {"expr": "externalId"}}},
        "updates": list(updates),
        **extra,
    }


def delete_tags(name: str = "Drop tags", content_type: str = "Untag", grouped: bool = True) -> dict[str, Any]:
    """inboundTag in mode delete: removes tag data.tag (of group data.group; ``grouped=False``: Other tags)."""
    updates = [update("name", "${data.tag}")]
    if grouped:
        updates.append(update("group.name", "${data.group}"))
    return _on_app("inboundTag", name, content_type, *updates, mode="delete")


def set_stage(name: str = "Stage", content_type: str = "Stage") -> dict[str, Any]:
    """inboundTag assigning a tag of the single-select group Stage (removes the group's other tag)."""
    return _on_app(
        "inboundTag", name, content_type, update("name", "${data.tag}"), update("group.name", "Stage")
    )


def delete_subscriptions(
    name: str = "Drop subscriptions", content_type: str = "Unsubscribe"
) -> dict[str, Any]:
    return _on_app(
        "inboundSubscription",
        name,
        content_type,
        update("user", "${data.user}"),
        update("subscriptionType", "RESPONSIBLE"),
        mode="delete",
    )


def delete_documents(name: str = "Drop documents", content_type: str = "Undocument") -> dict[str, Any]:
    return _on_app("inboundDocument", name, content_type, update("name", "${data.doc}"), mode="delete")


def tag_scope(tag: str = "PILOT", ratio: float = 101, kind: str = "factSheets") -> dict[str, Any]:
    """A deletion scope of ``kind`` narrowed to the Applications tagged ``tag`` (the documented safety net)."""
    scope = {
        "facetFilters": [
            {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]},
            {
                "facetKey": "${integration.tags.getTagGroupId('Pilot')}",
                "operator": "OR",
                "keys": [f"${{integration.tags.getTagId('Pilot','{tag}')}}"],
            },
        ],
        "ids": [],
    }
    return {"maximumDeletionRatio": {kind: ratio}, kind: [{"scope": scope}]}

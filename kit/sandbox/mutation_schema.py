"""SDL of Pathfinder's mutations (and the reads that belong to them, like ``allLogEvents``).

Appended to :func:`kit.sandbox.schema.build_sdl`'s output; see ``docs/sandbox.md`` §2 for the shapes. Argument
and type names are those of the SAP LeanIX documentation's examples, so they validate unchanged:
``createFactSheet(input: BaseFactSheetInput!, patches: [Patch])``, ``updateFactSheet(id:, rev:, comment:,
patches: [Patch]!, validateOnly:)``, ``upsertTagGroup(name:, mode:, restrictToFactSheetTypes:)``,
``upsertTag(name:, tagGroupName:, description:, color:)``, ``createSubscription(factSheetId:, user: {id},
type:, roleIds:)``, ``updateSubscription(id:, user:, type:, roles: [{id, comment}])``,
``deleteSubscription(id:)``, ``createDocument(factSheetId:, name:, url:, description:, documentType:)``,
``updateDocument(id:, patches:)``, ``deleteDocument(id:)`` and ``allLogEvents(factSheetId:, eventTypes: QUALITY_SEAL_APPROVED)``.
"""

from __future__ import annotations

from kit.leanix.metamodel import MetaModel
from kit.sandbox.event_log import EVENT_TYPES

__all__ = ["mutation_sdl"]

_SDL = """
enum PatchOperation { add replace remove }
input Patch { op: PatchOperation! path: String! value: String }
input BaseFactSheetInput { name: String! type: FactSheetType! }
type FactSheetResult { factSheet: BaseFactSheet }
input UserInput { id: ID email: String }
input SubscriptionRoleInput { id: ID! comment: String }

type Mutation {
  createFactSheet(input: BaseFactSheetInput!, patches: [Patch], validateOnly: Boolean): FactSheetResult
  updateFactSheet(id: ID!, rev: Long, comment: String, patches: [Patch]!, validateOnly: Boolean): FactSheetResult
  upsertTagGroup(name: String!, shortName: String, description: String, mode: TagGroupMode,
                 restrictToFactSheetTypes: [FactSheetType], mandatory: Boolean): TagGroup
  upsertTag(name: String!, tagGroupName: String, description: String, color: String): Tag
  createSubscription(factSheetId: ID!, user: UserInput!, type: SubscriptionType!, roleIds: [ID],
                     validateOnly: Boolean): Subscription
  updateSubscription(id: ID!, user: UserInput, type: SubscriptionType, roles: [SubscriptionRoleInput],
                     validateOnly: Boolean): Subscription
  deleteSubscription(id: ID!, validateOnly: Boolean): BaseFactSheet
  createDocument(factSheetId: ID!, name: String!, url: String, description: String, documentType: String,
                 origin: String, metadata: String, refId: String, validateOnly: Boolean): Document
  updateDocument(id: ID!, patches: [Patch]!, validateOnly: Boolean): Document
  deleteDocument(id: ID!, validateOnly: Boolean): Document
}

enum EventType { %(event_types)s }
type LogEvent {
  id: ID!
  eventType: EventType
  path: String
  oldValue: String
  newValue: String
  message: String
  secondsPast: Long
  createdAt: String
  user: User
  factSheetId: ID
}
type LogEventEdge { node: LogEvent cursor: String }
type LogEventConnection { totalCount: Int! pageInfo: PageInfo! edges: [LogEventEdge] }

extend type Query {
  allLogEvents(factSheetId: ID, eventTypes: [EventType], first: Int, after: String): LogEventConnection
}
"""


def mutation_sdl(metamodel: MetaModel) -> str:
    """The ``Mutation`` type, its input types and result types, and ``allLogEvents``, for ``metamodel``
    (the fact sheet types come in through the ``FactSheetType`` enum the base schema declares)."""
    del metamodel
    return _SDL % {"event_types": " ".join(EVENT_TYPES)}

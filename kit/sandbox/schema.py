"""LeanIX's Pathfinder schema as SDL, generated from the meta model (never listed by hand)."""

from __future__ import annotations

from kit.leanix.metamodel import FieldDef, FieldKind, MetaModel, RelationDef
from kit.sandbox.mutation_schema import mutation_sdl
from kit.sandbox.store import SUBSCRIPTION_TYPES

__all__ = ["build_sdl", "relation_type_name"]

_SCALAR_OF_KIND = {
    FieldKind.STRING: "String",
    FieldKind.DOUBLE: "Float",
    FieldKind.INTEGER: "Int",
    FieldKind.DATE: "Date",
    FieldKind.LIFECYCLE: "Lifecycle",
    FieldKind.EXTERNALID: "ExternalId",
}

_BASE_FIELDS = """
  id: ID!
  name: String
  displayName: String
  fullName: String
  description: String
  type: String
  category: String
  rev: Long
  status: FactSheetStatus
  level: Int
  qualitySeal: String
  lxState: FactSheetLxState
  createdAt: String
  updatedAt: String
  completion: FactSheetCompletion
  permissions: FactSheetPermissions
  tags: [Tag]
  naFields: [String]
  subscriptions(filter: SubscriptionFilter): SubscriptionConnection
  documents: DocumentConnection
  comments(filter: CommentFilter): CommentConnection"""

_FIXED_SDL = """
schema { query: Query mutation: Mutation }

scalar Long
scalar Date

enum FactSheetStatus { ACTIVE ARCHIVED }
enum FactSheetLxState { APPROVED BROKEN_QUALITY_SEAL DRAFT REJECTED }
enum TagGroupMode { SINGLE MULTIPLE }
enum SubscriptionType { %(subscription_types)s }
enum FacetFilterOperator { AND OR NOR }
enum SortOrder { asc desc }
enum SortMode { BY_FIELD BY_LIFECYCLE_LAST_PHASE }
enum DateFilterType { RANGE POINT TODAY END_OF_MONTH END_OF_YEAR }
enum RelationFieldsFilterOperator { INCLUSIVE EXCLUSIVE }

type PageInfo { hasNextPage: Boolean! endCursor: String }
type FactSheetCompletion { completion: Float percentage: Int }
type FactSheetPermissions { self: [String] create: Boolean read: Boolean update: Boolean delete: Boolean }
type Lifecycle { asString: String phases: [LifecyclePhase] }
type LifecyclePhase { phase: String startDate: String milestoneId: ID }
type ExternalId { externalId: String externalUrl: String comment: String status: String }

type TagGroup {
  id: ID!
  name: String
  shortName: String
  description: String
  mode: TagGroupMode
  restrictToFactSheetTypes: [FactSheetType]
  mandatory: Boolean
  tags: TagConnection
}
type Tag { id: ID! name: String description: String color: String status: String tagGroup: TagGroup }
type TagEdge { node: Tag cursor: String }
type TagConnection { totalCount: Int! pageInfo: PageInfo! edges: [TagEdge] }
type TagGroupEdge { node: TagGroup cursor: String }
type TagGroupConnection { totalCount: Int! pageInfo: PageInfo! edges: [TagGroupEdge] }

type User {
  id: ID!
  userName: String
  email: String
  firstName: String
  lastName: String
  displayName: String
  technicalUser: Boolean
  permission: UserPermission
}
type UserPermission { id: ID role: String status: String workspaceId: ID }
type SubscriptionRole {
  id: ID!
  name: String
  description: String
  comment: String
  subscriptionType: SubscriptionType
  restrictToFactSheetTypes: [FactSheetType]
}
type SubscriptionRoleEdge { node: SubscriptionRole cursor: String }
type SubscriptionRoleConnection { totalCount: Int! pageInfo: PageInfo! edges: [SubscriptionRoleEdge] }
type Subscription {
  id: ID!
  type: SubscriptionType
  user: User
  roles: [SubscriptionRole]
  createdAt: String
  factSheet: BaseFactSheet
}
type SubscriptionEdge { node: Subscription }
type Document {
  id: ID!
  name: String
  description: String
  url: String
  origin: String
  documentType: String
  metadata: String
  refId: String
  createdAt: String
  factSheetId: ID
}
type DocumentEdge { node: Document cursor: String }
type DocumentConnection { totalCount: Int! edges: [DocumentEdge] }
enum CommentStatus { ACTIVE CLOSED }
input CommentFilter { status: CommentStatus }
type Comment {
  id: ID!
  message: String
  status: CommentStatus
  createdAt: String
  author: User
  replies: [Comment]
  factSheetId: ID
}
type CommentEdge { node: Comment cursor: String }
type CommentConnection { totalCount: Int! pageInfo: PageInfo! edges: [CommentEdge] }
type SubscriptionConnection { totalCount: Int! edges: [SubscriptionEdge] }

interface BaseFactSheet {%(base_fields)s
}
type FactSheetEdge { node: BaseFactSheet cursor: String }
type FactSheetConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  edges: [FactSheetEdge]
  filterOptions: FilterOptions
}
type FilterOptions { facets: [Facet] }
type Facet {
  facetKey: String
  possibleOperators: [FacetFilterOperator]
  operator: FacetFilterOperator
  total: Int
  results: [FacetResult]
  dateFilter: DateFilter
  subscriptionFilter: FacetSubscriptionFilter
  relationFieldsFilterOperator: RelationFieldsFilterOperator
  relationFieldsFilter: [RelationFieldsFilter]
}
type FacetResult { name: String key: String count: Int selected: Boolean }
type DateFilter { type: DateFilterType from: String to: String minDate: String maxDate: String }
type FacetSubscriptionFilter { type: SubscriptionType roleId: ID }
type RelationFieldsFilter { fieldName: String values: [RelationFieldValue] }
type RelationFieldValue { key: String selected: Boolean }

input FilterInput {
  facetFilters: [FacetFilterInput]
  fullTextSearch: String
  quickSearch: String
  ids: [ID]
  externalIds: [String]
  responseOptions: ResponseOptions
}
input ResponseOptions { maxFacetDepth: Int }
input FacetFilterInput {
  facetKey: String!
  operator: FacetFilterOperator
  keys: [String]
  dateFilter: DateFilterInput
  relationFieldsFilterOperator: RelationFieldsFilterOperator
  relationFieldsFilter: [RelationFieldsFilterInput]
  subscriptionFilter: SubscriptionFilterInput
}
input SubscriptionFilterInput { type: String roleId: ID }
input SubscriptionFilter { userId: ID type: SubscriptionType }
input DateFilterInput { type: DateFilterType from: String to: String }
input RelationFieldsFilterInput { fieldName: String! values: [String] }
input TagFilter { tagGroupName: String }
input RelationValidityFilter { activeFrom: String activeUntil: String }
enum HierarchyMode { FULL_TREE }
input HierarchyInput { mode: HierarchyMode }
input Sorting { key: String mode: SortMode order: SortOrder }

type Query {
  allFactSheets(first: Int, after: String, factSheetType: FactSheetType, filter: FilterInput, sort: [Sorting],
                hierarchy: HierarchyInput): FactSheetConnection
  factSheet(id: ID!): BaseFactSheet
  allTags(first: Int, after: String, filter: TagFilter): TagConnection
  allTagGroups(first: Int, after: String): TagGroupConnection
  allSubscriptionRoles(first: Int, after: String): SubscriptionRoleConnection
}
"""


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def relation_type_name(owner: str, connection: str) -> str:
    """GraphQL type of a relation node: ``RelApplicationToITComponent``; a connection that does not name its
    owner (``relToParent``, ``relToSuccessor`` …) gets it added: ``RelApplicationToParent``."""
    if connection.startswith("relTo"):
        return f"Rel{owner}{connection[3:]}"
    return _cap(connection)


def _field_sdl(owner: str, fdef: FieldDef, enums: list[str]) -> str:
    if fdef.is_select:
        enum = f"{owner}{_cap(fdef.name)}"
        enums.append(f"enum {enum} {{ {' '.join(fdef.values)} }}")
        return f"{fdef.name}: [{enum}]" if fdef.kind is FieldKind.MULTIPLE_SELECT else f"{fdef.name}: {enum}"
    return f"{fdef.name}: {_SCALAR_OF_KIND[fdef.kind]}"


def _relation_sdl(owner: str, conn: str, rdef: RelationDef, enums: list[str]) -> str:
    """A relation's node, edge and connection types; the node's ``factSheet`` has the target's type (as in
    LeanIX), which is how introspection tells a relation's target."""
    node = relation_type_name(owner, conn)
    fields = "\n".join(f"  {_field_sdl(node, f, enums)}" for f in rdef.fields)
    return (
        f"type {node} {{\n  id: ID!\n  type: String\n{fields}\n  factSheet: {rdef.target}\n}}\n"
        f"type {node}Edge {{ node: {node} }}\n"
        f"type {node}Connection {{ totalCount: Int! edges: [{node}Edge] }}\n"
    )


def build_sdl(metamodel: MetaModel) -> str:
    """The Pathfinder schema (SDL) for a meta model: fixed LeanIX types plus one object type per fact sheet
    type, one enum per select field (values in meta model order) and one connection type per relation."""
    enums: list[str] = [f"enum FactSheetType {{ {' '.join(metamodel.type_names)} }}"]
    parts: list[str] = []
    for tdef in metamodel.types:
        own = "\n".join(f"  {_field_sdl(tdef.name, f, enums)}" for f in tdef.fields)
        rels = metamodel.relations_of(tdef.name)
        conns = "\n".join(
            f"  {c}(validityFilter: RelationValidityFilter): {relation_type_name(tdef.name, c)}Connection"
            for c in rels
        )
        parts.append(f"type {tdef.name} implements BaseFactSheet {{{_BASE_FIELDS}\n{own}\n{conns}\n}}\n")
        parts.extend(_relation_sdl(tdef.name, c, r, enums) for c, r in rels.items())
    fixed = _FIXED_SDL % {"base_fields": _BASE_FIELDS, "subscription_types": " ".join(SUBSCRIPTION_TYPES)}
    return "\n".join([fixed, *enums, *parts, mutation_sdl(metamodel)])

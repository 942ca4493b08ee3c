"""Pathfinder mutations in the sandbox: resolvers, and all-or-nothing execution of a mutation request.

See ``docs/sandbox.md`` §2 for the contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode, OperationType

if TYPE_CHECKING:
    from kit.sandbox.graphql_api import PathfinderGraphQL

__all__ = ["attach", "execute_mutation", "is_mutation"]


def attach(schema: GraphQLSchema) -> None:
    """Set the resolvers of the ``Mutation`` type's fields (and of the reads declared beside them)."""
    del schema


def is_mutation(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation the request selects is a mutation."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            return definition.operation is OperationType.MUTATION
    return False


def execute_mutation(
    api: PathfinderGraphQL,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> dict[str, Any]:
    """Run a mutation request as one transaction; the answer is ``{"data": ..., "errors": [...]}``."""
    del api, document, variables, operation_name
    return {"data": None, "errors": [{"message": "Mutations are not supported yet."}]}

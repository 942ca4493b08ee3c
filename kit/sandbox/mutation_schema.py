"""SDL of Pathfinder's mutations (and the reads that belong to them, like ``allLogEvents``).

Appended to :func:`kit.sandbox.schema.build_sdl`'s output; see ``docs/sandbox.md`` §2 for the shapes.
"""

from __future__ import annotations

from kit.leanix.metamodel import MetaModel

__all__ = ["mutation_sdl"]


def mutation_sdl(metamodel: MetaModel) -> str:
    """The ``Mutation`` type, its input types and result types for ``metamodel``."""
    del metamodel
    return "type Mutation {\n  upsertTag(name: String!, tagGroupName: String, description: String, color: String): Tag\n}\n"

"""What writing and reading share about frames: which relations are a type's own, and concatenation."""

from __future__ import annotations

import pandas as pd


def own_relations(type_name: str, relations: list[str]) -> list[str]:
    """Relations read from this type's side: ``rel<Type>To…`` and ``relToParent`` (not the reverse ones)."""
    return [r for r in relations if r.startswith(f"rel{type_name}To") or r == "relToParent"]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate frames (columns may differ), keeping categoricals categorical with all categories."""
    result = pd.concat(frames, ignore_index=True)
    for column in result.columns:
        parts = [f[column] for f in frames if column in f.columns]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            categories = list(dict.fromkeys(c for p in parts for c in p.cat.categories))
            result[column] = pd.Categorical(
                result[column], categories=categories, ordered=parts[0].cat.ordered
            )
    return result

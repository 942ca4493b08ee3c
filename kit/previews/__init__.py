"""Previews: what a processor configuration would do, shown to people.

Holds :mod:`.preview` (:func:`preview` = load inputs -> :func:`kit.sources.as_source` ->
:func:`kit.integration.predict.predict` -> :class:`Preview`), :mod:`.frames` (the prediction as DataFrames),
:mod:`.render` (summary text and HTML), :mod:`.excel` (workbooks), :mod:`.scope` (:func:`scope_check`: sizes
and request estimate over one prediction) and :mod:`.mappings` (inbound mappings as frames).

May import: ``kit.sources``, ``kit.integration``, ``kit.outputs``, ``kit.leanix``, ``kit.errors``.
"""

"""Previews: what a processor configuration would do, shown to people.

Calls the pure engine (``kit.integration``) on a source (``kit.sources``) and turns its plan records into
DataFrames, text, HTML and Excel (:class:`Preview`), and runs the scope check (:func:`scope_check`).

May import: ``kit.sources``, ``kit.integration``, ``kit.outputs``, ``kit.leanix``, ``kit.errors``.
"""

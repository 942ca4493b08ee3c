"""The integration engine, pure: Integration API inputs, JUEL, the engine, deletion prediction, lint, and
:func:`~kit.integration.predict.predict` (engine plus deletion scopes) that ``kit.preview``, ``scope_check``
and the sandbox's runs all call.

Holds: :mod:`.inputs` (validated configurations and LDIFs), :mod:`.juel`, :mod:`.engine` (the evaluator),
:mod:`.deletion` (deletion scopes), :mod:`.removals` (what a run archives or deletes), :mod:`.plan` (the plan
records), :mod:`.predict`, :mod:`.describe` (fact sheet references in words), :mod:`.view` (the read
interface the engine takes), :mod:`.facets`, :mod:`.mappings` (inbound mappings), :mod:`.lint`.

No I/O: no HTTP, no files written; workspace state comes in through a :class:`~kit.integration.view.WorkspaceView`.
Presentation (frames, text, HTML, Excel) lives in ``kit.previews``. pandas appears only where a result is a
table by nature (``Removals.items``, lint's ``Findings.frame()``).

May import: ``kit.leanix``, ``kit.errors`` (and the standard library, pandas).
"""

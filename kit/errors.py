"""The root of every error lxkit raises on purpose.

Each subsystem subclasses :class:`LxkitError`, so a caller can catch everything the kit reports with one
``except`` while the message still says what went wrong, where, and what to do about it. The whole tree
(names in ``kit.__all__`` are exported from ``kit``; the others from the module named):

    LxkitError
    ├── ConfigError ............... settings, .env, LEANIX_HOST/LEANIX_API_TOKEN (kit.config)
    ├── LeanIXError ............... what a workspace answered, or did not (kit.client)
    │   ├── AuthenticationError, PermissionDenied, NotFound, BadRequest, RateLimited, ServerError
    │   ├── ConnectionFailed
    │   │   └── TLSError .......... untrusted certificate, wrong host name, https against http (not retried)
    │   ├── GraphQLError
    │   │   └── FieldPermissionError
    │   ├── InconsistentRead ...... the type kept changing while it was read page by page
    │   └── RunTimeout ............ an Integration API run did not end in time (kit.iapi_runs)
    ├── UnknownFactSheetType, UnknownField (kit.leanix.introspection)
    ├── SnapshotError ............. a snapshot folder that is missing, corrupt, altered, or may not be replaced
    ├── OutputError ............... a file the kit was asked to write cannot be written there (kit.outputs)
    ├── InputError ................ LDIF, processor configuration or mappings: every problem with path, line, column
    ├── JuelError ................. JUEL expressions (kit.integration.juel)
    │   ├── JuelSyntaxError
    │   └── JuelEvaluationError
    │       └── RegexTimeout ...... a user's regular expression ran past its time budget
    ├── EngineError ............... BindingError, ConfigurationError (kit.integration.engine)
    ├── FacetError, DeletionScopeError (kit.integration.facets, kit.integration.deletion)
    ├── DeletionsNotConfirmed ..... a real run would archive or delete, and the count was not confirmed
    ├── ReportError ............... report targets and parameters, before a kernel starts (kit.reports)
    │   └── ParameterError
    ├── ReportFailed, NotebookNotFound (kit.reports)
    └── SandboxError, StoreError, MetaModelError (kit.sandbox)
"""

from __future__ import annotations

__all__ = ["LxkitError"]


class LxkitError(Exception):
    """Base class of all errors the kit raises on purpose; the message is written for people."""

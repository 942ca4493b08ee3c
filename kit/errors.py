"""The root of every error lxkit raises on purpose, and the map of all of them.

Each subsystem subclasses :class:`LxkitError`, so a caller can catch everything the kit reports with one
``except`` while the message still says what went wrong, where, and what to do about it. Every class below
is exported from ``kit`` (``kit.NotFound``, ``kit.JuelSyntaxError``, ...); the module that defines it is
named in brackets. ``tests/test_error_map.py`` checks that this tree, the classes and the README agree.

    LxkitError
    ├── ConfigError ................ settings, .env, LEANIX_HOST/LEANIX_API_TOKEN [kit.config]
    ├── LeanIXError ................ what a workspace answered, or did not [kit.client]
    │   ├── AuthenticationError .... HTTP 401: the API token or a fresh access token was refused
    │   ├── PermissionDenied ....... HTTP 403
    │   ├── NotFound ............... HTTP 404: no such endpoint or object
    │   ├── BadRequest ............. HTTP 400 or 422
    │   ├── RateLimited ............ HTTP 429 after the retries were used up
    │   ├── ServerError ............ HTTP 5xx after the retries were used up
    │   ├── ConnectionFailed ....... the host could not be reached, or kept dropping the connection
    │   │   └── TLSError ........... untrusted certificate, wrong host name, https against http (not retried)
    │   ├── GraphQLError ........... an answer with errors[]
    │   │   └── FieldPermissionError  fields the token's user may not read
    │   ├── InconsistentRead ....... the type kept changing while it was read page by page
    │   └── RunTimeout ............. an Integration API run did not end in time [kit.iapi_runs]
    ├── MetaModelError ............. an inconsistent meta model, or a malformed JSON form of one [kit.leanix]
    │   ├── UnknownFactSheetType ... a type the workspace does not have (with a close-match hint)
    │   └── UnknownField ........... a field or relation a type does not have
    ├── RecordShapeError ........... a hand-made fact sheet record not in the documented shape [kit.sources]
    ├── SnapshotError .............. a snapshot missing, corrupt or altered; a refused target [kit.snapshot]
    ├── OutputError ................ a file the kit was asked to write cannot be written there [kit.outputs]
    ├── InputError ................. LDIF, processor configuration, mappings [kit.integration.inputs]
    ├── JuelError .................. JUEL expressions [kit.integration.juel]
    │   ├── JuelSyntaxError
    │   └── JuelEvaluationError
    │       └── RegexTimeout ....... a user's regular expression ran past its time budget
    ├── EngineError ................ the offline Integration API engine [kit.integration.engine]
    │   ├── BindingError ........... the LDIF binds to none of the processor configurations
    │   └── ConfigurationError ..... a processor configuration the engine cannot compile
    ├── FacetError ................. a facet key the workspace does not have [kit.integration.facets]
    ├── DeletionScopeError ......... a deletion scope that cannot be read at all [kit.integration.deletion]
    ├── DeletionsNotConfirmed ...... a real run would archive or delete an unconfirmed count [kit.iapi_runs]
    ├── ReportError ................ report targets and parameters, before a kernel starts [kit.reports]
    │   └── ParameterError
    ├── ReportFailed ............... the notebook raised; the record says where [kit.reports]
    ├── ReportAlerted .............. it ran through with alerts, and failing on alerts was asked for [kit.reports]
    ├── AlertFileError ............. an alerts.json not in the documented shape [kit.alerts]
    ├── ScheduleError .............. a schedules file, its state or the crontab cannot be used [kit.reports.schedules]
    ├── NotifyError ................ a notification target lxkit cannot send to [kit.reports.notify]
    ├── CallbackError .............. a webhook callback that is not valid JS, throws or runs too long [kit.callbacks]
    ├── NotebookNotFound ........... no notebook of that name or path [kit.reports]
    ├── SandboxError ............... a setting out of range, or a server that cannot start [kit.sandbox]
    ├── StoreError ................. an unknown object, or a broken consistency rule [kit.sandbox.store]
    └── KpiError ................... a KPI declared wrongly or failing; a history it cannot use [kit.metrics]
        └── PublishError ........... KPIs that cannot be published as asked [kit.metrics]
"""

from __future__ import annotations

__all__ = ["LxkitError"]


class LxkitError(Exception):
    """Base class of all errors the kit raises on purpose; the message is written for people."""

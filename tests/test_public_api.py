"""The public surface of ``kit`` is deliberate: this test pins it (change it here when you mean to)."""

import subprocess
import sys

import kit

PUBLIC = {
    # connecting and reading
    "DeniedFieldsWarning",
    "LeanIXClient",
    "RetryPolicy",
    "Secret",
    "Settings",
    "Snapshot",
    "Workspace",
    "connect",
    "load_settings",
    "load_snapshot",
    "open",
    # the Integration API
    "Preview",
    "Removals",
    "RunResult",
    "evaluate",
    "lint",
    "load_config",
    "load_ldif",
    "preview",
    "scope_check",
    # KPIs over time
    "history",
    "metrics",
    # errors (their tree: kit/errors.py)
    "LxkitError",
    "ConfigError",
    "LeanIXError",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "BadRequest",
    "RateLimited",
    "ServerError",
    "ConnectionFailed",
    "TLSError",
    "GraphQLError",
    "FieldPermissionError",
    "InconsistentRead",
    "RunTimeout",
    "MetaModelError",
    "UnknownFactSheetType",
    "UnknownField",
    "RecordShapeError",
    "SnapshotError",
    "OutputError",
    "InputError",
    "JuelError",
    "JuelSyntaxError",
    "JuelEvaluationError",
    "RegexTimeout",
    "EngineError",
    "BindingError",
    "ConfigurationError",
    "FacetError",
    "DeletionScopeError",
    "DeletionsNotConfirmed",
    "ReportError",
    "ParameterError",
    "ReportFailed",
    "ReportAlerted",
    "AlertFileError",
    "ScheduleError",
    "NotifyError",
    "CallbackError",
    "PublishError",
    "NotebookNotFound",
    "SandboxError",
    "StoreError",
    "KpiError",
}


def test_public_names_are_exactly_the_declared_ones():
    assert set(kit.__all__) == PUBLIC
    assert len(kit.__all__) == len(PUBLIC)  # no name listed twice
    assert all(getattr(kit, name) is not None for name in kit.__all__)


def test_every_error_is_an_lxkit_error():
    errors = [getattr(kit, n) for n in kit.__all__ if isinstance(getattr(kit, n), type)]
    raised = [e for e in errors if issubclass(e, Exception) and not issubclass(e, Warning)]
    assert raised and all(issubclass(e, kit.LxkitError) for e in raised)


def test_evaluate_is_juel_with_el_coercion():
    assert kit.evaluate("${'1' + 2}") == 3 and kit.evaluate("${1 / 2}") == 0.5
    assert kit.evaluate("${data.name.toUpperCase()}", {"data": {"name": "crm"}}) == "CRM"


def test_import_kit_does_not_load_the_report_runner():
    """``kit`` exports the report errors without loading nbformat (seconds) for every ``import kit``."""
    code = "import sys, kit; print(kit.ReportFailed.__module__, 'nbformat' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["kit.reports.errors", "False"]

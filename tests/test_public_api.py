"""The public surface of ``kit`` is deliberate: this test pins it (change it here when you mean to)."""

import kit

PUBLIC = {
    "AuthenticationError",
    "ConfigError",
    "ConnectionFailed",
    "DeletionsNotConfirmed",
    "DeniedFieldsWarning",
    "FieldPermissionError",
    "GraphQLError",
    "InconsistentRead",
    "InputError",
    "OutputError",
    "Removals",
    "TLSError",
    "JuelError",
    "LeanIXClient",
    "LeanIXError",
    "LxkitError",
    "Preview",
    "RetryPolicy",
    "RunResult",
    "Secret",
    "Settings",
    "Snapshot",
    "SnapshotError",
    "UnknownFactSheetType",
    "UnknownField",
    "Workspace",
    "connect",
    "open",
    "evaluate",
    "lint",
    "load_config",
    "load_ldif",
    "load_settings",
    "load_snapshot",
    "preview",
    "scope_check",
}


def test_public_names_are_exactly_the_declared_ones():
    assert set(kit.__all__) == PUBLIC
    assert all(getattr(kit, name) is not None for name in kit.__all__)


def test_every_error_is_an_lxkit_error():
    errors = [getattr(kit, n) for n in kit.__all__ if isinstance(getattr(kit, n), type)]
    raised = [e for e in errors if issubclass(e, Exception) and not issubclass(e, Warning)]
    assert raised and all(issubclass(e, kit.LxkitError) for e in raised)


def test_evaluate_is_juel_with_el_coercion():
    assert kit.evaluate("${'1' + 2}") == 3 and kit.evaluate("${1 / 2}") == 0.5
    assert kit.evaluate("${data.name.toUpperCase()}", {"data": {"name": "crm"}}) == "CRM"

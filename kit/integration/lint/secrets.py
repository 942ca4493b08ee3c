"""Rule on secrets in configuration files."""

from __future__ import annotations

from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, rule


@rule(
    "LX080",
    "inline-api-token",
    "error",
    "credentials.apiToken puts an API token into the configuration, where everyone who can read or export "
    "the configuration (or a repository holding it) can use it; the technical user avoids it; source: SAP "
    "LeanIX docs 'Long running API calls' and 'Executing Processor Configurations with Custom Technical "
    "Users', swagger Credentials ('useTechnicalUser ... apiToken will be ignored').",
    'Remove the token (and revoke it) and use "credentials": {"useTechnicalUser": true} or '
    '{"technicalUserId": "..."}.',
)
def inline_api_token(ctx: LintContext) -> Iterator[Hit]:
    credentials = ctx.root.get("credentials")
    token = credentials.get("apiToken") if isinstance(credentials, dict) else None
    if not isinstance(token, str) or not token.strip() or "${" in token:
        return
    yield Hit(
        ("credentials", "apiToken"),
        "credentials.apiToken holds an API token in the configuration file (value not shown)",
        at_key=True,
    )


RULES = (inline_api_token,)

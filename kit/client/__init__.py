"""HTTP access to SAP LeanIX: token exchange, retries, GraphQL, REST and typed errors (no pandas).

May import: ``kit.config``, ``kit.redaction``, ``kit.errors``, requests and urllib3. Never the sandbox: to the
client it is just another LeanIX, reached over loopback HTTP.
"""

from kit.client._auth import TokenManager, decode_jwt_claims
from kit.client._client import LeanIXClient, is_mutation
from kit.client._errors import (
    AuthenticationError,
    BadRequest,
    ConnectionFailed,
    FieldPermissionError,
    GraphQLError,
    InconsistentRead,
    LeanIXError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    TLSError,
)
from kit.client._transport import RetryPolicy

__all__ = [
    "AuthenticationError",
    "BadRequest",
    "ConnectionFailed",
    "FieldPermissionError",
    "GraphQLError",
    "InconsistentRead",
    "LeanIXClient",
    "LeanIXError",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "TLSError",
    "TokenManager",
    "decode_jwt_claims",
    "is_mutation",
]

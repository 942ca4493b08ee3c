"""The client over real loopback HTTP against the sandbox: tokens, retries, errors."""

from __future__ import annotations

import pytest

from kit.client import (
    AuthenticationError,
    BadRequest,
    ConnectionFailed,
    FieldPermissionError,
    GraphQLError,
    LeanIXClient,
    NotFound,
    RateLimited,
    RetryPolicy,
    ServerError,
    is_mutation,
)
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Faults, Sandbox, SandboxOptions
from tests.conftest import FAST_RETRY, free_port

COUNT = "{ allFactSheets(factSheetType: Application) { totalCount } }"


def statuses(sandbox, since: int) -> list[int]:
    return [r.status for r in list(sandbox.log)[since:]]


def test_token_exchange_reads_workspace_from_claims(sandbox, client):
    assert client.workspace_id == sandbox.store.workspace_id
    assert client.workspace_name == sandbox.store.workspace_name
    assert client.instance_url == sandbox.url
    assert client.tokens.exchanges == 1


def test_wrong_token_gives_one_clear_error(sandbox):
    with LeanIXClient(sandbox.url, Secret("LXT_wrong"), retry=FAST_RETRY) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.graphql(COUNT)
    message = str(caught.value)
    assert "rejected the API token" in message and "LEANIX_API_TOKEN" in message
    assert "LXT_wrong" not in message and caught.value.status == 401


def test_unreachable_host_gives_one_clear_error():
    url = f"http://127.0.0.1:{free_port()}"
    with LeanIXClient(url, Secret("x"), retry=FAST_RETRY) as client:
        with pytest.raises(ConnectionFailed) as caught:
            client.graphql(COUNT)
    assert "connection refused" in str(caught.value)
    assert url in str(caught.value) and "LEANIX_HOST" in str(caught.value)


def test_expired_tokens_are_renewed_on_401(sandbox, client):
    before = len(sandbox.log)
    with sandbox.faulty(Faults(expire_tokens_after=0.0)):
        with pytest.raises(AuthenticationError, match="even with a fresh access token"):
            client.graphql(COUNT)
    assert statuses(sandbox, before) == [200, 401, 200, 401]  # token, call, new token, call again
    expected = sandbox.store.count_by_type()["Application"]
    assert client.graphql(COUNT)["allFactSheets"]["totalCount"] == expected


def test_one_401_renews_once_and_repeats(sandbox, client):
    import time

    client.graphql(COUNT)
    exchanges = client.tokens.exchanges
    time.sleep(0.3)
    before = len(sandbox.log)
    with sandbox.faulty(Faults(expire_tokens_after=0.2)):  # the cached token is now too old for the server
        data = client.graphql(COUNT)
    assert data["allFactSheets"]["totalCount"] > 0
    assert statuses(sandbox, before) == [401, 200, 200]  # rejected call, token exchange, repeated call
    assert client.tokens.exchanges == exchanges + 1


def test_tokens_are_renewed_before_they_expire(sandbox, client):
    import time

    with sandbox.options_changed(token_lifetime=0.8):
        fresh = LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY)
        before = len(sandbox.log)
        fresh.graphql(COUNT)
        time.sleep(0.65)  # past lifetime - lifetime/4: the client must renew before the server says 401
        fresh.graphql(COUNT)
        fresh.close()
    assert fresh.tokens.exchanges == 2
    assert 401 not in statuses(sandbox, before)


@pytest.mark.parametrize("fault", ["429", "429-retry-after", "502", "503", "drop"])
def test_queries_are_retried_on_transient_faults(sandbox, client, fault):
    client.graphql(COUNT)
    before = len(sandbox.log)
    with sandbox.faulty(Faults(script=(fault, fault))):
        data = client.graphql(COUNT)
    assert data["allFactSheets"]["totalCount"] > 0
    seen = [(r.status, r.fault) for r in list(sandbox.log)[before:]]
    assert [f for _s, f in seen] == [fault, fault, None]
    assert seen[-1][0] == 200


def test_retry_after_is_honoured(sandbox, client):
    client.graphql(COUNT)
    before = len(sandbox.log)
    with sandbox.faulty(Faults(script=("429-retry-after",), retry_after=1)):
        client.graphql(COUNT)
    rejected, answered = list(sandbox.log)[before:]
    assert rejected.status == 429 and answered.status == 200
    assert answered.at - rejected.at >= 0.95  # the server saw the retry only after Retry-After


def test_server_errors_raise_after_retries_are_used_up(sandbox):
    policy = RetryPolicy(attempts=2, backoff_factor=0.001, backoff_max=0.01, backoff_jitter=0)
    with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=policy) as client:
        client.graphql(COUNT)
        before = len(sandbox.log)
        with sandbox.faulty(Faults(rates={"503": 1.0})):
            with pytest.raises(ServerError, match="HTTP 503"):
                client.graphql(COUNT)
    assert statuses(sandbox, before) == [503, 503, 503]  # first try + 2 retries


def test_500_is_not_retried(sandbox, client):
    client.graphql(COUNT)
    before = len(sandbox.log)
    with sandbox.faulty(Faults(script=("500",))):
        with pytest.raises(ServerError, match="HTTP 500"):
            client.graphql(COUNT)
    assert statuses(sandbox, before) == [500]


MUTATION = 'mutation { updateFactSheet(id: "x", patches: []) { factSheet { id } } }'


@pytest.mark.parametrize(("fault", "error"), [("503", ServerError), ("drop", ConnectionFailed)])
def test_mutations_are_not_repeated_blindly(sandbox, client, fault, error):
    client.graphql(COUNT)
    before = len(sandbox.log)
    with sandbox.faulty(Faults(script=(fault, fault))):
        with pytest.raises(error):
            client.graphql(MUTATION)
    assert len(list(sandbox.log)[before:]) == 1


def test_mutations_are_retried_after_429_which_means_not_processed(sandbox, client):
    client.graphql(COUNT)
    before = len(sandbox.log)
    with sandbox.faulty(Faults(script=("429",))):
        with pytest.raises(GraphQLError):  # the sandbox has no such mutation: its answer is an error
            client.graphql(MUTATION)
    assert [r.status for r in list(sandbox.log)[before:]] == [429, 200]


def test_mutation_detection():
    assert is_mutation(MUTATION)
    assert not is_mutation(COUNT)
    assert not is_mutation("query Q { a }")
    assert is_mutation("query Q { a } mutation M { b }", "M")
    assert not is_mutation("query Q { a } mutation M { b }", "Q")
    assert not is_mutation("{ broken")


def test_graphql_errors_carry_message_locations_and_operation(client):
    with pytest.raises(GraphQLError) as caught:
        client.graphql("query Broken {\n  allFactSheets { nonExistentField }\n}", operation_name="Broken")
    error = caught.value
    assert "nonExistentField" in error.messages[0]
    assert error.locations[0] == [{"line": 2, "column": 19}]
    assert error.operation_name == "Broken"
    assert "operation 'Broken'" in str(error) and "line 2, column 19" in str(error)


def test_field_permission_errors_name_the_field(sandbox, client):
    query = "{ allFactSheets(factSheetType: Application) { edges { node { ... on Application { businessCriticality } } } } }"
    with sandbox.options_changed(denied_fields=("Application.businessCriticality",)):
        with pytest.raises(FieldPermissionError) as caught:
            client.graphql(query)
    assert caught.value.denied_fields == [("application", "businessCriticality")]
    assert "application.businessCriticality" in str(caught.value)
    assert "on_denied='drop'" in str(caught.value)


def test_status_codes_map_to_exception_classes(client):
    with pytest.raises(NotFound) as missing:
        client.get("/services/integration-api/v1/synchronizationRuns/no-such-run/status")
    assert missing.value.status == 404 and "no-such-run" in str(missing.value)
    run_id = client.get("/services/integration-api/v1/synchronizationRuns")[0]["id"]
    with pytest.raises(BadRequest, match="multiple of 'limit'"):
        client.get(
            f"/services/integration-api/v1/synchronizationRuns/{run_id}/warnings", {"offset": 5, "limit": 10}
        )


def test_rate_limit_answers_429_with_retry_after():
    with Sandbox(SandboxOptions(size=50, rate_limit=3)) as small:
        policy = RetryPolicy(attempts=0)
        with LeanIXClient(small.url, Secret(SANDBOX_TOKEN), retry=policy) as client:
            for _ in range(3):
                client.graphql(COUNT)
            with pytest.raises(RateLimited, match="1,800 requests per minute"):
                client.graphql(COUNT)
        assert [r.status for r in small.log] == [200, 200, 200, 200, 429]

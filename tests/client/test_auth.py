"""Token caching and renewal rules, with a fake clock (the HTTP side is tested against the sandbox)."""

import base64
import json

import pytest

from kit.client import AuthenticationError, TokenManager, decode_jwt_claims


def jwt(claims: dict) -> str:
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJIUzI1NiJ9.{part}.signature"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def manager(lifetime: float, clock: Clock):
    answers = []

    def fetch():
        answers.append(len(answers) + 1)
        return {"access_token": jwt({"n": len(answers)}), "expires_in": lifetime}

    return TokenManager(fetch, clock=clock), answers


def test_token_is_cached_until_60_seconds_before_expiry():
    clock = Clock()
    tokens, answers = manager(3600, clock)
    first = tokens.bearer()
    clock.now += 3600 - 61
    assert tokens.bearer() == first and answers == [1]
    clock.now += 2  # now inside the 60 s lead
    assert tokens.bearer() != first and answers == [1, 2]


def test_short_lived_tokens_renew_a_quarter_before_expiry():
    clock = Clock()
    tokens, answers = manager(30, clock)
    tokens.bearer()
    clock.now += 22
    tokens.bearer()
    assert answers == [1]
    clock.now += 0.6  # 22.6 s > 30 - 7.5
    tokens.bearer()
    assert answers == [1, 2]


def test_invalidate_only_drops_the_token_it_names():
    clock = Clock()
    tokens, answers = manager(3600, clock)
    old = tokens.bearer()
    tokens.invalidate("some-other-token")
    assert tokens.bearer() == old
    tokens.invalidate(old)
    assert tokens.bearer() != old and answers == [1, 2]


def test_claims_are_decoded_without_verification():
    claims = {"principal": {"permission": {"workspaceId": "w-1", "workspaceName": "Demo"}}, "exp": 5}
    assert decode_jwt_claims(jwt(claims)) == claims
    assert decode_jwt_claims("not a jwt") == {}
    assert decode_jwt_claims("a.!!!.c") == {}


def test_answer_without_access_token_is_an_authentication_error():
    tokens = TokenManager(lambda: {"token_type": "bearer"})
    with pytest.raises(AuthenticationError, match="without an access_token"):
        tokens.bearer()
    assert "exchanges=1" in repr(tokens)

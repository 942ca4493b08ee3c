"""Targets from ``--notify`` and from schedules-file entries (docs/alerts.md §4)."""

from __future__ import annotations

import pytest

from kit.reports.notify.targets import (
    EmailSettings,
    NotifyError,
    Target,
    parse_cli_target,
    parse_entry,
    redacted,
)

SLACK = "https://hooks.slack.com/services/T0001/B0001/abcdefSECRET"


def test_cli_targets():
    assert parse_cli_target(f"slack:{SLACK}") == Target("slack", url=SLACK)
    assert parse_cli_target("teams:https://acme.webhook.office.com/x/y") == Target(
        "teams", url="https://acme.webhook.office.com/x/y"
    )
    assert parse_cli_target("https://ops.example.com/hook?key=1", "always") == Target(
        "webhook", url="https://ops.example.com/hook?key=1", when="always"
    )
    assert parse_cli_target("webhook:http://127.0.0.1:9/x") == Target("webhook", url="http://127.0.0.1:9/x")
    assert parse_cli_target("slack_env:LXKIT_SLACK_URL", "failure") == Target(
        "slack", url_env="LXKIT_SLACK_URL", when="failure"
    )
    mail = parse_cli_target(
        "mailto:a@example.com,b@example.com?smtp=smtp.example.com:2525&from=lx@example.com"
    )
    assert mail == Target(
        "email",
        email=EmailSettings(
            host="smtp.example.com", to=("a@example.com", "b@example.com"), port=2525, sender="lx@example.com"
        ),
    )
    plain = parse_cli_target("mailto:ops@example.com?smtp=relay.local:25&starttls=false&username=u")
    assert plain.email is not None
    assert (plain.email.port, plain.email.starttls, plain.email.username) == (25, False, "u")


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("ftp://example.com/x", "is not a target"),
        ("slack:not-a-url", "must be an http(s) URL with a host"),
        ("discord:https://x.example.com/a", "is not a target"),
        ("slack_env:1BAD", "must name an environment variable"),
        ("mailto:ops@example.com", "needs the SMTP server"),
        ("mailto:ops@example.com?smtp=h:25&password=x", "unknown option 'password'"),
        ("mailto:not-an-address?smtp=h:25", "is not an e-mail address"),
    ],
)
def test_cli_refusals_say_what_to_write(spec, says):
    with pytest.raises(NotifyError, match=None) as caught:
        parse_cli_target(spec)
    assert says in str(caught.value)


def test_a_refused_url_is_not_repeated_whole():
    with pytest.raises(NotifyError) as caught:
        parse_cli_target("smtp://hooks.example.com/SECRET/PATH")
    assert "SECRET" not in str(caught.value)


def test_schedule_entries():
    assert parse_entry({"slack": SLACK, "when": "always"}) == Target("slack", url=SLACK, when="always")
    assert parse_entry({"teams_env": "TEAMS_URL"}) == Target("teams", url_env="TEAMS_URL")
    entry = parse_entry(
        {
            "email": {
                "host": "smtp.example.com",
                "to": ["ops@example.com"],
                "from": "lx@example.com",
                "username": "u",
            }
        }
    )
    assert entry.email == EmailSettings(
        "smtp.example.com", ("ops@example.com",), 587, True, "lx@example.com", "u"
    )


@pytest.mark.parametrize(
    ("entry", "path", "says"),
    [
        ({"slak": SLACK}, ("slak",), "unknown key 'slak'"),
        ({"slack": SLACK, "teams": SLACK}, (), "not 2"),
        ({"slack": SLACK, "when": "sometimes"}, ("when",), "must be one of alerts, always, failure"),
        ({"email": {"host": "h", "to": ["x@y.z"], "port": 70000}}, ("email", "port"), "port number"),
        (
            {"email": {"host": "h", "to": ["x@y.z"], "password": "p"}},
            ("email", "password"),
            "LXKIT_SMTP_PASSWORD",
        ),
        ({"email": {"host": "h", "to": ["ok@y.z", "nope"]}}, ("email", "to", 1), "'nope' is not an e-mail"),
        ({"email": {"to": ["x@y.z"]}}, ("email",), "no host"),
        ("slack", (), "each notify entry is a mapping"),
    ],
)
def test_entry_refusals_name_the_key(entry, path, says):
    with pytest.raises(NotifyError) as caught:
        parse_entry(entry)
    assert caught.value.path == path
    assert says in str(caught.value)


def test_redaction_keeps_scheme_and_host_only():
    assert redacted(SLACK) == "https://hooks.slack.com"
    assert redacted("http://127.0.0.1:8123/a/b?token=x") == "http://127.0.0.1:8123"
    assert Target("slack", url_env="X").shown() == "$X"
    assert (
        Target("email", email=EmailSettings("mx.example.com", ("a@b.c",), 25)).shown()
        == "smtp://mx.example.com:25"
    )

"""Profiles (docs/schedules.md §1): ``LEANIX_<NAME>_*`` variables, the profiles file, ``sandbox``, the errors,
and ``kit.connect("<profile>")`` against the session sandbox over loopback.

Expected origins and messages are written from docs/schedules.md §1 ("profile 'prod': LEANIX_PROD_HOST in the
environment", "profile 'prod' in ~/.config/lxkit/profiles.yaml", "profile 'sandbox'").
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import kit
from kit.config import ConfigError, load_settings, resolve_workspace
from kit.sandbox import SANDBOX_TOKEN
from tests.conftest import CANARY

PROFILES = "prod: {host: acme.leanix.net, workspace: AcmeProd}\ntest: {host: acme-test.leanix.net}\n"
RULE = "[A-Za-z][A-Za-z0-9_]*"


@pytest.fixture
def home(tmp_path) -> Path:
    """A home folder of its own: the profiles file is looked for in ``<home>/.config/lxkit/``."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def base_env(home: Path, **values: str) -> dict[str, str]:
    return {"HOME": str(home), **values}


def profiles_file(home: Path, text: str = PROFILES) -> Path:
    path = home / ".config" / "lxkit" / "profiles.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def refused(env: dict[str, str], home: Path, **kwargs) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(env, dotenv=None, start=home, **kwargs)
    return str(caught.value)


# -- where the profile comes from ----------------------------------------------------------------------------


def test_a_profile_argument_reads_its_own_variables(home):
    env = base_env(
        home,
        LEANIX_HOST="plain.leanix.net",
        LEANIX_API_TOKEN="LXT_plain_token",
        LEANIX_PROD_HOST="acme.leanix.net",
        LEANIX_PROD_API_TOKEN=CANARY,
        LEANIX_PROD_WORKSPACE="AcmeProd",
    )
    settings = load_settings(env, dotenv=None, profile="prod")
    assert settings.host == "https://acme.leanix.net"
    assert settings.token is not None and settings.token.reveal() == CANARY
    assert settings.workspace == "AcmeProd"
    assert settings.profile == "prod"
    assert settings.origin == "profile 'prod': LEANIX_PROD_HOST in the environment"
    assert (
        settings.describe() == "https://acme.leanix.net (profile 'prod': LEANIX_PROD_HOST in the environment)"
    )
    plain = load_settings(env, dotenv=None)
    assert plain.host == "https://plain.leanix.net" and plain.profile is None
    assert plain.origin == "LEANIX_HOST in the environment"


def test_leanix_profile_in_the_environment_picks_the_profile(home):
    env = base_env(
        home, LEANIX_PROFILE="Prod", LEANIX_PROD_HOST="acme.leanix.net", LEANIX_PROD_API_TOKEN="LXT_prod"
    )
    settings = load_settings(env, dotenv=None)
    assert settings.host == "https://acme.leanix.net" and settings.profile == "Prod"
    assert settings.origin == "profile 'Prod': LEANIX_PROD_HOST in the environment"
    env.update(LEANIX_TEST_HOST="acme-test.leanix.net", LEANIX_TEST_API_TOKEN="LXT_test")
    chosen = load_settings(env, dotenv=None, profile="test")  # the argument wins over LEANIX_PROFILE
    assert chosen.host == "https://acme-test.leanix.net" and chosen.profile == "test"


def test_leanix_profile_in_the_dotenv_picks_the_profile(home, tmp_path):
    dotenv = tmp_path / "project" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_text(
        "LEANIX_PROFILE=test\nLEANIX_TEST_HOST=acme-test.leanix.net\nLEANIX_TEST_API_TOKEN=LXT_test_token\n"
    )
    settings = load_settings(base_env(home), start=dotenv.parent)
    assert settings.host == "https://acme-test.leanix.net"
    assert settings.token is not None and settings.token.reveal() == "LXT_test_token"
    assert settings.origin == f"profile 'test': LEANIX_TEST_HOST in {dotenv}"
    # the environment's LEANIX_PROFILE wins over the file's; an empty one means no profile
    env = base_env(home, LEANIX_PROFILE="", LEANIX_HOST="plain.leanix.net", LEANIX_API_TOKEN="LXT_plain")
    assert load_settings(env, start=dotenv.parent).origin == "LEANIX_HOST in the environment"


def test_the_profiles_file_gives_host_and_workspace(home):
    profiles_file(home)
    settings = load_settings(base_env(home, LEANIX_PROD_API_TOKEN="LXT_prod"), dotenv=None, profile="prod")
    assert settings.host == "https://acme.leanix.net"
    assert settings.workspace == "AcmeProd"
    assert settings.origin == "profile 'prod' in ~/.config/lxkit/profiles.yaml"
    assert settings.describe() == "https://acme.leanix.net (profile 'prod' in ~/.config/lxkit/profiles.yaml)"
    test = load_settings(base_env(home, LEANIX_TEST_API_TOKEN="LXT_test"), dotenv=None, profile="test")
    assert test.host == "https://acme-test.leanix.net" and test.workspace is None


def test_xdg_config_home_and_lxkit_profiles_say_where_the_file_is(home, tmp_path):
    xdg = tmp_path / "xdg"
    (xdg / "lxkit").mkdir(parents=True)
    (xdg / "lxkit" / "profiles.yaml").write_text("prod: {host: xdg.leanix.net}\n")
    env = base_env(home, XDG_CONFIG_HOME=str(xdg), LEANIX_PROD_API_TOKEN="LXT_prod")
    settings = load_settings(env, dotenv=None, profile="prod")
    assert settings.host == "https://xdg.leanix.net"
    assert settings.origin == f"profile 'prod' in {xdg / 'lxkit' / 'profiles.yaml'}"
    named = tmp_path / "team-profiles.yaml"
    named.write_text("prod: {host: named.leanix.net}\n")
    settings = load_settings({**env, "LXKIT_PROFILES": str(named)}, dotenv=None, profile="prod")
    assert settings.host == "https://named.leanix.net" and settings.origin == f"profile 'prod' in {named}"
    missing = refused({**env, "LXKIT_PROFILES": str(tmp_path / "gone.yaml")}, home, profile="prod")
    assert missing.startswith(
        f"LXKIT_PROFILES names the profiles file {tmp_path / 'gone.yaml'}, which does not exist"
    )


def test_the_variables_of_a_profile_win_over_its_file_entry(home, tmp_path):
    profiles_file(home)
    dotenv = tmp_path / "project" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_text("LEANIX_PROD_HOST=from-dotenv.leanix.net\n")
    env = base_env(home, LEANIX_PROD_API_TOKEN="LXT_prod")
    settings = load_settings(env, profile="prod", start=dotenv.parent)
    assert settings.host == "https://from-dotenv.leanix.net"
    assert settings.workspace == "AcmeProd"  # not set by a variable: the file entry's
    assert settings.origin == f"profile 'prod': LEANIX_PROD_HOST in {dotenv}"
    env.update(LEANIX_PROD_HOST="from-env.leanix.net", LEANIX_PROD_WORKSPACE="FromEnv")
    settings = load_settings(env, profile="prod", start=dotenv.parent)
    assert settings.host == "https://from-env.leanix.net" and settings.workspace == "FromEnv"
    assert settings.origin == "profile 'prod': LEANIX_PROD_HOST in the environment"


def test_the_sandbox_profile_is_the_embedded_sandbox_whatever_is_configured(home):
    profiles_file(home)
    env = base_env(home, LEANIX_HOST="acme.leanix.net", LEANIX_API_TOKEN="LXT_plain", LEANIX_PROFILE="prod")
    for settings in (
        load_settings(env, dotenv=None, profile="sandbox"),
        load_settings({**env, "LEANIX_PROFILE": "sandbox"}, dotenv=None),
    ):
        assert settings.host is None and settings.token is None and settings.uses_sandbox
        assert settings.profile == "sandbox" and settings.origin == "profile 'sandbox'"
        assert settings.describe() == "the embedded demo sandbox (profile 'sandbox')"


# -- refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["token", "api_token", "LEANIX_API_TOKEN", "password", "apiKey", "secret"])
def test_a_token_in_the_profiles_file_is_refused_with_its_line(home, key):
    profiles_file(home, f"# team workspaces\nprod:\n  host: acme.leanix.net\n  {key}: {CANARY}\n")
    message = refused(base_env(home, LEANIX_PROD_API_TOKEN="LXT_prod"), home, profile="prod")
    assert message.startswith(
        f"The profiles file ~/.config/lxkit/profiles.yaml, line 4, column 3: profile 'prod' has the key {key!r}"
    )
    assert (
        "tokens never go in this file. Put the API token in LEANIX_PROD_API_TOKEN in the environment or a .env file"
        in message
    )
    assert CANARY not in message


def test_other_keys_in_the_profiles_file_are_refused_with_a_suggestion(home):
    profiles_file(home, "prod: {host: acme.leanix.net}\ntest: {hots: acme-test.leanix.net}\n")
    message = refused(base_env(home), home, profile="prod")
    assert message == (
        "The profiles file ~/.config/lxkit/profiles.yaml, line 2, column 8: profile 'test' has the unknown key "
        "'hots' (did you mean 'host'?); the keys allowed are host and workspace."
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "prod: [acme.leanix.net]\n",
            "line 1, column 7: profile 'prod' must be a mapping {host: …, workspace: …}",
        ),
        ("prod: {workspace: AcmeProd}\n", "line 1, column 1: profile 'prod' has no host"),
        (
            "prod: {host: acme..leanix.net}\n",
            "line 1, column 14: profile 'prod': the host 'acme..leanix.net' does not name a valid host",
        ),
        ("prod: {host: }\n", "line 1, column 13: the host of profile 'prod' must be text"),
        (
            "sandbox: {host: acme.leanix.net}\n",
            "line 1, column 1: 'sandbox' is the embedded demo sandbox and cannot be configured",
        ),
        (
            "pr-od: {host: acme.leanix.net}\n",
            f"line 1, column 1: 'pr-od' is not a valid profile name: a profile name is a letter followed by letters, digits or underscores ({RULE})",
        ),
        (
            "prod: {host: a.leanix.net}\nPROD: {host: b.leanix.net}\n",
            "line 2, column 1: profile 'PROD' is defined again (first as 'prod' on line 1)",
        ),
        ("- prod\n", "line 1, column 1: the file must map profile names to {host: …, workspace: …}"),
        ("prod: {host: acme.leanix.net\n", "line 2, column 1:"),
    ],
)
def test_a_broken_profiles_file_names_line_and_column(home, text, says):
    profiles_file(home, text)
    message = refused(base_env(home, LEANIX_PROD_API_TOKEN=CANARY), home, profile="prod")
    assert message.startswith(f"The profiles file ~/.config/lxkit/profiles.yaml, {says}")
    assert CANARY not in message


def test_an_unknown_profile_lists_the_configured_ones_and_never_falls_back(home, tmp_path):
    profiles_file(home)
    start = tmp_path / "work"
    start.mkdir()
    env = base_env(
        home, LEANIX_EU_HOST="eu.leanix.net", LEANIX_HOST="plain.leanix.net", LEANIX_API_TOKEN="LXT_x"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(env, dotenv=None, profile="staging", start=start)
    assert str(caught.value) == (
        "Profile 'staging' is not configured: no LEANIX_STAGING_HOST in the environment (no .env file read), and "
        "no 'staging' in ~/.config/lxkit/profiles.yaml. Configured profiles: prod (~/.config/lxkit/profiles.yaml), "
        "test (~/.config/lxkit/profiles.yaml), eu (LEANIX_EU_HOST in the environment); 'sandbox' is always the "
        "embedded demo sandbox. Set LEANIX_STAGING_HOST and LEANIX_STAGING_API_TOKEN in the environment or a .env "
        "file, or add 'staging: {host: …}' to the profiles file."
    )
    message = refused(base_env(tmp_path / "nobody"), home, profile="prod")
    assert (
        "and no 'prod' in ~/.config/lxkit/profiles.yaml (no such file). Configured profiles: none;" in message
    )


def test_a_profile_with_a_host_but_no_token_names_its_token_variable(home):
    profiles_file(home)
    message = refused(base_env(home, LEANIX_API_TOKEN="LXT_plain_is_not_used"), home, profile="prod")
    assert message.startswith(
        "Profile 'prod' uses https://acme.leanix.net (in ~/.config/lxkit/profiles.yaml, line 1) but "
        "LEANIX_PROD_API_TOKEN is missing."
    )
    env = base_env(home, LEANIX_TEST_HOST="t.leanix.net", LEANIX_TEST_API_TOKEN=" ")
    assert "LEANIX_TEST_API_TOKEN is empty" in refused(env, home, profile="test")


@pytest.mark.parametrize("name", ["pr-od", "1prod", "", "prod env", "_prod"])
def test_invalid_profile_names_are_refused_with_the_rule(home, name):
    message = refused(base_env(home), home, profile=name)
    assert message.startswith(f"The profile name {name!r} (the profile argument) is not valid")
    assert RULE in message
    from_env = refused(base_env(home, LEANIX_PROFILE=name + "!"), home)
    assert "(LEANIX_PROFILE in the environment) is not valid: a profile name is a letter followed" in from_env


def test_the_canary_token_of_a_profile_never_shows(home):
    profiles_file(home)
    settings = load_settings(base_env(home, LEANIX_PROD_API_TOKEN=CANARY), dotenv=None, profile="prod")
    texts = [repr(settings), str(settings), settings.describe(), settings.origin]
    for env in (
        base_env(home, LEANIX_PROD_HOST=CANARY, LEANIX_PROD_API_TOKEN=CANARY),  # swapped
        base_env(home, LEANIX_PROD_API_TOKEN=CANARY + " x"),  # whitespace inside
        base_env(home, LEANIX_PROD_API_TOKEN=f'"{CANARY}"'),  # quoted
    ):
        texts.append(refused(env, home, profile="prod"))
    assert (
        "LEANIX_PROD_HOST holds the API token (are LEANIX_PROD_HOST and LEANIX_PROD_API_TOKEN swapped?)"
        in texts[4]
    )
    assert texts[5].startswith("LEANIX_PROD_API_TOKEN holds whitespace at position 39 of 40")
    assert texts[6].startswith("LEANIX_PROD_API_TOKEN is wrapped in quotes")
    assert all(CANARY not in text for text in texts)


# -- a report's workspace (docs/schedules.md §5) -------------------------------------------------------------


def test_resolve_workspace_default_refuses_when_nothing_is_configured(tmp_path, monkeypatch):
    for name in ("LEANIX_HOST", "LEANIX_API_TOKEN", "LEANIX_PROFILE", "LXKIT_DOTENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    start, notebooks = tmp_path / "cron", tmp_path / "notebooks"
    start.mkdir()
    notebooks.mkdir()
    fallback = resolve_workspace(None, start, notebooks)
    assert fallback.origin.startswith(
        f"no LEANIX_HOST in the environment or a .env file (looked in {start}, "
    )
    assert fallback.origin.endswith(f", {notebooks})")
    with pytest.raises(ConfigError, match="no workspace is configured"):
        resolve_workspace("default", start, notebooks)
    assert resolve_workspace("sandbox", start, notebooks).origin == "profile 'sandbox'"
    found = notebooks / ".env"
    found.write_text("LEANIX_TEAM_HOST=team.leanix.net\nLEANIX_TEAM_API_TOKEN=LXT_team\n")
    team = resolve_workspace("team", start, notebooks)
    assert team.host == "https://team.leanix.net" and team.dotenv == str(found)
    assert team.origin == f"profile 'team': LEANIX_TEAM_HOST in {found}"


# -- kit.connect with a profile, over loopback ---------------------------------------------------------------


@pytest.fixture
def test_profile(sandbox, monkeypatch, tmp_path):
    """LEANIX_TEST_* point at the session sandbox; the plain LEANIX_HOST at a port where nothing listens."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("LEANIX_PROFILE", "LEANIX_WORKSPACE", "LXKIT_DOTENV", "LXKIT_PROFILES", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEANIX_HOST", "http://127.0.0.1:9")
    monkeypatch.setenv("LEANIX_API_TOKEN", "LXT_not_this_one")
    monkeypatch.setenv("LEANIX_TEST_HOST", sandbox.url)
    monkeypatch.setenv("LEANIX_TEST_API_TOKEN", SANDBOX_TOKEN)
    return sandbox


def test_connect_with_a_profile(test_profile, monkeypatch):
    ws = kit.connect("test", progress=False)
    assert ws.host == test_profile.url and ws.id == test_profile.store.workspace_id
    monkeypatch.setenv("LEANIX_PROFILE", "test")
    assert kit.connect(progress=False).id == test_profile.store.workspace_id
    monkeypatch.setenv("LEANIX_TEST_WORKSPACE", "SomeOtherWorkspace")
    with pytest.raises(kit.ConfigError) as caught:
        kit.connect("test", progress=False)
    assert str(caught.value).startswith(
        "Profile 'test' expects workspace 'SomeOtherWorkspace' (LEANIX_TEST_WORKSPACE or the profiles file), but "
        f"the API token belongs to workspace '{test_profile.store.workspace_name}'"
    )


def test_connect_with_a_profile_from_the_profiles_file_and_a_host_argument(
    test_profile, monkeypatch, tmp_path
):
    monkeypatch.delenv("LEANIX_TEST_HOST")
    profiles = tmp_path / ".config" / "lxkit" / "profiles.yaml"
    profiles.parent.mkdir(parents=True)
    profiles.write_text(f"test: {{host: '{test_profile.url}'}}\n")
    assert kit.connect("test", progress=False).host == test_profile.url
    with pytest.raises(kit.ConfigError, match="Profile 'nowhere' is not configured"):
        kit.connect("nowhere", progress=False)
    # host= replaces the configured host; without a profile it is sent LEANIX_API_TOKEN
    monkeypatch.setenv("LEANIX_API_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv(
        "LEANIX_PROFILE", "nowhere"
    )  # ignored: host= without a profile means the plain settings
    assert kit.connect(host=test_profile.url, progress=False).id == test_profile.store.workspace_id
    with pytest.raises(kit.ConfigError, match="names two workspaces"):
        kit.connect("sandbox", host=test_profile.url, progress=False)


def test_connect_sandbox_uses_the_embedded_sandbox_even_with_a_host_set(test_profile, caplog):
    caplog.set_level(logging.WARNING, logger="kit.sandbox")
    ws = kit.connect("sandbox", sandbox_size=90, progress=False)
    assert ws.host.startswith("http://127.0.0.1:") and ws.host not in (test_profile.url, "http://127.0.0.1:9")
    notes = [r.getMessage() for r in caplog.records if "embedded lxkit sandbox" in r.getMessage()]
    assert len(notes) == 1
    assert notes[0].startswith(f"Using the embedded lxkit sandbox at {ws.host} (demo workspace ")
    assert notes[0].endswith("90 fact sheets): the embedded demo sandbox (profile 'sandbox').")
    opened = kit.open("sandbox")
    assert isinstance(opened, kit.Workspace) and opened.host.startswith("http://127.0.0.1:")
    assert opened.host != "http://127.0.0.1:9" and len(opened.factsheets("Application")) > 0

"""Which ``.env`` file is read (docs/schedules.md §1): ``LXKIT_DOTENV``, else the first one found from the
start folder upwards, else in the ``also`` folders; only that one file; the environment wins over it.

Every expected origin is written from the wording in docs/schedules.md §1 ("LEANIX_HOST in /srv/lxkit/.env",
"no LEANIX_HOST in the environment or a .env file (looked in /, /srv)").
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kit.config import SEARCH, ConfigError, load_settings
from tests.conftest import CANARY

TOKEN = "LXT_dotenv_search_token_0815"


def write_env(folder: Path, *lines: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".env"
    path.write_text("\n".join(lines) + "\n")
    return path


def looked_in(*folders: Path) -> str:
    """The list the fallback origin holds: each folder in the order looked at."""
    return ", ".join(str(folder) for folder in folders)


def upwards(folder: Path) -> list[Path]:
    return [folder, *folder.parents]


def no_dotenv_above(folder: Path) -> None:
    """The tests that walk up to the root need no stray .env file above the temporary folder."""
    stray = [p / ".env" for p in folder.parents if (p / ".env").exists()]
    if stray:
        pytest.skip(f"a .env file outside the test's folder changes the search: {stray[0]}")


def test_a_dotenv_in_a_parent_folder_is_found(tmp_path):
    found = write_env(tmp_path / "project", "LEANIX_HOST=parent.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    start = tmp_path / "project" / "notebooks" / "weekly"
    start.mkdir(parents=True)
    settings = load_settings({}, start=start)
    assert settings.host == "https://parent.leanix.net"
    assert settings.token is not None and settings.token.reveal() == TOKEN
    assert settings.profile is None
    assert settings.origin == f"LEANIX_HOST in {found}"
    assert settings.describe() == f"https://parent.leanix.net (LEANIX_HOST in {found})"
    assert settings.dotenv == str(found)


def test_the_default_start_is_the_current_folder(tmp_path, monkeypatch):
    found = write_env(tmp_path, "LEANIX_HOST=cwd.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    settings = load_settings({})
    assert settings.host == "https://cwd.leanix.net"
    assert settings.origin == f"LEANIX_HOST in {found}"


def test_the_nearest_dotenv_wins_and_it_is_the_only_one_read(tmp_path):
    write_env(tmp_path, "LEANIX_HOST=far.leanix.net", f"LEANIX_API_TOKEN={TOKEN}", "LEANIX_WORKSPACE=Far")
    near = write_env(tmp_path / "a", "LEANIX_HOST=near.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    settings = load_settings({}, start=tmp_path / "a")
    assert settings.host == "https://near.leanix.net"
    assert settings.workspace is None  # LEANIX_WORKSPACE is only in the farther file, which is not read
    assert settings.origin == f"LEANIX_HOST in {near}"
    write_env(tmp_path / "b", "LEANIX_HOST=near.leanix.net")  # no token here, one in the parent's file
    with pytest.raises(ConfigError, match="LEANIX_API_TOKEN is missing"):
        load_settings({}, start=tmp_path / "b")


def test_the_also_folders_are_looked_in_when_nothing_is_found_upwards(tmp_path):
    no_dotenv_above(tmp_path)
    start = tmp_path / "cron"
    start.mkdir()
    notebooks = tmp_path / "srv" / "notebooks"
    found = write_env(notebooks, "LEANIX_HOST=beside.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    settings = load_settings({}, start=start, also=[notebooks])
    assert settings.host == "https://beside.leanix.net"
    assert settings.origin == f"LEANIX_HOST in {found}"
    # a .env upwards comes first, even when an `also` folder has one
    upward = write_env(tmp_path, "LEANIX_HOST=upward.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    settings = load_settings({}, start=start, also=[notebooks])
    assert settings.host == "https://upward.leanix.net" and settings.origin == f"LEANIX_HOST in {upward}"


def test_an_also_folder_is_not_searched_upwards(tmp_path):
    no_dotenv_above(tmp_path)
    write_env(tmp_path / "srv", "LEANIX_HOST=parent-of-also.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    start, notebooks = tmp_path / "cron", tmp_path / "srv" / "notebooks"
    start.mkdir()
    notebooks.mkdir()
    settings = load_settings({}, start=start, also=[notebooks])
    assert settings.host is None
    assert settings.origin == (
        f"no LEANIX_HOST in the environment or a .env file (looked in {looked_in(*upwards(start), notebooks)})"
    )


def test_the_fallback_names_every_folder_looked_in(tmp_path):
    no_dotenv_above(tmp_path)
    start = tmp_path / "a" / "b"
    start.mkdir(parents=True)
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    settings = load_settings({}, start=start, also=[notebooks, start])  # a folder is looked in once
    folders = [start, tmp_path / "a", *upwards(tmp_path), notebooks]
    origin = f"no LEANIX_HOST in the environment or a .env file (looked in {looked_in(*folders)})"
    assert settings.host is None and settings.token is None and settings.uses_sandbox
    assert settings.origin == origin
    assert settings.describe() == f"the embedded demo sandbox ({origin})"
    assert settings.dotenv is None


def test_a_cron_like_start_at_the_root_reads_like_the_documentation(tmp_path):
    if Path("/.env").exists():
        pytest.skip("this machine has a /.env")
    settings = load_settings({}, start="/", also=[tmp_path])
    assert settings.describe() == (
        f"the embedded demo sandbox (no LEANIX_HOST in the environment or a .env file (looked in /, {tmp_path}))"
    )


def test_lxkit_dotenv_names_the_file_and_nothing_is_searched(tmp_path):
    write_env(tmp_path, "LEANIX_HOST=searched.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    chosen = tmp_path / "elsewhere" / "prod.env"
    chosen.parent.mkdir()
    chosen.write_text(f"LEANIX_HOST=chosen.leanix.net\nLEANIX_API_TOKEN={TOKEN}\n")
    settings = load_settings({"LXKIT_DOTENV": str(chosen)}, start=tmp_path)
    assert settings.host == "https://chosen.leanix.net"
    assert settings.origin == f"LEANIX_HOST in {chosen}"
    assert settings.dotenv == str(chosen)


def test_an_empty_lxkit_dotenv_means_no_file_at_all(tmp_path):
    write_env(tmp_path, "LEANIX_HOST=searched.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    settings = load_settings({"LXKIT_DOTENV": ""}, start=tmp_path)
    assert settings.host is None
    assert settings.origin == "no LEANIX_HOST in the environment (LXKIT_DOTENV is empty: no .env file)"
    assert settings.dotenv is None


def test_an_lxkit_dotenv_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path / "gone.env"
    with pytest.raises(ConfigError) as caught:
        load_settings({"LXKIT_DOTENV": str(missing)}, start=tmp_path)
    assert str(caught.value).startswith(
        f"LXKIT_DOTENV names the settings file {str(missing)!r}, which does not exist"
    )


def test_the_environment_wins_over_the_file_found(tmp_path):
    found = write_env(
        tmp_path, "LEANIX_HOST=file.leanix.net", f"LEANIX_API_TOKEN={TOKEN}", "LEANIX_WORKSPACE=File"
    )
    settings = load_settings({"LEANIX_HOST": "env.leanix.net", "LEANIX_WORKSPACE": "Env"}, start=tmp_path)
    assert settings.host == "https://env.leanix.net"
    assert settings.token is not None and settings.token.reveal() == TOKEN  # from the file: not in the env
    assert settings.workspace == "Env"
    assert settings.origin == "LEANIX_HOST in the environment"
    assert settings.dotenv == str(found)


def test_a_dotenv_folder_is_passed_by_and_a_fifo_is_refused(tmp_path):
    found = write_env(tmp_path, "LEANIX_HOST=above-venv.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    (tmp_path / "project" / ".env").mkdir(parents=True)  # python -m venv .env
    settings = load_settings({}, start=tmp_path / "project")
    assert settings.host == "https://above-venv.leanix.net" and settings.origin == f"LEANIX_HOST in {found}"
    fifo_folder = tmp_path / "piped"
    fifo_folder.mkdir()
    os.mkfifo(fifo_folder / ".env")
    with pytest.raises(ConfigError, match=r"is a named pipe \(FIFO\), so it is not read"):
        load_settings({}, start=fifo_folder)


def test_no_dotenv_and_an_explicit_path_keep_their_meaning(tmp_path):
    write_env(tmp_path, "LEANIX_HOST=searched.leanix.net", f"LEANIX_API_TOKEN={TOKEN}")
    none = load_settings({}, dotenv=None, start=tmp_path)
    assert none.host is None and none.origin == "no LEANIX_HOST in the environment (no .env file read)"
    explicit = tmp_path / "other.env"
    explicit.write_text(f"LEANIX_HOST=explicit.leanix.net\nLEANIX_API_TOKEN={TOKEN}\n")
    settings = load_settings(
        {"LXKIT_DOTENV": ""}, dotenv=explicit, start=tmp_path
    )  # a path beats LXKIT_DOTENV
    assert settings.host == "https://explicit.leanix.net" and settings.origin == f"LEANIX_HOST in {explicit}"
    missing = load_settings({}, dotenv=tmp_path / "missing.env")
    assert missing.host is None
    assert missing.origin == f"no LEANIX_HOST in the environment or {tmp_path / 'missing.env'}"
    assert (
        repr(SEARCH) == "SEARCH"
        and load_settings({}, SEARCH, start=tmp_path).host == "https://searched.leanix.net"
    )


def test_the_canary_token_from_a_found_file_never_shows(tmp_path):
    write_env(tmp_path, "LEANIX_HOST=acme.leanix.net", f"LEANIX_API_TOKEN={CANARY}")
    settings = load_settings({}, start=tmp_path)
    assert settings.token is not None and settings.token.reveal() == CANARY
    for text in (repr(settings), str(settings), settings.describe(), settings.origin):
        assert CANARY not in text
    write_env(tmp_path / "swapped", f"LEANIX_HOST={CANARY}", f"LEANIX_API_TOKEN={CANARY}")
    with pytest.raises(ConfigError) as caught:
        load_settings({}, start=tmp_path / "swapped")
    assert "are LEANIX_HOST and LEANIX_API_TOKEN swapped?" in str(caught.value)
    assert CANARY not in str(caught.value)

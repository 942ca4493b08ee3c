"""Bad settings, from the environment and from ``.env`` files: one ConfigError naming the variable or file.

Hosts with other schemes, spaces, control characters, credentials, ports out of range; tokens that cannot go
into an HTTP header (non-Latin-1, controls, whitespace, quotes) or are empty; ``.env`` files that are not
UTF-8, UTF-16, a folder, a named pipe, a device, too large, a symlink loop. The token is always the canary
(or holds it), and no message may show it in any form (``outcomes.secret_forms``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kit.config import ConfigError, Settings, load_settings
from tests.conftest import CANARY
from tests.robustness.outcomes import Case, check, params

WORK = Path(tempfile.mkdtemp(prefix="lxkit-settings-corpus-"))
HOST = "acme.leanix.net"
NO_DOTENV = WORK / "no.env"  # never created

WHY_PATH = "kit.config.normalize_host: a URL copied from the browser keeps only its scheme and host"
WHY_VENV = "`python -m venv .env` makes a folder named .env; python-dotenv reads files only"
WHY_BOM = "Windows editors save UTF-8 with a BOM; the first key must still be LEANIX_HOST"
WHY_DOTENV = "python-dotenv's documented syntax: `export`, quotes, comments and CRLF line ends"
WHY_ENV_WINS = "README: values in the environment win over the .env file"

#: bad hosts -> a word the message must hold besides LEANIX_HOST
BAD_HOSTS: dict[str, str] = {
    "ftp://acme.leanix.net": "scheme 'ftp'",
    "gopher://acme.leanix.net": "scheme 'gopher'",
    "file:///etc/passwd": "scheme 'file'",
    "javascript:alert(1)": "not a valid host",
    "ws://acme.leanix.net": "scheme 'ws'",
    "acme leanix net": "does not name a valid host",
    "acme. leanix.net": "does not name a valid host",
    "https://acme.leanix.net :443": "does not name a valid host",
    "acme..leanix.net": "does not name a valid host",
    "-acme.leanix.net": "does not name a valid host",
    "acme_x.leanix.net": "does not name a valid host",
    "a" * 64 + ".leanix.net": "does not name a valid host",
    "münchen.leanix.net": "does not name a valid host",
    "https://": "does not name a valid host",
    "//acme.leanix.net": "does not name a valid host",
    "https://:443": "does not name a valid host",
    "acme.leanix.net:0": "port 0",
    "acme.leanix.net:65536": "not a valid host",
    "acme.leanix.net:99999": "not a valid host",
    "acme.leanix.net:-1": "not a valid host",
    "acme.leanix.net:http": "not a valid host",
    "https://[::1": "not a valid host",
    "https://[zz]": "not a valid host",
    "http://acme.leanix.net": "plain http",
    "http://10.0.0.1:8080": "plain http",
    "http://192.168.1.10": "plain http",
    "acme.leanix.net\n": "",  # stripped: accepted below, not here
    "acme\n.leanix.net": "control or invisible character at position 5",
    "acme\t.leanix.net": "control or invisible character at position 5",
    "acme\x00.leanix.net": "control or invisible character at position 5",
    "acme\r.leanix.net": "control or invisible character at position 5",
    "\u202eacme.leanix.net": "control or invisible character at position 1",
    "acme\u200b.leanix.net": "control or invisible character at position 5",
    "acme\ud800.leanix.net": "control or invisible character at position 5",
    "https://user:password@acme.leanix.net": "user name or password",
    f"https://apitoken:{CANARY}@acme.leanix.net": "holds the API token",
    CANARY: "holds the API token",
    f"https://{CANARY}.leanix.net": "holds the API token",
}
del BAD_HOSTS["acme.leanix.net\n"]

#: hosts that are accepted, and the base URL they become
GOOD_HOSTS: dict[str, str] = {
    "https://acme.leanix.net/Workspace/dashboard": "https://acme.leanix.net",
    "acme.leanix.net?query=1#fragment": "https://acme.leanix.net",
    "  acme.leanix.net\n": "https://acme.leanix.net",
    "https://acme.leanix.net:8443/": "https://acme.leanix.net:8443",
    "http://127.0.0.1:8765": "http://127.0.0.1:8765",
}

#: bad tokens (all hold the canary, or are empty) -> a word the message must hold besides LEANIX_API_TOKEN
BAD_TOKENS: dict[str, str] = {
    CANARY + "€": "not Latin-1",
    "€" + CANARY: "at position 1 of",
    CANARY[:10] + "😀" + CANARY[10:]: "at position 11 of",
    CANARY + "\u200b": "not Latin-1",
    CANARY + "\ud800": "not Latin-1",
    CANARY[:5] + " " + CANARY[5:]: "whitespace",
    CANARY[:5] + "\t" + CANARY[5:]: "whitespace",
    CANARY[:5] + "\n" + CANARY[5:]: "whitespace",
    CANARY[:5] + "\xa0" + CANARY[5:]: "whitespace",
    CANARY + "\x00": "control character",
    CANARY + "\x7f": "control character",
    CANARY + "\x1b[0m": "control character",
    CANARY + "\x9b": "control character",
    CANARY + "é": "non-ASCII character",
    f'"{CANARY}"': "wrapped in quotes",
    f"'{CANARY}'": "wrapped in quotes",
    "Bearer " + CANARY: "whitespace",
}


def from_env(env: dict[str, str], dotenv: Path | str | os.PathLike = NO_DOTENV) -> Callable[[], Settings]:
    return lambda: load_settings(env, dotenv=dotenv)


def expect_settings(
    run: Callable[[], Settings], host: str | None, token: str | None = CANARY
) -> Callable[[], Settings]:
    def checked() -> Settings:
        settings = run()
        assert settings.host == host, settings.host
        assert (settings.token.reveal() if settings.token else None) == (token if host else None)
        return settings

    return checked


class DotEnv(os.PathLike):
    """A ``.env`` path made when first used (so collecting the corpus writes nothing)."""

    def __init__(self, name: str, content: bytes | None = None, make: Callable[[Path], None] | None = None):
        self.path, self.content, self.make = WORK / name, content, make

    def __fspath__(self) -> str:
        if not os.path.lexists(self.path):
            if self.make is not None:
                self.make(self.path)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_bytes(self.content or b"")
        return str(self.path)


def lines(*pairs: str) -> bytes:
    return ("\n".join(pairs) + "\n").encode("utf-8")


def host_cases() -> Iterator[Case]:
    for index, (host, says) in enumerate(BAD_HOSTS.items()):
        places = ("LEANIX_HOST", says) if says else ("LEANIX_HOST",)
        yield Case(
            f"env-host-{index}",
            from_env({"LEANIX_HOST": host, "LEANIX_API_TOKEN": CANARY}),
            ConfigError,
            places,
        )
        if "\n" not in host and "\r" not in host and "\x00" not in host and "\ud800" not in host:
            dotenv = DotEnv(f"hosts/{index}.env", lines(f"LEANIX_HOST={host}", f"LEANIX_API_TOKEN={CANARY}"))
            yield Case(f"dotenv-host-{index}", from_env({}, dotenv), ConfigError, places)
    for index, (host, expected) in enumerate(GOOD_HOSTS.items()):
        run = expect_settings(from_env({"LEANIX_HOST": host, "LEANIX_API_TOKEN": CANARY}), expected)
        yield Case(f"env-host-accepted-{index}", run, None, why=WHY_PATH)


def token_cases() -> Iterator[Case]:
    for index, (token, says) in enumerate(BAD_TOKENS.items()):
        places = ("LEANIX_API_TOKEN", says)
        secrets = (CANARY, token) if "\ud800" not in token else (CANARY,)  # secret_forms needs UTF-8
        run = from_env({"LEANIX_HOST": HOST, "LEANIX_API_TOKEN": token})
        yield Case(f"env-token-{index}", run, ConfigError, places, secrets=secrets)
        if token.strip() == token and not any(c in token for c in "\n\x00\ud800\"'"):
            dotenv = DotEnv(f"tokens/{index}.env", lines(f"LEANIX_HOST={HOST}", f"LEANIX_API_TOKEN={token}"))
            yield Case(f"dotenv-token-{index}", from_env({}, dotenv), ConfigError, places, secrets=secrets)
    for label, env in {
        "missing": {"LEANIX_HOST": HOST},
        "empty": {"LEANIX_HOST": HOST, "LEANIX_API_TOKEN": ""},
        "blank": {"LEANIX_HOST": HOST, "LEANIX_API_TOKEN": "  \t "},
    }.items():
        says = "is missing" if label == "missing" else "is empty"
        yield Case(f"env-token-{label}", from_env(env), ConfigError, ("LEANIX_API_TOKEN", says))
    dotenv = DotEnv("tokens/empty.env", lines(f"LEANIX_HOST={HOST}", "LEANIX_API_TOKEN="))
    yield Case("dotenv-token-empty", from_env({}, dotenv), ConfigError, ("LEANIX_API_TOKEN", "is empty"))


def _loop(path: Path) -> None:
    os.symlink(path, path)


def dotenv_cases() -> Iterator[Case]:
    good = lines(f"LEANIX_HOST={HOST}", f"LEANIX_API_TOKEN={CANARY}")
    latin1 = f"LEANIX_HOST={HOST}\nLEANIX_API_TOKEN={CANARY}\n# Käse\n".encode("latin-1")
    bad_files: dict[str, tuple[DotEnv, tuple[str, ...]]] = {
        "latin1": (DotEnv("files/latin1.env", latin1), ("line 3", "Save the file as UTF-8")),
        "latin1-first-line": (DotEnv("files/latin1-first.env", b"# caf\xe9\n" + good), ("byte 5 (line 1",)),
        "cp1252-quotes": (DotEnv("files/cp1252.env", good + b"# \x93quoted\x94\n"), ("line 3", "not UTF-8")),
        "utf16": (DotEnv("files/utf16.env", good.decode().encode("utf-16")), ("UTF-16",)),
        "utf16-be": (DotEnv("files/utf16be.env", b"\xfe\xff" + good.decode().encode("utf-16-be")), ("UTF-16",)),
        "fifo": (DotEnv("files/fifo.env", make=os.mkfifo), ("named pipe (FIFO)",)),
        "symlink-loop": (DotEnv("files/loop.env", make=_loop), ("Too many levels of symbolic links",)),
        "too-large": (DotEnv("files/large.env", good + b"#" * (2 << 20)), ("bytes; a .env file holds a few lines",)),
        "host-with-nul": (DotEnv("files/nul-host.env", lines("LEANIX_HOST=acme\x00x", f"LEANIX_API_TOKEN={CANARY}")), ("LEANIX_HOST",)),
        "token-with-nul": (DotEnv("files/nul-token.env", lines(f"LEANIX_HOST={HOST}", f"LEANIX_API_TOKEN={CANARY}\x00")), ("LEANIX_API_TOKEN", "control character")),
    }  # fmt: skip
    for label, (dotenv, says) in bad_files.items():
        places = (str(dotenv.path), *says) if not label.endswith("-with-nul") else says
        yield Case(f"dotenv-file-{label}", from_env({}, dotenv), ConfigError, places)
    yield Case("dotenv-device", from_env({}, "/dev/null"), ConfigError, ("/dev/null", "not a regular file"))
    nul_path = str(WORK / "a\x00.env")
    yield Case("dotenv-nul-in-path", from_env({}, nul_path), ConfigError, ("NUL character",))

    env = {"LEANIX_HOST": HOST, "LEANIX_API_TOKEN": CANARY}
    folder = DotEnv("venv/.env", make=lambda p: p.mkdir(parents=True))
    yield Case(
        "dotenv-folder", expect_settings(from_env(env, folder), "https://acme.leanix.net"), None, why=WHY_VENV
    )
    yield Case("dotenv-folder-alone", expect_settings(from_env({}, folder), None), None, why=WHY_VENV)
    bom = DotEnv("files/bom.env", b"\xef\xbb\xbf" + good)
    yield Case("dotenv-bom", expect_settings(from_env({}, bom), "https://acme.leanix.net"), None, why=WHY_BOM)
    syntax = {
        "export": lines(f"export LEANIX_HOST={HOST}", f"export LEANIX_API_TOKEN={CANARY}"),
        "quoted": lines(f'LEANIX_HOST="{HOST}"', f"LEANIX_API_TOKEN='{CANARY}'"),
        "comments": lines("# settings", f"LEANIX_HOST={HOST}  # the instance", f"LEANIX_API_TOKEN={CANARY}"),
        "crlf": f"LEANIX_HOST={HOST}\r\nLEANIX_API_TOKEN={CANARY}\r\n".encode(),
        "spaces": lines(f"LEANIX_HOST = {HOST}", f"LEANIX_API_TOKEN = {CANARY}"),
    }
    for label, content in syntax.items():
        run = expect_settings(from_env({}, DotEnv(f"syntax/{label}.env", content)), "https://acme.leanix.net")
        yield Case(f"dotenv-syntax-{label}", run, None, why=WHY_DOTENV)
    override = DotEnv("files/override.env", lines("LEANIX_HOST=ftp://bad", "LEANIX_API_TOKEN=x y"))
    run = expect_settings(from_env(env, override), "https://acme.leanix.net")
    yield Case("dotenv-environment-wins", run, None, why=WHY_ENV_WINS)


CASES = [*host_cases(), *token_cases(), *dotenv_cases()]


@pytest.mark.parametrize("case", params(CASES))
def test_bad_settings(case: Case) -> None:
    check(case)


def test_the_corpus_is_about_a_hundred_settings() -> None:
    assert len(CASES) >= 100

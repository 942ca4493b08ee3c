"""Redaction of credentials from everything lxkit writes or prints on behalf of notebook code.

One :class:`Redactor` knows the configured **API token** and recognises **access tokens** by their shape:
the runner cannot know which JWT the kernel exchanged the API token for (it may renew it during a long run,
or notebook code may make its own client), so every JWT-shaped string (``eyJ…`` ``.eyJ…`` ``.signature``)
counts as an access token. Both are found in the forms a careless ``print`` produces:

* plain, and URL-encoded (``%XX``; both token kinds are URL-safe, so their URL-encoded form is the plain
  one, but a URL-encoded base64 form is not);
* base64, standard and URL-safe, with and without padding, at any byte alignment (``base64("apitoken:" +
  token)`` is what a Basic authorization header holds). The API token's base64 text is known in advance;
  a base64 run holding a JWT is found by the encoding of ``.eyJ`` (the start of every JWT's claims) and
  confirmed by decoding the run.

A whole base64 or URL-encoded run is replaced, not just the secret's part of it. Counts per kind are kept
(``{"api_token": 3, "access_token": 2}``) so a run record says how much was redacted.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import string
from collections import Counter
from collections.abc import Callable
from typing import Any

__all__ = ["ACCESS_TOKEN", "API_TOKEN", "REDACTED", "Redactor"]

REDACTED = "[redacted by lxkit]"
API_TOKEN = "api_token"
ACCESS_TOKEN = "access_token"

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_B64_CHARS = frozenset(string.ascii_letters + string.digits + "+/_-")
_PCT_CHARS = frozenset(string.ascii_letters + string.digits + "%._~+/=-")
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_MIN_MARKER = 6  # shorter known-token markers would match by chance in large base64 blobs (images)


def _aligned_markers(fragment: bytes) -> list[str]:
    """The base64 text that encodes ``fragment`` wherever it starts (3 byte alignments, both alphabets).

    The characters at either end that also encode neighbouring bytes are left off, so each marker is a
    substring of any base64 text containing ``fragment`` at that alignment.
    """
    markers = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + fragment).decode().rstrip("=")
        skip = (0, 2, 3)[shift]
        tail = 1 if (shift + len(fragment)) % 3 else 0
        core = encoded[skip : len(encoded) - tail]
        markers += [core, core.translate(str.maketrans("+/", "-_"))]
    return sorted(set(markers), key=len, reverse=True)


_JWT_MARKERS = _aligned_markers(b".eyJ")


def _expand(text: str, start: int, end: int, chars: frozenset[str]) -> tuple[int, int]:
    """The span around ``text[start:end]`` made of ``chars`` (plus base64 padding after it)."""
    while start > 0 and text[start - 1] in chars:
        start -= 1
    while end < len(text) and text[end] in chars:
        end += 1
    while end < len(text) and text[end] == "=" and "=" not in chars:
        end += 1
    return start, end


def _decoded(run: str) -> str:
    """``run`` decoded as base64 at each of the 4 character offsets (either alphabet), as latin-1 text."""
    run = run.rstrip("=").replace("-", "+").replace("_", "/")
    parts = []
    for offset in range(4):
        chunk = run[offset:]
        chunk = chunk[: len(chunk) - (len(chunk) % 4 == 1)]
        try:
            parts.append(base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("latin-1"))
        except (binascii.Error, ValueError):
            continue
    return "\n".join(parts)


class Redactor:
    """Finds and replaces the API token and access tokens in text and in JSON-like values."""

    def __init__(self, api_token: str | None = None) -> None:
        self._token = api_token or None
        self._token_forms: list[str] = []
        markers = list(_JWT_MARKERS)
        if self._token:
            from urllib.parse import quote

            self._token_forms = sorted(
                {self._token, quote(self._token, safe=""), quote(self._token)}, key=len
            )
            self._token_forms.reverse()
            self._token_markers = [m for m in _aligned_markers(self._token.encode()) if len(m) >= _MIN_MARKER]
            markers = self._token_markers + markers
        else:
            self._token_markers = []
        self._markers = re.compile("|".join(re.escape(m) for m in markers))

    @classmethod
    def from_environment(cls) -> Redactor:
        """The configured token (``LEANIX_API_TOKEN`` from the environment or ``.env``), if any."""
        from kit.config import load_settings
        from kit.errors import LxkitError

        try:
            settings = load_settings()
            token = settings.token.reveal() if settings.token else None
        except LxkitError:  # a broken configuration must not stop an error message from being redacted
            token = None
        return cls(token or os.environ.get("LEANIX_API_TOKEN"))

    # -- text ------------------------------------------------------------------------------------------
    def kind_in(self, text: str) -> str | None:
        """``"api_token"`` or ``"access_token"`` if ``text`` holds one in any known form, else None."""
        counts: Counter[str] = Counter()
        self._redact(text, counts)
        if counts[API_TOKEN]:
            return API_TOKEN
        return ACCESS_TOKEN if counts[ACCESS_TOKEN] else None

    def text(self, text: str) -> str:
        """``text`` with every form of every token replaced by :data:`REDACTED`."""
        return self._redact(text, Counter())

    def text_counted(self, text: str) -> tuple[str, Counter[str]]:
        """``text`` redacted, and how many of each kind were replaced."""
        counts: Counter[str] = Counter()
        return self._redact(text, counts), counts

    def error_text(self, exc: BaseException) -> str:
        """What to print for ``exc``, redacted: the message of a kit error, else the traceback."""
        from kit.errors import LxkitError

        if isinstance(exc, LxkitError):
            return self.text(str(exc))
        if isinstance(exc, OSError) and exc.strerror:
            return self.text(exc.strerror + (f": {exc.filename}" if exc.filename else ""))
        import traceback

        return self.text("unexpected error, please report it:\n" + "".join(traceback.format_exception(exc)))

    def value(self, value: Any, counts: Counter[str] | None = None) -> Any:
        """A JSON-like value (dicts, lists, strings; a notebook node) with every string redacted."""
        counts = Counter() if counts is None else counts
        if isinstance(value, str):
            return self._redact(value, counts)
        if isinstance(value, dict):
            for key in list(value):
                value[key] = self.value(value[key], counts)
            return value
        if isinstance(value, list):
            value[:] = [self.value(item, counts) for item in value]
            return value
        if isinstance(value, tuple):
            return tuple(self.value(item, counts) for item in value)
        return value

    # -- implementation ---------------------------------------------------------------------------------
    def _redact(self, text: str, counts: Counter[str]) -> str:
        if not text:
            return text
        for form in self._token_forms:
            if form in text:
                counts[API_TOKEN] += text.count(form)
                text = text.replace(form, REDACTED)
        text, found = _JWT.subn(REDACTED, text)
        counts[ACCESS_TOKEN] += found
        if "%" in text:
            text = self._replace_runs(text, counts, _PCT, _PCT_CHARS, self._percent_kind)
        return self._replace_runs(text, counts, self._markers, _B64_CHARS, self._base64_kind)

    def _replace_runs(
        self,
        text: str,
        counts: Counter[str],
        pattern: re.Pattern[str],
        chars: frozenset[str],
        kind_of: Callable[[str], str | None],
    ) -> str:
        """Replace each run of ``chars`` around a ``pattern`` hit whose content ``kind_of`` says is secret."""
        spans: list[tuple[int, int, str]] = []
        seen_until = -1
        for hit in pattern.finditer(text):
            if hit.start() < seen_until:
                continue
            start, end = _expand(text, hit.start(), hit.end(), chars)
            seen_until = end
            kind = kind_of(text[start:end])
            if kind:
                spans.append((start, end, kind))
        if not spans:
            return text
        parts, last = [], 0
        for start, end, kind in spans:
            counts[kind] += 1
            parts += [text[last:start], REDACTED]
            last = end
        return "".join([*parts, text[last:]])

    def _base64_kind(self, run: str) -> str | None:
        if any(marker in run for marker in self._token_markers):
            return API_TOKEN
        decoded = _decoded(run)
        if self._token and self._token in decoded:
            return API_TOKEN
        return ACCESS_TOKEN if _JWT.search(decoded) else None

    def _percent_kind(self, run: str) -> str | None:
        from urllib.parse import unquote

        decoded = unquote(run)
        return None if decoded == run else self.kind_in(decoded)

"""A short, safe excerpt of an HTTP answer's body for an error message.

A proxy or load balancer in front of LeanIX may answer a 502 with a megabyte of HTML, bytes that are no text,
terminal escape sequences, or an echo of the request with its ``Authorization`` header. An error message
quotes at most :data:`LIMIT` characters of it: the readable text of HTML (no markup, scripts or styles),
without control characters, whitespace collapsed, and with anything that looks like a credential replaced.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable
from html.parser import HTMLParser

__all__ = ["LIMIT", "excerpt", "printable", "redact"]

#: at most this many characters of a body go into a message
LIMIT = 200
#: only this much of a body is looked at (the excerpt comes from its start)
_READ = 65536
REDACTED = "[redacted]"

_MARKUP = re.compile(r"<[A-Za-z!/?]")
#: terminal escape sequences (colours, cursor moves, window titles)
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CREDENTIALS = (
    # an echoed Authorization header, or a scheme with its credentials anywhere in the text
    re.compile(r"(?i)\b(bearer|basic)(\s+)(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{12,}"),
    # a JWT (an access token)
    re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
    # "access_token": "…", apiToken=…, password: …
    re.compile(
        r"(?i)([\"']?[\w-]*(?:token|secret|password|passwd|api[_-]?key|authorization)[\"']?\s*[:=]\s*[\"']?)"
        r"(?=[^\s\"',;&}]*\d)[^\s\"',;&}]{8,}"
    ),
)

_RUNS = re.compile(r"(?:\[redacted\][A-Za-z0-9+/_=-]*){2,}|\[redacted\]=+")


class _Text(HTMLParser):
    """The text of an HTML page, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _html_text(text: str) -> str:
    parser = _Text()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - HTMLParser is lenient; keep what it read
        pass
    return "".join(parser.parts)


def printable(text: str) -> str:
    """``text`` with every control, format, surrogate or unassigned character replaced by a space."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


def _forms(secret: str) -> list[str]:
    raw = secret.encode("utf-8", "surrogatepass")
    return [
        secret,
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        urllib.parse.quote(secret, safe=""),
    ]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secrets (plain, base64, URL-encoded) and credential-like strings replaced."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            for form in _forms(secret):
                text = text.replace(form, REDACTED)
    text = _CREDENTIALS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _CREDENTIALS[1].sub(REDACTED, text)
    text = _CREDENTIALS[2].sub(lambda m: m.group(1) + REDACTED, text)
    return _RUNS.sub(REDACTED, text)


def excerpt(
    body: str | bytes, secrets: Iterable[str] = (), limit: int = LIMIT, encoding: str | None = None
) -> str:
    """At most ``limit`` characters of readable text from the start of ``body``; "" when there is none."""
    if isinstance(body, bytes):
        try:
            text = body[:_READ].decode(encoding or "utf-8", "replace")
        except LookupError:  # an unknown charset in Content-Type
            text = body[:_READ].decode("utf-8", "replace")
    else:
        text = body[:_READ]
    text = _ESCAPES.sub(" ", text)
    if _MARKUP.search(text):
        text = _html_text(text)
    text = " ".join(printable(text[: limit * 20]).split())
    text = " ".join(redact(text, secrets).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text

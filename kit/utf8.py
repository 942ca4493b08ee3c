"""UTF-8 text from a file's bytes, or where it stops being UTF-8 (line and column), for an error message.

A base module (standard library only): ``kit.config`` reads ``.env`` files with it and
``kit.integration.inputs`` reads LDIF and processor files with it; each words its own error.
"""

from __future__ import annotations

__all__ = ["NotUtf8", "decode_utf8"]

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text: UTF-16 (``utf16``, told by its byte order mark) or an undecodable byte
    at ``offset``, on ``line`` (1-based) at ``column`` (1-based, counted in bytes)."""

    def __init__(self, offset: int, line: int, column: int, *, utf16: bool = False) -> None:
        kind = "UTF-16 text" if utf16 else f"byte {offset} (line {line}, column {column}) is not UTF-8"
        super().__init__(kind)
        self.offset, self.line, self.column, self.utf16 = offset, line, column, utf16


def decode_utf8(raw: bytes) -> str:
    """``raw`` as text, a UTF-8 byte order mark skipped; :class:`NotUtf8` when it is not UTF-8."""
    if raw.startswith(_UTF16_BOMS):
        raise NotUtf8(0, 1, 1, utf16=True)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        raise NotUtf8(exc.start, line, exc.start - line_start + 1) from None

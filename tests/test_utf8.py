"""kit.utf8: one decoder for the kit's text files, telling where a file stops being UTF-8."""

from __future__ import annotations

import pytest

from kit.utf8 import NotUtf8, decode_utf8


def test_utf8_text_is_decoded_and_its_byte_order_mark_skipped():
    assert decode_utf8(b"\xef\xbb\xbfLEANIX_HOST=x\n") == "LEANIX_HOST=x\n"
    assert decode_utf8("Zürich".encode()) == "Zürich"
    assert decode_utf8(b"") == ""


@pytest.mark.parametrize(
    ("raw", "offset", "line", "column"),
    [
        (b"\xff", 0, 1, 1),
        (b"ab\ncd\xe9f", 5, 2, 3),  # a Latin-1 e-acute: line 2, third byte
        (b"x\n\ny\n\xc3(", 5, 4, 1),  # a broken two-byte sequence at the start of line 4
    ],
)
def test_an_undecodable_byte_is_placed_by_line_and_column(raw, offset, line, column):
    with pytest.raises(NotUtf8) as caught:
        decode_utf8(raw)
    assert (caught.value.offset, caught.value.line, caught.value.column) == (offset, line, column)
    assert caught.value.utf16 is False


@pytest.mark.parametrize("raw", ["{}".encode("utf-16"), b"\xfe\xff\x00{\x00}"])
def test_utf16_is_told_by_its_byte_order_mark(raw):
    with pytest.raises(NotUtf8) as caught:
        decode_utf8(raw)
    assert caught.value.utf16 is True and (caught.value.line, caught.value.column) == (1, 1)

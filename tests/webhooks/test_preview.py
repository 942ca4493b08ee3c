"""preview_callback: callbacks from text or files, payloads from files, and the errors that say where."""

from __future__ import annotations

import json
import time

import pytest

from kit.callbacks import CallbackError
from kit.webhooks import CallbackPreview, preview_callback
from tests.webhooks.payloads import FINISHED, finished

DROP_CLEAN = (
    "var p = delivery.payload;\n"
    "if (p.errorCount === 0) {\n"
    "  delivery.active = false;\n"
    "}\n"
    "console.log('seen', p.connectorId);\n"
)


def test_without_a_payload_the_reference_sample_is_used():
    preview = preview_callback("console.log(delivery.payload.progress);")
    assert preview == CallbackPreview(True, FINISHED, None, "POST", ("log: FINISHED",))


def test_a_js_file_and_a_json_file(tmp_path):
    script = tmp_path / "alert.js"
    script.write_text(DROP_CLEAN, encoding="utf-8")
    data = tmp_path / "failed.json"
    data.write_text(json.dumps(finished(errorCount=2)), encoding="utf-8")
    for js, payload in ((script, data), (str(script), str(data))):
        preview = preview_callback(js, payload, target_url="https://example.org/hook")
        assert preview.delivers is True
        assert preview.payload == finished(errorCount=2)
        assert preview.target_url == "https://example.org/hook"
        assert preview.logs == ("log: seen inbound-document-connector",)
    assert preview_callback(script).delivers is False  # the clean sample


def test_the_preview_reads_as_text_and_as_html():
    preview = preview_callback(
        "delivery.payload = {text: 'a <b> & c'}; console.warn('careful');", target_url="https://example.org/h"
    )
    assert str(preview) == (
        'would deliver: yes (POST https://example.org/h)\n{\n  "text": "a <b> & c"\n}\nwarn: careful'
    )
    page = preview._repr_html_()
    assert "<strong>would deliver: yes (POST https://example.org/h)</strong>" in page
    assert "a &lt;b&gt; &amp; c" in page and "<b>" not in page
    assert "<pre>warn: careful</pre>" in page
    assert str(preview_callback("delivery.active = false;", {})).splitlines()[0] == "would deliver: no"


def test_a_malformed_payload_file_names_file_line_and_column(tmp_path):
    data = tmp_path / "bad.json"
    data.write_text('{\n  "progress": "FINISHED",\n  "errorCount": 0,,\n}\n', encoding="utf-8")
    with pytest.raises(CallbackError) as caught:
        preview_callback("", data)
    error = caught.value
    assert (error.kind, error.line, error.column) == ("input", 3, 19)
    assert str(error).startswith(f"{data}, line 3, column 19: ")


def test_missing_files_are_named(tmp_path):
    with pytest.raises(CallbackError, match=r"missing\.js: no such callback file") as caught:
        preview_callback(tmp_path / "missing.js")
    assert caught.value.kind == "input"
    with pytest.raises(CallbackError, match=r"nothing\.json: no such payload file"):
        preview_callback("", str(tmp_path / "nothing.json"))


def test_json_text_is_taken_as_the_payload():
    assert preview_callback("", '{"progress": "ABORTED"}').payload == {"progress": "ABORTED"}


def test_a_callback_that_loops_forever_is_stopped_within_the_time_limit(tmp_path):
    script = tmp_path / "spin.js"
    script.write_text("var n = 0;\nwhile (true) {\n  n++;\n}\n", encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(CallbackError) as caught:
        preview_callback(script, time_limit=0.5)
    assert time.monotonic() - start < 5  # a bound on hanging, not a timing goal
    error = caught.value
    assert (error.kind, error.line, error.column) == ("timeout", 2, 1)
    assert str(error).startswith("spin.js did not finish within 0.5 s")


def test_a_callback_that_throws_says_where(tmp_path):
    script = tmp_path / "throws.js"
    script.write_text("var p = delivery.payload;\nvar n = p.missing.count;\n", encoding="utf-8")
    with pytest.raises(CallbackError) as caught:
        preview_callback(script)
    error = caught.value
    assert (error.kind, error.line) == ("runtime", 2)
    assert error.column is not None and error.column >= 1
    assert str(error).startswith(f"throws.js, line 2, column {error.column}: ")
    assert "TypeError" in str(error)


def test_a_callback_that_is_not_javascript_says_where():
    with pytest.raises(CallbackError) as caught:
        preview_callback("var a = 1;\nif (a {\n}\n")
    error = caught.value
    assert (error.kind, error.line, error.column) == ("syntax", 2, 7)
    assert str(error).startswith("the callback, line 2, column 7: SyntaxError")

"""kit.callbacks runs a webhook callback as LeanIX does (reference §8.4): one global ``delivery`` whose
``active``, ``payload``, ``targetUrl`` and ``targetMethod`` the script may change; errors say where."""

from __future__ import annotations

import threading
import time

import pytest

from kit.callbacks import CallbackError, run_callback
from tests.webhooks.payloads import FINISHED


def test_an_untouched_delivery_goes_out_as_it_came():
    delivery = run_callback("", FINISHED, target_url="http://127.0.0.1:9/x")
    assert delivery.active is True
    assert delivery.payload == FINISHED
    assert delivery.target_url == "http://127.0.0.1:9/x"
    assert delivery.target_method == "POST"
    assert delivery.logs == ()


def test_the_documented_recipe_drops_clean_runs_and_reshapes_failed_ones():
    # the alert recipe of SAP's "sending alerts to Slack and Teams" page (reference §8.3)
    recipe = (
        "var payload = delivery.payload;\n"
        "delivery.active = false;\n"
        "if (payload.errorCount > 0) {\n"
        "  delivery.active = true;\n"
        "  delivery.payload = {text: payload.connectorId + ' failed with ' + payload.errorCount + ' error(s)'};\n"
        "}\n"
    )
    assert run_callback(recipe, FINISHED).active is False
    failed = run_callback(recipe, {**FINISHED, "errorCount": 3})
    assert failed.active is True
    assert failed.payload == {"text": "inbound-document-connector failed with 3 error(s)"}
    assert failed.body == '{"text": "inbound-document-connector failed with 3 error(s)"}'


def test_target_and_method_can_be_changed_and_active_is_truthiness():
    delivery = run_callback(
        "delivery.targetUrl = delivery.targetUrl + '?c=' + delivery.payload.connectorId;"
        "delivery.targetMethod = 'PUT'; delivery.active = 'yes';",
        FINISHED,
        target_url="http://127.0.0.1:9/hook",
    )
    assert delivery.target_url == "http://127.0.0.1:9/hook?c=inbound-document-connector"
    assert delivery.target_method == "PUT"
    assert delivery.active is True
    assert run_callback("delivery.active = 0;", FINISHED).active is False


def test_console_lines_are_kept():
    delivery = run_callback(
        "console.log('seen', delivery.payload.processedCount); console.warn({a: 1});", FINISHED
    )
    assert delivery.logs == ("log: seen 2", 'warn: {"a":1}')


def test_a_syntax_error_names_line_and_column():
    with pytest.raises(CallbackError) as caught:
        run_callback("var a = 1;\nvar b = ;\n", FINISHED, name="alert.js")
    error = caught.value
    assert (error.kind, error.line, error.column) == ("syntax", 2, 9)
    assert str(error).startswith("alert.js, line 2, column 9: SyntaxError: Unexpected token ';'")


def test_an_exception_names_line_and_column():
    source = "var p = delivery.payload;\nvar missing = p.nothing;\nvar x = missing.deeper;\n"
    with pytest.raises(CallbackError) as caught:
        run_callback(source, FINISHED)
    error = caught.value
    assert (error.kind, error.line, error.column) == ("runtime", 3, 17)
    assert "Cannot read properties of undefined (reading 'deeper')" in str(error)


def test_a_thrown_value_is_reported_with_its_text():
    with pytest.raises(CallbackError) as caught:
        run_callback("\n\n  throw new Error('no connector');", FINISHED)
    assert (caught.value.kind, caught.value.line, caught.value.column) == ("runtime", 3, 3)
    assert "Error: no connector" in str(caught.value)


def test_an_endless_loop_is_stopped_at_the_time_limit_and_located():
    start = time.monotonic()
    with pytest.raises(CallbackError) as caught:
        run_callback("var n = 0;\n  while (true) { n++; }", FINISHED, time_limit=0.3)
    elapsed = time.monotonic() - start
    assert elapsed < 5  # a bound on hanging, not a timing goal
    error = caught.value
    assert (error.kind, error.line, error.column) == ("timeout", 2, 3)
    assert "did not finish within 0.3 s" in str(error)


def test_a_payload_without_json_form_is_refused_before_the_engine():
    with pytest.raises(CallbackError) as caught:
        run_callback("", {"x": float("nan")})
    assert caught.value.kind == "input"
    with pytest.raises(CallbackError) as caught:
        run_callback(42, FINISHED)  # type: ignore[arg-type]
    assert caught.value.kind == "input"


def test_a_payload_left_without_json_form_is_an_error():
    with pytest.raises(CallbackError) as caught:
        run_callback("delivery.payload = {n: 1n};", FINISHED)
    assert caught.value.kind == "runtime"
    assert "BigInt" in str(caught.value)


def test_each_run_starts_clean():
    run_callback("var leftover = 1; globalThis.also = 2;", FINISHED)
    delivery = run_callback("delivery.payload = {a: typeof leftover, b: typeof also};", FINISHED)
    assert delivery.payload == {"a": "undefined", "b": "undefined"}


def test_callbacks_run_side_by_side_on_threads():
    results: list[object] = []

    def work(index: int) -> None:
        for _ in range(3):
            try:
                run_callback("while (true) {}", FINISHED, time_limit=0.1)
            except CallbackError as exc:
                results.append(exc.kind)
            results.append(run_callback(f"delivery.payload = {index};", FINISHED).payload)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r for r in results if r == "timeout") == ["timeout"] * 12
    assert sorted(r for r in results if isinstance(r, int)) == sorted([0, 1, 2, 3] * 3)

"""The robustness suite prints its tally (inputs tried, clean errors, documented acceptances, failures)."""

from __future__ import annotations

import pytest

from tests.robustness.outcomes import TALLY

# A hang is a failure, caught by pytest-timeout (generous: no case needs more than a few seconds).
TIMEOUT_S = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/robustness/" in item.nodeid.replace("\\", "/") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(TIMEOUT_S))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed and "robustness" in report.nodeid and "Timeout" in str(report.longrepr):
        TALLY["hangs"] += 1


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest's TerminalReporter
    if not TALLY["inputs tried"]:
        return
    order = ["inputs tried", "clean errors", "documented acceptances"]
    failures = [
        "foreign exceptions",
        "silently accepted",
        "unexpected errors",
        "unclear messages",
        "leaks",
        "hangs",
    ]
    parts = [f"{TALLY[k]:,} {k}" for k in order] + [f"{TALLY[k]:,} {k}" for k in failures]
    terminalreporter.write_sep("-", "robustness tally")
    terminalreporter.write_line("robustness: " + ", ".join(parts))

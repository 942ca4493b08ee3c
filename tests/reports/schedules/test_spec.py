"""schedules.yaml: the shape of docs/schedules.md §6, and refusals naming file, line, column and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.reports.schedules import ScheduleError
from kit.reports.schedules.spec import Retention, Retries, load_schedules, schedules_path
from tests.reports.schedules.support import write_notebook, write_schedules


def refusal(folder: Path, text: str) -> str:
    path = write_schedules(folder, text)
    with pytest.raises(ScheduleError) as refused:
        load_schedules(path)
    return str(refused.value)


def test_the_documented_example_loads_with_defaults_merged_and_paths_absolute(quiet_env):
    write_notebook(
        quiet_env / "nb" / "mine.ipynb", parameters="days: int = 14  # days\nlabel: str = ''  # a label"
    )
    path = write_schedules(
        quiet_env,
        """
        defaults:
          out: reports
          retention: {keep_runs: 30, keep_days: 90}
          retries: {attempts: 3, backoff_seconds: 60}
        schedules:
          - name: weekly-health
            notebook: run_health
            cron: "0 6 * * 1"
            timezone: Europe/Berlin
            workspace: prod
            parameters: {days: 7}
            alert_on: [connector]
          - name: mine
            notebook: nb/mine.ipynb
            cron: "@DAILY"
            workspace: sandbox
            out: elsewhere/../other
            retention: {keep_runs: 5}
            retries: {backoff_seconds: 0}
            parameters: {label: 2026-11-01}
        """,
    )
    file = load_schedules(path)
    assert file.path == quiet_env / "schedules.yaml" and file.state_folder == quiet_env / ".lxkit"
    health, mine = file.schedules
    assert (health.name, health.notebook.name, health.cron, health.timezone, health.workspace) == (
        "weekly-health",
        "run_health.ipynb",
        "0 6 * * 1",
        "Europe/Berlin",
        "prod",
    )
    assert health.parameters == {"days": 7} and health.alert_on == ("connector",)
    assert (
        health.out == quiet_env / "reports" and health.runs_folder == quiet_env / "reports" / "weekly-health"
    )
    assert health.retention == Retention(keep_runs=30, keep_days=90)
    assert health.retries == Retries(attempts=3, backoff_seconds=60)
    assert health.line == 6
    # mappings merge key by key; relative paths are read from the file's folder; dates stay text
    assert mine.notebook == quiet_env / "nb" / "mine.ipynb" and mine.out == quiet_env / "other"
    assert mine.retention == Retention(keep_runs=5, keep_days=90)
    assert mine.retries == Retries(attempts=3, backoff_seconds=0)
    assert mine.cron == "@daily" and mine.timezone == "UTC" and mine.alert_on is None
    assert mine.parameters == {"label": "2026-11-01"}


def test_an_invalid_cron_is_named_with_file_line_column_and_key(quiet_env):
    message = refusal(
        quiet_env,
        """
        schedules:
          - name: a
            notebook: explore
            cron: "0 6 * * 1"
            workspace: sandbox
          - name: b
            notebook: explore
            cron: every monday
            workspace: sandbox
        """,
    )
    assert message.startswith(
        f"{quiet_env / 'schedules.yaml'}, line 8, column 11: schedules[1].cron: 'every monday' is not a cron "
        "expression: it has 2 field(s); five fields: minute hour day-of-month month day-of-week"
    )


@pytest.mark.parametrize(
    ("cron", "says"),
    [
        ("0 6 * * 1 2026", "it has 6 field(s)"),
        ("0 6 L * *", "field 'L' may hold only digits, month and day names"),
        ("0 6 * * mon#1", "field 'mon#1' may hold only"),
        ("0 25 * * *", "is not a cron expression (a value is out of range?)"),
        ("0 0 31 2 *", "never matches a date"),
        ("@reboot", "is not a cron macro; the macros are @hourly, @daily"),
    ],
)
def test_cron_expressions_crontab_would_not_take_are_refused(quiet_env, cron, says):
    message = refusal(
        quiet_env,
        f"""
        schedules:
          - {{name: a, notebook: explore, cron: "{cron}", workspace: sandbox}}
        """,
    )
    assert "line 2, column 40: schedules[0].cron: " in message and says in message


def test_every_problem_is_listed_at_once_in_file_order(quiet_env):
    message = refusal(
        quiet_env,
        """
        defaults:
          retention: {keep_runs: 3, keep_dayz: 4}
          retries: {attempts: 0}
          parameters: {x: 1}
        schedules:
          - name: weekly-health
            notebook: run_health
            cron: "0 6 * * 1"
            timezone: Europe/Berlinn
            workspace: prod
            parameters: {days: fourteen}
          - name: Bad_Name
            notebook: nb/missing.ipynb
            cron: "@daily"
            workspace: "no way"
            alert_on: connector
            retention: {keep_runs: -1}
          - name: weekly-health
            notebook: explore
            cron: "@daily"
            workspce: sandbox
        """,
    )
    shown = quiet_env / "schedules.yaml"
    lines = message.splitlines()
    assert lines[0] == f"{shown} has 13 problems:"
    expected = [
        "line 2, column 29: defaults.retention.keep_dayz: unknown key 'keep_dayz' in defaults.retention; did you "
        "mean 'keep_days'? the keys are: keep_runs, keep_days",
        "line 3, column 23: defaults.retries.attempts: must be a whole number of at least 1 (1 runs once, "
        "without retries), not 0",
        "line 4, column 3: defaults.parameters: parameters is set per schedule, not in defaults",
        "line 9, column 15: schedules[0].timezone: 'Europe/Berlinn' is not a time zone; did you mean "
        "'Europe/Berlin'?",
        "line 11, column 24: schedules[0].parameters.days: run_health has parameter days: int; the schedules "
        "file got the text 'fourteen'. Give a whole number, e.g. days: 14",
        "line 12, column 11: schedules[1].name: 'Bad_Name' is not a schedule name",
        f"line 13, column 15: schedules[1].notebook: no notebook at {quiet_env / 'nb' / 'missing.ipynb'} (a "
        f"relative path is read from the schedules file's folder, {quiet_env})",
        "line 15, column 16: schedules[1].workspace: 'no way' is not a workspace: give sandbox (the embedded "
        "demo sandbox), default",
        "line 16, column 15: schedules[1].alert_on: must be a list of alert kinds such as [connector, kpi]",
        "line 17, column 28: schedules[1].retention.keep_runs: must be a whole number of at least 0",
        "line 18, column 5: schedules[2]: no workspace; say which workspace it reports on: sandbox",
        "line 18, column 11: schedules[2].name: 'weekly-health' is already the name of schedules[0] (line 6); "
        "names must be unique",
        "line 21, column 5: schedules[2].workspce: unknown key 'workspce' in a schedule; did you mean "
        "'workspace'?",
    ]
    assert len(lines) == 1 + len(expected)
    for line, start in zip(lines[1:], expected, strict=True):
        assert line.strip().startswith(f"{shown}, {start}"), (line, start)


def test_yaml_aliases_and_duplicate_keys_are_refused_by_the_parameters_loader(quiet_env):
    message = refusal(
        quiet_env,
        """
        defaults: &d {workspace: sandbox}
        schedules:
          - {name: a, notebook: explore, cron: "@daily", <<: *d}
        """,
    )
    assert message.startswith(f"{quiet_env / 'schedules.yaml'}, line 3, column ")
    assert "alias *d is not allowed in a schedules file" in message
    message = refusal(
        quiet_env,
        """
        schedules:
          - name: a
            name: b
        """,
    )
    assert message.startswith(f"{quiet_env / 'schedules.yaml'}, line 3, column 5: ")
    assert "duplicate key 'name' (first at line 2)" in message


def test_required_keys_and_top_level_shape(quiet_env):
    message = refusal(quiet_env, "schedules:\n  - {workspace: sandbox}\n")
    assert "schedules[0]: no name; give a name such as weekly-health" in message
    assert "schedules[0]: no notebook; give a notebook such as run_health" in message
    assert "schedules[0]: no cron; give a cron expression such as '0 6 * * 1'" in message
    message = refusal(quiet_env, "schedule:\n  - {name: a}\n")
    assert "unknown key 'schedule' in the schedules file; did you mean 'schedules'?" in message
    assert "no 'schedules:' list" in message


def test_the_file_comes_from_the_option_then_the_folder_then_the_environment(quiet_env, monkeypatch):
    elsewhere = quiet_env / "elsewhere.yaml"
    monkeypatch.setenv("LXKIT_SCHEDULES", str(elsewhere))
    assert schedules_path() == elsewhere
    (quiet_env / "schedules.yaml").write_text("schedules: []\n")
    assert schedules_path() == quiet_env / "schedules.yaml"
    assert schedules_path("other/s.yaml") == quiet_env / "other" / "s.yaml"
    monkeypatch.delenv("LXKIT_SCHEDULES")
    (quiet_env / "schedules.yaml").unlink()
    with pytest.raises(ScheduleError) as none:
        schedules_path()
    assert "no schedules.yaml in the current folder" in str(none.value) and "--file PATH" in str(none.value)


def test_unknown_schedule_name_lists_the_names_and_a_close_one(quiet_env):
    path = write_schedules(
        quiet_env,
        """
        schedules:
          - {name: weekly-health, notebook: explore, cron: "@weekly", workspace: sandbox}
          - {name: daily, notebook: explore, cron: "@daily", workspace: sandbox}
        """,
    )
    with pytest.raises(ScheduleError) as unknown:
        load_schedules(path).get("weekly-heath")
    assert str(unknown.value) == (
        f"{path} has no schedule 'weekly-heath' (its schedules: weekly-health, daily). Did you mean 'weekly-health'?"
    )


@pytest.mark.parametrize(
    ("written", "meant"), [("connectors", "connector"), ("kpis", "kpi"), ("Connector", "connector")]
)
def test_a_near_miss_of_an_alert_kind_is_refused(quiet_env, written, meant):
    message = refusal(
        quiet_env,
        f"""
        schedules:
          - name: weekly-health
            notebook: run_health
            cron: "0 6 * * 1"
            workspace: sandbox
            alert_on: [{written}]
        """,
    )
    assert (
        f"schedules[0].alert_on: {written!r} is not an alert kind lxkit writes; did you mean {meant!r}?"
        in (message)
    )


def test_an_alert_kind_of_ones_own_is_kept(quiet_env):
    path = write_schedules(
        quiet_env,
        """
        schedules:
          - name: weekly-health
            notebook: run_health
            cron: "0 6 * * 1"
            workspace: sandbox
            alert_on: [connector, licence_expiry]
        """,
    )
    (health,) = load_schedules(path).schedules
    assert health.alert_on == ("connector", "licence_expiry")

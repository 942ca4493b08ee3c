"""``lxkit schedule list`` and the command's exit codes for files it cannot use (no kernel involved)."""

from __future__ import annotations

import json
import subprocess
import sys

from kit.reports.schedules.command import main
from tests.reports.schedules.support import write_schedules


def test_list_shows_each_schedule_its_workspace_next_and_last_run(quiet_env, capsys):
    path = write_schedules(
        quiet_env,
        """
        schedules:
          - {name: weekly, notebook: explore, cron: "0 6 * * 1", timezone: Europe/Berlin, workspace: prod}
          - {name: daily, notebook: run_health, cron: "@daily", workspace: sandbox}
        """,
    )
    state = quiet_env / ".lxkit" / "state.json"
    state.parent.mkdir()
    entry = {
        "slot": "2026-11-30T05:00:00+00:00",
        "started_at": "2026-11-30T05:00:04+00:00",
        "status": "alerts",
        "exit_code": 2,
        "attempts": 2,
        "run_folder": "/srv/reports/weekly/explore/20261130T050004000000Z",
    }
    state.write_text(json.dumps({"format": 1, "schedules": {"weekly": entry}}))
    assert main(["list", "--file", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{path}: 2 schedule(s)"
    assert lines[1] == "weekly  explore  cron '0 6 * * 1' (Europe/Berlin)  workspace prod"
    assert lines[2].startswith("  next run: ") and " Europe/Berlin (" in lines[2]
    assert lines[3] == (
        "  last run: 2026-11-30 05:00 UTC  alerts, exit 2, 2 attempts  /srv/reports/weekly/explore/20261130T050004000000Z"
    )
    assert lines[4] == "daily  run_health  cron '@daily' (UTC)  workspace sandbox"
    assert lines[5].startswith("  next run: ") and lines[5].endswith(" 00:00 UTC")
    assert lines[6] == "  last run: never"


def test_an_invalid_file_or_unknown_name_exits_1_with_the_reason(quiet_env, capsys):
    path = write_schedules(quiet_env, 'schedules:\n  - {name: a, notebook: explore, cron: "@daily"}\n')
    assert main(["list", "--file", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"lxkit: {path}, line 2, column 5: schedules[0]: no workspace; say which workspace it reports on: sandbox "
        "(the embedded demo sandbox), default (the workspace LEANIX_HOST configures, in the environment or a .env "
        "file) or a profile name such as prod\n"
    )
    path = write_schedules(
        quiet_env, 'schedules:\n  - {name: a, notebook: explore, cron: "@daily", workspace: sandbox}\n'
    )
    assert main(["run", "b", "--file", str(path)]) == 1
    assert capsys.readouterr().err == f"lxkit: {path} has no schedule 'b' (its schedules: a).\n"
    assert main(["run-due", "--now", "tomorrow", "--file", str(path)]) == 1
    assert "--now 'tomorrow' is not an ISO date and time" in capsys.readouterr().err


def test_importing_the_command_loads_no_notebook_stack():
    code = (
        "import sys, kit.reports.schedules.command as c; "
        "print(sorted(m for m in ('papermill', 'nbformat', 'croniter', 'kit.reports.runner') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

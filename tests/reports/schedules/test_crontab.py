"""install-cron: the lines of docs/schedules.md §6, CRON_TZ, markers, and crontab -l / crontab - (a fake)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kit.reports.schedules import ScheduleError
from kit.reports.schedules.command import main
from kit.reports.schedules.crontab import cron_block, cron_lines, install, lxkit_command, merge
from kit.reports.schedules.spec import load_schedules
from tests.reports.schedules.support import write_schedules

LXKIT = ["/opt/lx/bin/lxkit"]


@pytest.fixture
def schedules(quiet_env, monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    folder = quiet_env / "my reports"
    folder.mkdir()
    path = write_schedules(
        folder,
        """
        defaults: {workspace: sandbox}
        schedules:
          - {name: hourly, notebook: explore, cron: "5 * * * *"}
          - {name: berlin, notebook: explore, cron: "0 6 * * 1", timezone: Europe/Berlin}
          - {name: daily, notebook: explore, cron: "@daily", timezone: Etc/UTC}
          - {name: tokyo, notebook: explore, cron: "30 8 1 * *", timezone: Asia/Tokyo}
        """,
    )
    return load_schedules(path)


def expected_line(folder: Path, cron: str, name: str) -> str:
    quoted = f"'{folder}'"
    return (
        f"{cron} cd {quoted} && /usr/bin/flock -n '{folder}/.lxkit/locks/{name}.cron.lock' /opt/lx/bin/lxkit "
        f"schedule run {name} --file '{folder}/schedules.yaml' >> '{folder}/.lxkit/logs/{name}.log' 2>&1"
    )


def test_one_line_per_schedule_with_cron_tz_where_the_zone_is_not_the_machines(schedules):
    folder = schedules.folder
    assert cron_lines(schedules, machine_zone="UTC", lxkit=LXKIT) == [
        expected_line(folder, "5 * * * *", "hourly"),
        "CRON_TZ=Europe/Berlin",
        expected_line(folder, "0 6 * * 1", "berlin"),
        "CRON_TZ=UTC",  # back to the machine's zone for the next line
        expected_line(folder, "@daily", "daily"),
        "CRON_TZ=Asia/Tokyo",
        expected_line(folder, "30 8 1 * *", "tokyo"),
        "CRON_TZ=UTC",  # and for whatever follows the block
    ]


def test_on_a_berlin_machine_the_utc_schedules_get_cron_tz(schedules):
    lines = cron_lines(schedules, machine_zone="Europe/Berlin", lxkit=LXKIT)
    assert [line for line in lines if line.startswith("CRON_TZ=")] == [
        "CRON_TZ=UTC",
        "CRON_TZ=Europe/Berlin",
        "CRON_TZ=Etc/UTC",
        "CRON_TZ=Asia/Tokyo",
        "CRON_TZ=Europe/Berlin",
    ]


def test_the_block_has_markers_and_creates_the_folders_its_lines_write_to(schedules):
    block = cron_block(schedules, machine_zone="UTC", lxkit=LXKIT)
    lines = block.splitlines()
    assert lines[0] == f"# >>> lxkit schedules {schedules.path}"
    assert lines[-1] == f"# <<< lxkit schedules {schedules.path}"
    assert block.endswith("\n") and len(lines) == 2 + 8
    assert (schedules.folder / ".lxkit" / "locks").is_dir() and (
        schedules.folder / ".lxkit" / "logs"
    ).is_dir()


def test_a_percent_sign_is_escaped_for_cron(quiet_env):
    folder = quiet_env / "100%"
    folder.mkdir()
    file = load_schedules(
        write_schedules(
            folder, 'schedules:\n  - {name: a, notebook: explore, cron: "@daily", workspace: sandbox}\n'
        )
    )
    (line,) = cron_lines(file, machine_zone="UTC", lxkit=LXKIT)
    # cron turns an unescaped % into a line break; it passes \% on to the shell as %
    assert f"cd {quiet_env}/100\\% && " in line and re.search(r"(?<!\\)%", line) is None


def test_the_lxkit_command_is_the_script_beside_this_python():
    script = Path(sys.executable).parent / "lxkit"
    assert lxkit_command() == ([str(script)] if script.exists() else [sys.executable, "-m", "kit"])


def test_merge_replaces_only_this_files_block():
    file = Path("/srv/a/schedules.yaml")
    other = "# >>> lxkit schedules /srv/b/schedules.yaml\n0 1 * * * b\n# <<< lxkit schedules /srv/b/schedules.yaml\n"
    start = f"MAILTO=me@example.com\n0 0 * * * backup\n\n{other}"
    first = merge(start, f"# >>> lxkit schedules {file}\nline 1\n# <<< lxkit schedules {file}\n", file)
    assert first == f"{start}\n# >>> lxkit schedules {file}\nline 1\n# <<< lxkit schedules {file}\n"
    second = merge(
        first, f"# >>> lxkit schedules {file}\nline 2\nline 3\n# <<< lxkit schedules {file}\n", file
    )
    assert second == f"{start}\n# >>> lxkit schedules {file}\nline 2\nline 3\n# <<< lxkit schedules {file}\n"
    assert merge("", "# >>> lxkit schedules x\n# <<< lxkit schedules x\n", Path("x")) == (
        "# >>> lxkit schedules x\n# <<< lxkit schedules x\n"
    )
    with pytest.raises(ScheduleError) as broken:
        merge(f"# >>> lxkit schedules {file}\nhalf a block\n", "", file)
    assert "are not one block" in str(broken.value) and "crontab -e" in str(broken.value)


FAKE_CRONTAB = """#!/bin/sh
# a stand-in for crontab(1): the crontab is the file $FAKE_CRONTAB
if [ "$1" = "-l" ]; then
  if [ -f "$FAKE_CRONTAB" ]; then cat "$FAKE_CRONTAB"; exit 0; fi
  echo "no crontab for $(id -un)" >&2; exit 1
fi
if [ "$1" = "-" ]; then cat > "$FAKE_CRONTAB"; exit 0; fi
exit 2
"""


@pytest.fixture
def fake_crontab(tmp_path, monkeypatch):
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    script = bin_folder / "crontab"
    script.write_text(FAKE_CRONTAB)
    script.chmod(0o755)
    table = tmp_path / "crontab.txt"
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CRONTAB", str(table))
    return table


def test_install_with_no_crontab_yet_then_again_replacing_its_block(schedules, fake_crontab):
    written = install(schedules, machine_zone="UTC", lxkit=LXKIT)
    assert fake_crontab.read_text() == written == cron_block(schedules, machine_zone="UTC", lxkit=LXKIT)
    fake_crontab.write_text("MAILTO=me@example.com\n" + written + "0 0 * * * backup\n")
    install(schedules, machine_zone="UTC", lxkit=LXKIT)
    text = fake_crontab.read_text()
    assert text.startswith("MAILTO=me@example.com\n# >>> lxkit schedules ") and text.endswith(
        "0 0 * * * backup\n"
    )
    assert text.count("# >>> lxkit schedules") == 1 and text.count("schedule run hourly") == 1


def test_install_cron_command_prints_or_installs(schedules, fake_crontab, capsys):
    file = str(schedules.path)
    assert main(["install-cron", "--file", file]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"# >>> lxkit schedules {file}\n") and "schedule run tokyo" in printed
    assert not fake_crontab.exists()
    assert main(["install-cron", "--install", "--file", file]) == 0
    assert (
        capsys.readouterr().out
        == f"installed 4 schedule(s) from {file} into the crontab (crontab -l shows them)\n"
    )
    assert fake_crontab.read_text() == printed
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=True)
    assert listed.stdout == printed


def test_install_without_crontab_says_what_to_do(schedules, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["install-cron", "--install", "--file", str(schedules.path)]) == 1
    assert "crontab is not installed here" in capsys.readouterr().err

"""``install-cron``: one crontab line per schedule, printed or put between marker lines in the user's crontab.

Each line is ``<cron> cd <folder> && <flock> -n <state>/locks/<name>.cron.lock <lxkit> schedule run <name>
--file <file> >> <state>/logs/<name>.log 2>&1``: absolute paths throughout (cron's ``PATH`` is bare and its
working folder is the home folder), flock(1) so a run that outlasts its interval is not started twice, the
output appended to a log per schedule. ``<lxkit>`` is the ``lxkit`` script beside this Python interpreter,
or ``<python> -m kit`` when there is none. Paths are shell-quoted and ``%`` (a line break to cron) escaped.

Cron reads the times in the machine's time zone; a schedule in another zone gets a ``CRON_TZ=<zone>`` line
before it, and the machine's zone is set back after it (a ``CRON_TZ`` line holds for every line after it).
cronie honours ``CRON_TZ``; a cron daemon that does not reads the times in the machine's zone, and
``run-due`` (called every few minutes) is then the way to keep the schedule's zone.

``--install`` reads the crontab (``crontab -l``; none yet is fine), replaces the block between
``# >>> lxkit schedules <file>`` and ``# <<< lxkit schedules <file>`` (or appends one) and writes it back
with ``crontab -``; lines outside the block, other files' blocks included, are kept as they are.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from kit.reports.schedules.errors import ScheduleError
from kit.reports.schedules.spec import ScheduleFile
from kit.reports.schedules.state import LOCKS

__all__ = [
    "begin_marker",
    "cron_block",
    "cron_lines",
    "end_marker",
    "install",
    "lxkit_command",
    "machine_timezone",
    "merge",
]

LOGS = "logs"
_UTC = {
    "UTC",
    "Etc/UTC",
    "Etc/UCT",
    "UCT",
    "Etc/Universal",
    "Universal",
    "Etc/Zulu",
    "Zulu",
    "GMT",
    "Etc/GMT",
}


def begin_marker(file: Path) -> str:
    return f"# >>> lxkit schedules {file}"


def end_marker(file: Path) -> str:
    return f"# <<< lxkit schedules {file}"


def lxkit_command() -> list[str]:
    """The lxkit command of this installation, as absolute paths."""
    script = Path(sys.executable).parent / "lxkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kit"]


def machine_timezone() -> str | None:
    """The zone cron reads times in: ``/etc/localtime``'s zone name (no such file: UTC), else ``/etc/timezone``."""
    try:
        target = os.readlink("/etc/localtime")
    except FileNotFoundError:
        return "UTC"
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        return target.split("zoneinfo/", 1)[1]
    try:
        return Path("/etc/timezone").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _same_zone(a: str, b: str | None) -> bool:
    return b is not None and (a == b or (a in _UTC and b in _UTC))


def _quote(path: Path | str) -> str:
    return shlex.quote(str(path)).replace("%", "\\%")


def cron_lines(
    file: ScheduleFile, machine_zone: str | None = None, lxkit: list[str] | None = None
) -> list[str]:
    """The crontab lines for ``file``'s schedules (``CRON_TZ`` lines included), without the markers.

    ``machine_zone`` defaults to :func:`machine_timezone`; unknown (None), every schedule gets ``CRON_TZ``.
    """
    zone = machine_zone if machine_zone is not None else machine_timezone()
    command = " ".join(_quote(part) for part in (lxkit or lxkit_command()))
    flock = shutil.which("flock") or "/usr/bin/flock"
    state = file.state_folder
    lines: list[str] = []
    shifted = False
    for schedule in file.schedules:
        if not _same_zone(schedule.timezone, zone):
            lines.append(f"CRON_TZ={schedule.timezone}")
            shifted = True
        elif shifted and zone is not None:
            lines.append(f"CRON_TZ={zone}")
            shifted = False
        lines.append(
            f"{schedule.cron} cd {_quote(file.folder)} && {_quote(flock)} -n "
            f"{_quote(state / LOCKS / f'{schedule.name}.cron.lock')} {command} schedule run {schedule.name} "
            f"--file {_quote(file.path)} >> {_quote(state / LOGS / f'{schedule.name}.log')} 2>&1"
        )
    if shifted and zone is not None:
        lines.append(f"CRON_TZ={zone}")
    return lines


def cron_block(file: ScheduleFile, machine_zone: str | None = None, lxkit: list[str] | None = None) -> str:
    """The lines between their markers, ending in a newline; creates the ``locks/`` and ``logs/`` folders
    the lines write to (a missing folder would make cron's shell fail before lxkit starts)."""
    for folder in (LOCKS, LOGS):
        (file.state_folder / folder).mkdir(parents=True, exist_ok=True)
    lines = [begin_marker(file.path), *cron_lines(file, machine_zone, lxkit), end_marker(file.path)]
    return "\n".join(lines) + "\n"


def merge(crontab: str, block: str, file: Path) -> str:
    """``crontab`` with ``file``'s block replaced by ``block`` (appended if it has none)."""
    lines = crontab.splitlines()
    begin, end = begin_marker(file), end_marker(file)
    starts = [i for i, line in enumerate(lines) if line.strip() == begin]
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    if len(starts) > 1 or len(ends) > 1 or len(starts) != len(ends) or (starts and ends[0] < starts[0]):
        raise ScheduleError(
            f"the crontab's lines for {file} are not one block between '{begin}' and '{end}'; edit the "
            "crontab (crontab -e) to remove them, then run install-cron --install again"
        )
    new = block.rstrip("\n").splitlines()
    if starts:
        lines[starts[0] : ends[0] + 1] = new
    else:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ([""] if lines else []) + new
    return "\n".join(lines) + "\n"


def _crontab() -> str:
    found = shutil.which("crontab")
    if found is None:
        raise ScheduleError(
            "crontab is not installed here (Debian: apt-get install cron; Fedora/RHEL: dnf install cronie); "
            "install-cron without --install prints the lines for another scheduler"
        )
    return found


def install(file: ScheduleFile, machine_zone: str | None = None, lxkit: list[str] | None = None) -> str:
    """Put ``file``'s block into the user's crontab (``crontab -l`` / ``crontab -``); the crontab written."""
    crontab = _crontab()
    listed = subprocess.run([crontab, "-l"], capture_output=True, text=True, check=False)
    if listed.returncode == 0:
        current = listed.stdout
    elif "no crontab" in listed.stderr.lower():
        current = ""
    else:
        raise ScheduleError(
            f"crontab -l failed (exit {listed.returncode}: {listed.stderr.strip()[:300]}); nothing was changed"
        )
    text = merge(current, cron_block(file, machine_zone, lxkit), file.path)
    written = subprocess.run([crontab, "-"], input=text, capture_output=True, text=True, check=False)
    if written.returncode != 0:
        raise ScheduleError(
            f"crontab - refused the new crontab (exit {written.returncode}: {written.stderr.strip()[:300]}); "
            "the crontab is unchanged"
        )
    return text

"""``lxkit schedule list | run NAME | run-due | install-cron``: the command line of schedules.

:func:`add_schedule_parser` adds the ``schedule`` command to ``lxkit``'s subcommands; :func:`main` runs it
on its own (``python -m kit.reports.schedules.command run weekly-health``). This module imports only
argparse and the standard library when loaded, so ``lxkit --help`` stays quick: the schedules modules (and
through the runner papermill and nbformat) load when a subcommand runs.

Exit codes: ``list`` 0, 1 when the file is invalid; ``run`` the run's (0 fine, 1 failed, refused or already
running, 2 finished with alerts of a kind in ``alert_on``); ``run-due`` 1 if any run failed or was refused,
else 2 if any had alerts, else 0 (also when nothing was due; a schedule already running is skipped without
changing the code); ``install-cron`` 0, 1 when the crontab cannot be read or written. Each run prints
``<name>: workspace …`` and then one line: name, status, start time, run folder.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.reports.schedules.spec import Schedule, ScheduleFile

__all__ = ["add_schedule_parser", "main"]

_FILE_HELP = "the schedules file (default: ./schedules.yaml, else $LXKIT_SCHEDULES)"


def _load(args: argparse.Namespace) -> ScheduleFile:
    from kit.reports.schedules.spec import load_schedules

    return load_schedules(args.file)


def _when(moment: datetime, zone: Any) -> str:
    local = moment.astimezone(zone)
    utc = f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if local.utcoffset() == moment.astimezone(UTC).utcoffset() and str(zone) in ("UTC", "Etc/UTC"):
        return utc
    return f"{local:%Y-%m-%d %H:%M} {zone} ({utc})"


def _last(schedule: Schedule, entry: dict[str, Any], busy: Any) -> str:
    if busy is not None:
        return busy.message().replace("; skipped", "")
    if not entry.get("started_at"):
        return "never"
    started = datetime.fromisoformat(entry["started_at"])
    tries = entry.get("attempts")
    attempts = f", {tries} attempts" if isinstance(tries, int) and tries > 1 else ""
    status = entry.get("status")
    if status == "running":
        status = "interrupted (the process ended without recording the result)"
    folder = f"  {entry['run_folder']}" if entry.get("run_folder") else ""
    code = f", exit {entry['exit_code']}" if entry.get("exit_code") is not None else ""
    return f"{started.astimezone(UTC):%Y-%m-%d %H:%M} UTC  {status}{code}{attempts}{folder}"


def _list(args: argparse.Namespace) -> int:
    from kit.reports.schedules.due import next_slot
    from kit.reports.schedules.state import read_state, running

    file = _load(args)
    state = read_state(file.state_folder)
    now = datetime.now(UTC)
    print(f"{file.path}: {len(file.schedules)} schedule(s)")
    for schedule in file.schedules:
        busy = running(file.state_folder, schedule.name)
        print(
            f"{schedule.name}  {schedule.notebook.stem}  cron '{schedule.cron}' ({schedule.timezone})  "
            f"workspace {schedule.workspace}"
        )
        print(f"  next run: {_when(next_slot(schedule.cron, schedule.zone, now), schedule.zone)}")
        print(f"  last run: {_last(schedule, state.get(schedule.name, {}), busy)}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from kit.reports.schedules.execute import run_schedule

    file = _load(args)
    outcome = run_schedule(file, file.get(args.name))
    print(outcome.line(), flush=True)
    return outcome.exit_code


def _run_due(args: argparse.Namespace) -> int:
    from kit.reports.schedules.due import is_due, parse_now
    from kit.reports.schedules.execute import Outcome, run_schedule
    from kit.reports.schedules.state import read_state

    try:
        now = parse_now(args.now) if args.now else datetime.now(UTC)
    except ValueError as exc:
        print(f"lxkit: {exc}", file=sys.stderr)
        return 1
    file = _load(args)
    state = read_state(file.state_folder)
    outcomes: list[Outcome] = []
    for schedule in file.schedules:
        due, _slot = is_due(schedule.cron, schedule.zone, now, state.get(schedule.name, {}).get("slot"))
        if not due:
            continue
        try:
            outcome = run_schedule(file, schedule, now=now, due_only=True)
        except Exception as exc:  # one schedule's crash must not keep the others from running
            print(f"lxkit: {schedule.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            outcome = Outcome(schedule.name, "failed", 1, datetime.now(UTC), message=type(exc).__name__)
        if outcome.status in ("skipped", "not due"):
            continue
        print(outcome.line(), flush=True)
        outcomes.append(outcome)
    if not outcomes:
        print(f"nothing due at {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    codes = {outcome.exit_code for outcome in outcomes}
    return 1 if 1 in codes else 2 if 2 in codes else 0


def _install_cron(args: argparse.Namespace) -> int:
    from kit.reports.schedules.crontab import cron_block, install

    file = _load(args)
    if not args.install:
        print(cron_block(file), end="")
        return 0
    install(file)
    print(
        f"installed {len(file.schedules)} schedule(s) from {file.path} into the crontab (crontab -l shows them)"
    )
    return 0


def _usage(parser: argparse.ArgumentParser) -> Any:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show


def add_schedule_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``schedule`` and its subcommands to ``commands``; each sets ``func(args) -> exit code``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--file", metavar="FILE", help=_FILE_HELP)
    schedule = commands.add_parser(
        "schedule",
        help="run notebooks on the schedules in schedules.yaml (list, run, run-due, install-cron)",
        description="Run report notebooks on schedules (docs/schedules.md §6). Exit codes: 0 fine, 1 failed or "
        "refused, 2 finished with alerts.",
    )
    schedule.set_defaults(func=_usage(schedule))
    sub = schedule.add_subparsers(dest="schedule_command", metavar="COMMAND")
    listing = sub.add_parser(
        "list", parents=[common], help="check the file; show each schedule, its next run and its last run"
    )
    listing.set_defaults(func=_list)
    run = sub.add_parser(
        "run", parents=[common], help="run one schedule now (with its retries, retention and index.html)"
    )
    run.add_argument("name", metavar="NAME", help="the schedule's name")
    run.set_defaults(func=_run)
    due = sub.add_parser(
        "run-due",
        parents=[common],
        help="run every schedule whose newest cron time is later than its last run (call it every few minutes)",
    )
    due.add_argument(
        "--now", metavar="ISO", help="take this time as now, e.g. 2026-12-07T06:00:00+01:00 (no offset: UTC)"
    )
    due.set_defaults(func=_run_due)
    cron = sub.add_parser(
        "install-cron",
        parents=[common],
        help="print crontab lines for the schedules (--install: put them in)",
    )
    cron.add_argument(
        "--install",
        action="store_true",
        help="replace this file's block in the user's crontab (crontab -l / crontab -) instead of printing it",
    )
    cron.set_defaults(func=_install_cron)
    return schedule


def main(argv: list[str] | None = None) -> int:
    """``lxkit schedule`` on its own: ``main(["run", "weekly-health", "--file", "schedules.yaml"])``."""
    from kit.errors import LxkitError

    parser = argparse.ArgumentParser(prog="lxkit")
    add_schedule_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["schedule", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args))
    except LxkitError as exc:
        print(f"lxkit: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

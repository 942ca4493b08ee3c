"""One run of a schedule: lock, workspace check, attempts with backoff, state, retention, ``index.html``.

The order, and why:

1. The schedule's lock (:func:`kit.reports.schedules.state.acquire`); if another process holds it, say so and
   skip (``run`` exits 1, ``run-due`` goes on with the next schedule).
2. The workspace: ``load_settings`` with the schedule's profile (``default``: none; ``sandbox``: the sandbox
   profile), searching ``.env`` from the schedules file's folder and in the notebook's folder as the runner
   does. ``default`` or a profile that resolves to no host is refused before anything runs: a schedule never
   reports on the demo sandbox unless it says ``workspace: sandbox``. Every run prints
   ``<name>: workspace <where it came from>``.
3. ``state.json`` records the start and the slot the run covers (see :mod:`kit.reports.schedules.due`).
4. Attempts: ``run_report(notebook, parameters, out=<out>/<name>, cwd=<file's folder>, workspace=…)``. A
   :class:`ReportFailed` (a cell raised, the kernel died, ``kpis.json``/``alerts.json`` malformed) is
   retried after ``backoff_seconds * 2**(k-1)`` seconds (at most an hour); a refusal before the kernel
   (:class:`ReportError`, ``ConfigError``, a missing notebook) is not, since it would be refused again.
   Every attempt keeps its run folder and gets a ``schedule.json`` saying which attempt it was.
5. Notifications (docs/alerts.md §4): once, for the last attempt's record, to the schedule's ``notify``
   targets; their records go into that run's ``run.json`` (``notifications``). A run refused before any
   attempt has no run folder: its message still goes out (status failed, the refusal as the error) and the
   records go into ``state.json``. Delivery never changes the outcome.
6. Retention, then ``<out>/index.html``, then the final state (status, exit code, attempts, run folder).

The runner and the sleep are parameters so tests can count attempts without kernels or waiting.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kit.errors import LxkitError
from kit.reports.schedules.due import is_due, latest_slot
from kit.reports.schedules.index import write_index
from kit.reports.schedules.runs import prune, write_schedule_file
from kit.reports.schedules.spec import Schedule, ScheduleFile
from kit.reports.schedules.state import Busy, acquire, read_state, update_state

__all__ = ["MAX_BACKOFF", "Outcome", "backoff", "run_schedule"]

MAX_BACKOFF = 3600.0

Echo = Callable[[str], None]


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Outcome:
    """What one run of a schedule came to; ``status`` is succeeded, alerts, failed, refused or skipped."""

    name: str
    status: str
    exit_code: int
    started: datetime
    attempts: int = 0
    folder: Path | None = None
    message: str = ""

    def line(self) -> str:
        """``weekly-health  alerts  2026-12-07 05:00 UTC  reports/weekly-health/run_health/20261207T…``."""
        where = _shown(self.folder) if self.folder is not None else self.message
        tries = f" ({self.attempts} attempts)" if self.attempts > 1 else ""
        return f"{self.name}  {self.status}{tries}  {self.started:%Y-%m-%d %H:%M} UTC  {where}"


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def backoff(backoff_seconds: float, attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): doubling from ``backoff_seconds``, ≤ 1 h."""
    return float(min(backoff_seconds * 2 ** (attempt - 1), MAX_BACKOFF))


def check_workspace(file: ScheduleFile, schedule: Schedule) -> str:
    """``settings.describe()`` of the schedule's workspace; :class:`LxkitError` if it must not run there."""
    from kit.config import ConfigError, load_settings

    profile = None if schedule.workspace == "default" else schedule.workspace
    settings = load_settings(profile=profile, start=file.folder, also=(schedule.notebook.parent,))
    if schedule.workspace != "sandbox" and settings.host is None:
        if profile is None:
            what, variables = "the default workspace", "LEANIX_HOST and LEANIX_API_TOKEN"
        else:
            what, variables = (
                f"profile {profile!r}",
                f"LEANIX_{profile.upper()}_HOST and LEANIX_{profile.upper()}_API_TOKEN",
            )
        raise ConfigError(
            f"{schedule.name}: workspace {schedule.workspace} resolves to no workspace ({settings.describe()}), "
            f"so the schedule would run on the demo sandbox; refused, nothing ran. Configure {what} "
            f"({variables} in the environment or in a .env file in {file.folder}), or write 'workspace: sandbox' "
            f"in {file.path} if the demo sandbox is what it should report on."
        )
    return str(settings.describe())


def _refused(name: str, started: datetime, message: str, echo: Echo) -> Outcome:
    echo(message)
    return Outcome(name, "refused", 1, started, message="refused, nothing ran")


def _report_notifications(schedule: Schedule, results: list[dict[str, Any]], warn: Echo) -> None:
    for result in results:
        if result["status"] == "failed":
            warn(
                f"{schedule.name}: notification to {result['channel']} {result['target']} failed: {result['error']}"
            )


def _notify_record(record: Any, schedule: Schedule, warn: Echo) -> None:
    """The message about the final attempt, its records added to that run's ``run.json``; never raises."""
    if not schedule.notify:
        return
    from kit.reports.notify import notify_run

    try:
        results = notify_run(
            record,
            schedule.notify,
            schedule=schedule.name,
            report_url=schedule.notify_base_url,
            report_root=schedule.out,
            alert_on=schedule.alert_on,
        )
    except Exception as exc:  # noqa: BLE001 - the run's outcome stands whatever happens here
        warn(f"{schedule.name}: notifications not sent: {type(exc).__name__}: {exc}")
        return
    _report_notifications(schedule, results, warn)


def _notify_refusal(schedule: Schedule, started: datetime, message: str, warn: Echo) -> list[dict[str, Any]]:
    """A refused run has no record: send one made of the refusal (status failed); the delivery records."""
    if not schedule.notify:
        return []
    from kit.reports.notify import notify

    record = {
        "notebook": schedule.notebook.stem,
        "status": "failed",
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workspace": schedule.workspace,
        "error": {"ename": "Refused", "evalue": f"refused, nothing ran: {message}"},
        "alerts": [],
    }
    try:
        results = notify(record, schedule.notify, schedule=schedule.name, alert_on=schedule.alert_on)
    except Exception as exc:  # noqa: BLE001 - as above
        warn(f"{schedule.name}: notifications not sent: {type(exc).__name__}: {exc}")
        return []
    _report_notifications(schedule, results, warn)
    return results


def run_schedule(
    file: ScheduleFile,
    schedule: Schedule,
    *,
    now: datetime | None = None,
    runner: Callable[..., Any] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    echo: Echo = print,
    warn: Echo = _stderr,
    due_only: bool = False,
) -> Outcome:
    """Run ``schedule`` now (see the module's docstring); never raises for a failed or refused run.

    ``now`` (default: the clock) picks the cron slot the run covers. ``due_only`` (``run-due``): once the
    lock is held, read the state again and run only if the schedule is still due, so a ``run-due`` that read
    the state while another one was running the schedule does not run it a second time (status
    ``not due``).
    """
    from kit.reports.errors import ReportFailed

    if runner is None:
        from kit.reports import run_report

        runner = run_report
    started = datetime.now(UTC)
    slot = latest_slot(schedule.cron, schedule.zone, now or started)
    lock = acquire(file.state_folder, schedule.name)
    if isinstance(lock, Busy):
        warn(lock.message())
        return Outcome(schedule.name, "skipped", 1, started, message="already running; skipped")
    with lock:
        if due_only:
            last = read_state(file.state_folder).get(schedule.name, {}).get("slot")
            if not is_due(schedule.cron, schedule.zone, now or started, last)[0]:
                return Outcome(schedule.name, "not due", 0, started, message="ran meanwhile; not due")
        try:
            echo(f"{schedule.name}: workspace {check_workspace(file, schedule)}")
        except LxkitError as exc:
            outcome = _refused(schedule.name, started, str(exc), warn)
            final = _final(outcome, slot, error=str(exc))
            sent = _notify_refusal(schedule, started, str(exc), warn)
            update_state(file.state_folder, schedule.name, {**final, "notifications": sent or None})
            return outcome
        update_state(
            file.state_folder,
            schedule.name,
            {
                "slot": slot.isoformat(),
                "started_at": started.isoformat(timespec="seconds"),
                "finished_at": None,
                "status": "running",
                "pid": os.getpid(),
                "attempts": 0,
            },
        )
        total = schedule.retries.attempts
        record: Any = None
        error = ""
        attempt = 0
        try:
            for attempt in range(1, total + 1):
                update_state(file.state_folder, schedule.name, {"attempts": attempt})
                try:
                    record = runner(
                        schedule.notebook,
                        schedule.parameters,
                        out=schedule.runs_folder,
                        cwd=file.folder,
                        workspace=schedule.workspace,
                    )
                except ReportFailed as failed:
                    record, error = failed.record, str(failed)
                    write_schedule_file(record.directory, schedule.name, attempt, total, slot)
                    if attempt < total:
                        wait = backoff(schedule.retries.backoff_seconds, attempt)
                        warn(f"{schedule.name}: attempt {attempt} of {total} failed: {failed}")
                        warn(f"{schedule.name}: next attempt in {wait:g} s")
                        sleep(wait)
                        continue
                    break
                write_schedule_file(record.directory, schedule.name, attempt, total, slot)
                error = ""
                break
        except LxkitError as exc:  # refused before a kernel started: the same refusal would come again
            outcome = Outcome(schedule.name, "refused", 1, started, attempt, message=f"refused: {exc}")
            warn(f"{schedule.name}: {exc}")
            final = _final(outcome, slot, error=str(exc))
            sent = _notify_refusal(schedule, started, str(exc), warn)
            update_state(file.state_folder, schedule.name, {**final, "notifications": sent or None})
            return outcome
        except BaseException as exc:
            outcome = Outcome(schedule.name, "failed", 1, started, attempt, message=repr(exc))
            update_state(file.state_folder, schedule.name, _final(outcome, slot, error=repr(exc)))
            raise
        code = int(record.exit_code(schedule.alert_on))
        status = {0: "succeeded", 2: "alerts"}.get(code, "failed")
        outcome = Outcome(schedule.name, status, code, started, attempt, Path(record.directory))
        _notify_record(record, schedule, warn)
        _tidy(file, schedule, warn)
        update_state(file.state_folder, schedule.name, _final(outcome, slot, error=error or None))
        return outcome


def _tidy(file: ScheduleFile, schedule: Schedule, warn: Echo) -> None:
    """Retention, then ``index.html``; a problem here is reported, the run's outcome stands."""
    try:
        removed = prune(schedule.runs_folder, schedule.retention)
        if removed:
            warn(f"{schedule.name}: retention removed {len(removed)} old run folder(s)")
    except OSError as exc:
        warn(f"{schedule.name}: retention could not delete an old run folder: {exc}")
    try:
        write_index(file.schedules, schedule.out, file.path)
    except OSError as exc:
        warn(f"{schedule.name}: could not write {schedule.out / 'index.html'}: {exc}")


def _final(outcome: Outcome, slot: datetime, error: str | None) -> dict[str, Any]:
    return {
        "slot": slot.isoformat(),
        "started_at": outcome.started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": outcome.status,
        "exit_code": outcome.exit_code,
        "attempts": outcome.attempts,
        "run_folder": str(outcome.folder) if outcome.folder is not None else None,
        "error": error,
        "pid": None,
        "notifications": None,  # a refused run's delivery records (a run's are in its run.json)
    }

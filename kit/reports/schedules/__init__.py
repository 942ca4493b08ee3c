"""Schedules: report notebooks run from ``schedules.yaml`` by cron or ``run-due`` (docs/schedules.md §6).

* :mod:`~kit.reports.schedules.spec` reads and checks the file (every problem with file, line, column, key);
* :mod:`~kit.reports.schedules.state` keeps ``.lxkit/state.json`` and the per-schedule locks;
* :mod:`~kit.reports.schedules.due` says when a schedule is due (cron slots in its time zone);
* :mod:`~kit.reports.schedules.execute` runs one schedule: lock, workspace check, retries, state;
* :mod:`~kit.reports.schedules.runs` lists run folders and applies retention;
* :mod:`~kit.reports.schedules.index` writes ``<out>/index.html``;
* :mod:`~kit.reports.schedules.crontab` prints or installs the crontab lines;
* :mod:`~kit.reports.schedules.command` is ``lxkit schedule``.

Importing this package loads only the error class, so ``lxkit --help`` stays quick.
"""

from __future__ import annotations

from kit.reports.schedules.errors import ScheduleError

__all__ = ["ScheduleError"]

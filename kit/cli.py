"""The ``lxkit`` command: the demo job, the sandbox server, snapshots, and processor preview/lint/scope."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import LxkitError

if TYPE_CHECKING:  # the commands import what they use when they run (a quick --help)
    from kit.integration.removals import Removals
    from kit.snapshot import Snapshot
    from kit.workspace import Workspace

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    """Fetch the workspace into DataFrames, save a snapshot and print a summary."""
    import kit

    started = time.perf_counter()
    ws = kit.connect(sandbox_size=args.size, progress=False)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(args.out) / f"snapshot-{stamp}"
    path = ws.snapshot(target)
    snap = kit.load_snapshot(path)
    counts = snap.manifest["factSheets"]
    print(f"Workspace {ws.name!r} at {ws.host}")
    print(f"{'fact sheet type':<22}{'count':>8}")
    for type_name, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{type_name:<22}{count:>8}")
    print(f"{'total':<22}{sum(counts.values()):>8}")
    rows = snap.manifest["rows"]
    print("long frames: " + ", ".join(f"{name} {count}" for name, count in rows.items()))
    runs = snap.runs()
    if len(runs):
        finished = (runs["status"] == "FINISHED").mean()
        print(f"Integration API runs: {len(runs)} ({finished:.0%} finished)")
    print(f"Snapshot written to {path.resolve()} in {time.perf_counter() - started:.1f} s")
    print(f"Read it back with: kit.load_snapshot({str(path)!r})")
    from kit.shipped import DATA, ROOT

    config, ldif = DATA / "processors" / "starter.json", DATA / "ldif" / "starter.json"
    if config.is_file() and ldif.is_file():
        from kit.sources import LiveView

        print(f"\nPreview of {config.relative_to(ROOT)} with {ldif.relative_to(ROOT)} (nothing is written):")
        print(kit.preview(config, ldif, workspace=LiveView(ws)).summary())
    if not args.no_report:
        from kit.reports import run_report

        print("\nRunning the explore notebook on the snapshot (papermill, offline HTML)…")
        largest = sorted(counts, key=lambda name: -counts[name])[:5]
        parameters = {"snapshot": str(path.resolve()), "types": largest}
        record = run_report("explore", parameters, out=Path(args.out) / "reports")
        written = record.html_path or record.notebook_path  # html_path is None only when html=False
        print(f"Report written to {written.resolve()} ({record.duration_seconds:.1f} s)")
        history = (Path(args.out) / "history").resolve()
        print(
            f"\nKPIs over time: {args.months} months of the demo workspace's history in {history}, then the"
        )
        print("metrics report (the first run builds the dated snapshots; later runs reuse them)…")
        report = {"history": str(history), "demo_months": args.months, "take_snapshot": True}
        record = run_report("metrics_report", report, out=Path(args.out) / "reports")
        _print_trends(history)
        written = record.html_path or record.notebook_path
        print(f"Report written to {written.resolve()} ({record.duration_seconds:.1f} s)")
        print(f"KPIs as data: {(record.directory / 'kpis.json').resolve()} and kpis.csv beside it")
    return 0


def _print_trends(folder: Path) -> None:
    """The headline KPIs, oldest snapshot against the newest (the values are cached: this reads nothing)."""
    import pandas as pd

    from kit import metrics
    from kit.metrics.files import format_value

    result = metrics.History(folder).evaluate()
    table = result.table()
    totals: dict[str, Any] = {r["kpi"]: r for r in table[table["dimensions"] == ""].to_dict("records")}
    print(f"{'KPI':<56}{result.dates[0]:%Y-%m-%d}  ->  {result.latest_date:%Y-%m-%d}")
    for name in metrics.headline(result, limit=7):
        row = totals[name]
        known = [v for v in row["trend"] if v == v]
        start, end, unit = (known[0] if known else float("nan")), float(row["value"]), str(row["unit"])
        word = ""
        if not pd.isna(row["higher_is_better"]) and start == start and end == end and start != end:
            word = "better" if (end > start) == bool(row["higher_is_better"]) else "worse"
        print(
            f"{str(row['title']):<56}{format_value(start, unit):>10}  ->  {format_value(end, unit):<10}{word}"
        )


def _serve(args: argparse.Namespace) -> int:
    """Serve the sandbox until Ctrl-C. Settings out of range or a non-loopback host exit 2 (a usage error, as
    argparse's), a busy port exits 1, each with one line: the checks are those ``SandboxOptions`` and
    ``Sandbox`` apply to Python callers too (:mod:`kit.sandbox.guards`)."""
    from kit.sandbox import Faults, Sandbox, SandboxError, SandboxOptions
    from kit.sandbox.guards import as_of_date, check_host, check_port

    try:
        check_host(args.host)
        check_port(args.port)
        options = SandboxOptions(
            size=args.size,
            seed=args.seed,
            as_of=as_of_date(args.as_of),
            token_lifetime=args.token_lifetime,
            fault_rate=args.fault_rate,
            faults=Faults(latency=args.latency),
            webhook_retry_interval=args.webhook_retry_interval,
            webhook_retry_limit=args.webhook_retry_limit,
        )
    except SandboxError as exc:
        print(f"lxkit: {exc}", file=sys.stderr)
        return 2
    sandbox = Sandbox(options, host=args.host, port=args.port)
    day = f", as of {options.as_of}" if options.as_of else ""
    print(f"lxkit sandbox at {sandbox.url} with {args.size} fact sheets (seed {args.seed}{day}).")
    print(f"Use: LEANIX_HOST={sandbox.url} LEANIX_API_TOKEN={options.api_token}  (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        sandbox.serve_forever()
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    import kit
    from kit.snapshot import check_target

    check_target(args.directory, args.overwrite)  # refuse a folder of the user's before connecting
    ws = kit.connect(progress=None)
    path = ws.snapshot(args.directory, overwrite=args.overwrite)
    print(f"Snapshot written to {Path(path).resolve()}")
    return 0


def _export(args: argparse.Namespace) -> int:
    """Export a workspace (or a snapshot) to a workbook or a folder of CSV / Parquet files."""
    import kit
    from kit.exports import check_export_target, export

    check_export_target(args.path, args.overwrite)  # refuse a wrong path before connecting
    source = kit.load_snapshot(args.snapshot) if args.snapshot else kit.connect(args.profile, progress=None)
    path = export(source, args.path, args.types, overwrite=args.overwrite)
    print(f"Export written to {Path(path).resolve()}")
    return 0


def _workspace_view(args: argparse.Namespace) -> Workspace | Snapshot | None:
    """The workspace a preview reads: a snapshot, the live workspace (or sandbox), or none."""
    import kit

    return kit.open(args.snapshot or ("live" if args.live else None))


def _preview(args: argparse.Namespace) -> int:
    from kit.outputs import check_output_file
    from kit.previews.preview import preview

    out = check_output_file(args.out, suffixes=(".xlsx", ".html", ".htm")) if args.out else None
    result = preview(args.config, args.ldif, workspace=_workspace_view(args))
    print(result.summary())
    _print_removals(result.removals)
    if out is not None:
        (result.to_excel if out.suffix.lower() == ".xlsx" else result.to_html)(out)
        print(f"Preview written to {out.resolve()}")
    return 0


def _lint(args: argparse.Namespace) -> int:
    from kit.integration.lint import lint_command

    return lint_command(args.configs, fmt=args.format)


def _scope(args: argparse.Namespace) -> int:
    from kit.previews.scope import scope_check

    check = scope_check(args.config, args.ldif, _workspace_view(args))
    print(check.summary())
    print(check.frame().to_string(index=False))
    for name, frame in (("search scopes", check.search_frame()), ("deletion scopes", check.deletion_frame())):
        if len(frame):
            print(f"\n{name}:\n{frame.to_string(index=False)}")
    _print_removals(check.removals)
    return 0


def _print_removals(removals: Removals | None, limit: int = 50) -> None:
    """What a real run would archive or delete, one line per item (the first ``limit``), after a summary."""
    if removals is None or not removals.total:
        return
    shown = removals.items[["kind", "action", "by", "processor", "factsheet_id", "type", "name"]]
    more = f" (first {limit} of {len(shown):,})" if len(shown) > limit else ""
    print(f"\nwould archive or delete{more}:\n{shown.head(limit).to_string(index=False)}")
    print(f"A real run needs ws.run(config, ldif, test=False, confirm_deletions={removals.total}).")


def _report(args: argparse.Namespace) -> int:
    """Run a notebook headless. Listing and every refusal (notebook, parameters, workspace, output folder)
    happen before papermill or nbformat are imported, so they answer in about the time of ``import kit``."""
    from kit.redaction import Redactor
    from kit.reports.notebooks import find_notebook, list_notebooks, notebook_parameters
    from kit.reports.parameters import check_parameters, parse_value, read_parameters_file

    if args.list or not args.notebook:
        for path in list_notebooks():
            print(path.stem)
            for name, info in notebook_parameters(path).items():
                print(f"  {name}: {info['type']} = {info['default']}  # {info['help']}")
        return 0 if args.list else 2
    from kit.config import resolve_workspace

    redactor = Redactor.from_environment()
    try:  # what notebook code raised may quote a credential: every message passes the report's redactor
        source = find_notebook(args.notebook)
        settings = resolve_workspace(args.workspace, Path.cwd(), source.parent)
        token = settings.token.reveal() if settings.token else None
        redactor = Redactor(token or None)
        declared = notebook_parameters(source)
        parameters: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for path in args.parameters_file or []:
            from_file = read_parameters_file(path)
            parameters.update(from_file)
            origins.update({name: f"parameters file {path}" for name in from_file})
        for name, value in args.parameter or []:
            parameters[name] = parse_value(value, name, declared.get(name, {}).get("type"))
            origins[name] = f"-p {name}"
        check_parameters(source, parameters, token, origins=origins)
        from kit.reports.notify import parse_targets

        targets = parse_targets(args.notify or [], args.notify_when)  # refused before a kernel starts
        from kit.reports import ReportFailed, run_report

        try:
            record = run_report(
                source,
                parameters,
                out=args.out,
                html=not args.no_html,
                workspace=args.workspace,
                notify=targets,
                report_url=args.report_url,
            )
        except ReportFailed as failed:
            record = failed.record
            print(f"lxkit: {redactor.error_text(failed)}", file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - an unexpected one is printed redacted too, never as a raw traceback
        print(f"lxkit: {redactor.error_text(exc)}", file=sys.stderr)
        return 1
    outcome = "finished" if record.succeeded else "failed"
    print(f"Report {record.notebook} {outcome} in {record.duration_seconds:.1f} s")
    print(f"Workspace: {record.workspace} ({record.workspace_source})")
    if record.html_path:
        print(f"HTML:     {record.html_path.resolve()}")
    print(f"Notebook: {record.notebook_path.resolve()}")
    print(f"Record:   {(record.directory / 'run.json').resolve()}")
    for alert in record.alerts:
        print(f"Alert ({alert.get('kind')}): {alert.get('message')}")
    for note in record.notifications:  # the target is scheme and host only: webhook URLs are secrets
        problem = f": {note['error']}" if note.get("error") else ""
        print(f"Notify {note['channel']} {note['target']}: {note['status']}{problem}")
    code = record.exit_code()
    return code if args.fail_on_alert or code != 2 else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lxkit", description="SAP LeanIX notebook kit.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="fetch the embedded sandbox into DataFrames and save a snapshot")
    demo.add_argument("--size", type=int, default=2000, help="fact sheets in the demo workspace")
    demo.add_argument("--out", default="out", help="folder for the snapshot and report (default: out)")
    demo.add_argument("--no-report", action="store_true", help="skip the notebook reports")
    demo.add_argument("--months", type=int, default=12, help="months of demo history for the KPI trends")
    demo.set_defaults(func=_demo)

    sandbox = commands.add_parser("sandbox", help="the local LeanIX-compatible sandbox")
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", required=True)
    serve = sandbox_commands.add_parser("serve", help="serve the sandbox on loopback")
    serve.add_argument("--port", type=int, default=8765, help="0..65535; 0 picks a free port")
    serve.add_argument("--host", default="127.0.0.1", help="a loopback address: 127.x.y.z, ::1 or localhost")
    serve.add_argument("--size", type=int, default=2000, help="fact sheets in the demo workspace (0..10**6)")
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="serve the demo workspace as it was on that day (2016-01-01..2026-11-01)",
    )
    serve.add_argument(
        "--token-lifetime", type=float, default=3600.0, help="access token lifetime (s, 0..1 y)"
    )
    serve.add_argument("--fault-rate", type=float, default=0.0, help="share of requests that fail (0..1)")
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer (0..600)")
    serve.add_argument(
        "--webhook-retry-interval",
        type=float,
        default=50.0,
        metavar="SECONDS",
        help="wait between attempts of a failed webhook delivery (LeanIX: 50)",
    )
    serve.add_argument(
        "--webhook-retry-limit",
        type=int,
        default=10,
        metavar="N",
        help="attempts of one webhook delivery before it is recorded FAILED (LeanIX: 10)",
    )
    serve.set_defaults(func=_serve)

    snapshot = commands.add_parser("snapshot", help="save the configured workspace as a snapshot")
    snapshot.add_argument("directory")
    snapshot.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the snapshot in DIRECTORY (refused unless it holds only a snapshot, or nothing)",
    )
    snapshot.set_defaults(func=_snapshot)

    export = commands.add_parser(
        "export", help="export fact sheets, relations and tags to .xlsx, or a .csv / .parquet folder"
    )
    export.add_argument("path", metavar="PATH", help="inventory.xlsx, or a folder ending in .csv or .parquet")
    export.add_argument("--types", nargs="+", metavar="T", help="fact sheet types (default: all)")
    export.add_argument("--overwrite", action="store_true", help="replace an existing export at PATH")
    source = export.add_mutually_exclusive_group()
    source.add_argument("--profile", metavar="NAME", help="a workspace profile (LEANIX_<NAME>_HOST ...)")
    source.add_argument("--snapshot", metavar="DIR", help="export a snapshot folder instead of a workspace")
    export.set_defaults(func=_export)

    def add_workspace_options(command: argparse.ArgumentParser) -> None:
        where = command.add_mutually_exclusive_group()
        where.add_argument("--snapshot", metavar="DIR", help="read the workspace from a snapshot folder")
        where.add_argument(
            "--live", action="store_true", help="read the configured workspace (or the sandbox)"
        )

    preview = commands.add_parser("preview", help="predict what a processor configuration does with an LDIF")
    preview.add_argument("config", help="processor configuration (JSON file)")
    preview.add_argument("ldif", help="LDIF (JSON file)")
    add_workspace_options(preview)
    preview.add_argument("--out", metavar="FILE", help="also write the preview to FILE.xlsx or FILE.html")
    preview.set_defaults(func=_preview)

    lint = commands.add_parser("lint", help="check processor configurations against best practices")
    lint.add_argument("configs", nargs="+", metavar="CONFIG")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.set_defaults(func=_lint)

    scope = commands.add_parser("scope", help="check the scope of a configuration before a test run")
    scope.add_argument("config")
    scope.add_argument("ldif")
    add_workspace_options(scope)
    scope.set_defaults(func=_scope)

    report = commands.add_parser(
        "report",
        help="run a notebook headless: executed notebook, offline HTML and a run record",
        description="Run NOTEBOOK (a kit notebook's name or an .ipynb path) with papermill. The API token comes "
        "from LEANIX_API_TOKEN in the environment or .env, never from a parameter. Exit code 0 when every cell "
        "ran, 1 when one raised (its outputs and record are kept), 2 with --fail-on-alert when it recorded alerts.",
    )
    report.add_argument("notebook", nargs="?", help="explore, processor_preview, run_health, or a path")
    report.add_argument(
        "-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), help="VALUE as JSON or text"
    )
    report.add_argument(
        "-f",
        "--parameters-file",
        action="append",
        metavar="FILE.yaml",
        help="parameters from YAML (before -p)",
    )
    report.add_argument(
        "--out", default="reports", help="folder for the reports, created if missing (default: reports)"
    )
    report.add_argument("--no-html", action="store_true", help="skip the HTML export")
    report.add_argument(
        "--workspace",
        metavar="NAME",
        help="a profile name (LEANIX_<NAME>_HOST ...), 'sandbox' (the embedded demo), or 'default' (the "
        "configured workspace, refused when none is); without it: the configured workspace, else the "
        "sandbox with a notice",
    )
    report.add_argument(
        "--fail-on-alert",
        action="store_true",
        help="exit 2 when the report ran through but recorded alerts (KPI breaches, unhealthy connectors)",
    )
    report.add_argument(
        "--notify",
        action="append",
        metavar="TARGET",
        help="send one message about the run: slack:URL, teams:URL, webhook:URL or an https:// URL, "
        "slack_env:VAR (the URL from an environment variable), mailto:ops@example.com?smtp=host:587 "
        "(password from LXKIT_SMTP_PASSWORD); repeatable",
    )
    report.add_argument(
        "--notify-when",
        choices=("alerts", "always", "failure"),
        default="alerts",
        help="which runs send a message: alerts (a failed run or alerts; the default), always, failure",
    )
    report.add_argument(
        "--report-url",
        metavar="URL",
        help="the URL under which --out is served, so messages link the HTML report (else its local path)",
    )
    report.add_argument("--list", action="store_true", help="list the kit's notebooks and their parameters")
    report.set_defaults(func=_report)

    from kit.reports.schedules.command import add_schedule_parser

    add_schedule_parser(commands)

    from kit.webhook_cli import add_parser as add_webhook_parser

    add_webhook_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        return args.func(args)
    except LxkitError as exc:
        print(f"lxkit: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the system refused a file or socket operation: say which, without a traceback
        where = f": {exc.filename}" if exc.filename else ""
        print(f"lxkit: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lxkit: interrupted", file=sys.stderr)
        return 130

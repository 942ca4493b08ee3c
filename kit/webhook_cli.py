"""``lxkit webhook preview CALLBACK.js [PAYLOAD.json] [--time-limit S]``: what a webhook callback would send.

Prints ``would deliver: yes`` or ``no``, then the payload the callback left as indented JSON, then the
callback's console lines; exit 0. A callback that is not valid JavaScript, throws or runs too long, a payload
that is not JSON and a missing file each give one line naming the file, line and column, and exit 1.
Without PAYLOAD.json the callback gets LeanIX's sample ``INTEGRATION_RUN_FINISHED`` payload (reference §7.3).

This module imports only argparse when loaded, so ``lxkit --help`` stays quick; the callback engine loads
when the command runs.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "command"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``webhook`` (with its ``preview`` subcommand) to ``subparsers``; sets ``func(args) -> exit code``."""
    webhook = subparsers.add_parser(
        "webhook",
        help="LeanIX webhook callbacks: preview what one would send (docs/alerts.md)",
        description="LeanIX webhook callbacks (docs/alerts.md §2).",
    )
    webhook.set_defaults(func=lambda args: _usage(webhook))
    sub = webhook.add_subparsers(dest="webhook_command", metavar="COMMAND")
    preview = sub.add_parser(
        "preview",
        help="run a callback on a payload locally and print whether it would deliver, and what",
        description="Run a webhook callback (JavaScript) on a payload as LeanIX would for one delivery. "
        "Exit 0 with the result; 1 for a callback error, a payload that is not JSON or a missing file.",
    )
    preview.add_argument("callback", metavar="CALLBACK.js", help="the callback's JavaScript file")
    preview.add_argument(
        "payload",
        metavar="PAYLOAD.json",
        nargs="?",
        help="the event payload (default: LeanIX's sample INTEGRATION_RUN_FINISHED payload)",
    )
    preview.add_argument(
        "--time-limit",
        metavar="S",
        type=float,
        default=1.0,
        help="stop the callback after S seconds (default: 1)",
    )
    preview.set_defaults(func=command)
    return webhook


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def command(args: argparse.Namespace) -> int:
    """Run ``lxkit webhook preview``; returns the exit code."""
    from pathlib import Path  # noqa: PLC0415 - keep loading this module cheap

    from kit.callbacks import CallbackError  # noqa: PLC0415
    from kit.webhooks.preview import preview_callback  # noqa: PLC0415 - no pandas for a preview

    payload = Path(args.payload) if args.payload else None
    try:
        result = preview_callback(Path(args.callback), payload, time_limit=args.time_limit)
    except CallbackError as exc:
        print(f"lxkit: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    print(result)
    return 0

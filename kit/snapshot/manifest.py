"""The snapshot format: the manifest, the names a snapshot writes, and the manifest's validation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from kit.snapshot.errors import _WHAT_TO_DO, SnapshotError

MANIFEST = "manifest.json"
FORMAT = 3
"""Written by this kit: format 2 plus ``metaModel`` (``MetaModel.to_dict()``), ``fields.parquet`` (each type's
``ws.fields``) and ``iapi.json`` (the Integration API and sync log answers, :mod:`kit.snapshot.iapi`).
Format 2 added ``files`` (size and SHA-256 of every file) to format 1."""
READABLE_FORMATS = (1, 2, 3)
FIELDS_FILE = "fields.parquet"
IAPI_FILE = "iapi.json"
DIRECTORY_FILE = "directory.json"
"""Tag groups, tags and subscription roles as GraphQL lists them (format 3)."""
LONG_FRAMES = ("relations", "tags", "lifecycles", "subscriptions")
MAX_MANIFEST_BYTES = 16 * 1024 * 1024

_NAME = r"[_A-Za-z][_0-9A-Za-z]{0,199}"  # a GraphQL name: what LeanIX types and relations are called
NAME = re.compile(_NAME)
FILE_NAME = re.compile(
    rf"factsheets-(?P<type>{_NAME})\.parquet"
    rf"|relations-(?P<from>{_NAME})-(?P<relation>{_NAME})\.parquet"
    r"|(?:tags|lifecycles|subscriptions|runs|fields)\.parquet"
    r"|iapi\.json|directory\.json"
)
"""The data files a snapshot writes (the manifest besides); nothing else is ever deleted or read."""


def _parse_manifest(file: Path, data: bytes) -> dict[str, Any]:
    """The manifest's JSON, checked field by field; a SnapshotError names the file and the field."""

    def bad(where: str, what: str) -> SnapshotError:
        return SnapshotError(
            f"{file}: {where} {what}; the manifest is damaged or was altered. " + _WHAT_TO_DO
        )

    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SnapshotError(
            f"{file} is not UTF-8 text (byte {exc.start}); the snapshot is damaged. " + _WHAT_TO_DO
        ) from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{file} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); the snapshot is "
            "damaged. " + _WHAT_TO_DO
        ) from None
    except (ValueError, RecursionError):
        raise SnapshotError(
            f"{file} is not valid JSON (nested too deeply or too large); the snapshot is damaged. "
            + _WHAT_TO_DO
        ) from None
    if not isinstance(manifest, dict):
        raise bad("the top level", f"is {_value(manifest)}, not an object")
    if "format" not in manifest:
        raise bad("format", "is missing")
    version = manifest["format"]
    if not _is_count(version):
        raise bad("format", f"is {_value(version)}, not a whole number")
    if version not in READABLE_FORMATS:
        raise SnapshotError(
            f"{file}: format is {version}, a snapshot format this kit does not read (it reads "
            f"{' and '.join(map(str, READABLE_FORMATS))}). If a newer lxkit wrote it, upgrade lxkit "
            "(pip install -U lxkit); else write the snapshot again with this one."
        )
    created = _field(manifest, "createdAt", str, "text", bad)
    try:
        stamp = pd.Timestamp(created)
    except (ValueError, TypeError, OverflowError):
        stamp = None
    if stamp is None or pd.isna(stamp) or stamp.tzinfo is None:
        raise bad("createdAt", f"is {_value(created)}, not an ISO 8601 time with a UTC offset")
    for key in ("host", "workspaceId", "workspaceName", "kitVersion"):
        if manifest.get(key) is not None and not isinstance(manifest[key], str):
            raise bad(key, f"is {_value(manifest[key])}, not text")
    for key, what in (("factSheets", "fact sheet type"), ("rows", "frame")):
        for name, count in _field(manifest, key, dict, "an object", bad).items():
            if not NAME.fullmatch(name):
                raise bad(_at(key, name), f"names no {what}: a name has only letters, digits and _")
            if not _is_count(count) or count < 0:
                raise bad(_at(key, name), f"is {_value(count)}, not a count")
    if version >= 2:
        _check_files(manifest, bad)
    elif "files" in manifest:
        raise bad("files", "is in a format 1 manifest, which has none")
    if version >= 3:
        if not isinstance(manifest.get("metaModel"), dict | None):
            raise bad("metaModel", f"is {_value(manifest['metaModel'])}, not an object")
        for name in (FIELDS_FILE, IAPI_FILE, DIRECTORY_FILE):
            if name not in manifest["files"]:
                raise bad("files", f"does not list {name}")
    return manifest


def _check_files(manifest: dict[str, Any], bad: Any) -> None:
    files = _field(manifest, "files", dict, "an object", bad)
    for name, recorded in files.items():
        where = _at("files", name)
        if not FILE_NAME.fullmatch(name):
            raise bad(where, "names no file a snapshot writes (a name, never a path)")
        if not isinstance(recorded, dict):
            raise bad(where, f"is {_value(recorded)}, not an object")
        if not _is_count(recorded.get("bytes")) or recorded["bytes"] < 0:
            raise bad(f"{where}.bytes", f"is {_value(recorded.get('bytes'))}, not a byte count")
        digest = recorded.get("sha256")
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise bad(f"{where}.sha256", f"is {_value(digest)}, not 64 lowercase hexadecimal digits")
    for name in [f"factsheets-{t}.parquet" for t in manifest["factSheets"]] + ["runs.parquet"]:
        if name not in files:
            raise bad("files", f"does not list {name}")


def _field(manifest: dict[str, Any], key: str, kind: type, what: str, bad: Any) -> Any:
    if key not in manifest:
        raise bad(key, "is missing")
    if not isinstance(manifest[key], kind):
        raise bad(key, f"is {_value(manifest[key])}, not {what}")
    return manifest[key]


def _at(key: str, name: str) -> str:
    """A JSON path such as ``files["runs.parquet"]`` (control characters escaped)."""
    return f"{key}[{json.dumps(name)}]"


def _value(value: Any) -> str:
    """A JSON value as it would be written, cut short."""
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

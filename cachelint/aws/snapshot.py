"""Snapshot files: what ``cachelint aws snapshot`` writes and ``cachelint scan FILE`` reads."""

from __future__ import annotations

import json
import os

from cachelint import atomic
from cachelint.aws import SNAPSHOT_FORMAT
from cachelint.aws.mapping import map_snapshot
from cachelint.errors import FileError, UserError
from cachelint.model import Inventory

MARKER = "cachelint_snapshot"


class SnapshotError(UserError, ValueError):
    usage = True


def is_snapshot_file(path: str) -> bool:
    if not (path.endswith(".json") and os.path.isfile(path)):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return f'"{MARKER}"'.encode() in head


def load_snapshot(path: str) -> Inventory:
    """The model of a snapshot file; a broken file is an error of the inventory (one line)."""
    inv = Inventory(files=1)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if not isinstance(data, dict) or data.get(MARKER) != SNAPSHOT_FORMAT:
            raise SnapshotError(f"not a cachelint snapshot of format {SNAPSHOT_FORMAT} "
                                f"(found {data.get(MARKER) if isinstance(data, dict) else None!r})")
        if not isinstance(data.get("accounts"), list):
            raise SnapshotError("'accounts' must be a list")
        mapped = map_snapshot(data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, SnapshotError,
            AttributeError, TypeError, KeyError, ValueError) as exc:
        inv.errors.append(FileError(path, f"cannot read snapshot: {_one_line(exc)}"))
        return inv
    mapped.files = 1
    return mapped


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text if isinstance(exc, SnapshotError) else f"{type(exc).__name__}: {text}"


def write_snapshot(snapshot: dict, path: str, force: bool = False) -> None:
    """Write atomically; refuse to replace a file unless ``force``."""
    if os.path.exists(path) and not force:
        raise SnapshotError(f"{path} exists; pass --force to replace it")
    # Not sorted: the marker stays first, where is_snapshot_file looks.
    atomic.write_text(path, json.dumps(snapshot, indent=1) + "\n",
                      prefix=".cachelint-snapshot-")

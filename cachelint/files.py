"""Plumbing every reader shares: reading a file as text within limits, the repository a path
is in, a YAML parser's error in one line, and the message for an internal error met while
modelling one file."""

from __future__ import annotations

import os

MAX_FILE_BYTES = 5 * 1024 * 1024


def repository_root(path: str) -> str:
    """The git work tree holding ``path``, else the folder itself."""
    start = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    probe = start
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return start
        probe = parent


def internal_error(exc: Exception) -> str:
    """A bug of cachelint's met while modelling one file or module: say so, keep scanning."""
    return (f"cachelint could not model this file (internal error: {type(exc).__name__}: "
            f"{exc}); the rest of the scan went on. Please report it.")


def read_text(path: str) -> str:
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit")
    with open(path, "rb") as fh:
        data = fh.read()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None


def yaml_problem(exc: Exception) -> tuple[int | None, str]:
    """A PyYAML error as (its line, or None; what is wrong, in one line)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    return (mark.line + 1 if mark is not None else None), problem

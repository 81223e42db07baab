"""Code frames: the offending lines of a finding, numbered, as ruff's --show-source shows them."""

from __future__ import annotations

import functools

from cachelint.model import Location

MAX_LINES = 8  # a frame longer than this shows its first lines and says how many follow


_GIVEN: dict[str, tuple[str, ...]] = {}  # files whose text the scan was given (stdin)


def remember(path: str, text: str) -> None:
    """Frames of ``path`` show ``text`` (an editor's unsaved buffer), not the file on disk."""
    _GIVEN[path] = tuple(text.splitlines())


@functools.lru_cache(maxsize=64)
def _read(path: str) -> tuple[str, ...] | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return tuple(fh.read().splitlines())
    except OSError:
        return None


def _lines(path: str) -> tuple[str, ...] | None:
    return _GIVEN[path] if path in _GIVEN else _read(path)


def column(loc: Location) -> int:
    """1-based column of the first non-blank character of the location's first line (1 when
    the file cannot be read)."""
    lines = None if loc.is_resource else _lines(loc.path)
    if not lines or not 0 < loc.start_line <= len(lines):
        return 1
    text = lines[loc.start_line - 1]
    return len(text) - len(text.lstrip()) + 1


def frame(loc: Location, indent: str = "  ") -> list[str]:
    """The location's lines with their numbers; empty for a deployed resource or a file that
    cannot be read (the finding still says where)."""
    lines = None if loc.is_resource else _lines(loc.path)
    if not lines or not 0 < loc.start_line <= len(lines):
        return []
    end = min(max(loc.end_line, loc.start_line), len(lines))
    shown = range(loc.start_line, min(end, loc.start_line + MAX_LINES - 1) + 1)
    width = len(str(shown[-1]))
    out = [f"{indent}{n:>{width}} | {lines[n - 1]}" for n in shown]
    if end > shown[-1]:
        out.append(f"{indent}{' ' * width} | ... ({end - shown[-1]} more lines)")
    return out

"""The two kinds of error cachelint reports.

``UserError``: something the user can fix (credentials, an account list, a log, a
configuration file, a baseline...). The CLI prints it in one line and exits 2, wherever it is
raised; a subclass with ``usage = True`` also points at the command's ``--help``.

``FileError``: one file (or module, or snapshot) that could not be read; the scan goes on and
reports it (rule CL001 and every reporter's error list)."""

from __future__ import annotations

import re
from dataclasses import dataclass


class UserError(Exception):
    usage = False  # True: a wrong option or input file, so the message points at --help


_LINE = re.compile(r"\bline (\d+)")


@dataclass(frozen=True)
class FileError:
    path: str
    message: str

    @property
    def line(self) -> int | None:
        """The line the problem is on: readers and parsers name it in the message ("syntax
        error at line 3", "line 12: duplicate ..."); None when the message names none."""
        found = _LINE.search(self.message)
        return int(found.group(1)) if found else None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

"""What every editable document offers the fix engine: assignments and containers with their
character offsets in the file's exact text, and edits as (start, end, replacement) ranges.

A document never re-serialises anything: an edit replaces one range of the original text, so
every character outside it (comments, blank lines, quoting, line endings) stays as it was.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

NOT_LITERAL = object()  # an assignment whose value is an expression, not one literal


class DocumentError(ValueError):
    """The file cannot be read as its kind (it is then not edited)."""


@dataclass(frozen=True, order=True)
class Edit:
    start: int
    end: int
    text: str


@dataclass
class Assignment:
    """``name = value`` (HCL) or ``Name: value`` (YAML/JSON), with where each part is."""

    name: str
    line: int
    start: int  # the key's first character
    end: int  # the value's last character + 1
    value_start: int
    value_end: int
    value: Any = NOT_LITERAL  # the literal's Python value
    reference: tuple[str, str] | None = None  # ("var", name) / ("Ref", parameter)
    expression: str = ""  # the value as written
    style: str = ""  # YAML scalar style ("", "'", '"') so a replacement keeps it
    node: Any = field(default=None, repr=False)  # the parser's value node


@dataclass
class Container:
    """A block (HCL) or a mapping (YAML/JSON) that assignments and containers live in."""

    name: str  # block type or the key the mapping is the value of ("" at the top)
    line: int
    end_line: int
    start: int
    end: int
    labels: tuple = ()
    assignments: list[Assignment] = field(default_factory=list)
    children: list[Container] = field(default_factory=list)
    parent: Container | None = field(default=None, repr=False)
    node: Any = field(default=None, repr=False)  # the parser's node, for the document

    def assignment(self, name: str) -> Assignment | None:
        return next((a for a in self.assignments if a.name == name), None)

    def child(self, name: str) -> Container | None:
        found = [c for c in self.children if c.name == name]
        return found[0] if len(found) == 1 else None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


class Document:
    """What finding an assignment or its block means in any parsed file (HCL, YAML, JSON):
    subclasses build ``root``."""

    root: Container

    def assignment_at(self, line: int, name: str | None = None) -> Assignment | None:
        """The innermost assignment written on ``line`` (named ``name``, if given)."""
        best = None
        for c in self.root.walk():
            for a in c.assignments:
                if a.line == line and (name is None or a.name == name):
                    best = a
        return best

    def container_of(self, assignment: Assignment) -> Container:
        for c in self.root.walk():
            if any(a is assignment for a in c.assignments):
                return c
        return self.root


class Text:
    """A file's text with a line index (1-based lines, 0-based character offsets)."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def indent(self, line: int) -> str:
        content = self.line_text(line)
        return content[: len(content) - len(content.lstrip(" \t"))]

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with each edit applied; edits must not overlap (insertions at one point keep
    their order)."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at character {edit.start}")
        out.append(text[pos:edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def overlaps(a: list[Edit], b: list[Edit]) -> bool:
    return any((x.start < y.end and y.start < x.end) or
               (x.start == x.end == y.start == y.end) for x in a for y in b)

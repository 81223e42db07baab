"""Output formats: one registry, one signature.

A format is a module with ``write(report, out[, options])``; adding one is that module plus one
line in ``FORMATS``. ``options`` says whether the writer takes the display options (colour,
fix hints, code frames); the machine formats take none.
"""

from __future__ import annotations

import importlib
import inspect
import os
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class OutputOptions:
    """What a person reading the report asked for on the command line."""

    colour: bool = False
    quiet: bool = False  # no fix hints, no notes
    statistics: bool = False  # counts per rule instead of findings (text)
    show_source: bool = False  # a code frame of the offending lines


@dataclass(frozen=True)
class Format:
    module: str
    options: bool = False  # the writer takes OutputOptions
    summary: str = ""
    function: str = "write"


FORMATS: dict[str, Format] = {
    "text": Format("cachelint.reporters.text", True, "one block per finding (default)", "render"),
    "concise": Format("cachelint.reporters.concise", True, "path:line:col: CODE message"),
    "grouped": Format("cachelint.reporters.grouped", True, "findings grouped per file"),
    "json": Format("cachelint.reporters.json", summary="report.schema.json"),
    "sarif": Format("cachelint.reporters.sarif", summary="SARIF 2.1.0"),
    "junit": Format("cachelint.reporters.junit", summary="JUnit XML"),
    "markdown": Format("cachelint.reporters.markdown", summary="a pull-request comment"),
    "github": Format("cachelint.reporters.github", summary="GitHub Actions annotations"),
}


def write(name: str, report, out: TextIO, options: OutputOptions = OutputOptions(),
          **extra) -> None:
    """Write ``report`` to ``out`` in format ``name`` (a key of FORMATS). ``extra`` keyword
    arguments (a format's own settings, such as a size cap) go to the writers that take them."""
    fmt = FORMATS[name]
    writer = getattr(importlib.import_module(fmt.module), fmt.function)
    taken = inspect.signature(writer).parameters
    kwargs = {k: v for k, v in extra.items() if k in taken}
    if fmt.options:
        writer(report, out, options, **kwargs)
    else:
        writer(report, out, **kwargs)


def _set(name: str) -> bool:
    return bool(os.environ.get(name))


def colour_wanted(flag: bool | None, stream: TextIO) -> bool:
    """``--color/--no-color`` first, then NO_COLOR, then FORCE_COLOR (no-color.org and
    force-color.org: set and not empty), then whether ``stream`` is a terminal."""
    if flag is not None:
        return flag
    if _set("NO_COLOR"):
        return False
    if _set("FORCE_COLOR"):
        return True
    return stream.isatty()

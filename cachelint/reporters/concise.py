"""One line per finding, ``path:line:col: CODE message``: what editors' problem matchers and
``grep`` read (ruff's ``concise``)."""

from __future__ import annotations

from typing import TextIO

from cachelint.findings import Report
from cachelint.reporters import OutputOptions
from cachelint.reporters.source import column, frame
from cachelint.reporters.text import summary, where


def place(loc) -> str:
    """``path:line:col``, or a deployed resource's ARN with account and Region."""
    return where(loc) if loc.is_resource else f"{loc.path}:{loc.start_line}:{column(loc)}"


def write(report: Report, out: TextIO, options: OutputOptions = OutputOptions()) -> None:
    for f in report.findings:
        out.write(f"{place(f.location)}: {f.rule.id} {f.message}\n")
        if options.show_source:
            out.writelines(line + "\n" for line in frame(f.location))
    for e in report.unreported_errors:
        out.write(f"{e.path}: error: {e.message}\n")
    for warning in report.warnings:
        out.write(f"warning: {warning}\n")
    if not options.quiet:
        out.write(summary(report) + "\n")

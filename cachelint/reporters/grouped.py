"""Findings grouped under their file, ``line:col CODE message`` each (ruff's ``grouped``)."""

from __future__ import annotations

from typing import TextIO

from cachelint.findings import Report
from cachelint.reporters import OutputOptions
from cachelint.reporters.source import column, frame
from cachelint.reporters.text import BOLD, COLOURS, DIM, RESET, fix_text, summary


def write(report: Report, out: TextIO, options: OutputOptions = OutputOptions()) -> None:
    def c(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if options.colour else text

    groups: dict[str, list] = {}
    for f in report.findings:
        # Deployed resources group by account and Region, as they have no file.
        loc = f.location
        key = "/".join(x for x in (loc.account, loc.region) if x) or "AWS" if loc.is_resource \
            else loc.path
        groups.setdefault(key, []).append(f)
    errors: dict[str, list] = {}
    for e in report.unreported_errors:
        errors.setdefault(e.path, []).append(e.message)
    for key in sorted(set(groups) | set(errors)):
        out.write(c(BOLD, f"{key}:") + "\n")
        for message in errors.get(key, []):
            out.write(f"  error: {message}\n")
        for f in groups.get(key, []):
            loc = f.location
            at = f"{loc.path} " if loc.is_resource else \
                f"{loc.start_line}:{column(loc)} ".ljust(8)
            out.write(f"  {at}{c(COLOURS[f.severity], f.rule.id)} "
                      f"[{f.severity.label}] {f.message}\n")
            if options.show_source:
                out.writelines(c(DIM, line) + "\n" for line in frame(loc, "    "))
            if not options.quiet:
                out.write(c(DIM, f"    fix: {fix_text(f.rule)}") + "\n")
        out.write("\n")
    for warning in report.warnings:
        out.write(f"{c(BOLD, 'warning')}: {warning}\n")
    out.write(c(BOLD, summary(report)) + "\n")

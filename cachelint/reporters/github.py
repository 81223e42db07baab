"""GitHub Actions workflow commands: an annotation per finding on the pull request's diff."""

from __future__ import annotations

from typing import TextIO

from cachelint.catalogue import Severity
from cachelint.findings import Report
from cachelint.reporters.text import where

_COMMANDS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
             Severity.LOW: "notice", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, out: TextIO) -> None:
    for f in report.findings:
        loc = f.location
        title = f"title={_property(f'{f.rule.id} {f.rule.name}')}"
        if loc.is_resource:  # no file to annotate: the ARN goes into the message
            out.write(f"::{_COMMANDS[f.severity]} {title}::"
                      f"{_data(f'{where(loc)}: {f.message}')}\n")
            continue
        props = (f"file={_property(loc.path)},line={loc.start_line},"
                 f"endLine={max(loc.end_line, loc.start_line)},{title}")
        out.write(f"::{_COMMANDS[f.severity]} {props}::{_data(f.message)}\n")
    for e in report.errors:
        out.write(f"::error file={_property(e.path)},title=cachelint::{_data(e.message)}\n")
    for w in report.warnings:
        out.write(f"::warning title=cachelint incomplete::{_data(w)}\n")

"""GitHub Actions workflow commands: an annotation per finding on the pull request's diff."""

from __future__ import annotations

import os
from typing import TextIO

from cachelint.catalogue import Severity
from cachelint.findings import Report
from cachelint.files import repository_root
from cachelint.reporters.text import where

_COMMANDS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
             Severity.LOW: "notice", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _file(path: str, root: str) -> str:
    """The path from the repository root, as GitHub attaches annotations to the diff (and as
    SARIF's URIs are), whatever the job's working directory."""
    rel = os.path.relpath(os.path.abspath(path), root)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def write(report: Report, out: TextIO, root: str | None = None) -> None:
    root = root or repository_root(".")
    for f in report.findings:
        loc = f.location
        title = f"title={_property(f'{f.rule.id} {f.rule.name}')}"
        if loc.is_resource:  # no file to annotate: the ARN goes into the message
            out.write(f"::{_COMMANDS[f.severity]} {title}::"
                      f"{_data(f'{where(loc)}: {f.message}')}\n")
            continue
        props = (f"file={_property(_file(loc.path, root))},line={loc.start_line},"
                 f"endLine={max(loc.end_line, loc.start_line)},{title}")
        out.write(f"::{_COMMANDS[f.severity]} {props}::{_data(f.message)}\n")
    for e in report.errors:
        out.write(f"::error file={_property(_file(e.path, root))},title=cachelint::"
                  f"{_data(e.message)}\n")
    for w in report.warnings:
        out.write(f"::warning title=cachelint incomplete::{_data(w)}\n")

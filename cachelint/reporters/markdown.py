"""Markdown for a pull-request comment: summary tables, then findings grouped by file."""

from __future__ import annotations

import html
from collections import Counter
from typing import TextIO

from cachelint.catalogue import Severity
from cachelint.findings import Report

_ICONS = {Severity.CRITICAL: "🔴", Severity.HIGH: "🟠", Severity.MEDIUM: "🟡",
          Severity.LOW: "🔵", Severity.INFO: "⚪"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(report: Report, out: TextIO) -> None:
    n = len(report.findings)
    out.write(f"## cachelint: {n} finding{'s' if n != 1 else ''}\n\n")
    if not n and not report.errors:
        out.write(f"No caching anti-patterns in {report.files_scanned} files "
                  f"({report.resources_scanned} cache resources).\n")
    if n:
        out.write("| Severity | Findings |\n|---|---:|\n")
        for label, count in report.counts().items():
            if count:
                out.write(f"| {_ICONS[Severity.parse(label)]} {label} | {count} |\n")
        out.write("\n| Rule | Category | Findings |\n|---|---|---:|\n")
        by_rule = Counter(f.rule for f in report.findings)
        for rule, count in sorted(by_rule.items(), key=lambda kv: (-kv[0].severity, kv[0].id)):
            out.write(f"| `{rule.id}` {rule.name} | {rule.category.value} | {count} |\n")
        files: dict[str, list] = {}
        for f in report.findings:
            files.setdefault(f.location.path, []).append(f)
        for path in sorted(files):
            out.write(f"\n### `{path}`\n\n")
            for f in files[path]:
                rule = f.rule
                out.write(f"<details><summary>{_ICONS[f.severity]} <b>{rule.id}</b> "
                          f"{html.escape(rule.name)} ({f.severity.label})"
                          + (f", {html.escape(f.location.account)}/"
                             f"{html.escape(f.location.region)}" if f.location.is_resource
                             else f", line {f.location.start_line}") + "</summary>\n\n")
                out.write(f"{f.message}\n\n")
                out.write(f"**Fix:** {' '.join(rule.remediation.split())}")
                if rule.recommended_layer:
                    out.write(f" Layer: `{rule.recommended_layer}`.")
                if f.fix_hint:
                    fence = {"terraform": "hcl", "cloudformation": "yaml"}.get(f.source, "")
                    out.write(f"\n\n```{fence}\n{f.fix_hint}\n```")
                out.write(f"\n\nResource: `{f.address}` · `cachelint explain {rule.id}`\n\n"
                          "</details>\n")
    if report.suppressed:
        out.write(f"\n{len(report.suppressed)} finding"
                  f"{'s are' if len(report.suppressed) != 1 else ' is'} suppressed in the code.\n")
    if report.warnings:
        out.write("\n### Incomplete: parts of the AWS scan could not be read\n\n")
        for w in report.warnings:
            out.write(f"- {_cell(w)}\n")
    if report.errors:
        out.write("\n### Files that could not be read\n\n")
        for e in report.errors:
            out.write(f"- `{e.path}`: {_cell(e.message)}\n")

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


# GitHub refuses an issue or pull-request comment whose body is over 65,536 characters.
GITHUB_COMMENT_LIMIT = 65536
# Room left for what comment actions add to the body (sticky-comment's hidden marker).
ACTION_MARGIN = 512


def write(report: Report, out: TextIO, max_chars: int | None = None,
          full_report: str | None = None) -> None:
    """The whole document, or, over ``max_chars`` (0 or None: no limit), the summary tables
    whole and as many findings' details as fit, with a line saying how many were left out and
    where ``full_report`` is."""
    head, details, tail = _sections(report)
    document = head + "".join(details) + "".join(tail)
    if not max_chars or len(document) <= max_chars:
        out.write(document)
        return
    budget = max(max_chars - ACTION_MARGIN, 0)
    # The tables stay whole; the tail (suppressed, warnings, errors) is cut line by line last.
    shown: list[str] = []
    used = len(head) + len(_omitted(len(report.findings), len(report.findings), full_report,
                                    max_chars))
    tail_text = "".join(tail)
    if used + len(tail_text) > budget:
        tail_text = _cut_lines(tail_text, budget - used)
    used += len(tail_text)
    for block in details:
        if used + len(block) > budget:
            break
        shown.append(block)
        used += len(block)
    left = len(details) - len(shown)
    out.write(head + "".join(shown) + _omitted(left, len(details), full_report, max_chars)
              + tail_text)


def _omitted(left: int, total: int, full_report: str | None, limit: int) -> str:
    if not left:
        return ""
    where = full_report or ("run `cachelint scan` with `--format text` or `--format json` "
                            "for every finding")
    return (f"\n**{left} of {total} finding{'s' if total != 1 else ''} not shown here** "
            f"(this report is capped at {limit:,} characters"
            + (", GitHub's limit for a comment" if limit == GITHUB_COMMENT_LIMIT else "")
            + "). "
            f"The full report: {where}.\n")


def _cut_lines(text: str, room: int) -> str:
    """As many whole lines of ``text`` as fit in ``room``, and how many were left out."""
    kept, size = [], 0
    lines = text.splitlines(keepends=True)
    for line in lines:
        if size + len(line) > room - 60:
            break
        kept.append(line)
        size += len(line)
    left = len(lines) - len(kept)
    return "".join(kept) + (f"\n({left} more line{'s' if left != 1 else ''} not shown)\n"
                            if left else "")


def _sections(report: Report) -> tuple[str, list[str], list[str]]:
    """The title and summary tables; one block per finding (with its file's heading before
    the first finding of a file); the closing sections."""
    n = len(report.findings)
    head = [f"## cachelint: {n} finding{'s' if n != 1 else ''}\n\n"]
    if not n and not report.errors:
        head.append(f"No caching anti-patterns in {report.files_scanned} files "
                    f"({report.resources_scanned} cache resources).\n")
    details: list[str] = []
    if n:
        head.append("| Severity | Findings |\n|---|---:|\n")
        for label, count in report.counts().items():
            if count:
                head.append(f"| {_ICONS[Severity.parse(label)]} {label} | {count} |\n")
        head.append("\n| Rule | Category | Findings |\n|---|---|---:|\n")
        by_rule = Counter(f.rule for f in report.findings)
        for rule, count in sorted(by_rule.items(), key=lambda kv: (-kv[0].severity, kv[0].id)):
            head.append(f"| `{rule.id}` {rule.name} | {rule.category.value} | {count} |\n")
        files: dict[str, list] = {}
        for f in report.findings:
            files.setdefault(f.location.path, []).append(f)
        for path in sorted(files):
            for i, f in enumerate(files[path]):
                details.append((f"\n### `{path}`\n\n" if i == 0 else "") + _details(f))
    tail: list[str] = []
    if report.suppressed:
        tail.append(f"\n{len(report.suppressed)} finding"
                    f"{'s are' if len(report.suppressed) != 1 else ' is'} suppressed in the "
                    "code.\n")
    if report.warnings:
        tail.append("\n### Incomplete: parts of the AWS scan could not be read\n\n")
        tail.extend(f"- {_cell(w)}\n" for w in report.warnings)
    if report.errors:
        tail.append("\n### Files that could not be read\n\n")
        tail.extend(f"- `{e.path}`: {_cell(e.message)}\n" for e in report.errors)
    return "".join(head), details, tail


def _details(f) -> str:
    rule = f.rule
    text = (f"<details><summary>{_ICONS[f.severity]} <b>{rule.id}</b> "
            f"{html.escape(rule.name)} ({f.severity.label})"
            + (f", {html.escape(f.location.account)}/{html.escape(f.location.region)}"
               if f.location.is_resource else f", line {f.location.start_line}")
            + "</summary>\n\n")
    text += f"{f.message}\n\n**Fix:** {' '.join(rule.remediation.split())}"
    if rule.recommended_layer and rule.recommended_layer != "none":
        text += f" Layer: `{rule.recommended_layer}`."
    if f.fix_hint:
        fence = {"terraform": "hcl", "cloudformation": "yaml"}.get(f.source, "")
        text += f"\n\n```{fence}\n{f.fix_hint}\n```"
    return text + (f"\n\nResource: `{f.address}` · `cachelint explain {rule.id}`\n\n"
                   "</details>\n")

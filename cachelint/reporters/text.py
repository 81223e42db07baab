"""Human-readable output: one block per finding, then a summary line."""

from __future__ import annotations

from typing import TextIO

from cachelint.catalogue import Severity
from cachelint.findings import Report
from cachelint.model import Location
from cachelint.reporters import OutputOptions
from cachelint.reporters.source import frame

COLOURS = {Severity.CRITICAL: "\033[1;31m", Severity.HIGH: "\033[31m",
           Severity.MEDIUM: "\033[33m", Severity.LOW: "\033[36m", Severity.INFO: "\033[2m"}
BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    for end in (". ", ".\n"):
        if end in flat:
            return flat[: flat.index(end) + 1]
    return flat


def fix_text(rule) -> str:
    """The fix every format that shows one prints (text, JUnit): the remediation's first
    sentence, and the recommended layer where that sentence is about it; a layer other than
    the rule's own needs the whole remediation to make sense (CL109: fix the TTL, or cache
    longer at CloudFront). "none" (do not cache) is said by the remediation itself."""
    layer = rule.recommended_layer
    if not layer or layer == "none":
        return _first_sentence(rule.remediation)
    if layer != rule.layer:
        return f"{' '.join(rule.remediation.split())}  (layer: {layer})"
    return f"{_first_sentence(rule.remediation)}  (layer: {layer})"


def where(loc: Location) -> str:
    """``file:line``, or for a deployed resource its ARN with account and Region."""
    if loc.is_resource:
        place = "/".join(x for x in (loc.account, loc.region) if x)
        return f"{loc.path} ({place})" if place else loc.path
    return f"{loc.path}:{loc.start_line}"


def render(report: Report, out: TextIO, options: OutputOptions) -> None:
    """The registered ``text`` format: findings, or with --statistics counts per rule."""
    if options.statistics:
        write_statistics(report, out)
    else:
        write(report, out, colour=options.colour, quiet=options.quiet,
              show_source=options.show_source)


def write(report: Report, out: TextIO, colour: bool = False, quiet: bool = False,
          show_source: bool = False) -> None:
    def c(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if colour else text

    for f in report.findings:
        sev = f.severity
        loc = where(f.location)
        out.write(f"{c(BOLD, loc)} {c(COLOURS[sev], f.rule.id)} {f.rule.name} "
                  f"[{c(COLOURS[sev], sev.label)}, {f.rule.category.value}]\n")
        out.write(f"  {f.message}\n")
        if show_source:
            for line in frame(f.location, "    "):
                out.write(c(DIM, line) + "\n")
        if not quiet:
            out.write(c(DIM, f"  fix: {fix_text(f.rule)}") + "\n")
            for line in f.fix_hint.splitlines():
                out.write(c(DIM, f"       {line}".rstrip()) + "\n")
            roots = f.all_roots
            via = f" (evaluated from {', '.join(roots)})" if roots and (
                f.address.startswith("module.") or len(roots) > 1) else ""
            out.write(c(DIM, f"  resource: {f.address}{via}") + "\n")
    for e in report.unreported_errors:
        out.write(f"{c(BOLD, e.path)}: error: {e.message}\n")
    for warning in report.warnings:
        out.write(f"{c(BOLD, 'warning')}: {warning}\n")
    if not quiet:
        for note in report.notes:
            out.write(c(DIM, f"note: {note}") + "\n")
    out.write(("\n" if report.findings or report.errors else "")
              + c(BOLD, summary(report)) + "\n")


def summary(report: Report) -> str:
    """The closing line: findings by severity, what was scanned, what could not be read."""
    counts = {k: v for k, v in report.counts().items() if v}
    n = len(report.findings)
    if n:
        detail = ", ".join(f"{v} {k}" for k, v in counts.items())
        line = f"Found {n} finding{'s' if n != 1 else ''} ({detail})"
    else:
        line = "No findings"
    line += (f" in {report.files_scanned} file{'s' if report.files_scanned != 1 else ''}, "
                f"{report.resources_scanned} cache resource"
                f"{'s' if report.resources_scanned != 1 else ''}.")
    if report.suppressed:
        line += f" {len(report.suppressed)} suppressed."
    if report.errors:
        k = len(report.errors)
        line += f" {k} file{'s' if k != 1 else ''} could not be read."
    if report.warnings:
        k = len(report.warnings)
        line += (f" Incomplete: {k} part{'s' if k != 1 else ''} of the AWS scan could not be "
                    "read.")
    return line


def write_statistics(report: Report, out: TextIO) -> None:
    """Counts per rule, most frequent first (like ``ruff --statistics``)."""
    counts: dict = {}
    for f in report.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    for rule, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].id)):
        out.write(f"{count:>5}  {rule.id}  {rule.name:<48} [{rule.severity.label}]\n")
    total = sum(counts.values())
    out.write(f"Found {total} finding{'s' if total != 1 else ''}.\n")

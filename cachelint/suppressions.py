"""Suppressions: ``# cachelint:ignore CL101 reason`` in a comment (HCL ``#``/``//``, YAML ``#``)
on the finding's line or anywhere inside the resource, or CloudFormation resource ``Metadata``
(``cachelint: {ignore: [{id: CL101, reason: ...}]}``) for JSON templates, which have no comments.

Suppressed findings stay in the report (JSON, SARIF) marked as suppressed; a directive that
suppresses nothing is itself reported (CL002), as is one without a reason (CL003).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from cachelint.catalogue import Rule, find_rule
from cachelint.findings import Finding, Suppression
from cachelint.model import Location

_DIRECTIVE = re.compile(r"cachelint\s*:\s*ignore\b\s*[=:]?\s*"
                        r"((?:[A-Za-z][A-Za-z0-9-]*)(?:\s*,\s*[A-Za-z][A-Za-z0-9-]*)*)?"
                        r"\s*[-:—]*\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Directive:
    path: str
    line: int
    codes: tuple[str, ...]
    reason: str
    address: str | None = None  # Metadata directives cover one resource, by address
    kind: str = "inSource"  # SARIF suppression kinds: inSource (comment) or external (Metadata)


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    directive_findings: list[tuple[Rule, Location, str]] = field(default_factory=list)


def parse_comment(path: str, line: int, text: str) -> Directive | None:
    m = _DIRECTIVE.search(text)
    if not m:
        return None
    codes = tuple(c.strip() for c in (m.group(1) or "").split(",") if c.strip())
    reason = m.group(2).strip().rstrip("*/").strip()
    return Directive(path, line, codes, reason)


def _matches(code: str, finding: Finding) -> bool:
    code = code.strip()
    return code.upper() == finding.rule.id or code.lower() == finding.rule.name


def _applies(d: Directive, f: Finding) -> bool:
    loc = f.resource_location or f.location
    if d.address is not None:
        return d.path == loc.path and (
            f.address == d.address or f.address.startswith((d.address + ".", d.address + "@")))
    if d.path == f.location.path and d.line == f.location.start_line:
        return True
    return d.path == loc.path and loc.start_line <= d.line <= loc.end_line


def apply(findings: list[Finding], directives: list[Directive],
          enabled: set[str]) -> Outcome:
    out = Outcome()
    used: set[Directive] = set()
    for f in findings:
        hit = next((d for d in directives
                    if any(_matches(c, f) for c in d.codes) and _applies(d, f)), None)
        if hit is None:
            out.findings.append(f)
            continue
        used.add(hit)
        out.suppressed.append(replace(f, suppression=Suppression(hit.kind, hit.reason,
                                                                 hit.line)))
    unused, no_reason = find_rule("CL002"), find_rule("CL003")
    for d in directives:
        loc = Location(d.path, d.line, d.line)
        if not d.codes:
            out.directive_findings.append((unused, loc, "cachelint:ignore names no rule id"))
            continue
        unknown = [c for c in d.codes if find_rule(c) is None]
        if unknown:
            out.directive_findings.append((unused, loc, f"unknown rule {', '.join(unknown)}"))
        elif d not in used and all((find_rule(c).id in enabled) for c in d.codes):
            out.directive_findings.append(
                (unused, loc, f"ignore of {', '.join(d.codes)} matches no finding here"))
        if d in used and not d.reason:
            out.directive_findings.append(
                (no_reason, loc, f"ignore of {', '.join(d.codes)} gives no reason"))
    return out

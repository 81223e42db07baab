"""JSON output; its shape is cachelint/schemas/report.schema.json."""

from __future__ import annotations

import json
from typing import Any, TextIO

from cachelint import __version__
from cachelint.findings import Finding, Report
from cachelint.model import Location, SourceKind

SCHEMA_VERSION = "1"


def location_dict(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"path": loc.path, "start_line": loc.start_line,
                           "end_line": loc.end_line}
    if loc.deployed is not None:
        if loc.deployed.arn:
            out["arn"] = loc.deployed.arn
        out["account"], out["region"] = loc.deployed.account, loc.deployed.region
    return out


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule.id,
        "rule_name": f.rule.name,
        "category": f.rule.category.value,
        "severity": f.severity.label,
        "layer": f.rule.layer,
        "recommended_layer": f.rule.recommended_layer,
        "message": f.message,
        "remediation": f.rule.remediation,
        "fix_hint": f.fix_hint,
        "resource": {"address": f.address, "type": f.resource_type,
                     "source": (f.source if f.source_kind is SourceKind.CODE
                                else f.source_kind.value),
                     "root": f.root, "roots": list(f.all_roots)},
        "location": location_dict(f.location),
        "pointer": f.pointer,
        "context": f.context,
        "fingerprint": f.fingerprint,
        "references": list(f.rule.references),
        "peers": list(f.rule.peers),
        **({"suppression": {"kind": f.suppression.kind,
                            "justification": f.suppression.justification}}
           if f.suppression else {}),
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "cachelint", "version": __version__},
        "findings": [finding_dict(f) for f in report.findings],
        "suppressed": [finding_dict(f) for f in report.suppressed],
        "errors": [{"path": e.path, "message": e.message} for e in report.errors],
        "notes": list(report.notes),
        "warnings": list(report.warnings),
        "summary": {"findings": len(report.findings), "by_severity": report.counts(),
                    "files_scanned": report.files_scanned,
                    "resources_scanned": report.resources_scanned,
                    "suppressed": len(report.suppressed),
                    "errors": len(report.errors), "incomplete": report.incomplete},
    }


def write(report: Report, out: TextIO) -> None:
    json.dump(report_dict(report), out, indent=2)
    out.write("\n")

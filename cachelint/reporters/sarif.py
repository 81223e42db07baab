"""SARIF 2.1.0, as GitHub code scanning reads it."""

from __future__ import annotations

import json
import os
from typing import Any, TextIO

from cachelint import __version__
from cachelint.catalogue import Rule, Severity, load_catalogue
from cachelint.findings import Finding, Report
from cachelint.files import repository_root

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
# GitHub ranks security alerts by this score (critical >= 9.0, high >= 7.0, medium >= 4.0).
SECURITY_SCORES = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                   Severity.LOW: "3.0", Severity.INFO: "0.5"}


def _uri(path: str, root: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    return rel.replace(os.sep, "/")


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    from cachelint.explain import render_markdown

    properties: dict[str, Any] = {
        "tags": ["caching", rule.category.value, rule.layer],
        "precision": "high",
        "problem.severity": LEVELS[rule.severity],
        # Overlapping checks of other tools (checkov, trivy, cfn-lint), to join results.
        "peers": list(rule.peers),
    }
    # Only security concerns get a security-severity: GitHub would list a cost or hit-ratio
    # finding as a "High" security alert otherwise.
    if rule.security:
        properties["tags"].append("security")
        properties["security-severity"] = SECURITY_SCORES[rule.severity]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.rationale.split())},
        "help": {"text": " ".join(rule.remediation.split()),
                 "markdown": render_markdown(rule)},
        "helpUri": rule.docs_url,
        # A rule off by default (catalogue `default: "off"`) is declared disabled, as SARIF says.
        "defaultConfiguration": {"level": LEVELS[rule.severity],
                                 **({} if rule.default_on else {"enabled": False})},
        "properties": properties,
    }


def _result(f: Finding, index: int, root: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule.id,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "partialFingerprints": {"cachelint/v1": f.fingerprint},
        "properties": {"resource": f.address, "resourceType": f.resource_type,
                       "category": f.rule.category.value, "peers": list(f.rule.peers)},
    }
    if f.fix_hint:
        result["properties"]["fixHint"] = f.fix_hint
    if f.location.is_resource:
        # A deployed resource has no file: its ARN is the location (SARIF logical location).
        result["locations"] = [{"logicalLocations": [
            {"fullyQualifiedName": f.location.path, "kind": "resource"},
            {"fullyQualifiedName": f.address, "kind": "member"}]}]
        result["properties"].update(account=f.location.account, region=f.location.region)
    else:
        result["locations"] = [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(f.location.path, root),
                                     "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": f.location.start_line,
                           "endLine": max(f.location.end_line, f.location.start_line)}},
            "logicalLocations": [{"fullyQualifiedName": f.address, "kind": "resource"}]}]
    if f.suppression is not None:
        result["suppressions"] = [{"kind": f.suppression.kind, "status": "accepted",
                                   "justification": f.suppression.justification}]
    return result


def report_dict(report: Report, root: str) -> dict[str, Any]:
    rules = list(load_catalogue())
    index = {r.id: i for i, r in enumerate(rules)}
    results = [_result(f, index[f.rule.id], root)
               for f in list(report.findings) + list(report.suppressed)]
    notifications = [{"level": "error", "message": {"text": f"{e.path}: {e.message}"},
                      "locations": [{"physicalLocation": {"artifactLocation": {
                          "uri": _uri(e.path, root), "uriBaseId": "%SRCROOT%"}}}]}
                     for e in report.errors]
    notifications += [{"level": "warning", "message": {"text": w}} for w in report.warnings]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cachelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/cachelint/cachelint",
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }


def write(report: Report, out: TextIO, root: str | None = None) -> None:
    json.dump(report_dict(report, root or repository_root(".")), out, indent=2)
    out.write("\n")

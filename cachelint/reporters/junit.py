"""JUnit XML: a test suite per rule, a test case per rule x resource it checked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from cachelint.catalogue import load_catalogue
from cachelint.findings import Report
from cachelint.reporters.text import fix_text, where


def write(report: Report, out: TextIO) -> None:
    suites = ET.Element("testsuites", name="cachelint")
    def key(f):
        return (f.rule.id, (f.resource_location or f.location).path, f.address)

    failing: dict = {}
    for f in report.findings:
        failing.setdefault(key(f), []).append(f)
    suppressed = {key(f) for f in report.suppressed}
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for rule in load_catalogue():
        checked = dict(report.evaluations.get(rule.id, {}))
        for (rule_id, path, address), found in failing.items():
            if rule_id == rule.id:
                checked.setdefault((path, address), found[0].location)
        if not checked:
            continue
        suite = ET.SubElement(suites, "testsuite", name=f"{rule.id} {rule.name}")
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for (path, address), location in sorted(checked.items()):
            case = ET.SubElement(suite, "testcase", classname=f"cachelint.{rule.id}",
                                 name=f"{address} ({path})", file=location.path,
                                 line=str(location.start_line))
            counts["tests"] += 1
            for f in failing.get((rule.id, path, address), []):
                failure = ET.SubElement(case, "failure", type=f.severity.label,
                                        message=f.message)
                failure.text = (f"{where(f.location)}: {f.message}\n"
                                f"fix: {fix_text(rule)}"
                                + (f"\n{f.fix_hint}" if f.fix_hint else ""))
            if (rule.id, path, address) in failing:
                counts["failures"] += 1
            elif (rule.id, path, address) in suppressed:
                ET.SubElement(case, "skipped", message="suppressed")
                counts["skipped"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(suites, encoding="unicode"))
    out.write("\n")

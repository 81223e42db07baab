"""Every output format: golden files for the bundled examples, and the official SARIF schema."""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from cachelint.config import load_config
from cachelint.reporters import github, junit, markdown, sarif, text
from cachelint.reporters import json as json_reporter
from cachelint.scan import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
WRITERS = {
    "txt": lambda r, out: text.write(r, out, colour=False),
    "json": json_reporter.write,
    "sarif": lambda r, out: sarif.write(r, out, root=str(ROOT)),
    "xml": junit.write,
    "md": markdown.write,
    "github": github.write,
}


@pytest.fixture(scope="module")
def report():
    cwd = os.getcwd()
    os.chdir(ROOT)  # paths in reports are relative to where cachelint runs
    try:
        paths = ("examples/shop", "examples/shop-sam", "tests/rules/CL002/terraform/pass")
        return run_scan(ScanOptions(paths=paths, config=load_config(None, "examples")))
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("ext", sorted(WRITERS))
def test_golden(report, ext):
    out = io.StringIO()
    WRITERS[ext](report, out)
    golden = GOLDEN / f"examples.{ext}"
    if os.environ.get("CACHELINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out.getvalue())
    assert out.getvalue() == golden.read_text(), "regenerate with CACHELINT_UPDATE_GOLDEN=1"


def sarif_schema() -> dict:
    if not SARIF_SCHEMA.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the official SARIF schema is missing: {SARIF_SCHEMA}")
        pytest.skip(f"official SARIF schema not found at {SARIF_SCHEMA}")
    return json.loads(SARIF_SCHEMA.read_text())


def test_sarif_validates_against_the_official_schema(report):
    doc = sarif.report_dict(report, str(ROOT))
    jsonschema.validate(doc, sarif_schema())
    run = doc["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for rule in rules.values():
        for key in ("shortDescription", "fullDescription", "help", "helpUri", "properties"):
            assert key in rule
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} ")
        assert "tags" in rule["properties"]
    assert "security-severity" in rules["CL104"]["properties"]
    assert "security-severity" not in rules["CL106"]["properties"]  # cost is not security
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert (ROOT / loc["artifactLocation"]["uri"]).is_file()
        assert loc["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["cachelint/v1"]) == 32
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert suppressed and all(s["suppressions"][0]["justification"] for s in suppressed)


def test_junit_is_one_case_per_rule_and_resource(report):
    out = io.StringIO()
    junit.write(report, out)
    tree = ET.fromstring(out.getvalue().split("\n", 1)[1])
    cases = tree.findall(".//testcase")
    names = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(names) == len(set(names))
    failures = tree.findall(".//failure")
    assert len(failures) == len(report.findings)
    assert int(tree.get("tests")) == len(cases) > len(failures)
    assert tree.findall(".//skipped")  # suppressed findings


def test_github_annotations_escape_their_data(report):
    """Workflow commands end at a newline and split properties at ',' and ':': a message and a
    path carrying them must come out percent-encoded, or the annotation is cut or misplaced."""
    from dataclasses import replace

    from cachelint.errors import FileError
    from cachelint.findings import Report

    f = report.findings[0]
    odd = replace(f, message="hit ratio 50%\r\nthen: more",
                  location=replace(f.location, path="dir,a:b/x.tf", start_line=3, end_line=4))
    out = io.StringIO()
    github.write(Report(findings=[odd], errors=[FileError("p:q,r.tf", "bad\nline 2")]), out,
                 root=os.getcwd())
    command = {"critical": "error", "high": "error", "medium": "warning"}.get(
        f.severity.label, "notice")
    title = f"{f.rule.id} {f.rule.name}"
    assert out.getvalue().splitlines() == [
        f"::{command} file=dir%2Ca%3Ab/x.tf,line=3,endLine=4,title={title}::"
        "hit ratio 50%25%0D%0Athen: more",
        "::error file=p%3Aq%2Cr.tf,title=cachelint::bad%0Aline 2"]

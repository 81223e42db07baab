"""The bundled examples/ stay true to the code: the shop shows every layer, its twin is clean."""

from __future__ import annotations

from pathlib import Path

from cachelint.config import load_config
from cachelint.scan import ScanOptions, run_scan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def scan(path: Path):
    return run_scan(ScanOptions(paths=(str(path),), config=load_config(None, str(path))))


def test_clean_twin_has_no_findings_and_no_errors():
    report = scan(EXAMPLES / "shop-fixed")
    assert report.findings == [] and report.errors == []
    assert report.resources_scanned > 10


def test_shop_has_anti_patterns_at_all_four_layers():
    report = scan(EXAMPLES / "shop")
    assert not report.errors
    assert {f.rule.layer for f in report.findings} >= {"apigateway", "cloudfront",
                                                       "elasticache", "dax"}
    assert {f.rule.id for f in report.findings} == {
        "CL101", "CL103", "CL104", "CL105", "CL108", "CL109",
        "CL202", "CL203", "CL204", "CL205", "CL207", "CL208",
        "CL301", "CL303", "CL304", "CL305",
        "CL401", "CL403", "CL404", "CL405", "CL406",
        "CL501", "CL502"}


def test_values_from_tfvars_and_module_inputs_point_where_they_were_written():
    report = scan(EXAMPLES / "shop")
    where = {(f.rule.id, f.location.path.split("examples/")[-1], f.location.start_line)
             for f in report.findings}
    assert ("CL109", "shop/terraform.tfvars", 1) in where       # api_cache_ttl = 7200
    assert ("CL401", "shop/main.tf", 50) in where               # record_ttl_ms = 0
    assert ("CL405", "shop/main.tf", 51) in where               # nodes = 1


def test_sam_stack_has_the_terraform_shop_anti_patterns():
    terraform = {f.rule.id for f in scan(EXAMPLES / "shop").findings}
    sam = scan(EXAMPLES / "shop-sam")
    assert not sam.errors
    # CloudFormation cannot set RequireAuthorizationForCacheControl (CL105): the API default
    # requires authorization, so that one mistake cannot be written in a template.
    assert {f.rule.id for f in sam.findings} == terraform - {"CL105"}


def test_sam_clean_twin_has_no_findings():
    report = scan(EXAMPLES / "shop-sam-fixed")
    assert report.findings == [] and report.errors == [] and report.resources_scanned > 10


def test_ci_examples_run_as_written(tmp_path):
    """The cachelint commands in examples/ci are accepted and produce their reports."""
    import shlex
    import shutil
    import subprocess
    import sys

    import yaml

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "shop", repo / "infra")
    subprocess.run([sys.executable, "-m", "cachelint", "baseline", "create", "."], cwd=repo,
                   check=True, capture_output=True)
    gha = yaml.safe_load((EXAMPLES / "ci" / "github-actions.yml").read_text())
    gitlab = yaml.safe_load((EXAMPLES / "ci" / "gitlab-ci.yml").read_text())
    commands = [step["run"] for step in gha["jobs"]["cachelint"]["steps"]
                if "cachelint scan" in step.get("run", "")]
    commands += [line for line in gitlab["cachelint"]["script"] if "cachelint scan" in line]
    assert len(commands) == 2
    for command in commands:
        args = shlex.split(command)[2:]
        result = subprocess.run([sys.executable, "-m", "cachelint", "scan", *args], cwd=repo,
                                capture_output=True, text=True)
        assert result.returncode in (0, 1), result.stderr
    assert (repo / "cachelint.sarif").is_file() and (repo / "cachelint.md").is_file()
    assert (repo / "cachelint-junit.xml").is_file() and (repo / "cachelint.json").is_file()

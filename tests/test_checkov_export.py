"""cachelint's rules exported to checkov (`cachelint export checkov`) give checkov the same
pass/fail verdicts as cachelint on every Terraform rule fixture. checkov runs in its own
virtualenv (its hcl2 module conflicts with python-hcl2), with cachelint installed --no-deps."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cachelint.catalogue import load_catalogue
from cachelint.checkov_bridge import exportable
from cachelint.scan import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "tests" / "rules"
EXPORTED = sorted(r.id for r in load_catalogue() if exportable(r) is None)


def checkov() -> str:
    path = os.environ.get("CACHELINT_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail(f"checkov is not installed in its own virtualenv at {path}")
        pytest.skip("checkov's virtualenv is missing; scripts/test.sh creates it")
    return path


def resource_of(address: str) -> str:
    """cachelint reports behaviours and per-stage methods; checkov reports their resource."""
    address = address.split("@")[0]
    return re.sub(r"\.(default_cache_behavior|ordered_cache_behavior\[\d+\])$", "", address)


def test_export_lists_what_cannot_run_in_checkov(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cachelint", "export", "checkov",
                             str(tmp_path / "checks")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "checks").iterdir())
    assert len([f for f in files if f.startswith("CL")]) == len(EXPORTED)
    not_exported = (tmp_path / "checks" / "NOT_EXPORTED.md").read_text()
    for rule_id in ("CL104", "CL106", "CL107", "CL402", "CL406", "CL501"):
        assert rule_id in not_exported


def test_checkov_with_exported_checks_agrees_with_cachelint(tmp_path):
    checks = tmp_path / "checks"
    subprocess.run([sys.executable, "-m", "cachelint", "export", "checkov", str(checks)],
                   check=True, capture_output=True)
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    result = subprocess.run([checkov(), "-d", str(RULES), "--framework", "terraform",
                             "--external-checks-dir", str(checks), "--check",
                             ",".join(EXPORTED), "-o", "json", "--quiet"],
                            capture_output=True, text=True, env=env, timeout=900)
    data = json.loads(result.stdout)
    reports = data if isinstance(data, list) else [data]
    checkov_failed = set()
    rules = {r.id: r for r in load_catalogue()}
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            rule = rules[check["check_id"]]  # cachelint's id, name, severity and guideline
            assert check["check_name"].startswith(rule.name)
            assert check["severity"] == rule.severity.label.upper()
            assert check["guideline"] == rule.references[0]
            case = str(Path(check["file_abs_path"]).resolve().relative_to(RULES)).split("/")
            if case[1] == "terraform":
                checkov_failed.add(("/".join(case[:3]), check["check_id"], check["resource"]))
    cases = sorted(p for p in RULES.glob("CL*/terraform/*") if p.is_dir())
    cachelint_failed = set()
    for case in cases:
        report = run_scan(ScanOptions(paths=(str(case),), select=tuple(EXPORTED), jobs=1))
        # checkov does not read cachelint:ignore comments: compare verdicts, not suppressions.
        for f in report.findings + report.suppressed:
            cachelint_failed.add(("/".join(case.parts[-3:]), f.rule.id, resource_of(f.address)))
    # A checkov resource check sees the distribution only: a managed policy looked up by name
    # through a data source (data.aws_cloudfront_cache_policy) is not resolved there. And
    # checkov skips a resource whose count is 0 at the variables' defaults, where cachelint
    # also checks it with the variable set to the value that creates it.
    beyond_checkov = {("CL207/terraform/fail", "CL207", "aws_cloudfront_distribution.by_name"),
                      ("CL305/terraform/fail", "CL305", "aws_elasticache_cluster.memcached[0]")}
    assert checkov_failed == cachelint_failed - beyond_checkov
    assert beyond_checkov <= cachelint_failed
    assert {rule for _, rule, _ in cachelint_failed} == set(EXPORTED)  # every rule exercised

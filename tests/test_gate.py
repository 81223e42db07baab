"""A gate that cannot be switched off by a typo: unknown selectors, unused inputs and empty
scans, through the real command line (a subprocess, real files, real exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FAIL_CASE = ROOT / "tests" / "rules" / "CL101" / "terraform" / "fail"


def cachelint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cachelint", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


# --- unknown rule selectors ------------------------------------------------------------------


@pytest.mark.parametrize("option, value, nearest", [
    ("--select", "CL999", "CL109"),
    ("--ignore", "CL999", "CL109"),
    ("--ignore", "CL102,api-cache-unencrypte", "api-cache-unencrypted"),
    ("--select", "CL9", "CL5"),
])
def test_unknown_selector_on_the_command_line_is_an_error_naming_it(option, value, nearest):
    result = cachelint("scan", str(FAIL_CASE), option, value)
    assert result.returncode == 2, result.stdout
    bad = next(v for v in value.split(",") if v not in ("CL102",))
    error = result.stderr.strip().splitlines()[-1]
    assert f"'{bad}'" in error and option in error and nearest in error
    assert result.stdout == ""


def test_known_selectors_still_work_in_any_case():
    result = cachelint("scan", str(FAIL_CASE), "--format", "json", "--select", "cl1",
                       "--ignore", "API-CACHE-TTL-ZERO")
    assert result.returncode == 1, result.stderr
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"CL106"}
    assert cachelint("scan", str(FAIL_CASE), "--select", "ALL").returncode == 1


@pytest.mark.parametrize("config, key", [
    ("select: [CL999]\n", "select"),
    ("ignore: [CL1, api-cache-ttl-zer]\n", "ignore"),
    ("per_path_ignores:\n  'envs/**': [CL4055]\n", "per_path_ignores.envs/**"),
])
def test_unknown_selector_in_the_configuration_is_an_error(tmp_path, config, key):
    (tmp_path / "main.tf").write_text((FAIL_CASE / "main.tf").read_text())
    (tmp_path / ".cachelint.yaml").write_text(config)
    result = cachelint("scan", str(tmp_path))
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert ".cachelint.yaml" in error and f"{key}: unknown rule selector" in error


def test_pyproject_selectors_are_checked_too(tmp_path):
    (tmp_path / "main.tf").write_text((FAIL_CASE / "main.tf").read_text())
    (tmp_path / "pyproject.toml").write_text('[tool.cachelint]\nignore = ["CL10l"]\n')
    result = cachelint("scan", str(tmp_path))
    assert result.returncode == 2 and "'CL10l'" in result.stderr


# --- inputs nothing declares -----------------------------------------------------------------


def test_unknown_var_is_a_warning_and_an_error_with_strict():
    result = cachelint("scan", str(EXAMPLES / "shop"), "--var", "nosuchvar=60",
                       "--var", "api_cache_ttl=300", "--format", "json")
    assert result.returncode == 1  # the shop's findings decide
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "--var nosuchvar" in warnings[0]
    assert "api_cache_ttl" not in result.stderr
    assert json.loads(result.stdout)["summary"]["findings"] > 0
    strict = cachelint("scan", str(EXAMPLES / "shop"), "--var", "nosuchvar=60", "--strict")
    assert strict.returncode == 2
    assert "error: --var nosuchvar" in strict.stderr


def test_var_declared_only_in_a_called_module_is_unknown_to_the_root():
    # examples/shop/modules/api declares variables the root passes in; Terraform refuses
    # -var for them at the root, so cachelint warns as well.
    declared_in_child = "stage_name"
    text = (EXAMPLES / "shop" / "modules" / "api" / "variables.tf")
    assert f'variable "{declared_in_child}"' in text.read_text()
    result = cachelint("scan", str(EXAMPLES / "shop"), "--var", f"{declared_in_child}=x",
                       "-q")
    assert f"--var {declared_in_child}" in result.stderr


def test_unknown_parameter_override_warns_naming_it(tmp_path):
    template = EXAMPLES / "shop-sam" / "template.yaml"
    result = cachelint("scan", str(template), "--parameter-overrides", "Nope=1", "-q")
    assert result.returncode == 1
    assert "warning: --parameter-overrides Nope" in result.stderr
    result = cachelint("scan", str(template), "--parameter-overrides", "Nope=1", "--strict")
    assert result.returncode == 2
    (tmp_path / "template.yaml").write_text(template.read_text())
    (tmp_path / ".cachelint.yaml").write_text("parameter_overrides: {Nada: 1}\nstrict: true\n")
    result = cachelint("scan", str(tmp_path))
    assert result.returncode == 2
    assert ".cachelint.yaml: parameter_overrides: Nada" in result.stderr


def test_declared_parameter_override_is_silent():
    template = EXAMPLES / "shop-sam" / "template.yaml"
    declared = [line.split(":")[0].strip() for line in
                template.read_text().split("Parameters:")[1].split("\n")[1:3]
                if line.startswith("  ") and not line.startswith("    ")]
    assert declared, "the shop's template declares parameters"
    result = cachelint("scan", str(template), "--parameter-overrides", f"{declared[0]}=x",
                       "--strict", "-q")
    assert result.returncode == 1 and "warning" not in result.stderr


# --- a scan that reads nothing -----------------------------------------------------------------


def test_empty_scan_warns_and_fail_on_empty_exits_2(tmp_path):
    (tmp_path / "README.md").write_text("no infrastructure here\n")
    result = cachelint("scan", str(tmp_path), "--format", "json")
    assert result.returncode == 0
    assert "warning: No files found under" in result.stderr
    assert json.loads(result.stdout)["summary"]["files_scanned"] == 0
    result = cachelint("scan", str(tmp_path), "--format", "json", "--fail-on-empty")
    assert result.returncode == 2 and "error: No files found" in result.stderr
    assert json.loads(result.stdout)["summary"]["files_scanned"] == 0  # still reported
    (tmp_path / ".cachelint.yaml").write_text("fail_on_empty: true\n")
    assert cachelint("scan", str(tmp_path)).returncode == 2


def test_a_scan_that_reads_something_is_not_empty():
    result = cachelint("scan", str(EXAMPLES / "shop-fixed"), "--fail-on-empty")
    assert result.returncode == 0 and "No files found" not in result.stderr


def test_baseline_create_warns_too_and_refuses_an_empty_scan_when_configured(tmp_path):
    (tmp_path / "notes.md").write_text("nothing to scan\n")
    result = cachelint("baseline", "create", ".", "-o", "b.json", cwd=tmp_path)
    assert result.returncode == 0 and "warning: No files found" in result.stderr
    (tmp_path / "b.json").unlink()
    (tmp_path / ".cachelint.yaml").write_text("fail_on_empty: true\n")
    result = cachelint("baseline", "create", ".", "-o", "b.json", cwd=tmp_path)
    assert result.returncode == 2 and not (tmp_path / "b.json").exists()

"""CI outputs on real repositories, through the real command line: a capped Markdown comment,
annotations relative to the repository root, SARIF security scores and help pages, a repeatable
generate step, and several parameter overrides after one option."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from cachelint.catalogue import load_catalogue
from cachelint.explain import render_markdown

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FAIL_CASE = ROOT / "tests" / "rules" / "CL101" / "terraform" / "fail"
SARIF_SCHEMA = Path("/work/shared/schemas/sarif-schema-2.1.0.json")
if not SARIF_SCHEMA.is_file():
    SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def cachelint(*args: str, cwd: Path = ROOT, env: dict | None = None
              ) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([sys.executable, "-m", "cachelint", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env=environ | (env or {}))


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory) -> Path:
    """A repository with hundreds of findings: 30 copies of the shop."""
    root = tmp_path_factory.mktemp("big")
    (root / ".git").mkdir()
    for i in range(30):
        shutil.copytree(EXAMPLES / "shop", root / f"team{i:02d}")
    return root


def test_markdown_is_capped_at_githubs_comment_limit_with_tables_whole(big_repo):
    full = cachelint("scan", ".", "--format", "markdown", "--markdown-max-chars", "0",
                     cwd=big_repo)
    assert full.returncode == 1, full.stderr
    total = full.stdout.count("<details>")
    assert len(full.stdout) > 65536 and total > 300

    capped = cachelint("scan", ".", "--format", "markdown:pr.md", "--format", "json:all.json",
                       cwd=big_repo, env={"GITHUB_RUN_ID": "42", "GITHUB_REPOSITORY": "o/r",
                                          "GITHUB_SERVER_URL": "https://github.com"})
    assert capped.returncode == 1, capped.stderr
    doc = (big_repo / "pr.md").read_text()
    assert len(doc) <= 65536
    # The summary tables are whole: every row of the full document's tables is there.
    tables = [line for line in full.stdout.split("\n### ")[0].splitlines()
              if line.startswith("|")]
    assert tables and all(line in doc.splitlines() for line in tables)
    shown = doc.count("<details>")
    assert 0 < shown < total
    assert doc.count("</details>") == shown  # no block cut in the middle
    m = re.search(r"\*\*(\d+) of (\d+) findings not shown here\*\*", doc)
    assert m and int(m.group(1)) == total - shown and int(m.group(2)) == total
    assert "https://github.com/o/r/actions/runs/42" in doc and "`all.json` (json)" in doc
    assert len(json.loads((big_repo / "all.json").read_text())["findings"]) == total


def test_small_markdown_is_not_touched_by_the_cap():
    capped = cachelint("scan", str(FAIL_CASE), "--format", "markdown")
    uncapped = cachelint("scan", str(FAIL_CASE), "--format", "markdown",
                         "--markdown-max-chars", "0")
    assert capped.stdout == uncapped.stdout and "not shown" not in capped.stdout


def test_github_annotations_are_relative_to_the_repository_root(tmp_path):
    (tmp_path / ".git").mkdir()
    infra = tmp_path / "deploy" / "infra"
    shutil.copytree(FAIL_CASE, infra)
    result = cachelint("scan", ".", "--format", "github", cwd=infra)
    assert result.returncode == 1, result.stderr
    files = set(re.findall(r"file=([^,]+),", result.stdout))
    assert files == {"deploy/infra/main.tf"}
    # The same from the repository root, and as SARIF's URIs.
    assert set(re.findall(r"file=([^,]+),", cachelint(
        "scan", "deploy/infra", "--format", "github", cwd=tmp_path).stdout)) == files
    sarif = json.loads(cachelint("scan", ".", "--format", "sarif", cwd=infra).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert uris == files


def test_sarif_security_severity_only_on_security_concerns_and_help_is_our_own():
    result = cachelint("scan", str(EXAMPLES / "shop"), "--format", "sarif")
    doc = json.loads(result.stdout)
    if SARIF_SCHEMA.is_file():
        jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    catalogue = {r.id: r for r in load_catalogue()}
    assert set(rules) == set(catalogue)
    secure = {i for i, r in rules.items() if "security-severity" in r["properties"]}
    # Encryption, consistency, and a cache key that serves one caller's data to another.
    assert {"CL104", "CL108", "CL304", "CL403", "CL103", "CL207", "CL406", "CL501"} <= secure
    # Cost, hit ratio, a too-fine key, availability, stampede, TTLs: not security alerts.
    assert not secure & {"CL106", "CL408", "CL504", "CL505", "CL201", "CL202", "CL203",
                         "CL303", "CL405", "CL105", "CL101", "CL001", "CL002", "CL003"}
    assert all(catalogue[i].category.value in ("encryption", "consistency") or i == "CL104"
               for i in secure)
    for rule_id, rule in rules.items():
        assert rule["helpUri"] == (f"https://github.com/cachelint/cachelint/blob/main/docs/"
                                   f"rules/{rule_id}.md")
        page = ROOT / "docs" / "rules" / f"{rule_id}.md"
        assert page.read_text() == render_markdown(catalogue[rule_id]) + "\n", \
            "regenerate with python scripts/rule_docs.py"
    assert sorted(p.stem for p in (ROOT / "docs" / "rules").glob("CL*.md")) == sorted(rules)


def test_scan_generate_twice_succeeds_and_keeps_the_scan_verdict(tmp_path):
    first = cachelint("scan", str(EXAMPLES / "shop"), "--generate", "fixes", "-q",
                      cwd=tmp_path)
    assert first.returncode == 1, first.stderr  # the findings decide, not the generate step
    readme = tmp_path / "fixes" / "apigateway-cache" / "README.md"
    written = readme.read_text()
    again = cachelint("scan", str(EXAMPLES / "shop"), "--generate", "fixes", "-q",
                      cwd=tmp_path)
    assert again.returncode == 1, again.stderr
    assert "apigateway-cache/ is up to date" in again.stderr and readme.read_text() == written
    readme.write_text(written + "\nMy notes.\n")
    edited = cachelint("scan", str(EXAMPLES / "shop"), "--generate", "fixes", "-q",
                       cwd=tmp_path)
    assert edited.returncode == 2 and "use --force" in edited.stderr
    assert readme.read_text().endswith("My notes.\n")  # never overwritten without --force
    forced = cachelint("scan", str(EXAMPLES / "shop"), "--generate", "fixes", "--force", "-q",
                       cwd=tmp_path)
    assert forced.returncode == 1 and readme.read_text() == written
    assert cachelint("scan", str(EXAMPLES / "shop"), "--force").returncode == 2


def test_several_parameter_overrides_after_one_option():
    template = str(EXAMPLES / "shop-sam" / "template.yaml")

    def rules(*args: str) -> set[str]:
        result = cachelint("scan", template, "--format", "json", *args)
        assert result.returncode in (0, 1), result.stderr
        assert "warning" not in result.stderr
        return {f["rule_id"] for f in json.loads(result.stdout)["findings"]}

    default = rules()
    assert {"CL109", "CL405"} <= default  # ApiCacheTtl 7200, DaxNodes 1
    assert rules("--parameter-overrides", "ApiCacheTtl=300", "DaxNodes=3") == \
        default - {"CL109", "CL405"}
    assert rules("--parameter-overrides", "ApiCacheTtl=300", "--parameter-overrides",
                 "DaxNodes=3") == default - {"CL109", "CL405"}
    # The AWS CLI's long form still works.
    assert rules("--parameter-overrides", "ParameterKey=DaxNodes,ParameterValue=3") == \
        default - {"CL405"}

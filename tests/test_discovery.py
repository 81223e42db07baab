"""Which files a scan reads (ruff-like discovery), through the real command line: exclusions,
.gitignore, hidden folders, templates and unreadable files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TF_FAIL = ROOT / "tests" / "rules" / "CL101" / "terraform" / "fail" / "main.tf"
SAM = ROOT / "examples" / "shop-sam" / "template.yaml"


def cachelint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cachelint", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def scanned(*args: str, cwd: Path) -> tuple[set[str], dict]:
    """The files with findings, and the JSON report."""
    result = cachelint("scan", *args, "--format", "json", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {f["location"]["path"] for f in report["findings"]}, report


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for folder in ("app", "legacy", ".deploy/terraform", "build/out"):
        (tmp_path / folder).mkdir(parents=True)
        shutil.copy(TF_FAIL, tmp_path / folder / "main.tf")
    (tmp_path / "legacy" / "broken.tf").write_text('resource "aws_dax_cluster" "x" {\n')
    return tmp_path


def test_hidden_folders_are_scanned_and_vcs_folders_are_not(repo):
    (repo / ".git" / "main.tf").write_text(TF_FAIL.read_text())
    (repo / ".terraform").mkdir()
    shutil.copy(TF_FAIL, repo / ".terraform" / "main.tf")
    files, _ = scanned(".", cwd=repo)
    assert ".deploy/terraform/main.tf" in files
    assert not any(f.startswith((".git/", ".terraform/")) for f in files)


def test_exclude_and_extend_exclude_from_the_command_line(repo):
    files, _ = scanned(".", cwd=repo)
    assert {"app/main.tf", "legacy/main.tf", "legacy/broken.tf", "build/out/main.tf"} <= files
    # CL001's advice, "exclude the file", can be followed: a name glob, a path glob.
    files, _ = scanned(".", "--extend-exclude", "broken.tf", cwd=repo)
    assert "legacy/broken.tf" not in files and "legacy/main.tf" in files
    files, _ = scanned(".", "--extend-exclude", "legacy,build/out", cwd=repo)
    assert files == {"app/main.tf", ".deploy/terraform/main.tf"}
    # --exclude replaces the defaults: .git is then scanned like any folder.
    (repo / ".git" / "main.tf").write_text(TF_FAIL.read_text())
    files, _ = scanned(".", "--exclude", "legacy", cwd=repo)
    assert ".git/main.tf" in files and not any(f.startswith("legacy/") for f in files)


def test_exclusions_in_the_configuration_are_relative_to_it(repo):
    (repo / ".cachelint.yaml").write_text("extend_exclude: [legacy/broken.tf, 'build/*']\n")
    files, _ = scanned("app", "legacy", "build", cwd=repo)
    assert files == {"app/main.tf", "legacy/main.tf"}
    sub = repo / "app"
    files, _ = scanned(".", cwd=sub)  # the same configuration, found upwards
    assert files == {"main.tf"}


def test_gitignore_is_respected_unless_told_otherwise(repo):
    (repo / ".gitignore").write_text("build/out/\n*.tf.bak\n")
    (repo / "legacy" / ".gitignore").write_text("broken.tf\n")
    files, _ = scanned(".", cwd=repo)
    assert not any(f.startswith("build/") for f in files) and "legacy/broken.tf" not in files
    assert "legacy/main.tf" in files
    # Scanning a folder below still applies the repository's .gitignore files above it; a
    # folder named on the command line is read, as ruff reads what it is given.
    files, _ = scanned("build", cwd=repo)
    assert files == set()
    files, _ = scanned("build/out", cwd=repo)
    assert files == {"build/out/main.tf"}
    files, _ = scanned(".", "--no-respect-gitignore", cwd=repo)
    assert {"build/out/main.tf", "legacy/broken.tf"} <= files
    (repo / ".cachelint.yaml").write_text("respect_gitignore: false\n")
    files, _ = scanned(".", cwd=repo)
    assert "build/out/main.tf" in files


def test_gitignore_negation_and_anchors(repo):
    (repo / ".gitignore").write_text("*.tf\n!app/main.tf\n/.deploy\n")
    files, _ = scanned(".", cwd=repo)
    assert files == {"app/main.tf"}


def test_a_file_named_on_the_command_line_is_read_even_if_excluded(repo):
    (repo / ".gitignore").write_text("legacy/\n")
    files, _ = scanned("legacy/main.tf", cwd=repo)
    assert files == {"legacy/main.tf"}


def test_templates_are_listed_once_and_never_reported_as_unparsed(repo):
    (repo / "tpl").mkdir()
    (repo / "tpl" / "main.tf").write_text(
        'resource "aws_dax_cluster" "{{ name }}" {\n  {% if encrypted %}\n'
        '  server_side_encryption { enabled = true }\n  {% endif %}\n}\n')
    (repo / "tpl" / "cache.tf.j2").write_text("{{ anything }}\n")
    (repo / "chart").mkdir()
    (repo / "chart" / "stack.yaml").write_text(
        "Resources:\n  Cache:\n    Type: AWS::DAX::Cluster\n"
        "    Properties: {{ .Values.props }}\n    {{- if .Values.x }}\n")
    (repo / "stack.yaml.tmpl").write_text("Resources: {{ .Resources }}\n")
    cookie = repo / "{{cookiecutter.project_slug}}"
    cookie.mkdir()
    (cookie / "main.tf").write_text('resource "aws_x" "{{cookiecutter.name}}" {}\n')
    result = cachelint("scan", ".", "--no-color", cwd=repo)
    notes = [line for line in result.stdout.splitlines() if "template" in line]
    assert len(notes) == 1, result.stdout
    assert notes[0].startswith("note: 5 template files") and "tpl/main.tf" in notes[0]
    files, report = scanned(".", cwd=repo)
    assert not {f for f in files if f.startswith(("tpl/", "chart/", "{{"))}
    assert "legacy/broken.tf" in files  # a real syntax error is still one
    assert {e["path"] for e in report["errors"]} == {"legacy/broken.tf"}


def test_cloudformation_dynamic_references_are_not_template_syntax(tmp_path):
    (tmp_path / "stack.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Db:\n"
        "    Type: AWS::DAX::Cluster\n    Properties:\n"
        "      Password: '{{resolve:ssm:/db/password}}'\n      Nodes: [1, 2\n")
    files, _report = scanned(".", cwd=tmp_path)
    assert files == {"stack.yaml"}


def test_cl001_advice_fits_the_kind_of_file(tmp_path):
    (tmp_path / "bad.tf").write_text('resource "aws_dax_cluster" "x" {\n')
    (tmp_path / "bad.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n")
    _, report = scanned(".", cwd=tmp_path)
    messages = {f["location"]["path"]: f["message"] for f in report["findings"]
                if f["rule_id"] == "CL001"}
    assert "terraform validate" in messages["bad.tf"]
    assert "cfn-lint" in messages["bad.yaml"] and "terraform" not in messages["bad.yaml"]


@pytest.mark.parametrize("content, why", [
    (b"\x00\x01\x02binary\x00", "binary file"),
    ('variable "x" { default = "caf\u00e9" }\n'.encode("latin-1"), "not UTF-8"),
])
def test_unreadable_tf_beside_real_ones_is_reported_even_without_checked_resources(
        tmp_path, content, why):
    # The folder declares nothing cachelint checks, so the prefilter would skip it.
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "vpc.tf").write_text('resource "aws_vpc" "main" {}\n')
    (tmp_path / "network" / "blob.tf").write_bytes(content)
    result = cachelint("scan", ".", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(e["path"], e["message"].startswith(why)) for e in report["errors"]] == [
        ("network/blob.tf", True)]
    assert [f["rule_id"] for f in report["findings"]] == ["CL001"]
    assert "exclude" in report["findings"][0]["message"]


def test_dangling_tf_link_in_a_folder_without_checked_resources_is_reported(tmp_path):
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "vpc.tf").write_text('resource "aws_vpc" "main" {}\n')
    (tmp_path / "network" / "gone.tf").symlink_to(tmp_path / "nowhere.tf")
    _, report = scanned(".", cwd=tmp_path)
    assert [e["path"] for e in report["errors"]] == ["network/gone.tf"]
    assert "link" in report["errors"][0]["message"]

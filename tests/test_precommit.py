"""The real pre-commit runs the hook from this repository (``pre-commit try-repo``) in a fresh
git repository: it fails on a bad change and passes on a good one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or \
    shutil.which("pre-commit")

pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")

GOOD = '''resource "aws_dax_cluster" "reads" {
  cluster_name                     = "reads"
  replication_factor               = 3
  parameter_group_name             = aws_dax_parameter_group.reads.name
  cluster_endpoint_encryption_type = "TLS"
  server_side_encryption {
    enabled = true
  }
}

resource "aws_dax_parameter_group" "reads" {
  name = "reads"
  parameters {
    name  = "record-ttl-millis"
    value = "60000"
  }
  parameters {
    name  = "query-ttl-millis"
    value = "30000"
  }
}
'''


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def try_repo(work: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), "cachelint", "--verbose"],
                          cwd=work, env=env, capture_output=True, text=True, timeout=900)


def test_hook_fails_on_a_bad_change_and_passes_on_a_good_one(tmp_path):
    work = tmp_path / "infra"
    work.mkdir()
    git("init", "-q", cwd=work)
    git("config", "user.email", "dev@example.com", cwd=work)
    git("config", "user.name", "dev", cwd=work)
    # An unrelated file with a finding that is not staged must not fail the commit.
    other = GOOD.replace("reads", "other")
    (work / "other.tf").write_text(other.replace("replication_factor               = 3",
                                                 "replication_factor               = 1"))
    git("add", "other.tf", cwd=work)
    git("commit", "-qm", "existing", "--no-verify", cwd=work)
    (work / "other.tf").write_text(other)  # unstaged edit; stashed by pre-commit
    env = dict(os.environ, PRE_COMMIT_HOME=str(ROOT / ".pytest_cache" / "pre-commit"))

    (work / "main.tf").write_text(GOOD.replace('"60000"', '"0"'))
    git("add", "main.tf", cwd=work)
    bad = try_repo(work, env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "main.tf:15 CL401 dax-ttl-zero" in bad.stdout
    assert "other.tf" not in bad.stdout

    (work / "main.tf").write_text(GOOD)
    git("add", "main.tf", cwd=work)
    good = try_repo(work, env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


def test_fix_hook_applies_safe_fixes_to_staged_files(tmp_path):
    work = tmp_path / "infra"
    work.mkdir()
    git("init", "-q", cwd=work)
    git("config", "user.email", "dev@example.com", cwd=work)
    git("config", "user.name", "dev", cwd=work)
    fixture = ROOT / "tests" / "rules" / "CL109" / "terraform" / "fail" / "main.tf"
    (work / "main.tf").write_text(fixture.read_text())
    git("add", "main.tf", cwd=work)
    env = dict(os.environ, PRE_COMMIT_HOME=str(ROOT / ".pytest_cache" / "pre-commit"))

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), "cachelint-fix", "--verbose"],
                              cwd=work, env=env, capture_output=True, text=True, timeout=900)

    fixed = run()
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # files were modified
    assert "fixed  main.tf:" in fixed.stdout and "CL109" in fixed.stdout
    text = (work / "main.tf").read_text()
    assert "cache_ttl_in_seconds                       = 3600 # expect: CL109" in text
    assert text.replace("3600 # expect", "7200 # expect") == fixture.read_text()
    git("add", "main.tf", cwd=work)
    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr

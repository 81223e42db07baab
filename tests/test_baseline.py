"""Baselines survive moved lines and moved files, and fail only on new findings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cachelint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cachelint", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_baseline_accepts_old_findings_through_moves_and_fails_on_new(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "shop", repo / "infra")
    shutil.copytree(ROOT / "examples" / "shop-sam", repo / "stacks")
    created = cachelint("baseline", "create", ".", "-o", "baseline.json", cwd=repo)
    assert created.returncode == 0, created.stderr
    entries = json.loads((repo / "baseline.json").read_text())["findings"]
    assert len(entries) > 40

    # Same code: nothing new, exit 0.
    clean = cachelint("scan", ".", "--baseline", "baseline.json", "--format", "json", cwd=repo)
    assert clean.returncode == 0, clean.stdout
    assert json.loads(clean.stdout)["findings"] == []

    # Move lines (a header comment), rename a file, and move a whole stack folder.
    api = repo / "infra" / "modules" / "api" / "main.tf"
    api.write_text("# owned by the platform team\n\n" + api.read_text())
    (repo / "infra" / "modules" / "cache" / "main.tf").rename(
        repo / "infra" / "modules" / "cache" / "redis.tf")
    shutil.move(repo / "stacks", repo / "cfn")
    moved = cachelint("scan", ".", "--baseline", "baseline.json", "--format", "json", cwd=repo)
    assert moved.returncode == 0, moved.stdout
    assert json.loads(moved.stdout)["findings"] == []

    # A new mistake fails, alone; a fixed one is counted.
    (repo / "infra" / "extra.tf").write_text(
        'resource "aws_dax_cluster" "new" {\n  cluster_name = "new"\n  replication_factor = 1\n'
        '  cluster_endpoint_encryption_type = "TLS"\n  server_side_encryption {\n'
        '    enabled = true\n  }\n}\n')
    template = repo / "cfn" / "template.yaml"
    template.write_text(template.read_text().replace("maxmemory-policy: noeviction",
                                                     "maxmemory-policy: allkeys-lru"))
    result = cachelint("scan", ".", "--baseline", "baseline.json", "--format", "json", cwd=repo)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert {(f["rule_id"], f["resource"]["address"]) for f in data["findings"]} == {
        ("CL405", "aws_dax_cluster.new")}  # its default 5-minute TTLs are no finding
    assert any("1 baseline entry fixed" in note for note in data["notes"])


def test_a_broken_baseline_is_a_usage_error(tmp_path):
    (tmp_path / "main.tf").write_text("")
    (tmp_path / "b.json").write_text('{"findings": 3}')
    result = cachelint("scan", ".", "--baseline", "b.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "b.json: not a cachelint baseline" in result.stderr

"""Hostile and broken input: one clear line per problem, the rest of the scan still reports, and
nothing is followed out of the repository. Property-based tests feed the loaders random and
mutated input: they never raise anything but their structured errors."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachelint.loaders.cloudformation import load_cloudformation
from cachelint.loaders.terraform import load_terraform
from cachelint.loaders.terraform.evaluate import evaluate
from cachelint.loaders.terraform.hcl import parse_expression
from cachelint.model import DaxCluster

ROOT = Path(__file__).resolve().parent.parent
GOOD = 'resource "aws_dax_cluster" "ok" {\n  cluster_name = "ok"\n  replication_factor = 1\n}\n'
SEEDS = [p for p in sorted((ROOT / "tests" / "rules").rglob("*"))
         if p.suffix in (".tf", ".yaml", ".json") and p.is_file()]


def load_all(path: Path):
    inv = load_terraform([str(path)], display_base=str(path), jobs=1)
    inv.merge(load_cloudformation([str(path)], display_base=str(path)))
    return inv


def test_links_that_dangle_loop_or_leave_the_repository_are_reported(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (repo / "ok.tf").write_text(GOOD)
    (tmp_path / "secret.tf").write_text(GOOD.replace('"ok"', '"secret"'))
    os.symlink(tmp_path / "secret.tf", repo / "outside.tf")
    os.symlink(repo / "missing.tf", repo / "dangling.tf")
    os.symlink(repo / "loop-b.tf", repo / "loop-a.tf")
    os.symlink(repo / "loop-a.tf", repo / "loop-b.tf")
    os.mkfifo(repo / "pipe.tf")
    os.mkfifo(repo / "pipe.yaml")
    inv = load_all(repo)
    messages = {e.path: e.message for e in inv.errors}
    assert "outside the scanned repository" in messages["outside.tf"]
    assert "missing file" in messages["dangling.tf"]
    assert "link loop" in messages["loop-a.tf"]
    assert [c.name for c in inv.of(DaxCluster)] == ["ok"]


def test_module_sources_cannot_lead_out_of_the_repository(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "main.tf").write_text(GOOD)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (repo / "main.tf").write_text('module "x" {\n  source = "../elsewhere"\n}\n'
                                  'resource "aws_dax_cluster" "here" {\n  cluster_name = "h"\n}\n')
    inv = load_all(repo)
    assert [e.message.split(";")[0] for e in inv.errors] == [
        'line 1: module "x" source \'../elsewhere\' leads out of the scanned repository']
    assert [c.name for c in inv.of(DaxCluster)] == ["h"]


@pytest.mark.parametrize("name, content, message", [
    ("huge.tf", b"# " + b"x" * (6 * 1024 * 1024) + b"\naws_dax_cluster\n", "over the"),
    ("latin1.tf", 'resource "aws_dax_cluster" "é" {}\n'.encode("latin-1"), "not UTF-8"),
    ("nul.tf", b"resource \"aws_dax_cluster\" \"x\" {\x00}", "binary"),
    ("deep.tf", ('locals {\n  x = ' + "[" * 3000 + "]" * 3000 + "\n}\naws_dax_cluster\n").encode(),
     ""),
    ("deeper.tf", ('locals {\n  x = ' + "[" * 50_000 + "]" * 50_000 +
                   '\n}\nresource "aws_dax_cluster" "d" {}\n').encode(), "nesting too deep"),
    ("deep.template.json", ('{"Resources": {"C": {"Type": "AWS::DAX::Cluster", "Properties": '
                            '{"X": ' + "[" * 200_000 + "]" * 200_000 + "}}}}").encode(),
     "nesting too deep"),
    ("truncated.tf.json", b'{"resource": {"aws_dax_cluster": {"x": {"cluster_name": "x"', "line"),
])
def test_unreadable_files_are_one_line_errors(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "ok.tf").write_text(GOOD)
    inv = load_all(tmp_path)
    assert [c.name for c in inv.of(DaxCluster)] == ["ok"]
    errors = [e for e in inv.errors if e.path == name]
    if message:
        assert len(errors) == 1 and message in errors[0].message
    assert all("\n" not in e.message and len(e.message) < 400 for e in inv.errors)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_fixtures_never_crash_a_loader(tmp_path_factory, data):
    seed = data.draw(st.sampled_from(SEEDS))
    raw = bytearray(seed.read_bytes())
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for _ in range(data.draw(st.integers(1, 8))):
        op = rng.choice(("flip", "delete", "insert", "truncate", "duplicate"))
        pos = rng.randrange(len(raw) + 1)
        if op == "flip" and raw:
            raw[min(pos, len(raw) - 1)] = rng.randrange(256)
        elif op == "delete":
            del raw[pos:pos + rng.randrange(1, 40)]
        elif op == "insert":
            raw[pos:pos] = rng.choice([b"{", b"}", b"[", b'"', b"${", b"\n", b"!Ref ", b"*a",
                                       b"&a ", b"\x00", b"\xff", b"=", b":", b"  - "])
        elif op == "truncate":
            del raw[pos:]
        else:
            raw[pos:pos] = raw[: rng.randrange(1, 200)]
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / seed.name).write_bytes(bytes(raw))
    inv = load_all(folder)  # must not raise
    assert all(isinstance(e.message, str) and "\n" not in e.message for e in inv.errors)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_the_expression_evaluator_takes_any_text(text):
    class Names:
        def lookup(self, name):
            return {"a": 1, "s": "x", "l": [1, 2], "m": {"k": "v"}}.get(name)

    evaluate(parse_expression(text), Names())  # never raises


def test_secrets_never_reach_any_output(tmp_path):
    import io

    from cachelint.reporters import github, junit, markdown, sarif, text
    from cachelint.reporters import json as json_reporter
    from cachelint.scan import ScanOptions, run_scan

    secret = "s3cr3t-AUTH-token-0123456789"
    (tmp_path / "main.tf").write_text(
        'variable "token" {\n  default   = "' + secret + '"\n  sensitive = true\n}\n'
        'resource "aws_elasticache_replication_group" "c" {\n  replication_group_id = "c"\n'
        '  description = "c"\n  auth_token = var.token\n  num_cache_clusters = 1\n}\n')
    (tmp_path / "t.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  C:\n"
        "    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n"
        f"      ReplicationGroupDescription: c\n      AuthToken: {secret}\n"
        "      NumCacheClusters: 1\n")
    report = run_scan(ScanOptions(paths=(str(tmp_path),), jobs=1))
    assert report.findings
    for write in (json_reporter.write, github.write, junit.write, markdown.write,
                  lambda r, o: text.write(r, o), lambda r, o: sarif.write(r, o, str(tmp_path))):
        out = io.StringIO()
        write(report, out)
        assert secret not in out.getvalue()


def _as_unprivileged(args: list[str]) -> list[str]:
    """Root reads any file: run as nobody (setpriv, util-linux) so permissions apply."""
    import shutil

    if os.geteuid() != 0:
        return args
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *args]


def test_unreadable_files_and_folders_are_reported_and_the_rest_scanned():
    import json
    import shutil
    import subprocess
    import sys
    import tempfile

    # Under /tmp with 0755, not pytest's 0700 tmp_path, so that nobody can reach it.
    base = Path(tempfile.mkdtemp(prefix="cachelint-perm-", dir="/tmp"))
    try:
        base.chmod(0o755)
        (base / "ok.tf").write_text(GOOD)
        (base / "locked.tf").write_text(GOOD.replace('"ok"', '"locked"'))
        (base / "locked.yaml").write_text("Resources:\n  C:\n    Type: AWS::DAX::Cluster\n")
        (base / "snapshot.json").write_text('{"cachelint_snapshot": 1, "accounts": []}')
        (base / "closed").mkdir()
        (base / "closed" / "inner.tf").write_text(GOOD)
        for p in ("locked.tf", "locked.yaml", "snapshot.json"):
            (base / p).chmod(0)
        (base / "closed").chmod(0)
        r = subprocess.run(_as_unprivileged(
            [sys.executable, "-m", "cachelint", "scan", "--no-cache", "--format", "json",
             str(base), str(base / "snapshot.json")]), capture_output=True, text=True)
        assert r.returncode == 1, r.stderr
        report = json.loads(r.stdout)
        errors = {os.path.relpath(e["path"], base): e["message"] for e in report["errors"]}
        assert "Permission denied" in errors["locked.tf"]
        assert "Permission denied" in errors["locked.yaml"]
        assert "Permission denied" in errors["snapshot.json"]
        assert errors["closed"] == "cannot list this folder: Permission denied"
        assert all("\n" not in m for m in errors.values())
        addresses = {f["resource"]["address"] for f in report["findings"]}
        assert "aws_dax_cluster.ok" in addresses  # the rest still reports
        assert "Traceback" not in r.stderr
    finally:
        for p in base.rglob("*"):
            p.chmod(0o755) if p.is_dir() else p.chmod(0o644)
        (base / "closed").chmod(0o755)
        shutil.rmtree(base)

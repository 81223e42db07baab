"""The prefilter, the parse cache and the process pool change how fast cachelint is, never what
it finds. (Speed itself is measured by benchmarks/bench.py, not by tests.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cachelint.scan import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from monorepo import generate  # noqa: E402


def findings(path: Path, **options) -> list[tuple]:
    report = run_scan(ScanOptions(paths=(str(path),), **options))
    return sorted((f.rule.id, f.location.path, f.location.start_line, f.address, f.message)
                  for f in report.findings) + sorted((e.path, e.message) for e in report.errors)


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("monorepo")
    generate(root, 160, seed=3, cache_share=0.1)
    return root


CORPORA = ["examples", "tests/rules", "monorepo"]


@pytest.mark.parametrize("corpus", CORPORA)
def test_prefilter_loses_no_finding(corpus, monorepo):
    path = monorepo if corpus == "monorepo" else ROOT / corpus
    with_prefilter = findings(path, prefilter=True, jobs=1)
    assert with_prefilter == findings(path, prefilter=False, jobs=1)
    assert with_prefilter  # the corpus has something to find


def test_process_pool_gives_the_serial_result(monorepo):
    from cachelint.loaders.terraform import RELEVANT_TYPES
    from cachelint.loaders.terraform.project import TerraformProject

    # The pool really parses the corpus with two jobs, and is not used with one.
    for jobs, pooled in ((2, True), (1, False)):
        project = TerraformProject(str(monorepo), RELEVANT_TYPES, prefilter=False, jobs=jobs)
        project.load([str(monorepo)])
        assert (project.pooled > 0) is pooled, (jobs, project.pooled)
    assert findings(monorepo, prefilter=False, jobs=2) == findings(monorepo, prefilter=False,
                                                                  jobs=1)


def test_parse_cache_is_used_and_gives_the_same_result(monorepo, tmp_path):
    from cachelint.loaders.terraform import RELEVANT_TYPES
    from cachelint.loaders.terraform.project import TerraformProject

    cold = findings(monorepo, cache_dir=str(tmp_path), jobs=1)
    entries = list((tmp_path / "parse").rglob("*.json"))
    assert entries
    project = TerraformProject(str(monorepo), RELEVANT_TYPES, cache_dir=str(tmp_path), jobs=1)
    project.load([str(monorepo)])
    assert project.cache.hits > 0 and project.cache.misses == 0
    assert findings(monorepo, cache_dir=str(tmp_path), jobs=1) == cold == findings(monorepo)


def test_corrupt_or_foreign_cache_entries_are_ignored_and_rebuilt(monorepo, tmp_path):
    baseline = findings(monorepo, cache_dir=str(tmp_path), jobs=1)
    entries = sorted((tmp_path / "parse").rglob("*.json"))
    entries[0].write_text("{not json")
    data = json.loads(entries[1].read_text())
    data["file"] = {"@": "system", "command": "rm -rf /"}  # not a syntax node: refused
    entries[1].write_text(json.dumps(data))
    data = json.loads(entries[2].read_text())
    data["key"] = "0" * 64  # an entry moved from elsewhere
    entries[2].write_text(json.dumps(data))
    assert findings(monorepo, cache_dir=str(tmp_path), jobs=1) == baseline
    json.loads(entries[0].read_text())  # rebuilt
    assert json.loads(entries[1].read_text())["file"]["@"] == "ConfigFile"


def test_scan_writes_nothing_into_the_scanned_tree(monorepo, tmp_path):
    def snapshot() -> dict:
        return {str(p): p.stat().st_mtime_ns for p in monorepo.rglob("*")}
    before = snapshot()
    findings(monorepo, cache_dir=str(tmp_path / "cache"))
    assert snapshot() == before


def test_concurrent_runs_share_the_cache_safely(monorepo, tmp_path):
    import subprocess

    cache = tmp_path / "cache"
    cmd = [sys.executable, "-m", "cachelint", "scan", str(monorepo), "--format", "json",
           "--cache-dir", str(cache), "--exit-zero", "--no-prefilter"]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [json.loads(p.communicate(timeout=300)[0]) for p in runs]
    assert all(p.returncode == 0 for p in runs)
    assert len({json.dumps(o["findings"], sort_keys=True) for o in outputs}) == 1
    for entry in (cache / "parse").rglob("*"):
        if entry.is_file():
            assert entry.suffix == ".json"  # no temporary file left behind
            json.loads(entry.read_text())  # and every entry whole

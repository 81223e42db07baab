#!/usr/bin/env python3
"""Benchmark cachelint against checkov on synthetic AWS monorepos (or on any folder).

For each size it prints, in one run: cachelint cold (empty parse cache), warm (cache filled),
with one file changed, and checkov (from its own virtualenv, restricted to its cache-related
checks) on the same tree, with wall time, CPU time and peak RSS of each, and the ratios.

    python benchmarks/bench.py                      # sizes 200, 800, 2000
    python benchmarks/bench.py --sizes 800 --dir ../infra --skip-checkov
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from monorepo import generate  # noqa: E402

# checkov's checks about caching (and the cache layers' encryption/availability).
CHECKOV_CACHE_CHECKS = ["CKV_AWS_120", "CKV_AWS_225", "CKV_AWS_308", "CKV_AWS_47",
                        "CKV_AWS_239", "CKV_AWS_29", "CKV_AWS_30", "CKV_AWS_31", "CKV_AWS_191",
                        "CKV2_AWS_50", "CKV_AWS_134"]


def measure(cmd: list[str], env: dict | None = None, timeout: float = 3600) -> dict:
    """Run ``cmd`` in a fresh helper process, so that the rusage of its whole process tree is
    its own: wall time, CPU (user+system) and the peak RSS of its largest process."""
    probe = ("import json,resource,subprocess,sys,time;t=time.perf_counter();"
             "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
             "w=time.perf_counter()-t;u=resource.getrusage(resource.RUSAGE_CHILDREN);"
             "print(json.dumps({'wall':w,'cpu':u.ru_utime+u.ru_stime,'rss_mb':u.ru_maxrss/1024,"
             "'rc':r.returncode}))")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True,
                         env=env, timeout=timeout)
    return json.loads(out.stdout)


def cachelint_cmd(path: Path, cache: Path) -> list[str]:
    exe = shutil.which("cachelint", path=os.path.dirname(sys.executable)) or "cachelint"
    return [exe, "scan", str(path), "--format", "json", "--cache-dir", str(cache), "--exit-zero"]


def checkov_cmd(path: Path) -> list[str] | None:
    exe = os.environ.get("CACHELINT_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not os.path.exists(exe):
        return None
    return [exe, "-d", str(path), "--framework", "terraform", "--check",
            ",".join(CHECKOV_CACHE_CHECKS), "--quiet", "--compact", "-o", "json",
            "--skip-download"]


def change_one_file(path: Path) -> None:
    for f in sorted(path.rglob("*.tf")):
        text = f.read_text()
        if "aws_dax_cluster" in text or "aws_api_gateway_stage" in text:
            f.write_text(text + "\n# changed by the benchmark\n")
            return
    first = next(iter(sorted(path.rglob("*.tf"))))
    first.write_text(first.read_text() + "\n# changed by the benchmark\n")


def row(name: str, m: dict | None, base: dict | None = None) -> str:
    if m is None:
        return f"  {name:<28} {'(not run)':>10}"
    ratio = f"{base['wall'] / m['wall']:8.1f}x" if base else ""
    return (f"  {name:<28} {m['wall']:9.2f}s {m['cpu']:9.2f}s {m['rss_mb']:9.0f} MB"
            f"  {ratio}")


def bench(path: Path, label: str, skip_checkov: bool, work: Path) -> dict:
    files = sum(1 for _ in path.rglob("*.tf"))
    relevant = sum(1 for f in path.rglob("*.tf") if any(
        w in f.read_text(errors="replace") for w in ("aws_api_gateway", "aws_cloudfront",
                                                     "aws_elasticache", "aws_dax")))
    size_kb = sum(f.stat().st_size for f in path.rglob("*.tf")) / 1024
    cache = work / f"cache-{label}"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    results = {"cold": measure(cachelint_cmd(path, cache)),
               "warm": measure(cachelint_cmd(path, cache))}
    change_one_file(path)
    results["one file changed"] = measure(cachelint_cmd(path, cache))
    cmd = None if skip_checkov else checkov_cmd(path)
    results["checkov (cache checks)"] = measure(cmd, env=env) if cmd else None
    print(f"\n{label}: {files} .tf files ({size_kb:.0f} KB), {relevant} with cache resources")
    print(f"  {'run':<28} {'wall':>10} {'cpu':>10} {'peak RSS':>12}  vs checkov")
    checkov = results["checkov (cache checks)"]
    for name, m in results.items():
        print(row(name, m, checkov if name != "checkov (cache checks)" else None))
    return {"files": files, "relevant": relevant, **results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 800, 2000])
    parser.add_argument("--dir", type=Path, action="append", default=[],
                        help="also benchmark this folder (copied first; it is not changed)")
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures = {}
    with tempfile.TemporaryDirectory(prefix="cachelint-bench-") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            tree = work / f"monorepo-{size}"
            generate(tree, size)
            figures[f"synthetic-{size}"] = bench(tree, f"synthetic monorepo, {size} files",
                                                 args.skip_checkov, work)
        for folder in args.dir:
            copy = work / folder.name
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".git", ".terraform"))
            figures[str(folder)] = bench(copy, str(folder), args.skip_checkov, work)
    sized = [(k, v) for k, v in figures.items() if k.startswith("synthetic-")]
    if len(sized) > 1:
        print("\nGrowth (cold wall time per file with cache resources):")
        for name, v in sized:
            print(f"  {name:<20} {v['cold']['wall'] / max(v['relevant'], 1) * 1000:8.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

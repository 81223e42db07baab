#!/usr/bin/env python3
"""Application code and scan speed: a tree with no application code must scan exactly as fast
as before code scanning existed, and code parsing must cost only where there is code.

Prints, side by side, `cachelint scan` of this checkout and of a base revision (default `main`,
exported with `git archive` into a temporary folder and run with this interpreter), cold (empty
parse cache) and warm, on a synthetic monorepo of Terraform only, then this checkout on the same
monorepo with generated Lambda sources (Python, JavaScript, Java, Go) added.

    python benchmarks/code.py                        # 800 files, base main, 5 runs each
    python benchmarks/code.py --files 2000 --base HEAD~5 --runs 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench import measure  # noqa: E402
from monorepo import generate  # noqa: E402

FIXTURES = ROOT / "tests" / "rules"


def export(revision: str | None, target: Path) -> None:
    """The package as installed: ``revision`` from git, or (None) this working tree."""
    if revision is None:
        for name in ("cachelint", "rules", "templates"):
            shutil.copytree(ROOT / name, target / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
    else:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "cachelint",
                                  "rules", "templates"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    # rules/ and templates/ ship as cachelint.rules / cachelint.templates (see pyproject).
    for name in ("rules", "templates"):
        shutil.move(str(target / name), str(target / "cachelint" / name))


# Runs the cachelint of the folder named by CACHELINT_BENCH_SOURCE, whichever is installed
# (an editable install's import hook would otherwise win over the path).
LAUNCHER = ("import os, sys; sys.meta_path[:] = [f for f in sys.meta_path "
            "if '__editable__' not in repr(f)]; "
            "sys.path.insert(0, os.environ['CACHELINT_BENCH_SOURCE']); "
            "from cachelint.cli import main; sys.exit(main())")


def scan_cmd(path: Path, cache: Path) -> list[str]:
    return [sys.executable, "-c", LAUNCHER, "scan", str(path), "--format", "json",
            "--cache-dir", str(cache), "--exit-zero"]


def add_code(root: Path, copies: int) -> int:
    """Copy the code rule fixtures' application sources into ``copies`` service folders."""
    sources = sorted(p for p in FIXTURES.glob("CL60*/*/*/src") if p.is_dir())
    written = 0
    for i in range(copies):
        src = sources[i % len(sources)]
        target = root / "services" / f"svc-{i}"
        shutil.copytree(src, target / "src")
        written += sum(1 for p in (target / "src").rglob("*") if p.is_file())
    return written


def runs(label: str, cmd_for, env: dict, count: int, work: Path) -> dict:
    """Median wall and CPU (user+system) seconds, cold and warm. CPU time is the figure to
    compare on a shared machine: other processes lengthen the wall time, not the CPU time."""
    out: dict = {"cold": [], "warm": [], "cold_cpu": [], "warm_cpu": []}
    for i in range(count):
        cache = work / f"cache-{label}-{i}"
        for phase in ("cold", "warm"):
            m = measure(cmd_for(cache), env)
            if m["rc"] != 0:
                raise SystemExit(f"{label}: cachelint exited {m['rc']}")
            out[phase].append(m["wall"])
            out[phase + "_cpu"].append(m["cpu"])
    return {k: statistics.median(v) for k, v in out.items()}


def runs_interleaved(variants: list, cmd_for, count: int, work: Path) -> list[dict]:
    """``runs`` of several variants, one run of each in turn."""
    results = [{"cold": [], "warm": [], "cold_cpu": [], "warm_cpu": []} for _ in variants]
    for i in range(count):
        for (label, env), out in zip(variants, results, strict=True):
            one = runs(f"{label}-{i}", cmd_for, env, 1, work)
            for key, value in one.items():
                out[key].append(value)
    return [{k: statistics.median(v) for k, v in out.items()} for out in results]


def line(name: str, m: dict) -> str:
    return (f"{name:26}{m['cold']:>8.2f}s{m['cold_cpu']:>8.2f}s"
            f"{m['warm']:>8.2f}s{m['warm_cpu']:>8.2f}s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=800)
    ap.add_argument("--base", default="main", help="the revision to compare with")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--services", type=int, default=200,
                    help="Lambda source folders added for the code run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cachelint-code-bench-") as tmp:
        work = Path(tmp)
        tree = work / "infra"
        count = generate(tree, args.files)
        base, here = work / "base", work / "here"
        base.mkdir()
        here.mkdir()
        export(args.base, base)
        export(None, here)
        env_base = dict(os.environ, CACHELINT_BENCH_SOURCE=str(base))
        env_here = dict(os.environ, CACHELINT_BENCH_SOURCE=str(here))
        print(f"Terraform only: {count} files; medians of {args.runs} runs")
        print(f"{'':26}{'cold':>9}{'cpu':>9}{'warm':>9}{'cpu':>9}")
        # Interleaved, so that a change in the machine's load falls on both alike.
        before, after = runs_interleaved(
            [("base", env_base), ("here", env_here)], lambda c: scan_cmd(tree, c), args.runs,
            work)
        print(line(f"before ({args.base})", before))
        print(line("after (this checkout)", after))
        print(f"{'after / before':26}{after['cold'] / before['cold']:>9.2f}"
              f"{after['cold_cpu'] / before['cold_cpu']:>9.2f}"
              f"{after['warm'] / before['warm']:>9.2f}"
              f"{after['warm_cpu'] / before['warm_cpu']:>9.2f}")
        code = add_code(tree, args.services)
        print(f"\nThe same tree with {code} application source files added "
              f"({args.services} services):")
        with_code = runs("code", lambda c: scan_cmd(tree, c), env_here, args.runs, work)
        print(line("after (this checkout)", with_code))
    return 0


if __name__ == "__main__":
    sys.exit(main())

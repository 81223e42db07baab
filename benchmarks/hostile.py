"""A hostile folder, scanned by cachelint and by checkov side by side: wall time, peak memory
(RSS of the process tree) and what each reported. Nothing here is a unit test.

    python benchmarks/hostile.py [--checkov .venv-checkov/bin/checkov]

The folder holds: a YAML alias bomb (a billion laughs), a JSON template nested 200,000 deep, an
HCL expression nested 50,000 deep, 2,000 junk .tf files, binary and Latin-1 files named as
templates, a 6 MiB .tf over the size cap, a 1 MiB single-line string, link loops and dangling
links, and one real cache resource that must still be found.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(folder: str) -> None:
    def write(name: str, data: bytes | str) -> None:
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)

    laughs = ["Resources:\n  C:\n    Type: AWS::DAX::Cluster\n    Properties:\n",
              '      a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    for i in range(1, 10):
        laughs.append(f"      a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]\n")
    write("bomb/template.yaml", "".join(laughs))
    write("deep/template.json", '{"Resources": {"C": {"Type": "AWS::DAX::Cluster", '
          '"Properties": {"X": ' + "[" * 200_000 + "]" * 200_000 + "}}}}")
    write("deephcl/main.tf", "locals {\n  x = " + "[" * 50_000 + "]" * 50_000 +
          '\n}\nresource "aws_dax_cluster" "d" {\n  cluster_name = "d"\n}\n')
    rnd = random.Random(7)
    for i in range(2_000):
        junk = "".join(rnd.choice('{}[]"=\n aws_dax_cluster resource ${}') for _ in range(300))
        write(f"junk/{i // 100}/f{i}.tf", junk)
    write("binary/main.tf", bytes(rnd.randrange(256) for _ in range(65_536)))
    write("binary/template.yaml", b"\x00\xff" * 10_000)
    write("latin1/main.tf", 'resource "aws_dax_cluster" "é" {}\n'.encode("latin-1"))
    write("huge/main.tf", "# " + "x" * (6 * 1024 * 1024) + '\nresource "aws_dax_cluster" "h" {}\n')
    write("longline/main.tf", 'locals {\n  s = "' + "y" * (1024 * 1024) + '"\n}\n'
          'resource "aws_dax_cluster" "l" {\n  cluster_name = local.s\n}\n')
    os.makedirs(os.path.join(folder, "links"), exist_ok=True)
    os.symlink(os.path.join(folder, "links", "b.tf"), os.path.join(folder, "links", "a.tf"))
    os.symlink(os.path.join(folder, "links", "a.tf"), os.path.join(folder, "links", "b.tf"))
    os.symlink(os.path.join(folder, "nowhere.tf"), os.path.join(folder, "links", "gone.tf"))
    os.symlink(folder, os.path.join(folder, "links", "self"))
    write("real/main.tf", 'resource "aws_dax_cluster" "real" {\n  cluster_name = "real"\n'
          "  replication_factor = 1\n}\n")


def measure(args: list[str], timeout: float = 1800
            ) -> tuple[float, float, subprocess.CompletedProcess | None]:
    """Wall time, peak RSS (MB) and the finished process, or None if it ran past timeout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    try:
        done: subprocess.CompletedProcess | None = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        done = None
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest single child so far (KiB on Linux).
    return seconds, max(peak, before) / 1024, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkov", default=os.path.join(ROOT, ".venv-checkov", "bin",
                                                          "checkov"))
    parser.add_argument("--checkov-timeout", type=float, default=900,
                        help="Give up on checkov after this many seconds.")
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="cachelint-hostile-")
    try:
        build(folder)
        files = sum(len(f) for _, _, f in os.walk(folder))
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder)
                   for f in fs if os.path.isfile(os.path.join(d, f)))
        print(f"hostile folder: {files} files, {size / 1e6:.1f} MB")
        print(f"{'tool':<10} {'seconds':>8} {'peak MB':>8}  result")
        seconds, peak, done = measure([sys.executable, "-m", "cachelint", "scan", "--no-cache",
                                       "--format", "json", "-o", os.path.join(folder, "..",
                                                                              "hostile.json"),
                                       folder])
        import json

        with open(os.path.join(folder, "..", "hostile.json"), encoding="utf-8") as fh:
            report = json.load(fh)
        found = sorted({f["resource"]["address"] for f in report["findings"]
                        if f["rule_id"] != "CL001"})
        print(f"{'cachelint':<10} {seconds:>8.1f} {peak:>8.0f}  exit {done.returncode}, "
              f"{len(report['errors'])} files reported unreadable, resources found: "
              f"{', '.join(found)}; traceback: {'Traceback' in done.stderr}")
        if os.path.exists(options.checkov):
            seconds, peak, done = measure([options.checkov, "-d", folder, "--framework",
                                           "terraform", "cloudformation", "--quiet",
                                           "--compact", "-o", "json"],
                                          timeout=options.checkov_timeout)
            if done is None:
                print(f"{'checkov':<10} {seconds:>8.1f} {'?':>8}  did not finish in "
                      f"{options.checkov_timeout:.0f} s (stopped)")
            else:
                print(f"{'checkov':<10} {seconds:>8.1f} {peak:>8.0f}  exit {done.returncode}; "
                      f"traceback: {'Traceback' in done.stderr}")
        else:
            print(f"checkov not found at {options.checkov} (scripts/test.sh installs it)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if os.path.exists(os.path.join(folder, "..", "hostile.json")):
            os.unlink(os.path.join(folder, "..", "hostile.json"))


if __name__ == "__main__":
    main()

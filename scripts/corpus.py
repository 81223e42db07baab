#!/usr/bin/env python3
"""Run cachelint over corpora of real public infrastructure code (folders you have fetched or
cloned: checkov's and KICS's test fixtures, AWS's CloudFormation templates,
terraform-aws-modules, ...) and print, per corpus: files scanned, errors by kind, findings by
rule, and crashes (which must be zero). Nothing is committed from the corpora.

    python scripts/corpus.py ~/src/checkov/tests ~/src/aws-cloudformation-templates
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import traceback
from pathlib import Path

from cachelint.scan import ScanOptions, run_scan


def kind_of(message: str) -> str:
    message = re.sub(r"\d+", "N", message)
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "…", message)
    return message[:60]


def scan(folder: Path, prefilter: bool = True) -> tuple[dict, bool]:
    started = time.perf_counter()
    try:
        report = run_scan(ScanOptions(paths=(str(folder),), jobs=None, prefilter=prefilter))
    except Exception:  # noqa: BLE001 - a crash is what this script looks for
        traceback.print_exc()
        return {}, False
    return {
        "seconds": time.perf_counter() - started,
        "files": report.files_scanned,
        "resources": report.resources_scanned,
        "errors": collections.Counter(kind_of(e.message) for e in report.errors),
        "error_files": len({e.path for e in report.errors}),
        "internal": [e for e in report.errors if "internal error" in e.message],
        "findings": collections.Counter(f.rule.id for f in report.findings),
    }, True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--no-prefilter", action="store_true",
                        help="Parse every file, even those that cannot hold a checked resource.")
    args = parser.parse_args()
    crashes = 0
    for folder in args.folders:
        result, ok = scan(folder, prefilter=not args.no_prefilter)
        if not ok:
            crashes += 1
            print(f"\n{folder}: CRASH")
            continue
        print(f"\n{folder}: {result['files']} files, {result['resources']} cache resources, "
              f"{sum(result['errors'].values())} errors in {result['error_files']} files, "
              f"{len(result['internal'])} internal errors, {result['seconds']:.1f} s")
        for kind, n in result["errors"].most_common(8):
            print(f"  error  {n:5}  {kind}")
        for rule, n in sorted(result["findings"].items()):
            print(f"  rule   {n:5}  {rule}")
        crashes += len(result["internal"])
    print(f"\ncrashes and internal errors: {crashes}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())

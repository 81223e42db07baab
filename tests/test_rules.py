"""Every rule's fixtures: each case folder is scanned and the full set of (file, line, rule id)
findings must equal the ``expect: CLnnn`` marks written in its files. Pass cases carry no mark,
so they must be entirely clean."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cachelint.catalogue import load_catalogue
from cachelint.config import load_config
from cachelint.scan import ScanOptions, run_scan

RULES_DIR = Path(__file__).parent / "rules"
CASES = sorted(p for p in RULES_DIR.glob("CL*/*/*") if p.is_dir())
EXPECT = re.compile(r"(?:#|//)\s*expect:\s*(CL\d{3}(?:\s*,\s*CL\d{3})*)")
SOURCES = {"terraform", "cloudformation", "aws"}  # plan fixtures exist where a plan adds
# information; aws fixtures are snapshot files (what `cachelint aws snapshot` writes)
# Rules on application code have a case per language (with the infrastructure it links to).
SOURCES |= {"python", "javascript", "java", "go"}
AWS_RULES = {r.id for r in load_catalogue() if "aws" in r.sources}
RULES = {r.id: r for r in load_catalogue()}


def expected_findings(case: Path) -> set[tuple[str, int, str]]:
    """``expect: CLnnn`` comments, or for JSON (no comments) a sidecar ``FILE.expect`` with
    ``LINE CLnnn`` lines, or for a snapshot ``ARN CLnnn`` lines (a deployed resource has an
    ARN, not a line)."""
    found = set()
    for path in sorted(case.rglob("*")):
        if not path.is_file() or path.name.startswith(".cachelint") or path.suffix == ".log":
            continue
        if path.name.endswith(".expect"):
            target = str(path.relative_to(case))[: -len(".expect")]
            for entry in path.read_text().split("\n"):
                if entry.strip():
                    where, code = entry.split()
                    found.add((target, int(where), code) if where.isdigit()
                              else (where, 0, code))
            continue
        for lineno, line in enumerate(path.read_text().splitlines(), start=1):
            m = EXPECT.search(line)
            if m:
                for code in re.split(r"\s*,\s*", m.group(1)):
                    found.add((str(path.relative_to(case)), lineno, code))
    return found


def actual_findings(case: Path) -> set[tuple[str, int, str]]:
    config = load_config(None, str(case))
    paths: tuple[str, ...] = (str(case),)
    if (case / "plan.json").is_file():
        # A plan, with its configuration folder when there is one (as users run it).
        has_config = any(case.rglob("*.tf"))
        paths = (str(case / "plan.json"),) + ((str(case),) if has_config else ())
    if (case / "account.json").is_file():
        paths = (str(case / "account.json"),)  # a snapshot is named, as a plan is
    # An access log in the case is evidence of traffic (scan --traffic).
    traffic = (str(case / "access.log"),) if (case / "access.log").is_file() else ()
    # A rule off by default runs in its own cases (selected by id), every other rule as usual.
    rule = RULES.get(case.parts[-3])  # other tests scan copies of cases elsewhere
    select = ("ALL", rule.id) if rule is not None and not rule.default_on else ()
    report = run_scan(ScanOptions(paths=paths, config=config, traffic=traffic, select=select))
    return {(f.location.path if f.location.is_resource else
             os.path.relpath(os.path.abspath(f.location.path), case), f.location.start_line,
             f.rule.id) for f in report.findings}


@pytest.mark.parametrize("case", CASES, ids=lambda p: "/".join(p.parts[-3:]))
def test_rule_fixture(case: Path) -> None:
    expected = expected_findings(case)
    assert actual_findings(case) == expected
    rule_id = case.parts[-3]
    if case.name == "fail":
        assert rule_id in {code for _, _, code in expected}, "a fail case must expect its rule"
    else:
        assert case.name == "pass"


@pytest.mark.parametrize("rule", load_catalogue(), ids=lambda r: r.id)
def test_every_rule_has_fail_and_pass_fixtures(rule) -> None:
    for source in set(rule.sources) & SOURCES:
        for kind in ("fail", "pass"):
            folder = RULES_DIR / rule.id / source / kind
            assert folder.is_dir() and any(folder.iterdir()), f"missing {folder}"


TWIN_SOURCES = ("terraform", "cloudformation", "plan", "aws")
TWINS = sorted({(p.parts[-3], p.name) for p in CASES
                if sum((p.parent.parent / src / p.name).is_dir() for src in TWIN_SOURCES) > 1})


@pytest.mark.parametrize("rule_id, kind", TWINS, ids=[f"{r}/{k}" for r, k in TWINS])
def test_twins_in_every_source_find_the_same_rules(rule_id, kind):
    """The same infrastructure written as Terraform, CloudFormation/SAM or a plan, or deployed
    (an account snapshot), gives the same rule ids; a deployed resource is compared on the
    rules that can apply to one."""
    folder = RULES_DIR / rule_id
    ids = {src: {code for _, _, code in actual_findings(folder / src / kind)}
           for src in TWIN_SOURCES if (folder / src / kind).is_dir()}
    if "aws" in ids:
        ids = {src: found & AWS_RULES for src, found in ids.items()}
    assert len(set(map(frozenset, ids.values()))) == 1, ids

"""Unknown is not false: in every failing fixture, replacing the value on a finding's line with
a variable nobody set must remove that finding and never add another."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from test_rules import CASES, EXPECT, actual_findings

ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*)([^#]+?)(\s*#.*)?$")


def marked_assignments(case: Path):
    for path in sorted(case.rglob("*.tf")):
        for lineno, line in enumerate(path.read_text().splitlines(), start=1):
            m = EXPECT.search(line)
            if m and ASSIGNMENT.match(line) and "CL001" not in m.group(1):
                yield path.relative_to(case), lineno


# Terraform sources only: in a plan the values are already decided, and YAML has no variables.
FAIL_LINES = [(case, rel, line) for case in CASES
              if case.name == "fail" and case.parts[-2] == "terraform"
              for rel, line in marked_assignments(case)]


@pytest.mark.parametrize("case, rel, line", FAIL_LINES,
                         ids=[f"{c.parts[-3]}:{r}:{n}" for c, r, n in FAIL_LINES])
def test_unknown_value_removes_the_finding(tmp_path, case, rel, line):
    work = tmp_path / "case"
    shutil.copytree(case, work)
    target = work / rel
    lines = target.read_text().splitlines()
    m = ASSIGNMENT.match(lines[line - 1])
    lines[line - 1] = f"{m.group(1)}var.not_set_anywhere"
    target.write_text("\n".join(lines) + "\n")
    before = actual_findings(case)
    after = actual_findings(work)
    assert not {f for f in after if f[:2] == (str(rel), line)}
    assert after <= before

#!/usr/bin/env python3
"""Merge reviewers' label files into ``labels.yaml`` (same schema, one line of reasoning each).

    python benchmarks/realworld/merge_labels.py /work/realworld/labels-new/*.yaml

A finding label replaces an existing one with the same (repo, path, line, rule, address): a
finding re-judged after a rule change keeps one verdict, the newest. A ``missed`` entry is added
unless one with the same (repo, path, line, rule) is there. A file that is not valid (not YAML,
a field missing, a verdict other than tp/fp/unknown) is reported on one line naming it and
skipped; the others are merged. The header comments of labels.yaml are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

LABELS = Path(__file__).resolve().parent / "labels.yaml"
FIELDS = ("repo", "path", "line", "rule", "verdict", "reason")
MISSED_FIELDS = ("repo", "path", "line", "rule", "reason")


def _problem(entry, fields, verdict: bool) -> str | None:
    if not isinstance(entry, dict):
        return "an entry is not a mapping"
    missing = [f for f in fields if entry.get(f) in (None, "")]
    if missing:
        return f"entry {entry.get('repo')}:{entry.get('path')}:{entry.get('line')} lacks {missing}"
    if verdict and entry["verdict"] not in ("tp", "fp", "unknown"):
        return f"verdict {entry['verdict']!r} is not tp, fp or unknown"
    if not isinstance(entry["line"], int):
        return f"line {entry['line']!r} is not a number"
    return None


def load_new(path: Path) -> tuple[list, list]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError("not a mapping with findings: and missed:")
    findings, missed = data.get("findings") or [], data.get("missed") or []
    for entry in findings:
        why = _problem(entry, FIELDS, True)
        if why:
            raise ValueError(why)
    for entry in missed:
        why = _problem(entry, MISSED_FIELDS, False)
        if why:
            raise ValueError(why)
    return findings, missed


def _key(e: dict) -> tuple:
    return (e["repo"], e["path"], e["line"], e["rule"], e.get("address") or "")


def merge(paths: list[Path], labels: Path = LABELS) -> tuple[int, int, int]:
    text = labels.read_text(encoding="utf-8")
    start = text.find("\nfindings:")
    header = text[: start + 1] if start >= 0 else ""
    data = yaml.safe_load(text) or {}
    findings = list(data.get("findings") or [])
    missed = list(data.get("missed") or [])
    index = {_key(e): i for i, e in enumerate(findings)}
    replaced = added = added_missed = 0
    for path in paths:
        try:
            new, new_missed = load_new(path)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            print(f"{path}: {str(exc).splitlines()[0]} (skipped)", file=sys.stderr)
            continue
        for entry in new:
            k = _key(entry)
            if k in index:
                findings[index[k]] = entry
                replaced += 1
            else:
                index[k] = len(findings)
                findings.append(entry)
                added += 1
        seen = {(m["repo"], m["path"], m["line"], m["rule"]) for m in missed}
        for m in new_missed:
            if (m["repo"], m["path"], m["line"], m["rule"]) not in seen:
                missed.append(m)
                seen.add((m["repo"], m["path"], m["line"], m["rule"]))
                added_missed += 1
    body = yaml.safe_dump({"findings": findings, "missed": missed}, sort_keys=False,
                          allow_unicode=True, width=100000)
    labels.write_text(header + body, encoding="utf-8")
    return added, replaced, added_missed


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: merge_labels.py LABELS-NEW.yaml ...")
    added, replaced, new_missed = merge([Path(p) for p in sys.argv[1:]])
    print(f"{added} finding labels added, {replaced} replaced, {new_missed} missed defects added")

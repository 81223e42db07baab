#!/usr/bin/env python3
"""Precision and recall of cachelint on public repositories nobody here wrote (issue 16).

The corpus is listed in ``benchmarks/realworld/repos.yaml`` (name, url, commit, kind, paths).
Nothing is fetched at run time: ``--print-fetch`` prints the ``git clone`` and ``git checkout``
commands that reproduce the corpus under ``--src`` (one folder ``owner+name`` per repository).
Each repository is scanned in-process as ``cachelint scan PATHS`` would scan it from the
repository's root (same configuration discovery, stopping at the repository), and every finding
is matched to the labels in ``benchmarks/realworld/labels.yaml``:

    python benchmarks/realworld.py --src /work/realworld/src
    python benchmarks/realworld.py --src SRC --repo owner/name --dump findings.jsonl
    python benchmarks/realworld.py --print-fetch > fetch.sh

Precision is TP / (TP + FP) over labelled findings ("unknown" counts neither way); recall is
TP / (TP + missed), where "missed" is the labels' ``missed:`` entries (less those a finding
labelled ``tp`` now reports, on the same line or on the resource that holds it) plus findings
labelled ``tp`` that the scan no longer reports. A repository absent from ``--src`` is reported as
missing and makes the exit status 1; a bad repos or labels file exits 2.
"""

from __future__ import annotations

import dataclasses
import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

REPOS_FILE = HERE / "realworld" / "repos.yaml"
LABELS_FILE = HERE / "realworld" / "labels.yaml"
KINDS = ("tf-module", "tf-app", "cloudformation", "sam-openapi", "cdk", "app-code")
VERDICTS = ("tp", "fp", "unknown")
SEVERE = ("high", "critical")


class InputError(Exception):
    """A repos or labels file that cannot be used: one line naming the file and the problem."""


# ---------------------------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class Repo:
    name: str  # owner/name
    url: str
    commit: str
    kind: str
    paths: tuple[str, ...] = (".",)
    note: str = ""
    var_files: tuple[str, ...] = ()
    code: bool = False  # its application code uses a cache (the code corpus, issue 19)

    @property
    def in_code_corpus(self) -> bool:
        return self.code or self.kind == "app-code"

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"{where}: expected a string or a list of strings")


def load_repos(path: str | Path = REPOS_FILE) -> list[Repo]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    entries = (data or {}).get("repos") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: expected a mapping with a 'repos' list")
    repos, seen = [], set()
    for i, entry in enumerate(entries, 1):
        where = f"{path}: repos[{i}]"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: expected a mapping")
        missing = [k for k in ("name", "url", "commit", "kind") if not entry.get(k)]
        if missing:
            raise InputError(f"{where}: missing {', '.join(missing)}")
        name = str(entry["name"])
        where = f"{path}: {name}"
        if name.count("/") != 1:
            raise InputError(f"{where}: name must be owner/name")
        if name in seen:
            raise InputError(f"{where}: listed twice")
        seen.add(name)
        if entry["kind"] not in KINDS:
            raise InputError(f"{where}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
        commit = str(entry["commit"])
        if len(commit) != 40 or any(c not in "0123456789abcdef" for c in commit):
            raise InputError(f"{where}: commit must be a full 40-hex-digit id")
        paths = _strings(entry.get("paths"), f"{where}: paths") or (".",)
        for p in paths:
            if os.path.isabs(p) or ".." in Path(p).parts:
                raise InputError(f"{where}: path {p!r} must be relative and inside the repository")
        if not isinstance(entry.get("code", False), bool):
            raise InputError(f"{where}: code must be true or false")
        repos.append(Repo(name=name, url=str(entry["url"]), commit=commit, kind=entry["kind"],
                          paths=paths, note=str(entry.get("note", "")),
                          code=entry.get("code", False),
                          var_files=_strings(entry.get("var_files"), f"{where}: var_files")))
    return repos


def fetch_commands(repos: list[Repo], src: str = "src") -> str:
    lines = ["#!/bin/sh", "# Reproduce the realworld corpus (cachelint benchmarks/realworld.py).",
             "set -e", f"mkdir -p {src}"]
    for r in repos:
        dest = f"{src}/{r.folder}"
        lines += [f"# {r.kind}: {r.note}".rstrip(": "),
                  f"git clone --quiet --filter=blob:none {r.url} {dest}",
                  f"git -C {dest} checkout --quiet {r.commit}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Scanning


@dataclass
class RepoResult:
    repo: Repo
    missing: bool = False
    missing_paths: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {path, message}
    notes: list[str] = field(default_factory=list)
    files_scanned: int = 0
    resources_scanned: int = 0


def _relative(path: str, root: str) -> str:
    full = os.path.abspath(path)
    rel = os.path.relpath(full, root)
    return full if rel.startswith("..") else rel.replace(os.sep, "/")


def _strip_root(text: str, root: str) -> str:
    """``text`` without the checkout's location (absolute or as the scan spelled it), so that
    keys and messages do not depend on where ``--src`` is."""
    for prefix in {os.path.abspath(root), os.path.relpath(root), root}:
        text = text.replace(prefix.rstrip(os.sep) + os.sep, "")
    return text


def finding_record(repo: str, root: str, finding) -> dict:
    """One finding as a dump line: the stable key (repo, path, line, rule, address) first."""
    rule = finding.rule
    return {"repo": repo, "path": _relative(finding.location.path, root),
            "line": finding.location.start_line, "rule": rule.id,
            "address": _strip_root(finding.address, root),
            "severity": finding.severity.label, "rule_name": rule.name,
            "category": rule.category.value, "resource_type": finding.resource_type,
            "end_line": finding.location.end_line,
            "resource_lines": ([finding.resource_location.start_line,
                                finding.resource_location.end_line]
                               if finding.resource_location is not None else None),
            "resource_path": (_relative(finding.resource_location.path, root)
                              if finding.resource_location is not None else None),
            "root": _relative(finding.root, root) if finding.root else "",
            "message": _strip_root(finding.message, root), "fix": rule.remediation,
            "fix_hint": finding.fix_hint}


def record_key(record: dict) -> tuple:
    return (record["repo"], record["path"], record["line"], record["rule"], record["address"])


def _config_for(root: str, first_path: str):
    """The configuration the CLI would find for ``first_path``, bounded by the repository (a
    real checkout has ``.git`` there, which stops the upward search)."""
    from cachelint.config import Config, load_config

    config = load_config(None, first_path)
    if config.path:
        origin = os.path.abspath(config.path)
        if not origin.startswith(os.path.abspath(root).rstrip(os.sep) + os.sep):
            return Config()
    return config


def scan_repo(repo: Repo, src: str, jobs: int | None = 1,
              select: tuple[str, ...] = ()) -> RepoResult:
    """Scan one checkout; ``select`` (rule ids or prefixes) replaces the repository's own
    selection, and turns on the rules that are off by default (the code corpus run)."""
    from cachelint.config import ConfigError
    from cachelint.scan import ScanOptions, run_scan

    result = RepoResult(repo)
    root = os.path.join(src, repo.folder)
    if not os.path.isdir(root):
        result.missing = True
        return result
    paths = []
    for p in repo.paths:
        full = os.path.normpath(os.path.join(root, p))
        if os.path.exists(full):
            paths.append(full)
        else:
            result.missing_paths.append(p)
    if not paths:
        result.missing = True
        return result
    try:
        config = _config_for(root, paths[0])
    except ConfigError as exc:
        result.errors.append({"path": ".", "message": f"configuration: {exc}"})
        from cachelint.config import Config
        config = Config()
    if select:
        config = dataclasses.replace(config, select=select, ignore=())
    var_files = tuple(os.path.join(root, v) for v in repo.var_files)
    report = run_scan(ScanOptions(paths=tuple(paths), config=config, var_files=var_files,
                                  cache_dir=None, jobs=jobs))
    result.records = sorted((finding_record(repo.name, root, f) for f in report.findings),
                            key=record_key)
    result.errors = result.errors + [{"path": _relative(e.path, root), "message": e.message}
                                     for e in report.errors]
    result.errors = [{"path": e["path"], "message": _strip_root(e["message"], root)}
                     for e in result.errors]
    result.notes = [_strip_root(n, root) for n in report.notes]
    result.files_scanned = report.files_scanned
    result.resources_scanned = report.resources_scanned
    return result


# ---------------------------------------------------------------------------------------------
# Labels and scoring


@dataclass(frozen=True)
class Label:
    repo: str
    path: str
    line: int
    rule: str
    address: str = ""
    verdict: str = "unknown"
    reason: str = ""


@dataclass(frozen=True)
class Missed:
    repo: str
    path: str
    line: int
    rule: str  # a rule id or a category
    reason: str = ""


@dataclass
class Labels:
    findings: list[Label] = field(default_factory=list)
    missed: list[Missed] = field(default_factory=list)


def load_labels(path: str | Path | None) -> Labels:
    if path is None or not Path(path).exists():
        if path is not None and Path(path) != LABELS_FILE:
            raise InputError(f"{path}: no such file")
        return Labels()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping with 'findings' and 'missed'")
    unknown = set(data) - {"findings", "missed"}
    if unknown:
        raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r} (use findings, missed)")
    labels = Labels()
    for section in ("findings", "missed"):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise InputError(f"{path}: {section} must be a list")
        for i, entry in enumerate(entries, 1):
            where = f"{path}: {section}[{i}]"
            if not isinstance(entry, dict):
                raise InputError(f"{where}: expected a mapping")
            need = ("repo", "path", "line", "rule") + (("verdict",) if section == "findings"
                                                       else ())
            missing = [k for k in need if entry.get(k) in (None, "")]
            if missing:
                raise InputError(f"{where}: missing {', '.join(missing)}")
            line = entry["line"]
            if not isinstance(line, int) or isinstance(line, bool) or line < 0:
                raise InputError(f"{where}: line must be a whole number")
            common = dict(repo=str(entry["repo"]), path=str(entry["path"]), line=line,
                          rule=str(entry["rule"]), reason=str(entry.get("reason", "")))
            if section == "findings":
                verdict = str(entry["verdict"]).lower()
                if verdict not in VERDICTS:
                    raise InputError(f"{where}: verdict {entry['verdict']!r} is not one of "
                                     f"{', '.join(VERDICTS)}")
                labels.findings.append(Label(address=str(entry.get("address", "")),
                                             verdict=verdict, **common))
            else:
                labels.missed.append(Missed(**common))
    # Two instances of one block (count/for_each) share a line: their addresses tell them apart.
    exact = Counter((lb.repo, lb.path, lb.line, lb.rule, lb.address) for lb in labels.findings)
    twice = [k for k, n in exact.items() if n > 1]
    if twice:
        repo, p, line, rule, _ = twice[0]
        raise InputError(f"{path}: {repo} {p}:{line} {rule} is labelled twice")
    return labels


def match(records: list[dict], labels: list[Label]) -> tuple[dict[int, Label], list[Label]]:
    """Pair findings with labels: exact (repo, path, line, rule) first; else (repo, path, rule,
    address), then (repo, rule, address), when exactly one label and one still-unpaired finding
    share it, so that a label survives a rule that now points at another line (or file) of the
    same resource. Returns the pairs
    (index into ``records`` -> label) and the labels no finding matched."""
    paired: dict[int, Label] = {}
    used: set[int] = set()
    full = {(lb.repo, lb.path, lb.line, lb.rule, lb.address): lb for lb in labels}
    for i, r in enumerate(records):
        lb = full.get((r["repo"], r["path"], r["line"], r["rule"], r["address"]))
        if lb is not None and id(lb) not in used:
            paired[i] = lb
            used.add(id(lb))
    exact = {(lb.repo, lb.path, lb.line, lb.rule): lb for lb in labels}
    for i, r in enumerate(records):
        lb = exact.get((r["repo"], r["path"], r["line"], r["rule"]))
        if i not in paired and lb is not None and id(lb) not in used:
            paired[i] = lb
            used.add(id(lb))
    # Then by resource: in the same file, then anywhere in the repository (a finding that now
    # points where its value is written, e.g. a variable's default in another file).
    for with_path in (True, False):
        by_address: dict[tuple, list[Label]] = defaultdict(list)
        for lb in labels:
            if lb.address:
                by_address[(lb.repo, lb.path if with_path else "", lb.rule, lb.address)].append(lb)
        waiting: dict[tuple, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            if i not in paired:
                waiting[(r["repo"], r["path"] if with_path else "", r["rule"],
                         r["address"])].append(i)
        for key, idx in waiting.items():
            candidates = [lb for lb in by_address.get(key, ()) if id(lb) not in used]
            if len(idx) == 1 and len(by_address.get(key, ())) == 1 and len(candidates) == 1:
                paired[idx[0]] = candidates[0]
                used.add(id(candidates[0]))
    return paired, [lb for lb in labels if id(lb) not in used]


@dataclass
class Tally:
    findings: int = 0
    tp: int = 0
    fp: int = 0
    unknown: int = 0
    unlabelled: int = 0
    missed: int = 0

    def add(self, verdict: str | None) -> None:
        self.findings += 1
        if verdict is None:
            self.unlabelled += 1
        else:
            setattr(self, verdict, getattr(self, verdict) + 1)


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Score:
    by_repo: dict[str, Tally]
    by_rule: dict[str, Tally]
    total: Tally
    severe_false: list[dict]  # findings labelled fp with severity high/critical
    lost: list[Label]  # labelled tp, no longer reported (counted as missed)
    stale: list[Label]  # labelled fp/unknown, no longer reported
    unlabelled: list[dict]

    @property
    def precision(self) -> float | None:
        return ratio(self.total.tp, self.total.tp + self.total.fp)

    @property
    def recall(self) -> float | None:
        return ratio(self.total.tp, self.total.tp + self.total.missed)


def _now_found(m: Missed, found: list[dict]) -> bool:
    """A defect a reviewer listed as missed that a finding labelled true now reports: the same
    rule (or a rule of the named category) at the missed line, or on the resource whose lines
    hold it (a finding may point where its value is written, e.g. a variable's default)."""
    for r in found:
        if r["repo"] != m.repo or m.rule not in (r["rule"], r.get("category")):
            continue
        if r["path"] == m.path and r["line"] == m.line:
            return True
        lines = r.get("resource_lines")
        if r.get("resource_path") == m.path and lines and lines[0] <= m.line <= lines[1]:
            return True
    return False


def score(records: list[dict], labels: Labels, repos: list[str]) -> Score:
    """Score the findings of ``repos`` (the repositories actually scanned) against ``labels``."""
    scanned = set(repos)
    relevant = [lb for lb in labels.findings if lb.repo in scanned]
    paired, unmatched = match(records, relevant)
    by_repo = {name: Tally() for name in repos}
    by_rule: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    severe, unlabelled = [], []
    for i, r in enumerate(records):
        lb = paired.get(i)
        verdict = lb.verdict if lb else None
        for tally in (by_repo.setdefault(r["repo"], Tally()), by_rule[r["rule"]], total):
            tally.add(verdict)
        if verdict == "fp" and r["severity"] in SEVERE:
            severe.append(r)
        if verdict is None:
            unlabelled.append(r)
    lost = [lb for lb in unmatched if lb.verdict == "tp"]
    stale = [lb for lb in unmatched if lb.verdict != "tp"]
    found = [r for i, r in enumerate(records) if i in paired and paired[i].verdict == "tp"]
    missed = [m for m in labels.missed if m.repo in scanned and not _now_found(m, found)]
    for m in missed:
        for tally in (by_repo.setdefault(m.repo, Tally()), by_rule[m.rule], total):
            tally.missed += 1
    for lb in lost:
        for tally in (by_repo.setdefault(lb.repo, Tally()), by_rule[lb.rule], total):
            tally.missed += 1
    return Score(by_repo, dict(by_rule), total, severe, lost, stale, unlabelled)


# ---------------------------------------------------------------------------------------------
# Output


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _table(title: str, rows: dict[str, Tally]) -> list[str]:
    width = max([len(title)] + [len(k) for k in rows])
    head = (f"{title:<{width}}  findings  tp  fp  unknown  unlabelled  missed  "
            f"precision  recall")
    out = [head, "-" * len(head)]
    for name, t in rows.items():
        out.append(f"{name:<{width}}  {t.findings:>8}  {t.tp:>2}  {t.fp:>2}  {t.unknown:>7}  "
                   f"{t.unlabelled:>10}  {t.missed:>6}  "
                   f"{_pct(ratio(t.tp, t.tp + t.fp)):>9}  {_pct(ratio(t.tp, t.tp + t.missed)):>6}")
    return out


def render(results: list[RepoResult], sc: Score) -> str:
    out = ["cachelint on real-world repositories", ""]
    missing = [r for r in results if r.missing]
    for r in results:
        if r.missing_paths and not r.missing:
            out.append(f"warning: {r.repo.name}: paths not found: {', '.join(r.missing_paths)}")
    scanned = {r.repo.name: r for r in results if not r.missing}
    out += _table("repository", {n: sc.by_repo.get(n, Tally()) for n in scanned}) + [""]
    out.append("scan: files, resources, errors per repository")
    for name, r in scanned.items():
        out.append(f"  {name}: {r.files_scanned} files, {r.resources_scanned} resources, "
                   f"{len(r.errors)} errors")
    out.append("")
    out += _table("rule", dict(sorted(sc.by_rule.items()))) + [""]
    t = sc.total
    out.append(f"overall: {t.findings} findings, {t.tp} tp, {t.fp} fp, {t.unknown} unknown, "
               f"{t.unlabelled} unlabelled, {t.missed} missed")
    out.append(f"precision = TP/(TP+FP) = {_pct(sc.precision)}   "
               f"recall = TP/(TP+missed) = {_pct(sc.recall)}")
    out.append("")
    out.append(f"false findings of severity high/critical: {len(sc.severe_false)}")
    for r in sc.severe_false:
        out.append(f"  {r['repo']} {r['path']}:{r['line']} {r['rule']} {r['severity']} "
                   f"{r['address']}")
    if sc.lost:
        out.append(f"labelled tp, no longer reported (counted as missed): {len(sc.lost)}")
        for lb in sc.lost:
            out.append(f"  {lb.repo} {lb.path}:{lb.line} {lb.rule} {lb.address}")
    if sc.stale:
        out.append(f"labelled fp/unknown, no longer reported: {len(sc.stale)}")
        for lb in sc.stale:
            out.append(f"  {lb.repo} {lb.path}:{lb.line} {lb.rule} ({lb.verdict})")
    if missing:
        out.append(f"missing from --src (not scanned): {len(missing)}")
        for r in missing:
            out.append(f"  {r.repo.name} (expected {r.repo.folder}/; see --print-fetch)")
    return "\n".join(out) + "\n"


def write_dump(path: str, results: list[RepoResult]) -> int:
    records = sorted((rec for r in results for rec in r.records), key=record_key)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, sort_keys=False) + "\n")
    return len(records)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", help="folder holding one checkout per repository (owner+name)")
    ap.add_argument("--repos", default=str(REPOS_FILE), help="corpus file (default: %(default)s)")
    ap.add_argument("--labels", default=None,
                    help=f"labels file (default: {LABELS_FILE.relative_to(ROOT)} if present)")
    ap.add_argument("--dump", metavar="FILE.jsonl", help="write every finding as one JSON line")
    ap.add_argument("--repo", action="append", default=[], metavar="OWNER/NAME",
                    help="only this repository (repeatable)")
    ap.add_argument("--code-corpus", action="store_true",
                    help="only the repositories whose application code uses a cache "
                         "(kind app-code, or code: true)")
    ap.add_argument("--select", default="", metavar="CODES",
                    help="comma-separated rule ids or prefixes to run instead of the defaults "
                         "(turns on rules that are off by default; e.g. CL6 for the code rules)")
    ap.add_argument("--print-fetch", action="store_true",
                    help="print the git commands that reproduce the corpus, and exit")
    ap.add_argument("--jobs", type=int, default=1, help="parser processes (default: 1)")
    args = ap.parse_args(argv)
    try:
        repos = load_repos(args.repos)
        if args.print_fetch:
            sys.stdout.write(fetch_commands(repos, args.src or "src"))
            return 0
        if not args.src:
            ap.error("--src is required (or --print-fetch)")
        unknown = [n for n in args.repo if n not in {r.name for r in repos}]
        if unknown:
            raise InputError(f"{args.repos}: no repository named {unknown[0]}")
        labels = load_labels(args.labels if args.labels else LABELS_FILE)
    except InputError as exc:
        print(f"realworld: error: {exc}", file=sys.stderr)
        return 2
    chosen = [r for r in repos if (not args.repo or r.name in args.repo)
              and (not args.code_corpus or r.in_code_corpus)]
    results = []
    for repo in chosen:
        print(f"scanning {repo.name} ...", file=sys.stderr, flush=True)
        select = tuple(c.strip() for c in args.select.split(",") if c.strip())
        results.append(scan_repo(repo, args.src, jobs=args.jobs, select=select))
    records = [rec for r in results for rec in r.records]
    sc = score(records, labels, [r.repo.name for r in results if not r.missing])
    sys.stdout.write(render(results, sc))
    if args.dump:
        n = write_dump(args.dump, results)
        print(f"wrote {n} findings to {args.dump}", file=sys.stderr)
    return 1 if any(r.missing for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
